import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpTarget } from '../../core/erp/target';
import { createNetsisConnector } from '../../connectors/netsis';
import { parseInvoiceKey, serializeInvoiceKey } from '../../connectors/netsis/map';
import type { InvoiceDocument } from '../../core/documents/model';
import { unitCodeFor } from '../../core/documents/units';
import { KonnektorError } from '../../core/errors';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { netsisErpMigrations } from '../../migrations/erp/netsis';
import { createNetsisDemo, netsisDemoPlan } from '../../sandbox/demo/netsis';
import { demoBook, demoWorld, type DemoInvoice } from '../../sandbox/demo/scenario';

const SEED = 11;
const YEAR = 2026;
const INVOICES = 120;
const world = demoWorld(SEED);
const plan = netsisDemoPlan({ invoices: INVOICES, year: YEAR });
const books = new Map(
  plan.map((c) => [
    c.database,
    demoBook(world, { seed: SEED, company: world.companies[c.companyIndex]!, fiscalYear: c.fiscalYear, count: c.count, sentShare: c.sentShare }),
  ]),
);

const connector = createNetsisConnector({ now: () => new Date('2026-06-15T09:00:00Z') });
let dir: string;
let server: string;
let ctx: { connections: ErpConnections };
const target = (database: string): ErpTarget => ({ connector: 'netsis', server, database });
const str = (d: Decimal | undefined) => d?.toString();

async function codeOf(work: Promise<unknown> | (() => Promise<unknown>)): Promise<KonnektorError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    if (e instanceof KonnektorError) return e;
    throw e;
  }
  throw new Error('expected a KonnektorError');
}

function copyDatabase(from: string, to: string, change?: (db: Database.Database) => void): void {
  fs.copyFileSync(path.join(dir, `${from}.sqlite`), path.join(dir, `${to}.sqlite`));
  if (change) {
    const db = new Database(path.join(dir, `${to}.sqlite`));
    change(db);
    db.close();
  }
}

function listCompany(name: string): void {
  const db = new Database(path.join(dir, 'NETSIS.sqlite'));
  db.prepare('INSERT INTO SIRKETLER30 (SIRKET, SIRKETYILI) VALUES (?, ?)').run(name, YEAR);
  db.close();
}

function hashes(): Record<string, string> {
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sqlite'))
      .map((f) => [f, crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, f))).digest('hex')]),
  );
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-netsis-'));
  server = `sqlite:${dir}`;
  const summary = await createNetsisDemo(dir, world, { seed: SEED, invoices: INVOICES, year: YEAR });
  expect(summary.databases).toEqual(['NETSIS', `ORNEKTEKSTIL${YEAR - 1}`, `ORNEKTEKSTIL${YEAR}`, `ANADOLUGIDA${YEAR}`]);
  expect(summary.invoices).toBe([...books.values()].reduce((a, b) => a + b.invoices.length, 0));
  // Databases for the bad-input cases: not listed in SIRKETLER30; listed but without TBLSTHAR; without a column.
  copyDatabase(`ORNEKTEKSTIL${YEAR}`, `YABANCI${YEAR}`);
  copyDatabase(`ORNEKTEKSTIL${YEAR}`, `EKSIKTABLO${YEAR}`, (db) => db.exec('DROP TABLE TBLSTHAR'));
  copyDatabase(`ORNEKTEKSTIL${YEAR}`, `EKSIKALAN${YEAR}`, (db) => db.exec('ALTER TABLE TBLFATUIRS DROP COLUMN EBELGE'));
  listCompany(`EKSIKTABLO${YEAR}`);
  listCompany(`EKSIKALAN${YEAR}`);
  const other = new Database(path.join(dir, 'BASKAPROGRAM.sqlite'));
  other.exec('CREATE TABLE FOO (ID INTEGER)');
  other.close();
  ctx = { connections: new ErpConnections() };
});

