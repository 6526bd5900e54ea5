/**
 * e-İrsaliye from Logo: the demo LOGODB's despatch scenarios read by the connector (STFICHE, STLINE, EINVOICEDET,
 * L_SHPAGENT, SHIPINFO), exported through the e-İrsaliye kind (pre-checks, routing by GİB's despatch list, the
 * DespatchAdvice builder, GİB's XSD and schematron, the KNI series) and written back into STFICHE and KNK_EBELGE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoConnector } from '../../connectors/logo';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { DespatchDocument } from '../../core/documents/model';
import { readUblFacts } from '../../core/documents/ubl/read';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { DEMO_CARRIER, DEMO_DRIVERS } from '../../sandbox/demo/despatch';
import { SHIPPED } from '../../runtime/shipped';

let root: string;
let server: string;
let store: LocalStore;
let api: KonnektorService;
const connections = new ErpConnections();
const ctx = { connections };
let year: number;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-logo-despatch-'));
  store = await openLocalStore(':memory:');
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const summary = await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 40, seed: 5 });
  await api['registry.import']({ file: summary.userList });
  server = summary.server;
  year = summary.year;
}, 300_000);
afterAll(async () => {
  await api.close();
  await connections.closeAll();
  await store.destroy();
  fs.rmSync(root, { recursive: true, force: true });
});

const target = (firm: string, period: string): ErpTarget => ({ connector: 'logo', server, database: 'LOGODB', firm, period });
const read = async (firm: string, period: string) => (await logoConnector.readOutgoing(ctx, target(firm, period), 'eirsaliye')) as DespatchDocument[];

describe('Logo despatches (e-İrsaliye)', () => {
  it('Logo serves e-İrsaliye: the connection test checks the despatch tables', async () => {
    expect(logoConnector.modules).toContain('eirsaliye');
    const result = await logoConnector.testConnection(ctx, target('001', '02'), 'eirsaliye');
    expect(result.ok).toBe(true);
    expect(result.tables).toEqual(expect.arrayContaining(['LG_001_02_STFICHE', 'LG_001_02_STLINE', 'LG_001_02_EINVOICEDET', 'L_SHPAGENT', 'LG_001_SHIPINFO']));
    expect(result.warnings).toEqual([]);
  });

  it('reads this period’s unsent sales despatches: not the cancelled one, not the one already sent, not last year’s', async () => {
    const docs = await read('001', '02');
    expect(docs.map((d) => d.erpNumber)).toEqual([1, 2, 3, 4, 7].map((n) => `IRS${year}1000${n}`));
    expect((await read('001', '01')).map((d) => d.erpNumber)).toEqual([`IRS${year - 1}10001`]);
    expect((await read('002', '02')).map((d) => d.erpNumber)).toEqual([1, 2, 3, 4, 7].map((n) => `IRS${year}2000${n}`));
  });

  it('maps the carrier firm, the own vehicle with two drivers and a trailer, MATBUDAN and the delivery address', async () => {
    const [carrier, own, matbudan] = await read('001', '02');
    expect(carrier!.ref.key).toMatch(/^STF:\d+$/);
    expect(carrier!.carrier).toMatchObject({ taxId: { scheme: 'VKN', value: DEMO_CARRIER.vkn }, name: DEMO_CARRIER.title, address: { city: 'İstanbul', postalCode: '34510' } });
    expect(carrier!.drivers).toEqual([]);
    expect(carrier!.lines[0]).toMatchObject({ unitPrice: expect.anything(), amount: expect.anything() });
    expect(own!.drivers).toEqual(DEMO_DRIVERS.map((d) => ({ firstName: d.firstName, familyName: d.familyName, tckn: d.tckn })));
    expect(own!.vehiclePlates).toEqual(['34 KNK 202']);
    expect(own!.trailerPlates).toEqual(['34 DR 2020']);
    expect(own).toMatchObject({ type: 'SEVK', despatchDate: `${year}-01-11`, despatchTime: '10:15:00', issueTime: '09:30:00' });
    expect(own!.deliveryAddress).toMatchObject({ citySubdivision: expect.any(String), city: expect.any(String), postalCode: expect.stringMatching(/^(0[1-9]|[1-7]\d|8[01])\d{3}$/) });
    expect(matbudan).toMatchObject({ type: 'MATBUDAN', paperDocument: { id: 'A-004512', issueDate: `${year}-01-11` } });
    expect(own!.sourceFields.driver).toContain('LG_001_02_EINVOICEDET.DRIVERNAME1');
  });

  it('exports the despatches: valid ones XSD- and schematron-clean in the KNI series; the bad ones with their reason', async () => {
    const outDir = path.join(root, 'out');
    const report = await api['documents.export']({ target: target('1', '2'), module: 'eirsaliye', outDir });
    expect(report.kind).toBe('eirsaliye');
    const byNo = new Map(report.documents.map((d) => [d.erpNumber.slice(-1), d]));
    for (const n of ['1', '2', '3']) {
      const d = byNo.get(n)!;
      expect(d.issues, d.erpNumber).toEqual([]);
      expect(d).toMatchObject({ valid: true, profile: 'TEMELIRSALIYE', alias: expect.stringMatching(/^urn:mail:irsaliyepk@/) });
      expect(d.number).toMatch(new RegExp(`^KNI${year}\\d{9}$`));
      const xml = fs.readFileSync(path.join(outDir, d.file!), 'utf8');
      expect(readUblFacts(xml)).toMatchObject({ root: 'DespatchAdvice', id: d.number });
    }
    expect([1, 2, 3].map((n) => Number(byNo.get(String(n))!.number!.slice(-9)))).toEqual([1, 2, 3]);
    // A customer on GİB's invoice list only: a clear routing error, never a silent paper despatch.
    expect(byNo.get('4')).toMatchObject({ valid: false, issues: [expect.objectContaining({ rule: 'KNK_ROUTING_DESPATCH_INVOICE_ONLY' })] });
    // No driver and no carrier: the pre-check names the Logo fields to fill.
    const bad = byNo.get('7')!;
    expect(bad.valid).toBe(false);
    expect(bad.issues.map((i) => i.rule)).toEqual(['KNK_DESPATCH_CARRIER_MISSING', 'KNK_DESPATCH_PLATE_MISSING']);
    expect(bad.issues[0]!.message).toContain('LG_001_02_STFICHE.SHPAGNCOD');
    expect(bad.issues[0]!.message).toContain('LG_001_02_EINVOICEDET.DRIVERNAME1');
  }, 120_000);

  it('writes ETTN and status back into STFICHE and KNK_EBELGE; the despatch is not read again', async () => {
    const [first] = await read('002', '02');
    const ettn = '6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b';
    await logoConnector.writeBack(ctx, target('002', '02'), first!.ref, { ettn, number: `KNI${year}000000001`, status: 'sent' });
    const db = new Database(path.join(root, 'demo', 'LOGODB.sqlite'), { readonly: true });
    try {
      const ref = Number(first!.ref.key.slice(4));
      expect(db.prepare('SELECT GUID, EDESPSTATUS FROM LG_002_02_STFICHE WHERE LOGICALREF = ?').get(ref)).toEqual({ GUID: ettn.toUpperCase(), EDESPSTATUS: 10 });
      expect(db.prepare('SELECT MODUL, ETTN, BELGE_NO, DURUM FROM KNK_EBELGE WHERE ERP_ANAHTAR = ?').get(first!.ref.key)).toEqual({ MODUL: 'eirsaliye', ETTN: ettn, BELGE_NO: `KNI${year}000000001`, DURUM: 'sent' });
    } finally {
      db.close();
    }
    expect((await read('002', '02')).map((d) => d.erpNumber)).not.toContain(first!.erpNumber);
    // Another ETTN for the same despatch is refused, nothing overwritten.
    await expect(logoConnector.writeBack(ctx, target('002', '02'), first!.ref, { ettn: '11111111-2222-4333-8444-555555555555', number: 'X', status: 'sent' })).rejects.toMatchObject({ code: 'ERP_ETTN_CONFLICT' });
  });
});
