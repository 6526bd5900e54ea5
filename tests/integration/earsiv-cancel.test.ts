/**
 * e-Arşiv after delivery, against the sandbox: the invoice is made under the sube/kasa of the module's settings;
 * GİB report status per invoice (rapordaFaturaSorgula); cancellation (faturaIptalEt) with its reason recorded and
 * written back to the program as cancelled; the refusal once the invoice is in a report, which changes nothing.
 * The program is a stand-in handing over hand-made invoices (the real connectors' write-back has its own tests).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../cli/main';
import type { ErpConnector, WriteBackResult } from '../../connectors/contract';
import { listConnectors } from '../../connectors/registry';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { CanonicalDocument } from '../../core/documents/model';
import { earsivPlaceKey, writePreference } from '../../db/preferences';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { DATABASE_FILE } from '../../sandbox/server/store';
import { PERSON_CUSTOMER, SUPPLIER, invoice } from '../fixtures/invoices';

const DAY = 86_400_000;
let clock = new Date('2026-03-10T09:00:00+03:00').getTime();
const now = () => new Date(clock);

const ref = (key: string) => ({ connector: 'fatura', database: 'FATURA2026', key });
const INVOICES: CanonicalDocument[] = ['1', '2', '3'].map((n) =>
  invoice({ module: 'earsiv', customer: PERSON_CUSTOMER, earsiv: { sendingType: 'ELEKTRONIK' }, issueDate: '2026-03-10', ref: ref(`e-${n}`), erpNumber: `E-${n}` }),
);

const written: WriteBackResult[] = [];
const program: ErpConnector = {
  id: 'fatura',
  title: 'Fatura Programı',
  shape: 'database-per-year',
  documentKinds: { earsiv: { read: true, writeBack: ['ettn', 'number', 'status'] } },
  modules: ['earsiv'],
  erpMigrations: [],
  async listDatabases() {
    return [{ name: 'FATURA2026', fiscalYear: 2026, recognised: true }];
  },
  async listFirmPeriods() {
    return [];
  },
  async testConnection() {
    return { ok: true, checks: [{ name: 'reachable', ok: true }], tables: ['FATURA'], warnings: [] };
  },
  async readOutgoing(_ctx, _target, module) {
    const done = new Set(written.map((w) => w.ettn));
    return INVOICES.filter((d) => d.module === module && (!d.ettn || !done.has(d.ettn)));
  },
  async writeBack(_ctx, _target, _ref, result) {
    written.push(result);
  },
};

let dir: string;
let sb: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
const connections = new ErpConnections();
const target = { connector: 'fatura', server: 'sqlite:/fatura', database: 'FATURA2026' };
let access: { integrator: string; user: string; password: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-earsiv-cancel-'));
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5, clock: { now }, extraSenders: [SUPPLIER.taxId.value], validate: false });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ connections, store: async () => store, connectors: [...listConnectors(), program], now });
  access = { integrator: sb.url, user: 'demo', password: 'demo123' };
}, 120_000);
afterAll(async () => {
  await api?.close();
  await connections.closeAll();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rows = async () => (await store('outbox').where({ module: 'earsiv' }).orderBy('erp_number')) as { id: number; erp_number: string; state: string; ettn: string; number: string | null; written_back_state: string | null }[];
const atSandbox = () => {
  const db = new Database(path.join(dir, 'sandbox', DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT uuid, sube, kasa, cancelled_at FROM earsiv ORDER BY fatura_no').all() as { uuid: string; sube: string; kasa: string; cancelled_at: number | null }[];
  } finally {
    db.close();
  }
};

describe('e-Arşiv cancellation and report status', () => {
  it('makes the invoices under the sube and kasa saved in the module’s settings', async () => {
    await writePreference(store, earsivPlaceKey('earsiv', SUPPLIER.taxId.value), { branch: 'MERKEZ', till: 'KASA1' });
    const summary = await api['documents.send']({ target, module: 'earsiv', ...access, wait: true, pollIntervalMs: 10 });
    expect(summary).toMatchObject({ read: 3, delivered: 3, failed: [] });
    expect((await rows()).map((r) => r.state)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(atSandbox().map((r) => [r.sube, r.kasa])).toEqual([
      ['MERKEZ', 'KASA1'],
      ['MERKEZ', 'KASA1'],
      ['MERKEZ', 'KASA1'],
    ]);
  });

  it('shows an invoice not yet in a report, refuses a cancellation without a reason, then cancels with one and writes it back', async () => {
    const [first] = await rows();
    expect(await api['documents.reportStatus']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'delivered', reported: false, cancellableUntil: '2026-03-18' });
    for (const reason of [undefined, '', '   ']) {
      await expect(api['documents.cancel']({ ettn: first!.ettn, ...(reason !== undefined ? { reason } : {}), ...access })).rejects.toMatchObject({ code: 'CANCEL_REASON_REQUIRED' });
    }
    expect((await rows())[0]!.state).toBe('delivered');
    expect(atSandbox()[0]!.cancelled_at).toBeNull();

    const outcome = await api['documents.cancel']({ ettn: first!.ettn, reason: 'Yanlış  müşteriye kesildi', target, ...access });
    expect(outcome).toMatchObject({ state: 'cancelled', number: first!.number, reason: 'Yanlış müşteriye kesildi', writtenBack: 1 });
    expect(atSandbox()[0]!.cancelled_at).not.toBeNull();
    expect(written.filter((w) => w.ettn === first!.ettn).map((w) => w.status)).toEqual(['delivered', 'cancelled']);
    expect((await rows())[0]).toMatchObject({ state: 'cancelled', written_back_state: 'cancelled' });
    const history = (await store('outbox_history').where({ outbox_id: first!.id }).orderBy('id')) as { to_state: string; detail: string | null }[];
    expect(history.at(-1)).toMatchObject({ to_state: 'cancelled', detail: expect.stringContaining('reason: Yanlış müşteriye kesildi') });
    const audit = (await store('audit_log').where({ action: 'documents.cancel' })) as { outcome: string; after_json: string }[];
    expect(audit.filter((a) => a.outcome === 'ok').map((a) => JSON.parse(a.after_json).reason)).toEqual(['Yanlış müşteriye kesildi']);
    // A second cancellation is refused locally.
    await expect(api['documents.cancel']({ ettn: first!.ettn, reason: 'tekrar', ...access })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_CANCELLABLE' });
    expect(await api['documents.reportStatus']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'cancelled', reported: false, cancellationReported: false });
  });

  it('refuses to cancel an invoice already in a GİB report, changing nothing', async () => {
    clock += DAY; // the integrator reports yesterday's invoices
    const [, second] = await rows();
    const report = await api['documents.reportStatus']({ ettn: second!.ettn, ...access });
    expect(report).toMatchObject({ state: 'delivered', reported: true });
    expect(report).not.toHaveProperty('cancellableUntil');
    await expect(api['documents.cancel']({ ettn: second!.ettn, reason: 'İade', target, ...access })).rejects.toMatchObject({
      code: 'CANCEL_ALREADY_REPORTED',
      userMessage: expect.stringContaining('raporuna girmiş'),
    });
    expect((await rows())[1]).toMatchObject({ state: 'delivered' });
    expect(atSandbox()[1]!.cancelled_at).toBeNull();
    expect(written.filter((w) => w.ettn === second!.ettn).map((w) => w.status)).toEqual(['delivered']);
  });

  it('refuses an unknown ETTN and a reason over the limit', async () => {
    await expect(api['documents.cancel']({ ettn: '00000000-0000-4000-8000-000000000000', reason: 'x', ...access })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_IN_OUTBOX' });
    const [, , third] = await rows();
    await expect(api['documents.cancel']({ ettn: third!.ettn, reason: 'x'.repeat(501), ...access })).rejects.toMatchObject({ code: 'CANCEL_REASON_TOO_LONG' });
    expect((await rows())[2]!.state).toBe('delivered');
  });

  it('konnektor earsiv cancel: no reason is bad input (exit 2), with one the invoice is cancelled (--json)', async () => {
    const [, , third] = await rows();
    process.env.KNK_EARSIV_TEST_PW = access.password;
    const cli = async (...args: string[]) => {
      let code = 0;
      const out: string[] = [];
      const err: string[] = [];
      const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((c) => (out.push(String(c)), true));
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((c) => (err.push(String(c)), true));
      try {
        await buildProgram(api, (c) => (code = c)).parseAsync(['node', 'konnektor', ...args]);
      } finally {
        stdout.mockRestore();
        stderr.mockRestore();
      }
      return { code, out: out.join(''), err: err.join('') };
    };
    const common = ['--ettn', third!.ettn, '--integrator', sb.url, '--user', 'demo', '--password-env', 'KNK_EARSIV_TEST_PW', '--json'];
    const refused = await cli('earsiv', 'cancel', ...common);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.err).error).toMatchObject({ code: 'CANCEL_REASON_REQUIRED' });
    expect((await rows())[2]!.state).toBe('delivered');
    clock -= DAY; // back to the invoices' day: not yet in a report
    const done = await cli('earsiv', 'cancel', ...common, '--reason', 'Mükerrer fatura');
    expect(done.code).toBe(0);
    expect(JSON.parse(done.out)).toMatchObject({ ettn: third!.ettn, state: 'cancelled', reason: 'Mükerrer fatura' });
    const status = await cli('earsiv', 'report-status', ...common);
    expect(JSON.parse(status.out)).toMatchObject({ state: 'cancelled', reported: false, cancellationReported: false });
  });

  it('the document screen: report status and cancellation through the session, written back to the program', async () => {
    const { session } = await api['session.login']({ module: 'earsiv', user: 'demo', password: 'demo123', integrator: sb.url, target });
    const listed = await api['session.documents']({ sessionId: session.id });
    const second = listed.find((r) => r.erpNumber === 'E-2')!;
    expect(second).toMatchObject({ state: 'delivered', reportable: true, cancellableUntil: '2026-03-18' });
    expect(listed.find((r) => r.erpNumber === 'E-1')).toMatchObject({ state: 'cancelled', reportable: true });
    expect(listed.find((r) => r.erpNumber === 'E-1')).not.toHaveProperty('cancellableUntil');
    expect(await api['session.reportStatus']({ sessionId: session.id, ettn: second.ettn! })).toMatchObject({ reported: false });
    await expect(api['session.cancel']({ sessionId: session.id, ettn: second.ettn!, reason: ' ' })).rejects.toMatchObject({ code: 'CANCEL_REASON_REQUIRED' });
    expect(await api['session.cancel']({ sessionId: session.id, ettn: second.ettn!, reason: 'Tutar hatalı' })).toMatchObject({ state: 'cancelled', reason: 'Tutar hatalı', writtenBack: 2 });
    // The command-line cancellation named no ERP target: it is written back now, with this one.
    expect(written.filter((w) => w.ettn === second.ettn).map((w) => w.status)).toEqual(['delivered', 'cancelled']);
    expect(written.filter((w) => w.ettn === listed.find((r) => r.erpNumber === 'E-3')!.ettn).map((w) => w.status)).toEqual(['delivered', 'cancelled']);
    expect(atSandbox()[1]!.cancelled_at).not.toBeNull();
  });
});
