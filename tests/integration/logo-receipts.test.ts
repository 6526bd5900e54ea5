/**
 * e-MM from Logo: the demo LOGODB's müstahsil makbuzları (INVOICE TRCODE 26) read into the canonical model, sent
 * through the pipeline to the sandbox's MustahsilWebService, and their outcome written back (GUID, ESTATUS,
 * KNK_EBELGE); the slip of a farmer without TCKN is refused before it is numbered and stays unsent in Logo.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoConnector } from '../../connectors/logo';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { ProducerReceiptDocument } from '../../core/documents/model';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { openLocalStore, type LocalStore } from '../../db/local';
import { logoErpMigrations } from '../../migrations/erp/logo';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { LOGO_DEMO_PRODUCER_BASE, createLogoDemo } from '../../sandbox/demo/logo';
import { demoWorld } from '../../sandbox/demo/scenario';
import { SHIPPED } from '../../runtime/shipped';

const YEAR = 2026;
const now = () => new Date(`${YEAR}-03-10T09:00:00+03:00`);
let dir: string;
let server: string;
let sb: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
const connections = new ErpConnections();
const target = () => ({ connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-logo-emm-'));
  server = `sqlite:${dir}`;
  createLogoDemo(dir, demoWorld(1), { seed: 1, invoices: 20, year: YEAR });
  await applyErpMigrations(await connections.database(server, 'LOGODB'), logoErpMigrations);
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5, clock: { now } });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, now });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await connections.closeAll();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Logo müstahsil makbuzları', () => {
  it('are read with the producer, the produce and the stopaj of each line', async () => {
    const docs = (await logoConnector.readOutgoing({ connections }, target(), 'emm')) as ProducerReceiptDocument[];
    expect(docs.map((d) => d.erpNumber)).toEqual(['MM2026-0001', 'MM2026-0002', 'MM2026-0003', 'MM2026-0004', 'MM2026-0005']);
    const [wheat, , harvest, hazelnut, noTckn] = docs;
    expect(wheat).toMatchObject({ kind: 'producer-receipt', module: 'emm', issueDate: `${YEAR}-01-05`, customer: { taxId: { scheme: 'TCKN', value: '12345678950' }, person: { firstName: 'Hasan', familyName: 'Çiftçi' } } });
    expect(wheat!.supplier?.taxId.scheme).toBe('VKN');
    expect(wheat!.lines.map((l) => [l.itemName, l.quantity.toFixed(), l.unitCode, l.grossAmount.toFixed(2), l.deductions.map((x) => `${x.code} %${x.percent.toFixed()} ${x.amount.toFixed(2)}`)])).toEqual([
      ['Buğday', '10000', 'KGM', '95000.00', ['0003 %2 1900.00']],
    ]);
    expect(harvest!.lines[0]).toMatchObject({ unitCode: 'DAY' });
    expect(harvest!.lines[0]!.deductions[0]!.percent.toFixed()).toBe('4');
    expect(hazelnut!.lines[0]!.deductions[0]).toMatchObject({ exemption: { code: '350' } });
    expect(hazelnut!.erpNet?.amount.toFixed(2)).toBe('61725.00');
    expect(noTckn!.customer.taxId.value).toBe('');
  });

  it('are exported and sent to MustahsilWebService; the outcome goes back into Logo', async () => {
    const summary = await api['documents.send']({ target: target(), module: 'emm', integrator: sb.url, user: 'demo', password: 'demo123', wait: true, pollIntervalMs: 10 });
    expect(summary).toMatchObject({ read: 5, delivered: 4, failed: [], open: 0 });
    expect(summary.invalid).toEqual([{ erpNumber: 'MM2026-0005', reasons: [expect.stringContaining('KNK_EMM_PRODUCER_NO_TCKN')] }]);
    const db = new Database(path.join(dir, 'LOGODB.sqlite'), { readonly: true });
    try {
      const rows = db.prepare('SELECT FICHENO, GUID, ESTATUS FROM LG_001_02_INVOICE WHERE TRCODE = 26 ORDER BY LOGICALREF').all() as { FICHENO: string; GUID: string | null; ESTATUS: number }[];
      expect(rows.map((r) => [r.FICHENO, r.GUID !== null, r.ESTATUS])).toEqual([
        ['MM2026-0001', true, 2],
        ['MM2026-0002', true, 2],
        ['MM2026-0003', true, 2],
        ['MM2026-0004', true, 2],
        ['MM2026-0005', false, 0],
      ]);
      const helper = db.prepare("SELECT BELGE_NO, DURUM FROM KNK_EBELGE WHERE MODUL = 'emm' ORDER BY BELGE_NO").all() as { BELGE_NO: string; DURUM: string }[];
      expect(helper).toEqual([1, 2, 3, 4].map((n) => ({ BELGE_NO: `EMM${YEAR}00000000${n}`, DURUM: 'delivered' })));
      expect(db.prepare('SELECT COUNT(*) AS n FROM LG_001_02_INVOICE WHERE LOGICALREF > ? AND TRCODE <> 26', ).get(LOGO_DEMO_PRODUCER_BASE)).toEqual({ n: 0 });
    } finally {
      db.close();
    }
    // Only the refused slip is still unsent in Logo.
    const left = await logoConnector.readOutgoing({ connections }, target(), 'emm');
    expect(left.map((d) => d.erpNumber)).toEqual(['MM2026-0005']);
  });

  it('a Logo user can log into e-MM; e-SMM stays refused with the program named', async () => {
    expect((await api['session.defaults']({ module: 'emm' })).connectors.map((c) => c.id)).toContain('logo');
    await expect(api['erp.testConnection']({ module: 'esmm', target: target() })).rejects.toMatchObject({ code: 'CONNECTOR_MODULE_NOT_SUPPORTED', userMessage: expect.stringContaining('e-SMM modülü Logo Tiger / Go ile') });
    expect(await api['erp.testConnection']({ module: 'emm', target: target() })).toMatchObject({ ok: true });
  });
});
