import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { SHIPPED } from '../../runtime/shipped';

/**
 * One bad row never stops a batch — for despatches (e-İrsaliye, Logo and Netsis), müstahsil makbuzları (e-MM, Logo)
 * and the invoices of Mikro and ETA as for Logo's and Netsis' invoices (erp-rows.test.ts): a value that cannot be read is that document's own ERP_VALUE_INVALID
 * naming the table, column and row; two documents with one GUID are the second one's ERP_DUPLICATE_ETTN; the list
 * and the export go on with the rest.
 */
let dir: string;
let server: string;
let year: number;
let store: LocalStore;
let connections: ErpConnections;
let api: KonnektorService;

const GUID = '0f8fad5b-d9cb-469f-a165-70867728950e';

function erp(database: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(dir, 'demo', `${database}.sqlite`));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}
function rows<T>(database: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(path.join(dir, 'demo', `${database}.sqlite`), { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-rows-desp-'));
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  connections = new ErpConnections();
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const demo = await api['demo.init']({ dir: path.join(dir, 'demo'), invoices: 40, seed: 5 });
  server = demo.server;
  year = demo.year;
  await api['registry.import']({ file: demo.userList });
}, 300_000);

afterAll(async () => {
  await api.close();
  await connections.closeAll();
  await store.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Listed = { ref: { key: string }; erpNumber: string; readError?: Record<string, unknown> };
const byKey = (docs: Listed[]) => new Map(docs.map((d) => [d.ref.key, d]));

describe('bad rows in a batch of despatches and receipts', { timeout: 180_000 }, () => {
  it('Logo despatches: a bad line amount and a bad date are their despatches’ own errors; a shared GUID the second one’s', async () => {
    const target = { connector: 'logo', server, database: 'LOGODB', firm: '1', period: '2' };
    const before = (await api['documents.listOutgoing']({ target, module: 'eirsaliye' })) as unknown as Listed[];
    expect(before.length).toBeGreaterThanOrEqual(5);
    const [amount, date, dupA, dupB] = before.map((d) => Number(d.ref.key.replace(/^STF:/, '')));
    erp('LOGODB', "UPDATE LG_001_02_STLINE SET AMOUNT = 'beş koli' WHERE STFICHEREF = ?", amount);
    erp('LOGODB', "UPDATE LG_001_02_STFICHE SET DATE_ = 'dün' WHERE LOGICALREF = ?", date);
    erp('LOGODB', 'UPDATE LG_001_02_STFICHE SET GUID = ? WHERE LOGICALREF IN (?, ?)', GUID.toUpperCase(), dupA, dupB);

    const listed = byKey((await api['documents.listOutgoing']({ target, module: 'eirsaliye' })) as unknown as Listed[]);
    expect(listed.size).toBe(before.length);
    expect(listed.get(`STF:${amount}`)!.readError).toMatchObject({ code: 'ERP_VALUE_INVALID', table: 'LG_001_02_STLINE', column: 'AMOUNT', value: 'beş koli' });
    expect(listed.get(`STF:${date}`)!.readError).toMatchObject({ code: 'ERP_VALUE_INVALID', table: 'LG_001_02_STFICHE', column: 'DATE_', row: String(date), value: 'dün' });
    expect([...listed.values()].filter((d) => d.readError)).toHaveLength(2);

    const report = await api['documents.export']({ target, module: 'eirsaliye', outDir: path.join(dir, 'out-logo') });
    expect(report.summary.documents).toBe(before.length);
    const rules = new Map(report.documents.map((d) => [d.erpNumber, d.issues.map((i) => i.rule)]));
    const number = (ref: number) => before.find((d) => d.ref.key === `STF:${ref}`)!.erpNumber;
    expect(rules.get(number(amount!))).toEqual(['ERP_VALUE_INVALID']);
    expect(rules.get(number(date!))).toEqual(['ERP_VALUE_INVALID']);
    expect(rules.get(number(dupA!))).not.toContain('ERP_DUPLICATE_ETTN');
    expect(rules.get(number(dupB!))).toEqual(['ERP_DUPLICATE_ETTN']);
    expect(report.summary.valid).toBeGreaterThanOrEqual(1);
  });

  it('Netsis despatches: a non-numeric quantity is that despatch’s own error naming TBLSTHAR.STHAR_GCMIK', async () => {
    const database = `ORNEKTEKSTIL${year}`;
    const target = { connector: 'netsis', server, database };
    const before = (await api['documents.listOutgoing']({ target, module: 'eirsaliye' })) as unknown as Listed[];
    expect(before.length).toBeGreaterThanOrEqual(2);
    const bad = before[0]!;
    const line = rows<{ INCKEYNO: number }>(database, "SELECT INCKEYNO FROM TBLSTHAR WHERE FISNO = ? AND STHAR_FTIRSIP = '3' ORDER BY INCKEYNO", bad.erpNumber)[0]!;
    erp(database, "UPDATE TBLSTHAR SET STHAR_GCMIK = 'x' WHERE INCKEYNO = ?", line.INCKEYNO);

    const listed = (await api['documents.listOutgoing']({ target, module: 'eirsaliye' })) as unknown as Listed[];
    expect(listed.map((d) => d.erpNumber)).toEqual(before.map((d) => d.erpNumber));
    const broken = listed.filter((d) => d.readError);
    expect(broken.map((d) => d.erpNumber)).toEqual([bad.erpNumber]);
    expect(broken[0]!.readError).toMatchObject({ code: 'ERP_VALUE_INVALID', table: 'TBLSTHAR', column: 'STHAR_GCMIK', row: String(line.INCKEYNO), value: 'x' });
    const report = await api['documents.export']({ target, module: 'eirsaliye', outDir: path.join(dir, 'out-netsis') });
    expect(report.summary.documents).toBe(before.length);
    expect(report.documents.find((d) => d.erpNumber === bad.erpNumber)!.issues.map((i) => i.rule)).toEqual(['ERP_VALUE_INVALID']);
  });

  it('Logo e-MM: a non-numeric net on one slip is that slip’s own error; the other slips are listed and exported', async () => {
    const target = { connector: 'logo', server, database: 'LOGODB', firm: '1', period: '2' };
    const before = (await api['documents.listOutgoing']({ target, module: 'emm' })) as unknown as Listed[];
    expect(before.length).toBeGreaterThanOrEqual(2);
    const bad = before[0]!;
    erp('LOGODB', "UPDATE LG_001_02_INVOICE SET NETTOTAL = 'on iki' WHERE LOGICALREF = ?", Number(bad.ref.key));
    const listed = (await api['documents.listOutgoing']({ target, module: 'emm' })) as unknown as Listed[];
    expect(listed.map((d) => d.erpNumber)).toEqual(before.map((d) => d.erpNumber));
    expect(listed.filter((d) => d.readError).map((d) => [d.erpNumber, d.readError])).toEqual([
      [bad.erpNumber, expect.objectContaining({ code: 'ERP_VALUE_INVALID', table: 'LG_001_02_INVOICE', column: 'NETTOTAL', row: bad.ref.key, value: 'on iki' })],
    ]);
    const report = await api['documents.export']({ target, module: 'emm', outDir: path.join(dir, 'out-emm') });
    expect(report.summary.documents).toBe(before.length);
    expect(report.documents.find((d) => d.erpNumber === bad.erpNumber)!.issues.map((i) => i.rule)).toEqual(['ERP_VALUE_INVALID']);
  });

  it.each([
    ['mikro', 'MikroDB_V17_ORNEK', 'STOK_HAREKETLERI', 'sth_tutar', "UPDATE STOK_HAREKETLERI SET sth_tutar = 'yüz lira' WHERE lower(sth_fat_uid) = lower(?)"],
    ['eta', 'ETA_ORNEK_', 'FATHAR', 'FATHARTUTAR', "UPDATE FATHAR SET FATHARTUTAR = 'yüz lira' WHERE FATHARREFNO = ?"],
  ])('%s invoices: a non-numeric line amount is that invoice’s own error; the others are listed and exported', async (connector, db, table, column, sql) => {
    const database = db.endsWith('_') ? `${db}${year}` : db;
    const target = { connector, server, database, ...(connector === 'mikro' ? { fiscalYear: String(year) } : {}) };
    const before = (await api['documents.listOutgoing']({ target, module: 'efatura' })) as unknown as Listed[];
    expect(before.length).toBeGreaterThanOrEqual(2);
    const bad = before[0]!;
    erp(database, sql, connector === 'mikro' ? bad.ref.key : Number(bad.ref.key));
    const listed = (await api['documents.listOutgoing']({ target, module: 'efatura' })) as unknown as Listed[];
    expect(listed.map((d) => d.erpNumber)).toEqual(before.map((d) => d.erpNumber));
    expect(listed.filter((d) => d.readError).map((d) => [d.erpNumber, d.readError])).toEqual([
      [bad.erpNumber, expect.objectContaining({ code: 'ERP_VALUE_INVALID', table, column, value: 'yüz lira' })],
    ]);
    const report = await api['documents.export']({ target, module: 'efatura', outDir: path.join(dir, `out-${connector}`) });
    expect(report.summary.documents).toBe(before.length);
    expect(report.documents.find((d) => d.erpNumber === bad.erpNumber)!.issues.map((i) => i.rule)).toEqual(['ERP_VALUE_INVALID']);
  });
});
