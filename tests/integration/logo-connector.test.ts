import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoConnector } from '../../connectors/logo';
import type { InvoiceDocument } from '../../core/documents/model';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { logoErpMigrations } from '../../migrations/erp/logo';
import { createLogoDemo, logoDemoBooks, recordLogoDemoSent } from '../../sandbox/demo/logo';
import { demoWorld, type DemoInvoice } from '../../sandbox/demo/scenario';
import { dumpFolder } from '../fixtures/dump';

const YEAR = 2026;
let dir: string;
let server: string;
let layout: ReturnType<typeof logoDemoBooks>;
const connections = new ErpConnections();
const ctx = { connections };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-logo-'));
  server = `sqlite:${dir}`;
  const world = demoWorld(3);
  const result = createLogoDemo(dir, world, { seed: 3, invoices: 80, year: YEAR });
  layout = logoDemoBooks(world, result.plan);
  await applyErpMigrations(await connections.database(server, 'LOGODB'), logoErpMigrations);
  recordLogoDemoSent(dir, result.sent);
});
afterAll(async () => connections.closeAll());

const target = (firm: string, period: string): ErpTarget => ({ connector: 'logo', server, database: 'LOGODB', firm, period });

function expectedOutgoing(firm: string, period: string, module: 'efatura' | 'earsiv'): DemoInvoice[] {
  const book = layout.find((l) => l.firm === firm && l.period === period)!.book;
  return book.invoices.filter((i) => !i.sent && i.module === module);
}

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