afterAll(async () => {
  await ctx?.connections.closeAll();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Compares one document read back with the invoice of the book it was written from. */
function expectMatches(doc: InvoiceDocument, inv: DemoInvoice): void {
  const c = inv.customer;
  expect(doc.supplier?.taxId).toEqual({ scheme: 'VKN', value: inv.company.vkn });
  expect(doc.supplier?.name).toBe(inv.company.name);
  expect(doc.supplier?.address).toMatchObject({ street: inv.company.street, city: inv.company.city });
  expect(doc.module).toBe(inv.module);
  expect(doc.erpNumber).toBe(inv.erpNumber);
  expect(doc.issueDate).toBe(inv.date);
  expect(doc.type).toBe(inv.type);
  expect(doc.profileHint).toBe(inv.profile);
  expect(doc.currency).toBe(inv.currency);
  expect(str(doc.exchangeRate)).toBe(str(inv.rate));
  expect(doc.notes).toEqual(inv.notes);
  expect(doc.returnRefs).toEqual(inv.returnOf ? [{ id: inv.returnOf.number, issueDate: inv.returnOf.date }] : []);
  expect(doc.customer.erpCode).toBe(c.code);
  expect(doc.customer.name).toBe(c.name);
  expect(doc.customer.taxId).toEqual(c.kind === 'person' ? { scheme: 'TCKN', value: c.tckn } : { scheme: 'VKN', value: c.vkn });
  expect(doc.customer.person).toEqual(c.kind === 'person' ? { firstName: c.firstName, familyName: c.familyName } : undefined);
  expect(doc.customer.address).toMatchObject({ street: c.street, citySubdivision: c.district, city: c.city, country: 'Türkiye' });
  expect(doc.customer.taxOffice).toBe(c.taxOffice);
  expect(doc.customer.email).toBe(c.email);
  expect(doc.lines).toHaveLength(inv.lines.length);
  inv.lines.forEach((l, i) => {
    const d = doc.lines[i]!;
    expect(d.itemCode).toBe(l.item.code);
    // The line's own text (EKALAN) is printed instead of the card's name, which stays as the description.
    expect(d.itemName).toBe(l.ownText ?? l.item.name);
    expect(d.description).toBe(l.ownText ? l.item.name : undefined);
    expect(d.unitCode).toBe(unitCodeFor(l.item.unit));
    expect(str(d.quantity)).toBe(str(l.quantity));
    expect(str(d.unitPrice)).toBe(str(l.unitPrice));
    expect(str(d.grossAmount)).toBe(str(l.gross));
    // Every discount level, each on what the previous left.
    expect(d.allowances.map((a) => str(a.percent))).toEqual(l.discountLevels.map(str));
    expect(str(d.allowances.reduce((a, x) => a.plus(x.amount), new Decimal(0)))).toBe(str(l.discount));
    expect(str(d.netAmount)).toBe(str(l.net));
    expect(str(d.vatRate)).toBe(String(l.vatRate));
    expect(str(d.vatAmount)).toBe(str(l.vat));
    expect(d.exemption).toEqual(l.exemption);
    expect(d.withholding ? [d.withholding.code, str(d.withholding.percent)] : undefined).toEqual(
      l.withholding ? [l.withholding.code, str(new Decimal(l.withholding.part1).mul(100).div(l.withholding.part2))] : undefined,
    );
  });
  expect(doc.allowances.map((a) => str(a.amount))).toEqual(inv.globalDiscountPercent.isZero() ? [] : [str(inv.totals.globalDiscount)]);
  const sum = (pick: (l: InvoiceDocument['lines'][number]) => Decimal) => doc.lines.reduce((a, l) => a.plus(pick(l)), new Decimal(0));
  expect(str(sum((l) => l.vatAmount))).toBe(str(inv.totals.vat));
  expect(str(sum((l) => l.netAmount))).toBe(str(inv.totals.net));
  expect(str(doc.erpTotals?.taxInclusive)).toBe(str(inv.totals.vatBase.plus(inv.totals.vat)));
  if (inv.currency === 'TRY') {
    expect(str(doc.erpTotals?.gross)).toBe(str(inv.totals.gross));
    expect(str(doc.erpTotals?.taxTotal)).toBe(str(inv.totals.vat));
    expect(str(doc.erpTotals?.allowanceTotal)).toBe(str(inv.totals.lineDiscounts.plus(inv.totals.globalDiscount)));
  }
}

describe('Netsis connector on the demo databases', () => {
  it('lists every database and recognises the companies of SIRKETLER30 and databases with TBLFATUIRS', async () => {
    const list = await connector.listDatabases(ctx, server);
    const byName = Object.fromEntries(list.map((d) => [d.name, d]));
    expect(Object.keys(byName).sort()).toEqual(
      ['ANADOLUGIDA2026', 'BASKAPROGRAM', 'EKSIKALAN2026', 'EKSIKTABLO2026', 'NETSIS', 'ORNEKTEKSTIL2025', 'ORNEKTEKSTIL2026', 'YABANCI2026'].sort(),
    );
    // The company is SIRKETLER30's title where the site has one [I], else the database name without its year.
    expect(byName.ORNEKTEKSTIL2025).toEqual({ name: 'ORNEKTEKSTIL2025', company: world.companies[0]!.name, fiscalYear: 2025, recognised: true });
    expect(byName.ANADOLUGIDA2026).toEqual({ name: 'ANADOLUGIDA2026', company: world.companies[1]!.name, fiscalYear: 2026, recognised: true });
    expect(byName.EKSIKTABLO2026).toEqual({ name: 'EKSIKTABLO2026', company: 'EKSIKTABLO', fiscalYear: 2026, recognised: true });
    // Has Netsis tables but is not a company Netsis knows: recognised, without a company.
    expect(byName.YABANCI2026).toEqual({ name: 'YABANCI2026', recognised: true });
    expect(byName.NETSIS).toEqual({ name: 'NETSIS', recognised: false });
    expect(byName.BASKAPROGRAM).toEqual({ name: 'BASKAPROGRAM', recognised: false });
  });

  it('lists one firm/period per SIRKETLER30 row, this year active', async () => {
    const periods = await connector.listFirmPeriods(ctx, { connector: 'netsis', server });
    const [ornek, anadolu] = world.companies.map((c) => c.name);
    expect(periods.map((p) => [p.database, p.firm, p.firmName, p.period, p.periodBegin, p.periodEnd, p.active])).toEqual([
      ['ANADOLUGIDA2026', '001', anadolu, '01', '2026-01-01', '2026-12-31', true],
      ['EKSIKALAN2026', '002', 'EKSIKALAN', '01', '2026-01-01', '2026-12-31', true],
      ['EKSIKTABLO2026', '003', 'EKSIKTABLO', '01', '2026-01-01', '2026-12-31', true],
      ['ORNEKTEKSTIL2025', '004', ornek, '01', '2025-01-01', '2025-12-31', false],
      ['ORNEKTEKSTIL2026', '004', ornek, '01', '2026-01-01', '2026-12-31', true],
    ]);
    expect((await connector.listFirmPeriods(ctx, { connector: 'netsis', server, firm: '004' })).map((p) => p.database)).toEqual([
      'ORNEKTEKSTIL2025',
      'ORNEKTEKSTIL2026',
    ]);
    // Before the 2026 databases existed (a 2025 clock), the latest year of each company is the active one.
    const early = createNetsisConnector({ now: () => new Date('2024-05-01T00:00:00Z') });
    const active = (await early.listFirmPeriods(ctx, { connector: 'netsis', server })).filter((p) => p.active).map((p) => p.database);
    expect(active).toEqual(['ANADOLUGIDA2026', 'EKSIKALAN2026', 'EKSIKTABLO2026', 'ORNEKTEKSTIL2026']);
  });

  it('passes the connection test on a company database', async () => {
    const result = await connector.testConnection(ctx, target('ORNEKTEKSTIL2026'), 'efatura');
    expect(result.ok).toBe(true);
    expect(result.checks.every((c) => c.ok)).toBe(true);
    expect(result.checks.map((c) => c.name)).toEqual(['reachable', 'login', 'database', 'tables', 'columns', 'read']);
    expect(result.tables).toEqual(['NETSIS..SIRKETLER30', 'NETSIS..KUR', 'TBLFATUIRS', 'TBLSTHAR', 'TBLCASABIT', 'TBLCASABITEK', 'TBLSTSABIT']);
  });

  it('keeps the damaged code page in the database and the helper tables exactly as the migrations make them', async () => {
    const raw = new Database(path.join(dir, 'ORNEKTEKSTIL2026.sqlite'), { readonly: true });
    const names = (raw.prepare('SELECT CARI_ISIM FROM TBLCASABIT').all() as { CARI_ISIM: string }[]).map((r) => r.CARI_ISIM);
    expect(names.some((n) => /[ÝÞÐýþð]/.test(n))).toBe(true);
    expect(names.some((n) => /[İŞĞış]/.test(n))).toBe(false);
    const schema = (db: Database.Database) =>
      db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name LIKE 'KNK_%' OR tbl_name LIKE 'KNK_%' ORDER BY name").all();
    const demoSchema = schema(raw);
    const sentCount = (raw.prepare("SELECT COUNT(*) AS n FROM KNK_EBELGE WHERE MODUL <> 'eirsaliye'").get() as { n: number }).n;
    const numbered = (raw.prepare("SELECT COUNT(*) AS n FROM TBLFATUIRS WHERE FTIRSIP = '1' AND GIB_FATIRS_NO IS NOT NULL").get() as { n: number }).n;
    raw.close();
    const book = books.get('ORNEKTEKSTIL2026')!;
    expect(sentCount).toBe(book.invoices.filter((i) => i.sent).length);
    expect(numbered).toBe(sentCount);

    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-netsis-fresh-'));
    new Database(path.join(fresh, 'BOS.sqlite')).close();
    const connections = new ErpConnections();
    try {
      await applyErpMigrations(await connections.database(`sqlite:${fresh}`, 'BOS'), netsisErpMigrations);
    } finally {
      await connections.closeAll();
    }
    const freshDb = new Database(path.join(fresh, 'BOS.sqlite'), { readonly: true });
    expect(demoSchema).toEqual(schema(freshDb));
    freshDb.close();
    fs.rmSync(fresh, { recursive: true, force: true });
  });

  it.each(plan.map((c) => c.database))('reads exactly the unsent invoices of the book of %s', async (database) => {
    const book = books.get(database)!;
    for (const module of ['efatura', 'earsiv'] as const) {
      const docs = (await connector.readOutgoing(ctx, target(database), module)) as InvoiceDocument[];
      const expected = book.invoices.filter((i) => !i.sent && i.module === module);
      expect(docs.map((d) => d.erpNumber).sort()).toEqual(expected.map((i) => i.erpNumber).sort());
      for (const doc of docs) {
        expect(doc.ref.connector).toBe('netsis');
        expect(doc.ref.database).toBe(database);
        expect(doc.ettn).toBeUndefined();
        expectMatches(doc as InvoiceDocument, expected.find((i) => i.erpNumber === doc.erpNumber)!);
      }
    }
  });

  it('covers returns, withholding, exemptions, foreign currency, discounts, individuals and a 200-line invoice', () => {
    const unsent = [...books.values()].flatMap((b) => b.invoices.filter((i) => !i.sent));
    expect(unsent.some((i) => i.type === 'IADE')).toBe(true);
    expect(unsent.some((i) => i.type === 'TEVKIFAT')).toBe(true);
    expect(unsent.some((i) => i.type === 'ISTISNA')).toBe(true);
    expect(unsent.some((i) => i.currency !== 'TRY')).toBe(true);
    expect(unsent.some((i) => !i.globalDiscountPercent.isZero())).toBe(true);
    expect(unsent.some((i) => i.lines.some((l) => !l.discountPercent.isZero()))).toBe(true);
    expect(unsent.some((i) => i.customer.kind === 'person')).toBe(true);
    expect(unsent.some((i) => i.lines.length === 200)).toBe(true);
  });

  it('pages and filters by date without skipping or repeating invoices', async () => {
    const all = await connector.readOutgoing(ctx, target('ORNEKTEKSTIL2026'), 'earsiv');
    const pages: string[] = [];
    for (let offset = 0; offset < all.length + 4; offset += 4) {
      pages.push(...(await connector.readOutgoing(ctx, target('ORNEKTEKSTIL2026'), 'earsiv', { limit: 4, offset })).map((d) => d.ref.key));
    }
    expect(pages).toEqual(all.map((d) => d.ref.key));
    const from = all[Math.floor(all.length / 3)]!.issueDate;
    const to = all[Math.floor((2 * all.length) / 3)]!.issueDate;
    const window = await connector.readOutgoing(ctx, target('ORNEKTEKSTIL2026'), 'earsiv', { from, to });
    expect(window.length).toBeGreaterThan(0);
    expect(window.map((d) => d.erpNumber)).toEqual(all.filter((d) => d.issueDate >= from && d.issueDate <= to).map((d) => d.erpNumber));
  });

  it('writes the GİB number back, after which the invoice is no longer outgoing', async () => {
    const t = target('ORNEKTEKSTIL2026');
    const [doc] = await connector.readOutgoing(ctx, t, 'efatura');
    const ettn = crypto.randomUUID();
    const number = 'ORN2026000090001';
    await connector.writeBack(ctx, t, doc!.ref, { ettn, number, status: 'sent' });
    expect((await connector.readOutgoing(ctx, t, 'efatura')).map((d) => d.ref.key)).not.toContain(doc!.ref.key);

    const raw = new Database(path.join(dir, 'ORNEKTEKSTIL2026.sqlite'), { readonly: true });
    const key = parseInvoiceKey(doc!.ref.key);
    const row = raw
      .prepare('SELECT GIB_FATIRS_NO FROM TBLFATUIRS WHERE SUBE_KODU = ? AND FTIRSIP = ? AND FATIRS_NO = ? AND CARI_KODU = ?')
      .get(key.sube, key.ftirsip, key.fatirsNo, key.cariKodu) as { GIB_FATIRS_NO: string };
    const status = raw.prepare('SELECT * FROM KNK_EBELGE WHERE ERP_ANAHTAR = ?').get(doc!.ref.key) as Record<string, unknown>;
    raw.close();
    expect(row.GIB_FATIRS_NO).toBe(number);
    expect(status).toMatchObject({ FIRMA: '', DONEM: '', MODUL: 'efatura', ETTN: ettn, BELGE_NO: number, DURUM: 'sent' });

    // The same outcome again (a later status) is fine; another number or ETTN for the same invoice is refused.
    await connector.writeBack(ctx, t, doc!.ref, { ettn, number, status: 'accepted', gibCode: '1300' });
    expect((await codeOf(connector.writeBack(ctx, t, doc!.ref, { ettn, number: 'ORN2026000090002', status: 'sent' }))).code).toBe('ERP_ETTN_CONFLICT');
    expect((await codeOf(connector.writeBack(ctx, t, doc!.ref, { ettn: crypto.randomUUID(), number, status: 'sent' }))).code).toBe(
      'ERP_ETTN_CONFLICT',
    );
  });

  it('keeps a failed invoice outgoing with its ETTN, and refuses unknown or foreign keys', async () => {
    const t = target('ORNEKTEKSTIL2026');
    const [doc] = await connector.readOutgoing(ctx, t, 'earsiv');
    const ettn = crypto.randomUUID();
    await connector.writeBack(ctx, t, doc!.ref, { ettn, number: 'ORN2026000090003', status: 'failed', message: 'Schematron hatası' });
    const again = (await connector.readOutgoing(ctx, t, 'earsiv')).find((d) => d.ref.key === doc!.ref.key);
    expect(again?.ettn).toBe(ettn);
    await connector.writeBack(ctx, t, doc!.ref, { ettn, number: 'ORN2026000090003', status: 'sent' });
    expect((await connector.readOutgoing(ctx, t, 'earsiv')).map((d) => d.ref.key)).not.toContain(doc!.ref.key);

    const ref = (key: string) => ({ connector: 'netsis', database: 'ORNEKTEKSTIL2026', key });
    const result = { ettn: crypto.randomUUID(), number: 'ORN2026000090004', status: 'sent' as const };
    const unknown = serializeInvoiceKey({ sube: 0, ftirsip: '1', fatirsNo: 'SAT20269999999', cariKodu: '120.01.001' });
    for (const key of [unknown, 'SAT2026/1', '[0,"1","SAT2026","x"] OR 1=1']) {
      expect((await codeOf(connector.writeBack(ctx, t, ref(key), result))).code).toBe('ERP_DOCUMENT_NOT_FOUND');
    }
    // The purchase invoice that shares number and party with sales invoice 50 is never written to.
    const sale50 = books.get('ORNEKTEKSTIL2026')!.invoices[49]!;
    const purchase = serializeInvoiceKey({ sube: 0, ftirsip: '2', fatirsNo: sale50.erpNumber, cariKodu: sale50.customer.code });
    expect((await codeOf(connector.writeBack(ctx, t, ref(purchase), result))).code).toBe('ERP_DOCUMENT_NOT_FOUND');
  });
});

describe('Netsis connector on bad input changes nothing', () => {
  let before: Record<string, string>;
  const sent = { ettn: '6f1c2d9e-8a4b-4c1e-9f3a-2b7d5e8c1a90', number: 'ORN2026000099999', status: 'sent' as const };
  const someRef = (database: string) => ({
    connector: 'netsis',
    database,
    key: serializeInvoiceKey({ sube: 0, ftirsip: '1', fatirsNo: books.get('ORNEKTEKSTIL2026')!.invoices[0]!.erpNumber, cariKodu: books.get('ORNEKTEKSTIL2026')!.invoices[0]!.customer.code }),
  });

  beforeAll(async () => {
    await ctx.connections.closeAll();
    before = hashes();
  });

  it('refuses a company database that SIRKETLER30 does not list', async () => {
    for (const work of [
      () => connector.testConnection(ctx, target('YABANCI2026'), 'efatura'),
      () => connector.readOutgoing(ctx, target('YABANCI2026'), 'efatura'),
      () => connector.writeBack(ctx, target('YABANCI2026'), someRef('YABANCI2026'), sent),
      () => connector.readOutgoing(ctx, target('NETSIS'), 'earsiv'),
    ]) {
      const e = await codeOf(work);
      expect(e.code).toBe('ERP_COMPANY_NOT_FOUND');
      expect(['YABANCI2026', 'NETSIS']).toContain(e.details.company);
      expect(e.userMessage).toContain(String(e.details.company));
    }
  });

  it('names the missing table of a listed database', async () => {
    for (const work of [() => connector.testConnection(ctx, target('EKSIKTABLO2026'), 'efatura'), () => connector.readOutgoing(ctx, target('EKSIKTABLO2026'), 'earsiv')]) {
      const e = await codeOf(work);
      expect(e.code).toBe('ERP_TABLES_MISSING');
      expect(e.details.tables).toEqual(['TBLSTHAR']);
    }
  });

  it('names the table and column that is missing', async () => {
    for (const work of [
      () => connector.testConnection(ctx, target('EKSIKALAN2026'), 'efatura'),
      () => connector.readOutgoing(ctx, target('EKSIKALAN2026'), 'efatura'),
      () => connector.writeBack(ctx, target('EKSIKALAN2026'), someRef('EKSIKALAN2026'), sent),
    ]) {
      const e = await codeOf(work);
      expect(e.code).toBe('ERP_COLUMN_MISSING');
      expect(e.details).toMatchObject({ table: 'TBLFATUIRS', column: 'EBELGE', database: 'EKSIKALAN2026' });
      expect(e.userMessage).toContain('TBLFATUIRS.EBELGE');
    }
  });

  it('reports an unknown database, an invalid name, a bad date and an unsupported module', async () => {
    for (const work of [
      () => connector.testConnection(ctx, target('YOKBOYLE2026'), 'efatura'),
      () => connector.readOutgoing(ctx, target('YOKBOYLE2026'), 'efatura'),
      () => connector.writeBack(ctx, target('YOKBOYLE2026'), someRef('YOKBOYLE2026'), sent),
    ]) {
      const e = await codeOf(work);
      expect(e.code).toBe('ERP_DATABASE_NOT_FOUND');
      expect(e.details.database).toBe('YOKBOYLE2026');
    }
    expect((await codeOf(connector.readOutgoing(ctx, target("ORNEK'; DROP DATABASE NETSIS;--"), 'efatura'))).code).toBe('ERP_DATABASE_NAME_INVALID');
    expect((await codeOf(connector.readOutgoing(ctx, target('ORNEKTEKSTIL2026'), 'efatura', { from: "2026-01-01' OR 1=1" }))).code).toBe('ERP_DATE_INVALID');
    expect((await codeOf(connector.readOutgoing(ctx, target('ORNEKTEKSTIL2026'), 'esmm'))).code).toBe('MODULE_NOT_SUPPORTED');
  });

  it('reports a server without the NETSIS system database', async () => {
    const lone = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-netsis-lone-'));
    fs.copyFileSync(path.join(dir, 'ORNEKTEKSTIL2026.sqlite'), path.join(lone, 'ORNEKTEKSTIL2026.sqlite'));
    try {
      const e = await codeOf(connector.readOutgoing(ctx, { connector: 'netsis', server: `sqlite:${lone}`, database: 'ORNEKTEKSTIL2026' }, 'efatura'));
      expect(e.code).toBe('ERP_DATABASE_NOT_FOUND');
      expect(e.details.database).toBe('NETSIS');
      // Without NETSIS nothing is a listed company, but the database is still recognised by its tables.
      expect(await connector.listDatabases(ctx, `sqlite:${lone}`)).toEqual([{ name: 'ORNEKTEKSTIL2026', recognised: true }]);
    } finally {
      await ctx.connections.closeAll();
      fs.rmSync(lone, { recursive: true, force: true });
    }
  });

  it('left every database file as it was', async () => {
    await ctx.connections.closeAll();
    expect(hashes()).toEqual(before);
  });
});
