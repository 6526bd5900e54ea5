/**
 * e-İrsaliye from Netsis: the demo company databases' sales despatches (TBLFATUIRS FTIRSIP '3', TBLSTHAR, the
 * transport in TBLEIRSMAS) read by the connector, exported through the e-İrsaliye kind and written back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { netsisConnector } from '../../connectors/netsis';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { SHIPPED } from '../../runtime/shipped';
import type { DespatchDocument } from '../../core/documents/model';
import type { ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { DEMO_CARRIER, DEMO_DRIVERS } from '../../sandbox/demo/despatch';

let root: string;
let server: string;
let store: LocalStore;
let api: KonnektorService;
let year: number;
const connections = new ErpConnections();
const ctx = { connections };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-netsis-despatch-'));
  store = await openLocalStore(':memory:');
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const summary = await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 40, seed: 7 });
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

const target = (database: string): ErpTarget => ({ connector: 'netsis', server, database });
const read = async (database: string) => (await netsisConnector.readOutgoing(ctx, target(database), 'eirsaliye')) as DespatchDocument[];

describe('Netsis despatches (e-İrsaliye)', () => {
  it('Netsis serves e-İrsaliye: the connection test checks TBLEIRSMAS', async () => {
    expect(netsisConnector.modules).toContain('eirsaliye');
    const result = await netsisConnector.testConnection(ctx, target(`ORNEKTEKSTIL${year}`), 'eirsaliye');
    expect(result.tables).toEqual(expect.arrayContaining(['TBLFATUIRS', 'TBLSTHAR', 'TBLEIRSMAS']));
  });

  it('reads the unsent sales despatches with carrier, drivers, plates and lines; not the sent one, not last year’s', async () => {
    const docs = await read(`ORNEKTEKSTIL${year}`);
    expect(docs.map((d) => d.erpNumber)).toEqual([1, 2, 4, 7].map((n) => `IRS${year}1000${n}`));
    expect((await read(`ORNEKTEKSTIL${year - 1}`)).map((d) => d.erpNumber)).toEqual([`IRS${year - 1}10001`]);
    const [carrier, own] = docs;
    expect(JSON.parse(carrier!.ref.key)[1]).toBe('3');
    expect(carrier!.carrier).toMatchObject({ taxId: { scheme: 'VKN', value: DEMO_CARRIER.vkn }, name: DEMO_CARRIER.title });
    expect(own!.drivers).toEqual(DEMO_DRIVERS);
    expect(own).toMatchObject({ vehiclePlates: ['34 KNK 202'], trailerPlates: ['34 DR 2020'], despatchDate: `${year}-01-11`, despatchTime: '10:15:00' });
    expect(own!.lines.map((l) => l.quantity.toFixed())).toEqual(['20', '5']);
    expect(own!.lines.every((l) => l.itemName !== '' && l.unitCode !== '')).toBe(true);
  });

  it('exports them: the valid ones clean in the KNI series, the invoice-only customer and the missing transport refused', async () => {
    const report = await api['documents.export']({ target: target(`ORNEKTEKSTIL${year}`), module: 'eirsaliye', outDir: path.join(root, 'out') });
    const byNo = new Map(report.documents.map((d) => [d.erpNumber.slice(-1), d]));
    for (const n of ['1', '2']) expect(byNo.get(n)!.issues, n).toEqual([]);
    expect(byNo.get('1')!.number).toMatch(new RegExp(`^KNI${year}\\d{9}$`));
    expect(byNo.get('4')!.issues.map((i) => i.rule)).toEqual(['KNK_ROUTING_DESPATCH_INVOICE_ONLY']);
    expect(byNo.get('7')!.issues.map((i) => i.rule)).toEqual(['KNK_DESPATCH_CARRIER_MISSING', 'KNK_DESPATCH_PLATE_MISSING']);
    expect(byNo.get('7')!.issues[0]!.message).toContain('TBLEIRSMAS.SHIP_CARRIERVKN');
  }, 120_000);

  it('writes the GİB number back and does not read the despatch again', async () => {
    const [first] = await read(`ANADOLUGIDA${year}`);
    await netsisConnector.writeBack(ctx, target(`ANADOLUGIDA${year}`), first!.ref, { ettn: '6a1f0c3e-2b4d-4e5f-8a9b-0c1d2e3f4a5b', number: `KNI${year}000000009`, status: 'sent' });
    const db = new Database(path.join(root, 'demo', `ANADOLUGIDA${year}.sqlite`), { readonly: true });
    try {
      expect(db.prepare("SELECT GIB_FATIRS_NO FROM TBLFATUIRS WHERE FTIRSIP = '3' AND FATIRS_NO = ?").get(first!.erpNumber)).toEqual({ GIB_FATIRS_NO: `KNI${year}000000009` });
      expect(db.prepare("SELECT MODUL, DURUM FROM KNK_EBELGE WHERE ERP_ANAHTAR = ?").get(first!.ref.key)).toEqual({ MODUL: 'eirsaliye', DURUM: 'sent' });
    } finally {
      db.close();
    }
    expect((await read(`ANADOLUGIDA${year}`)).map((d) => d.erpNumber)).not.toContain(first!.erpNumber);
  });
});