describe('Logo connector on the demo LOGODB', () => {
  it('declares the firm/period shape', () => {
    expect(logoConnector.shape).toBe('firm-period');
  });

  it('finds LOGODB with "Veri tabanı Ara"', async () => {
    fs.writeFileSync(path.join(dir, 'unrelated.txt'), 'x');
    const dbs = await logoConnector.listDatabases(ctx, server);
    expect(dbs).toContainEqual({ name: 'LOGODB', recognised: true });
  });

  it('lists firms and periods with dates and the active flag ("Firma/Dönem Ara")', async () => {
    const rows = await logoConnector.listFirmPeriods(ctx, { connector: 'logo', server, database: 'LOGODB' });
    expect(rows.map((r) => [r.firm, r.period, r.periodBegin, r.periodEnd, r.active])).toEqual([
      ['001', '01', '2025-01-01', '2025-12-31', false],
      ['001', '02', '2026-01-01', '2026-12-31', true],
      ['002', '01', '2025-01-01', '2025-12-31', false],
      ['002', '02', '2026-01-01', '2026-12-31', true],
    ]);
    expect(rows[0]!.firmName).toBe('Örnek Tekstil Sanayi ve Ticaret A.Ş.');
    expect((await logoConnector.listFirmPeriods(ctx, { ...target('002', '01'), period: undefined })).map((r) => r.firm)).toEqual(['002', '002']);
  });

  it('tests the connection of a module: tables, columns, read permission', async () => {
    const result = await logoConnector.testConnection(ctx, target('002', '02'), 'efatura');
    expect(result.ok).toBe(true);
    expect(result.tables).toContain('LG_002_02_INVOICE');
    expect(result.checks.map((c) => c.name)).toEqual(['reachable', 'login', 'database', 'tables', 'columns', 'read']);
  });

  for (const [firm, period] of [['001', '01'], ['001', '02'], ['002', '02']] as const) {
    for (const module of ['efatura', 'earsiv'] as const) {
      it(`reads exactly the unsent ${module} invoices of firm ${firm} period ${period}, as written`, async () => {
        const expected = expectedOutgoing(firm, period, module);
        const docs = (await logoConnector.readOutgoing(ctx, target(firm, period), module)) as InvoiceDocument[];
        expect(docs.map((d) => d.erpNumber)).toEqual(expected.map((e) => e.erpNumber));
        docs.forEach((doc, i) => compareWithSpec(doc, expected[i]!));
      });
    }
  }

  it('filters by date and pages with limit/offset', async () => {
    const all = await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv');
    expect(all.length).toBeGreaterThan(3);
    const pages = [
      ...(await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv', { limit: 2, offset: 0 })),
      ...(await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv', { limit: 2, offset: 2 })),
      ...(await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv', { offset: 4 })),
    ];
    expect(pages.map((d) => d.ref.key)).toEqual(all.map((d) => d.ref.key));
    const mid = all[Math.floor(all.length / 2)]!.issueDate;
    const firstHalf = await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv', { to: mid });
    expect(firstHalf.length).toBeGreaterThan(0);
    expect(firstHalf.every((d) => d.issueDate <= mid)).toBe(true);
    const secondHalf = await logoConnector.readOutgoing(ctx, target('001', '02'), 'earsiv', { from: mid });
    expect(secondHalf.every((d) => d.issueDate >= mid)).toBe(true);
  });

  describe('bad input changes nothing', () => {
    let before: string;
    beforeAll(() => {
      // A database of another program, and a Logo database whose invoice table lacks a column.
      new Database(path.join(dir, 'OTHER.sqlite')).exec('create table TBLFATUIRS (FATIRS_NO text)').close();
      fs.copyFileSync(path.join(dir, 'LOGODB.sqlite'), path.join(dir, 'BROKEN.sqlite'));
      const broken = new Database(path.join(dir, 'BROKEN.sqlite'));
      broken.exec('drop index I_001_02_INVOICE_SEND; alter table LG_001_02_INVOICE drop column ESTATUS');
      broken.close();
      // An older Logo release: no withholding columns on STLINE, no unit GLOBALCODE.
      fs.copyFileSync(path.join(dir, 'LOGODB.sqlite'), path.join(dir, 'OLDLOGO.sqlite'));
      const old = new Database(path.join(dir, 'OLDLOGO.sqlite'));
      for (const c of ['DEDUCTCODE', 'DEDUCTIONPART1', 'DEDUCTIONPART2']) old.exec(`alter table LG_001_02_STLINE drop column ${c}`);
      old.exec('alter table LG_001_UNITSETL drop column GLOBALCODE');
      old.close();
      before = dumpFolder(dir);
    });

    it('an unknown firm or period', async () => {
      expect((await errorOf(logoConnector.testConnection(ctx, target('003', '01'), 'efatura'))).code).toBe('ERP_FIRM_NOT_FOUND');
      expect((await errorOf(logoConnector.readOutgoing(ctx, target('001', '05'), 'efatura'))).code).toBe('ERP_PERIOD_NOT_FOUND');
    });

    it('an unknown database', async () => {
      expect((await errorOf(logoConnector.testConnection(ctx, { ...target('001', '01'), database: 'YOKDB' }, 'efatura'))).code).toBe(
        'ERP_DATABASE_NOT_FOUND',
      );
    });

    it('a database without Logo tables names them', async () => {
      const err = await errorOf(logoConnector.testConnection(ctx, { ...target('001', '01'), database: 'OTHER' }, 'efatura'));
      expect(err.code).toBe('ERP_TABLES_MISSING');
      expect(err.details?.tables).toEqual(['L_CAPIFIRM', 'L_CAPIPERIOD']);
    });

    it('a table missing a required column names which one', async () => {
      const err = await errorOf(logoConnector.testConnection(ctx, { ...target('001', '02'), database: 'BROKEN' }, 'efatura'));
      expect(err.code).toBe('ERP_COLUMN_MISSING');
      expect(err.details).toMatchObject({ table: 'LG_001_02_INVOICE', column: 'ESTATUS' });
      expect((await errorOf(logoConnector.readOutgoing(ctx, { ...target('001', '02'), database: 'BROKEN' }, 'efatura'))).code).toBe('ERP_COLUMN_MISSING');
    });

    it('an older release without optional columns: the test warns naming each, and reading goes on without them', async () => {
      const old = { ...target('001', '02'), database: 'OLDLOGO' };
      const result = await logoConnector.testConnection(ctx, old, 'efatura');
      expect(result.warnings.map((w) => `${w.table}.${w.column}`)).toEqual([
        'LG_001_02_STLINE.DEDUCTCODE',
        'LG_001_02_STLINE.DEDUCTIONPART1',
        'LG_001_02_STLINE.DEDUCTIONPART2',
        'LG_001_UNITSETL.GLOBALCODE',
      ]);
      expect(result.warnings[0]!.message).toContain('tevkifat');
      const fresh = (await logoConnector.readOutgoing(ctx, target('001', '02'), 'efatura')) as InvoiceDocument[];
      const older = (await logoConnector.readOutgoing(ctx, old, 'efatura')) as InvoiceDocument[];
      expect(older.map((d) => d.erpNumber)).toEqual(fresh.map((d) => d.erpNumber));
      // What the warning said is lost: no line withholding; everything else is read the same.
      expect(older.some((d) => d.lines.some((l) => 'withholding' in l && l.withholding))).toBe(false);
      expect(fresh.some((d) => d.lines.some((l) => 'withholding' in l && l.withholding))).toBe(true);
      expect(older.map((d) => d.lines.map((l) => l.unitCode))).toEqual(fresh.map((d) => d.lines.map((l) => l.unitCode)));
    });

    it('a module the connector does not read, and missing codes', async () => {
      expect((await errorOf(logoConnector.testConnection(ctx, target('001', '02'), 'esmm'))).code).toBe('MODULE_NOT_SUPPORTED');
      expect((await errorOf(logoConnector.testConnection(ctx, { ...target('001', '02'), firm: undefined }, 'efatura'))).code).toBe('ERP_FIRM_REQUIRED');
      expect((await errorOf(logoConnector.readOutgoing(ctx, { ...target('001', '02'), period: '2' }, 'efatura'))).code).toBe('ERP_PERIOD_CODE_INVALID');
    });

    it('left every database as it was', () => {
      expect(dumpFolder(dir)).toBe(before);
    });
  });

  describe('write-back', () => {
    it('writes GUID and ESTATUS, records KNK_EBELGE, and the invoice is no longer outgoing', async () => {
      const [doc] = await logoConnector.readOutgoing(ctx, target('002', '02'), 'efatura');
      const ettn = '5b0f6f9e-3c1d-4c55-9e43-2a0c7c1f0b11';
      await logoConnector.writeBack(ctx, target('002', '02'), doc!.ref, { ettn, number: 'ANG2026000000001', status: 'sent', gibCode: '1000' });
      // Idempotent for the same ETTN.
      await logoConnector.writeBack(ctx, target('002', '02'), doc!.ref, { ettn, number: 'ANG2026000000001', status: 'accepted', gibCode: '1300' });
      const after = await logoConnector.readOutgoing(ctx, target('002', '02'), 'efatura');
      expect(after.map((d) => d.ref.key)).not.toContain(doc!.ref.key);
      const db = new Database(path.join(dir, 'LOGODB.sqlite'), { readonly: true });
      try {
        expect(db.prepare('select GUID, ESTATUS from LG_002_02_INVOICE where LOGICALREF = ?').get(Number(doc!.ref.key))).toEqual({
          GUID: ettn.toUpperCase(),
          ESTATUS: 10,
        });
        expect(
          db.prepare("select ETTN, BELGE_NO, DURUM, GIB_KODU from KNK_EBELGE where FIRMA = '002' and DONEM = '02' and ERP_ANAHTAR = ?").get(doc!.ref.key),
        ).toEqual({ ETTN: ettn, BELGE_NO: 'ANG2026000000001', DURUM: 'accepted', GIB_KODU: '1300' });
      } finally {
        db.close();
      }
    });

    it('refuses to replace a different ETTN, and keeps a failed document outgoing', async () => {
      const [a, b] = await logoConnector.readOutgoing(ctx, target('001', '02'), 'efatura');
      await logoConnector.writeBack(ctx, target('001', '02'), a!.ref, { ettn: '0f8fad5b-d9cb-469f-a165-70867728950e', number: 'ORN2026000000101', status: 'sent' });
      const err = await errorOf(
        logoConnector.writeBack(ctx, target('001', '02'), a!.ref, { ettn: '7c9e6679-7425-40de-944b-e07fc1f90ae7', number: 'ORN2026000000102', status: 'sent' }),
      );
      expect(err.code).toBe('ERP_ETTN_CONFLICT');
      await logoConnector.writeBack(ctx, target('001', '02'), b!.ref, {
        ettn: '16fd2706-8baf-433b-82eb-8c7fada847da',
        number: 'ORN2026000000103',
        status: 'failed',
        gibCode: '1150',
        message: 'Şema kontrolü başarısız',
      });
      const keys = (await logoConnector.readOutgoing(ctx, target('001', '02'), 'efatura')).map((d) => d.ref.key);
      expect(keys).not.toContain(a!.ref.key);
      expect(keys).toContain(b!.ref.key);
      const missing = await errorOf(
        logoConnector.writeBack(ctx, target('001', '02'), { ...a!.ref, key: '999999' }, { ettn: '16fd2706-8baf-433b-82eb-8c7fada847db', number: 'X', status: 'sent' }),
      );
      expect(missing.code).toBe('ERP_DOCUMENT_NOT_FOUND');
    });
  });
});

function compareWithSpec(doc: InvoiceDocument, spec: DemoInvoice): void {
  const eq = (a: Decimal | undefined, b: Decimal, what: string) => expect(a?.toString(), `${spec.erpNumber} ${what}`).toBe(b.toString());
  expect(doc.issueDate).toBe(spec.date);
  expect(doc.type).toBe(spec.type);
  expect(doc.profileHint).toBe(spec.profile);
  expect(doc.currency).toBe(spec.currency);
  if (spec.rate) eq(doc.exchangeRate, spec.rate, 'rate');
  else expect(doc.exchangeRate).toBeUndefined();
  expect(doc.customer.name).toBe(spec.customer.name);
  expect(doc.customer.taxId).toEqual(spec.customer.kind === 'person' ? { scheme: 'TCKN', value: spec.customer.tckn } : { scheme: 'VKN', value: spec.customer.vkn });
  expect(doc.supplier?.taxId.value).toBe(spec.company.vkn);
  expect(doc.lines).toHaveLength(spec.lines.length);
  doc.lines.forEach((l, i) => {
    const s = spec.lines[i]!;
    expect(l.itemCode).toBe(s.item.code);
    expect(l.kind).toBe(s.item.kind);
    eq(l.quantity, s.quantity, `line ${i + 1} quantity`);
    eq(l.unitPrice, s.unitPrice, `line ${i + 1} price`);
    eq(l.grossAmount, s.gross, `line ${i + 1} gross`);
    eq(l.netAmount, s.net, `line ${i + 1} net`);
    eq(l.vatRate, new Decimal(s.vatRate), `line ${i + 1} VAT rate`);
    if (spec.currency === 'TRY') eq(l.vatAmount, s.vat, `line ${i + 1} VAT`);
    expect(l.withholding?.code).toBe(s.withholding?.code);
    expect(l.exemption?.code).toBe(s.exemption?.code);
  });
  expect(doc.allowances.map((a) => a.amount.toString())).toEqual(spec.globalDiscountPercent.isZero() ? [] : [spec.totals.globalDiscount.toString()]);
  if (spec.type === 'IADE') expect(doc.returnRefs).toEqual([{ id: spec.returnOf!.number, issueDate: spec.returnOf!.date }]);
  if (spec.currency === 'TRY') {
    eq(doc.erpTotals?.gross, spec.totals.gross, 'gross');
    eq(doc.erpTotals?.allowanceTotal, spec.totals.lineDiscounts.plus(spec.totals.globalDiscount), 'discounts');
    eq(doc.erpTotals?.taxTotal, spec.totals.vat, 'VAT');
    eq(doc.erpTotals?.taxInclusive, spec.totals.vatBase.plus(spec.totals.vat), 'tax inclusive');
  } else {
    eq(doc.erpTotals?.taxInclusive, spec.totals.vatBase.plus(spec.totals.vat), 'TRNET');
  }
}
