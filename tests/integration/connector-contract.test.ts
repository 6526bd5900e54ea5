import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorContext, ErpConnector, FirmPeriod } from '../../connectors/contract';
import { listConnectors } from '../../connectors/registry';
import type { InvoiceDocument } from '../../core/documents/model';
import { computeInvoice } from '../../core/documents/totals';
import { checkJournal } from '../../core/edefter/checks';
import { monthBounds } from '../../core/edefter/model';
import { TOTALS_MISMATCH_RULE, checkStoredTotals } from '../../core/documents/totalsGuard';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases } from '../../sandbox/demo';
import { createMikroDemo } from '../../sandbox/demo/mikro';
import { demoRegisteredUsers, demoWorld } from '../../sandbox/demo/scenario';

/**
 * The connector contract: one suite, every connector of the registry, each on its own demo database — what the
 * screens, the CLI, year-end and the send pipeline rely on. A new program passes this suite before it ships. The
 * per-program part is only where each keeps its demo (and how to damage it by hand); everything asserted is
 * the contract's.
 */
const SEED = 11;
const YEAR = 2026;
let dir: string;
let server: string;
const connections = new ErpConnections();
const world = demoWorld(SEED);
const registered = new Set(demoRegisteredUsers(world).map((u) => u.identifier));
const ctx: ConnectorContext = { connections, recipients: { isEfaturaUser: async (taxId) => registered.has(taxId) } };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-contract-'));
  const summary = await createDemoDatabases({ dir, invoices: 120, seed: SEED, year: YEAR });
  server = summary.server;
}, 120_000);
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Where each program's demo keeps its books, and how a test damages them by hand. */
interface DemoAdapter {
  /** The target "Firma/Dönem Ara" is asked with. */
  listTarget(): ErpTarget;
  /** The demo file and SQL that set one stored header total of `doc` to `amount`. */
  editStoredTotal(doc: InvoiceDocument, column: string, amount: number): { file: string; sql: string; bindings: unknown[] };
  /** A database of an older release beside the demo (server URL and target), built by the program's demo writer. */
  olderLayout(): Promise<{ target: ErpTarget; fresh: ErpTarget }>;
  /** Where the demo keeps this year's journal of the first company (e-Defter). */
  journalTarget(): ErpTarget;
}

const file = (name: string) => path.join(dir, `${name}.sqlite`);

