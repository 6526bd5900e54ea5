/**
 * e-İrsaliye end to end: the demo LOGODB's despatches → the e-İrsaliye kind's checks → outbox → the eFinans sandbox
 * (IRSALIYE_UBL to the receiver's e-İrsaliye mailbox, GİB's checks, the receiver's irsaliye yanıtı) → status polls
 * with belgeTuru IRSALIYE → write-back into STFICHE and KNK_EBELGE.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { entriesIn } from '../../core/outbox/store';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SEED_KONTOR } from '../../sandbox/server/seed';
import { SHIPPED } from '../../runtime/shipped';

let root: string;
let store: LocalStore;
let api: KonnektorService;
let sandbox: SandboxHandle;
let server: string;
let year: number;
const connections = new ErpConnections();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-despatch-send-'));
  store = await openLocalStore(':memory:');
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const demo = await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 40 });
  await api['registry.import']({ file: demo.userList });
  server = demo.server;
  year = demo.year;
  sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox'), stepMs: 15 });
}, 300_000);
afterAll(async () => {
  await api.close();
  await sandbox?.close().catch(() => {});
  await connections.closeAll();
  await store.destroy();
  fs.rmSync(root, { recursive: true, force: true });
});

const send = () =>
  api['documents.send']({
    target: { connector: 'logo', server, database: 'LOGODB', firm: '2', period: '2' },
    module: 'eirsaliye',
    integrator: sandbox.url,
    user: 'demo',
    password: 'demo123',
    wait: true,
    pollIntervalMs: 30,
    retryBaseMs: 20,
    deadlineSec: 60,
  });

describe('e-İrsaliye send against the eFinans sandbox', () => {
  it('sends the valid despatches once as IRSALIYE_UBL, follows the yanıt (accepted, partly accepted, rejected) and writes it back', async () => {
    // The receivers' answers: the own-vehicle despatch is rejected, the MATBUDAN one accepted with a short quantity.
    sandbox.admin.setFaults({
      responses: [
        { invoiceId: `KNI${year}000000002`, yanit: 'RED', detail: 'Mallar hasarlı teslim edildi.' },
        { invoiceId: `KNI${year}000000003`, yanit: 'KABUL', detail: 'KISMİ KABUL: 5 MTR eksik teslim.' },
      ],
    });
    const summary = await send();
    expect(summary.read).toBe(5);
    expect(summary.invalid.map((i) => i.erpNumber)).toEqual([`IRS${year}20004`, `IRS${year}20007`]);
    expect(summary.invalid[0]!.reasons.join(' ')).toContain('e-İrsaliye kullanıcısı değil');
    expect(summary.failed).toEqual([]);
    expect(summary).toMatchObject({ delivered: 0, accepted: 2, rejected: 1, open: 0 });

    const sent = sandbox.admin.state().outgoing;
    expect(sent.total).toBe(3);
    const deliveries = sandbox.admin.deliveries();
    expect(Object.values(deliveries.byEttn)).toEqual([1, 1, 1]);

    const entries = await entriesIn(store, ['accepted', 'rejected'], 'eirsaliye');
    expect(entries.map((e) => [e.number, e.state, e.alias?.startsWith('urn:mail:irsaliyepk@')])).toEqual([
      [`KNI${year}000000001`, 'accepted', true],
      [`KNI${year}000000002`, 'rejected', true],
      [`KNI${year}000000003`, 'accepted', true],
    ]);
    expect(entries[1]!.gibMessage).toContain('hasarlı');
    expect(entries[2]!.gibMessage).toContain('KISMİ KABUL');

    const db = new Database(path.join(root, 'demo', 'LOGODB.sqlite'), { readonly: true });
    try {
      for (const e of entries) {
        const ref = Number(e.ref.key.replace(/^STF:/, ''));
        expect(db.prepare('SELECT GUID, EDESPSTATUS FROM LG_002_02_STFICHE WHERE LOGICALREF = ?').get(ref)).toEqual({ GUID: e.ettn.toUpperCase(), EDESPSTATUS: 10 });
        expect(db.prepare('SELECT DURUM, BELGE_NO FROM KNK_EBELGE WHERE MODUL = ? AND ERP_ANAHTAR = ?').get('eirsaliye', e.ref.key)).toEqual({ DURUM: e.state, BELGE_NO: e.number });
      }
    } finally {
      db.close();
    }

    // A second run sends nothing again.
    const again = await send();
    expect(again).toMatchObject({ read: 2, queued: 0, sent: 0 });
    expect(sandbox.admin.state().outgoing.total).toBe(3);
  }, 180_000);

  it('the e-İrsaliye login works with Logo: the status bar shows the IRSALIYE kontör, Belgeler lists the despatches with their outcome', async () => {
    const target = { connector: 'logo', server, database: 'LOGODB', firm: '2', period: '2' };
    const { session, kontor } = await api['session.login']({ module: 'eirsaliye', user: 'demo', password: 'demo123', integrator: sandbox.url, target });
    expect(session.module).toBe('eirsaliye');
    // Three despatches went out, each spending one e-İrsaliye kontör (the invoice kontör is untouched).
    expect(kontor).toBe(SEED_KONTOR - 3);
    const rows = await api['session.documents']({ sessionId: session.id });
    const states = Object.fromEntries(rows.map((r) => [r.erpNumber, r.state]));
    expect(states).toMatchObject({ [`IRS${year}20001`]: 'accepted', [`IRS${year}20002`]: 'rejected', [`IRS${year}20003`]: 'accepted', [`IRS${year}20007`]: 'invalid' });
    expect(rows.find((r) => r.erpNumber === `IRS${year}20003`)!.message).toContain('KISMİ KABUL');
  });
});
