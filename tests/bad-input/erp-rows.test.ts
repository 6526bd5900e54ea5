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
 * One bad row never stops a batch. Two unsent invoices carrying the same GUID, a non-numeric amount, a GUID that
 * is no UUID: each is that document's own specific error — ERP_DUPLICATE_ETTN, ERP_VALUE_INVALID naming the table,
 * column and row, ERP_ETTN_INVALID — and the list, the export and the send go on with the rest. A GUID corrected in
 * the ERP is taken as the ETTN (the document was never sent).
 */
let dir: string;
let server: string;
let store: LocalStore;
let connections: ErpConnections;
let api: KonnektorService;

const LOGO = { connector: 'logo', database: 'LOGODB', firm: '1', period: '2' };
const GUID = '6f9619ff-8b86-d011-b42d-00c04fc964ff';

/** The demo's unsent e-Fatura invoices of firm 001, period 02 (LOGICALREF, FICHENO), oldest first. */
function unsent(): { ref: number; number: string }[] {
  const db = new Database(path.join(dir, 'demo', 'LOGODB.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT LOGICALREF AS ref, FICHENO AS number FROM LG_001_02_INVOICE WHERE ESTATUS = 0 AND EINVOICE = 1 AND CANCELLED = 0 ORDER BY LOGICALREF').all() as { ref: number; number: string }[]);
  } finally {
    db.close();
  }
}

function erp(sql: string, ...params: unknown[]): void {
  const db = new Database(path.join(dir, 'demo', 'LOGODB.sqlite'));
  try {
    db.prepare(sql).run(...params);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-rows-'));
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  connections = new ErpConnections();
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  server = (await api['demo.init']({ dir: path.join(dir, 'demo') })).server;
  await api['registry.import']({ file: path.join(dir, 'demo', 'gib-kullanici-listesi.xml') });
}, 300_000);