function copyWithout(from: string, to: string, drops: [string, string][]): void {
  fs.copyFileSync(file(from), file(to));
  const db = new Database(file(to));
  for (const [table, column] of drops) db.exec(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  db.close();
}

/**
 * What a program records that its connector cannot read yet, found by the totals guard rather than sent wrong:
 * ETA keeps the withholding of an invoice in FATFISTEVTUTAR but no documented per-line code (connectors/eta/codes.ts).
 */
const knownGap = (message: string) => message.includes('FATFISTEVTUTAR');

const ADAPTERS: Record<string, DemoAdapter> = {
  logo: {
    listTarget: () => ({ connector: 'logo', server, database: 'LOGODB' }),
    editStoredTotal: (doc, column, amount) => ({
      file: file('LOGODB'),
      sql: `UPDATE LG_${doc.ref.firm}_${doc.ref.period}_INVOICE SET ${column} = ? WHERE LOGICALREF = ?`,
      bindings: [amount, Number(doc.ref.key)],
    }),
    async olderLayout() {
      copyWithout('LOGODB', 'LOGOESKI', [
        ['LG_001_02_STLINE', 'DEDUCTCODE'],
        ['LG_001_02_STLINE', 'DEDUCTIONPART1'],
        ['LG_001_02_STLINE', 'DEDUCTIONPART2'],
        ['LG_001_02_INVOICE', 'EINVOICETYP'],
      ]);
      const fresh = { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' };
      return { fresh, target: { ...fresh, database: 'LOGOESKI' } };
    },
    journalTarget: () => ({ connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' }),
  },
  netsis: {
    listTarget: () => ({ connector: 'netsis', server }),
    editStoredTotal: (doc, column, amount) => {
      const [sube, ftirsip, fatirsNo, cari] = JSON.parse(doc.ref.key) as [number, string, string, string];
      return {
        file: file(doc.ref.database),
        sql: `UPDATE TBLFATUIRS SET ${column} = ? WHERE SUBE_KODU = ? AND FTIRSIP = ? AND FATIRS_NO = ? AND CARI_KODU = ?`,
        bindings: [amount, sube, ftirsip, fatirsNo, cari],
      };
    },
    async olderLayout() {
      copyWithout(`ORNEKTEKSTIL${YEAR}`, `ESKINETSIS${YEAR}`, [
        ['TBLSTHAR', 'STRA_SATISK3'],
        ['TBLSTHAR', 'STRA_SATISK4'],
        ['TBLSTHAR', 'STRA_SATISK5'],
        ['TBLSTHAR', 'STRA_SATISK6'],
        ['TBLSTHAR', 'EKALAN'],
      ]);
      const master = new Database(file('NETSIS'));
      master.prepare('INSERT INTO SIRKETLER30 (SIRKET, SIRKETYILI) SELECT ?, SIRKETYILI FROM SIRKETLER30 WHERE SIRKET = ?').run(`ESKINETSIS${YEAR}`, `ORNEKTEKSTIL${YEAR}`);
      master.close();
      return { fresh: { connector: 'netsis', server, database: `ORNEKTEKSTIL${YEAR}` }, target: { connector: 'netsis', server, database: `ESKINETSIS${YEAR}` } };
    },
    journalTarget: () => ({ connector: 'netsis', server, database: `ORNEKTEKSTIL${YEAR}` }),
  },
  mikro: {
    listTarget: () => ({ connector: 'mikro', server }),
    editStoredTotal: (doc, column, amount) => ({
      file: file(doc.ref.database),
      sql: `UPDATE CARI_HESAP_HAREKETLERI SET ${column} = ? WHERE cha_Guid = ?`,
      bindings: [amount, doc.ref.key],
    }),
    async olderLayout() {
      // Mikro v16: a whole older installation (MikroDB_V16 + company databases) on its own demo server.
      const older = path.join(dir, 'mikro-v16');
      await createMikroDemo(older, world, { seed: SEED, invoices: 120, year: YEAR, layout: 'v16' });
      return {
        fresh: { connector: 'mikro', server, database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR },
        target: { connector: 'mikro', server: `sqlite:${older}`, database: 'MikroDB_V16_ORNEK', fiscalYear: YEAR },
      };
    },
    journalTarget: () => ({ connector: 'mikro', server, database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR }),
  },
  eta: {
    listTarget: () => ({ connector: 'eta', server }),
    editStoredTotal: (doc, column, amount) => ({
      file: file(doc.ref.database),
      sql: `UPDATE FATFIS SET ${column} = ? WHERE FATFISREFNO = ?`,
      bindings: [amount, Number(doc.ref.key)],
    }),
    async olderLayout() {
      copyWithout(`ETA_ORNEK_${YEAR}`, `ETA_ESKI_${YEAR}`, [
        ['FATHAR', 'FATHARIPTALFLAG'],
        ['FATFIS', 'FATFISSAAT'],
      ]);
      const master = new Database(file('ETA_MASTERV8'));
      master
        .prepare(`INSERT INTO SIRKET (SIRKOD, SIRDONEM, SIRDBNAME, SIRVKNTCKN, SIRUNVAN, SIRVERGIDAIRE, SIRADRES, SIRILCE, SIRIL)
          SELECT 'ESKI', SIRDONEM, ?, SIRVKNTCKN, SIRUNVAN, SIRVERGIDAIRE, SIRADRES, SIRILCE, SIRIL FROM SIRKET WHERE SIRKOD = 'ORNEK' AND SIRDONEM = ?`)
        .run(`ETA_ESKI_${YEAR}`, YEAR);
      master.close();
      return { fresh: { connector: 'eta', server, database: `ETA_ORNEK_${YEAR}` }, target: { connector: 'eta', server, database: `ETA_ESKI_${YEAR}` } };
    },
    journalTarget: () => ({ connector: 'eta', server, database: `ETA_ORNEK_${YEAR}` }),
  },
};

function targetOf(connector: ErpConnector, fp: FirmPeriod): ErpTarget {
  switch (connector.shape) {
    case 'firm-period':
      return { connector: connector.id, server, database: 'LOGODB', firm: fp.firm, period: fp.period };
    case 'database-per-company':
      return { connector: connector.id, server, database: fp.database!, fiscalYear: fp.fiscalYear! };
    default:
      return { connector: connector.id, server, database: fp.database! };
  }
}

const adapterOf = (c: ErpConnector) => {
  const a = ADAPTERS[c.id];
  if (!a) throw new Error(`The contract suite has no demo adapter for connector ${c.id}: add one`);
  return a;
};
const periodsOf = (c: ErpConnector) => c.listFirmPeriods(ctx, adapterOf(c).listTarget());
const sum = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), new Decimal(0));

async function refusal(work: Promise<unknown>): Promise<{ code?: string; details?: Record<string, unknown> }> {
  try {
    await work;
  } catch (e) {
    return e as { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal');
}

/** Every SQL text a connection sends while `work` runs. */
async function sqlOf(work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listeners: (() => void)[] = [];
  const attach = async (name: string) => {
    const db = (await connections.database(server, name)).db;
    const listener = (q: { sql: string }) => seen.push(q.sql);
    db.on('query', listener);
    listeners.push(() => db.off('query', listener));
  };
  for (const name of fs.readdirSync(dir).filter((f) => f.endsWith('.sqlite')).map((f) => f.slice(0, -7))) await attach(name);
  try {
    await work();
  } finally {
    for (const off of listeners) off();
  }
  return seen;
}

it('the registry holds the four programs, each with a demo adapter', () => {
  expect(listConnectors().map((c) => c.id)).toEqual(['logo', 'netsis', 'mikro', 'eta']);
  for (const c of listConnectors()) expect(ADAPTERS[c.id], c.id).toBeDefined();
});

describe.each(listConnectors().map((c) => [c.id, c] as const))('connector contract: %s', (_id, connector) => {
  it('declares a shape, its modules and its ERP helper migrations', () => {
    expect(['firm-period', 'database-per-year', 'database-per-company']).toContain(connector.shape);
    expect(connector.modules).toEqual(expect.arrayContaining(['efatura', 'earsiv']));
    expect(connector.erpMigrations.length).toBeGreaterThan(0);
  });

  it('recognises its own databases in "Veri tabanı Ara" and no other program’s', async () => {
    const dbs = await connector.listDatabases(ctx, server);
    const mine = dbs.filter((d) => d.recognised).map((d) => d.name);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.length).toBeLessThan(dbs.length);
    const others = listConnectors().filter((c) => c.id !== connector.id);
    for (const other of others) {
      const theirs = (await other.listDatabases(ctx, server)).filter((d) => d.recognised).map((d) => d.name);
      expect(theirs.filter((n) => mine.includes(n)), `${connector.id} and ${other.id}`).toEqual([]);
    }
  });

  it('lists firm/period rows with padded codes and dates as its shape names them, one active per company', async () => {
    const rows = await periodsOf(connector);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const r of rows) {
      expect(r.firm).toMatch(/^\d{3}$/);
      expect(r.periodBegin).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(r.periodBegin <= r.periodEnd).toBe(true);
      if (connector.shape === 'firm-period') expect(r.period).toMatch(/^\d{2}$/);
      if (connector.shape !== 'firm-period') expect(r.database).toBeTruthy();
      if (connector.shape === 'database-per-company') expect(r.fiscalYear).toBe(Number(r.periodBegin.slice(0, 4)));
    }
    for (const firm of new Set(rows.map((r) => r.firm))) expect(rows.filter((r) => r.firm === firm && r.active)).toHaveLength(1);
    // The same company's next year is listed after its last one (what year-end proposes).
    const firm = rows.find((r) => !r.active)!.firm;
    const years = rows.filter((r) => r.firm === firm).map((r) => r.periodBegin);
    expect(years).toEqual([...years].sort());
    if (connector.shape === 'database-per-company') {
      // Every fiscal year of a company lives in the same database.
      expect(new Set(rows.filter((r) => r.firm === firm).map((r) => r.database)).size).toBe(1);
    }
  });

  it('tests the connection of each module: reachable, login, database, tables, columns, read — no warnings on the current release', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    for (const module of connector.modules.filter((m) => m === 'efatura' || m === 'earsiv')) {
      const result = await connector.testConnection(ctx, targetOf(connector, fp), module);
      expect(result.ok).toBe(true);
      expect(result.checks.map((c) => c.name)).toEqual(['reachable', 'login', 'database', 'tables', 'columns', 'read']);
      expect(result.tables.length).toBeGreaterThan(2);
      expect(result.warnings).toEqual([]);
    }
  });

  it('reads well-formed documents of every period and module, lines and stored totals agreeing with the ERP', async () => {
    let seen = 0;
    const names: string[] = [];
    const keys = new Set<string>();
    for (const fp of await periodsOf(connector)) {
      const target = targetOf(connector, fp);
      for (const module of ['efatura', 'earsiv'] as const) {
        const docs = (await connector.readOutgoing(ctx, target, module)) as InvoiceDocument[];
        for (const d of docs) {
          seen++;
          names.push(d.customer.name, ...d.lines.map((l) => l.itemName));
          const id = `${d.ref.database}/${d.ref.firm ?? ''}/${d.ref.period ?? ''}/${d.ref.key}`;
          expect(keys.has(id), 'a document is outgoing under one module and period only').toBe(false);
          keys.add(id);
          expect(d.module).toBe(module);
          expect(d.ref.connector).toBe(connector.id);
          expect(d.issueDate >= fp.periodBegin && d.issueDate <= fp.periodEnd).toBe(true);
          expect(d.currency).toMatch(/^[A-Z]{3}$/);
          expect(d.lines.length).toBeGreaterThan(0);
          expect(d.lines.map((l) => l.lineNo)).toEqual(d.lines.map((_, i) => i + 1));
          expect(d.customer.taxId.value).toMatch(d.customer.taxId.scheme === 'VKN' ? /^\d{10}$/ : /^\d{11}$/);
          expect(d.supplier?.taxId.value).toMatch(/^\d{10}$/);
          expect(d.erpTotals?.stored.length, d.erpNumber).toBeGreaterThan(0);
          // The built document agrees with the totals the program stored (within the guard's rounding rule).
          const mismatches = checkStoredTotals(d, computeInvoice(d)).filter((i) => !knownGap(i.message));
          expect(mismatches, `${d.erpNumber} ${d.type} ${d.currency}`).toEqual([]);
          if (d.currency === 'TRY' && d.erpTotals) {
            expect(sum(d.lines.map((l) => l.grossAmount)).toFixed(2), d.erpNumber).toBe(d.erpTotals.gross.toFixed(2));
            const discounts = sum([...d.lines.flatMap((l) => l.allowances.filter((a) => !a.isCharge).map((a) => a.amount)), ...d.allowances.map((a) => a.amount)]);
            expect(discounts.toFixed(2), d.erpNumber).toBe(d.erpTotals.allowanceTotal.toFixed(2));
          }
        }
      }
    }
    expect(seen).toBeGreaterThan(10);
    const text = names.join('\n');
    // Turkish letters arrive intact (legacy code pages decoded) and XML-special characters are kept as data.
    expect(text).not.toMatch(/[ÐÝÞðýþ]|Ä°|Åž|Ã§/);
    expect(text).toMatch(/[İŞĞışğ]/);
    expect(text).toMatch(/[&<"]/);
  });

  it('pages with limit/offset without skipping or repeating a document', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    const target = targetOf(connector, fp);
    const all = await connector.readOutgoing(ctx, target, 'earsiv');
    const paged = [];
    for (let offset = 0; offset < all.length + 3; offset += 3) paged.push(...(await connector.readOutgoing(ctx, target, 'earsiv', { limit: 3, offset })));
    expect(paged.map((d) => d.ref.key)).toEqual(all.map((d) => d.ref.key));
  });

  it('refuses a document whose stored header total was edited by hand (KNK_TOTALS_MISMATCH), the rest still agreeing', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    const target = targetOf(connector, fp);
    const docs = (await connector.readOutgoing(ctx, target, 'efatura')) as InvoiceDocument[];
    const victim = docs.find((d) => d.type === 'SATIS')!;
    const stored = victim.erpTotals!.stored[0]!;
    const edit = adapterOf(connector).editStoredTotal(victim, stored.field.split('.').at(-1)!, stored.amount.plus(262.86).toNumber());
    const db = new Database(edit.file);
    const original = stored.amount.toNumber();
    try {
      db.prepare(edit.sql).run(...edit.bindings);
      const again = (await connector.readOutgoing(ctx, target, 'efatura')) as InvoiceDocument[];
      const edited = again.find((d) => d.ref.key === victim.ref.key)!;
      const issues = checkStoredTotals(edited, computeInvoice(edited)).filter((i) => !knownGap(i.message) || i.message.includes(stored.field));
      expect(issues.map((i) => i.rule)).toEqual([TOTALS_MISMATCH_RULE]);
      expect(issues[0]!.message).toContain(stored.field);
      expect(issues[0]!.message).toContain('262.86');
      const others = again.filter((d) => d.ref.key !== victim.ref.key);
      expect(others.flatMap((d) => checkStoredTotals(d, computeInvoice(d))).filter((i) => !knownGap(i.message))).toEqual([]);
    } finally {
      db.prepare(edit.sql).run(...[original, ...edit.bindings.slice(1)]);
      db.close();
    }
  });

  it('writes the outcome back so the document is no longer outgoing; a failed send stays outgoing', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    const target = targetOf(connector, fp);
    const [doc, other] = await connector.readOutgoing(ctx, target, 'earsiv');
    expect(doc && other).toBeDefined();
    await connector.writeBack(ctx, target, other!.ref, { ettn: '6b2a8c1e-1f0d-4e6a-9d2b-7c3e5f9a0b12', number: 'KNA2026000000099', status: 'failed', gibCode: '-1' });
    await connector.writeBack(ctx, target, doc!.ref, { ettn: '3f2504e0-4f89-41d3-9a0c-0305e82c3301', number: 'KNA2026000000001', status: 'sent' });
    const after = await connector.readOutgoing(ctx, target, 'earsiv');
    expect(after.map((d) => d.ref.key)).not.toContain(doc!.ref.key);
    expect(after.map((d) => d.ref.key)).toContain(other!.ref.key);
    await expect(connector.writeBack(ctx, target, { ...doc!.ref, key: `${doc!.ref.key}x` }, { ettn: '3f2504e0-4f89-41d3-9a0c-0305e82c3302', number: 'KNA2026000000002', status: 'sent' })).rejects.toMatchObject({
      code: 'ERP_DOCUMENT_NOT_FOUND',
    });
  });

  it('refuses an unknown database, a database of another program and an unsupported module with their codes', async () => {
    const fp = (await periodsOf(connector))[0]!;
    const target = targetOf(connector, fp);
    expect((await refusal(connector.testConnection(ctx, { ...target, database: 'YOKBOYLEBIRDB' }, 'efatura'))).code).toBe('ERP_DATABASE_NOT_FOUND');
    // e-Defter is never read as outgoing documents; a program whose map refuses e-Defter gives that refusal's code.
    expect((await refusal(connector.readOutgoing(ctx, target, 'edefter'))).code).toBe(connector.documentKinds.edefter?.refusal?.code ?? 'MODULE_NOT_SUPPORTED');
    const otherDb = connector.id === 'logo' ? `ORNEKTEKSTIL${YEAR}` : 'LOGODB';
    const code = (await refusal(connector.testConnection(ctx, { ...target, database: otherDb }, 'efatura'))).code;
    expect(['ERP_TABLES_MISSING', 'ERP_COMPANY_NOT_FOUND']).toContain(code);
  });

  it('e-Defter: reads its demo journal in book order (January clean, February’s unnumbered voucher and March’s imbalance reported), or refuses with its map’s own code', async () => {
    const target = adapterOf(connector).journalTarget();
    const kind = connector.documentKinds.edefter;
    if (!kind?.read) {
      // A program that cannot serve e-Defter says why, by its capability map, naming the program.
      expect(kind?.refusal?.code, `${connector.id} must declare why it cannot serve e-Defter`).toMatch(/^EDEFTER_/);
      expect(connector.readJournal).toBeUndefined();
      expect(connector.modules).not.toContain('edefter');
      const e = (await refusal(connector.testConnection(ctx, target, 'edefter'))) as { code?: string; userMessage?: string };
      expect(e.code).toBe(kind!.refusal!.code);
      expect(e.userMessage).toContain(connector.title);
      return;
    }
    expect(connector.modules).toContain('edefter');
    expect(connector.readJournal && connector.readChartOfAccounts && connector.journalNumberingJob).toBeTruthy();
    const tested = await connector.testConnection(ctx, target, 'edefter');
    expect(tested.checks.map((c) => c.name)).toEqual(['reachable', 'login', 'database', 'tables', 'columns', 'read']);
    expect(tested.warnings).toEqual([]);
    const chart = await connector.readChartOfAccounts!(ctx, target);
    expect(chart.length).toBeGreaterThan(10);
    const found: string[][] = [];
    let previousJournalNo = 0;
    for (const month of [`${YEAR}-01`, `${YEAR}-02`, `${YEAR}-03`]) {
      const { first, last } = monthBounds(month);
      const summary = await checkJournal(connector.readJournal!(ctx, target, { from: first, to: last }), { month, previousJournalNo, chart, numberingJob: connector.journalNumberingJob! });
      expect(summary.entries, month).toBe(24);
      expect(summary.firstJournalNo, month).toBe(previousJournalNo + 1);
      found.push(summary.issues.map((i) => i.code));
      previousJournalNo = summary.lastJournalNo!;
    }
    expect(found).toEqual([[], ['LEDGER_ENTRY_UNNUMBERED'], ['LEDGER_ENTRY_UNBALANCED']]);
  });

  it('refuses injection attempts in codes and names before any SQL is built', async () => {
    const fp = (await periodsOf(connector))[0]!;
    const target = targetOf(connector, fp);
    const sql = await sqlOf(async () => {
      for (const hostile of ["X'; DROP TABLE FATFIS;--", 'LOGODB]; DROP TABLE L_CAPIFIRM;--', '../../etc/passwd']) {
        const err = await refusal(connector.testConnection(ctx, { ...target, database: hostile }, 'efatura'));
        expect(err.code, hostile).toBe('ERP_DATABASE_NAME_INVALID');
      }
      if (connector.shape === 'firm-period') {
        expect((await refusal(connector.readOutgoing(ctx, { ...target, firm: "001'--" }, 'efatura'))).code).toBe('ERP_FIRM_CODE_INVALID');
      }
      // A hostile filter value travels as a binding, never as SQL text.
      await connector.readOutgoing(ctx, target, 'efatura', { to: "2026-12-31' OR 1=1--" }).catch(() => undefined);
    });
    expect(sql.join('\n')).not.toMatch(/DROP TABLE|OR 1=1|passwd/);
  });

  it('reads an older release of its program: the test warns naming each missing optional column and what is lost, reading goes on', async () => {
    const { target, fresh } = await adapterOf(connector).olderLayout();
    const result = await connector.testConnection(ctx, target, 'efatura');
    expect(result.warnings.length).toBeGreaterThan(0);
    for (const w of result.warnings) {
      expect(w.code).toBe('ERP_COLUMN_OPTIONAL_MISSING');
      expect(w.message).toContain(`${w.table}.${w.column}`);
      expect(w.lost.length).toBeGreaterThan(10);
    }
    const older = await connector.readOutgoing(ctx, target, 'efatura');
    const current = await connector.readOutgoing(ctx, fresh, 'efatura');
    expect(older.length).toBeGreaterThan(0);
    expect(older.map((d) => d.erpNumber).sort()).toEqual(current.map((d) => d.erpNumber).sort());
  });

  it('never reads ETA’s SABITLER (it stores the GİB portal password), nor any table it was not asked for', async () => {
    const fp = (await periodsOf(connector)).find((r) => r.active)!;
    const target = targetOf(connector, fp);
    const sql = await sqlOf(async () => {
      await connector.listDatabases(ctx, server);
      await periodsOf(connector);
      await connector.testConnection(ctx, target, 'efatura');
      await connector.companyOf?.(ctx, target);
      for (const module of ['efatura', 'earsiv'] as const) await connector.readOutgoing(ctx, target, module);
      const [doc] = await connector.readOutgoing(ctx, target, 'efatura');
      await connector.writeBack(ctx, target, doc!.ref, { ettn: '0d7f5b9e-2c4a-4b1e-8f3d-6a9c1e2b4d70', number: 'KNF2026000000007', status: 'failed' });
    });
    expect(sql.length).toBeGreaterThan(5);
    expect(sql.filter((q) => /SABITLER/i.test(q))).toEqual([]);
  });
});