afterAll(async () => {
  await api.close();
  await connections.closeAll();
  await store.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('bad rows in a batch', () => {
  it('list and export go on; each bad document carries its own code naming where the bad value is', async () => {
    const docs = unsent();
    expect(docs.length).toBeGreaterThanOrEqual(6);
    const [dupA, dupB, amount, line, dashes] = docs;
    // The ERP's own mistakes, as a careless user or a broken import leaves them.
    erp('UPDATE LG_001_02_INVOICE SET GUID = ? WHERE LOGICALREF IN (?, ?)', GUID.toUpperCase(), dupA!.ref, dupB!.ref);
    erp("UPDATE LG_001_02_INVOICE SET NETTOTAL = 'on iki' WHERE LOGICALREF = ?", amount!.ref);
    erp("UPDATE LG_001_02_STLINE SET PRICE = '12,5 TL' WHERE INVOICEREF = ? AND LINETYPE = 0", line!.ref);
    erp("UPDATE LG_001_02_INVOICE SET GUID = ? WHERE LOGICALREF = ?", '-'.repeat(36), dashes!.ref);

    // The list: every document is there; the unreadable ones say why, with table, column and row.
    const listed = await api['documents.listOutgoing']({ target: { ...LOGO, server }, module: 'efatura' });
    expect(listed.map((d) => d.ref.key)).toEqual(docs.map((d) => String(d.ref)));
    const readErrors = Object.fromEntries(listed.filter((d) => d.readError).map((d) => [d.ref.key, d.readError]));
    expect(readErrors).toEqual({
      [amount!.ref]: expect.objectContaining({ code: 'ERP_VALUE_INVALID', table: 'LG_001_02_INVOICE', column: 'NETTOTAL', row: String(amount!.ref), value: 'on iki' }),
      [line!.ref]: expect.objectContaining({ code: 'ERP_VALUE_INVALID', table: 'LG_001_02_STLINE', column: 'PRICE', value: '12,5 TL' }),
    });

    // The export: the rest is valid and numbered; the bad ones are reported each with its own rule.
    const out = path.join(dir, 'out');
    const report = await api['documents.export']({ target: { ...LOGO, server }, module: 'efatura', outDir: out, iban: 'TR330006100519786457841326' });
    const byNumber = new Map(report.documents.map((d) => [d.erpNumber, d]));
    const rules = (n: string) => byNumber.get(n)!.issues.map((i) => i.rule);
    expect(byNumber.get(dupA!.number)).toMatchObject({ ettn: GUID });
    expect(rules(dupA!.number)).not.toContain('ERP_DUPLICATE_ETTN');
    expect(rules(dupB!.number)).toEqual(['ERP_DUPLICATE_ETTN']);
    expect(byNumber.get(dupB!.number)!.issues[0]!.message).toMatch(new RegExp(`kayıt ${dupA!.ref}`));
    expect(rules(amount!.number)).toEqual(['ERP_VALUE_INVALID']);
    expect(byNumber.get(amount!.number)!.issues[0]!.message).toMatch(new RegExp(`LG_001_02_INVOICE\\.NETTOTAL, kayıt ${amount!.ref}`));
    expect(rules(line!.number)).toEqual(['ERP_VALUE_INVALID']);
    expect(byNumber.get(line!.number)!.issues[0]!.message).toMatch(/LG_001_02_STLINE\.PRICE, kayıt \d+ \(değer: “12,5 TL”\)/);
    expect(rules(dashes!.number)).toEqual(['ERP_ETTN_INVALID']);
    expect(byNumber.get(dashes!.number)!.ettn).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const bad = new Set([dupB!.number, amount!.number, line!.number, dashes!.number]);
    const others = report.documents.filter((d) => !bad.has(d.erpNumber));
    expect(others.length).toBe(docs.length - 4);
    expect(others.filter((d) => d.issues.some((i) => i.rule.startsWith('ERP_')))).toEqual([]);
    expect(report.summary.valid).toBeGreaterThan(0);
    console.log(`bad ERP rows in one batch: 4 reported with their own codes, ${report.summary.valid} other documents valid and numbered`);

    // The user corrects the ERP: a new GUID for the duplicate, a UUID for the dashes. Neither was ever sent, so the
    // ERP's corrected GUIDs become their ETTNs; the first duplicate keeps its own.
    const fixedB = '0d2a4b1c-3e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const fixedDashes = '1e3b5c2d-4f60-4b7c-9d8e-0f1a2b3c4d5e';
    erp('UPDATE LG_001_02_INVOICE SET GUID = ? WHERE LOGICALREF = ?', fixedB, dupB!.ref);
    erp('UPDATE LG_001_02_INVOICE SET GUID = ? WHERE LOGICALREF = ?', fixedDashes.toUpperCase(), dashes!.ref);
    const again = await api['documents.export']({ target: { ...LOGO, server }, module: 'efatura', outDir: out, iban: 'TR330006100519786457841326' });
    const byNumberAgain = new Map(again.documents.map((d) => [d.erpNumber, d]));
    expect(byNumberAgain.get(dupA!.number)!.ettn).toBe(GUID);
    expect(byNumberAgain.get(dupB!.number)).toMatchObject({ ettn: fixedB });
    expect(byNumberAgain.get(dupB!.number)!.issues.map((i) => i.rule)).not.toContain('ERP_DUPLICATE_ETTN');
    expect(byNumberAgain.get(dashes!.number)).toMatchObject({ ettn: fixedDashes });
    expect(byNumberAgain.get(dashes!.number)!.issues.map((i) => i.rule)).not.toContain('ERP_ETTN_INVALID');
  }, 300_000);

  it('Netsis: a non-numeric line amount is its invoice’s own ERP_VALUE_INVALID, the others are listed', async () => {
    const target = { connector: 'netsis', server, database: 'ORNEKTEKSTIL2026' };
    const before = await api['documents.listOutgoing']({ target, module: 'efatura' });
    const fisno = before[0]!.erpNumber;
    const db = new Database(path.join(dir, 'demo', 'ORNEKTEKSTIL2026.sqlite'));
    try {
      db.prepare("UPDATE TBLSTHAR SET STHAR_GCMIK = 'x' WHERE FISNO = ?").run(fisno);
    } finally {
      db.close();
    }
    const listed = await api['documents.listOutgoing']({ target, module: 'efatura' });
    const broken = listed.filter((d) => d.readError);
    expect(broken.map((d) => d.erpNumber)).toEqual([fisno]);
    expect(broken[0]!.readError).toMatchObject({ code: 'ERP_VALUE_INVALID', table: 'TBLSTHAR', column: 'STHAR_GCMIK', value: 'x' });
    expect(listed.map((d) => d.ref.key)).toEqual(before.map((d) => d.ref.key));
  });
});
