/**
 * e-MM and e-SMM end to end against the sandbox: read from a program, built, checked, numbered, sent through the
 * durable outbox to MustahsilWebService and the e-SMM service, written back; then GİB's report status, cancellation,
 * undoing it before it is reported, the refusal once it is, and the legal window. The program is a stand-in that
 * hands over hand-made receipts (the real connectors' readers are tested with their own demo databases).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector, WriteBackResult } from '../../connectors/contract';
import { listConnectors } from '../../connectors/registry';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { CanonicalDocument } from '../../core/documents/model';
import { createIntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SUPPLIER } from '../fixtures/invoices';
import { CONSUMER, FREELANCER, HAND_RECEIPTS, feeLine, feeReceipt, producerReceipt } from '../fixtures/receipts';
import Decimal from 'decimal.js';

const DAY = 86_400_000;
let clock = new Date('2026-03-10T09:00:00+03:00').getTime();
const now = () => new Date(clock);

const ref = (key: string) => ({ connector: 'makbuz', database: 'MAKBUZ2026', key });
const RECEIPTS: CanonicalDocument[] = [
  { ...HAND_RECEIPTS.wheat(), ref: ref('mm-1'), erpNumber: 'MM-1' },
  { ...HAND_RECEIPTS.livestock(), ref: ref('mm-2'), erpNumber: 'MM-2' },
  { ...HAND_RECEIPTS.hazelnutAndApple(), ref: ref('mm-3'), erpNumber: 'MM-3' },
  // A farmer whose stopaj rate is not one of GİB's: refused before it is numbered, never sent.
  { ...producerReceipt([{ name: 'Arpa', quantity: 100, price: 10, stopaj: 3 }]), ref: ref('mm-4'), erpNumber: 'MM-4' },
  { ...feeReceipt(), ref: ref('smm-1'), erpNumber: 'SMM-1' },
  { ...feeReceipt({ customer: CONSUMER, customerIsTaxpayer: false, lines: [feeLine(1, { amount: new Decimal(1500), stopajRate: new Decimal(0), itemName: 'Diş tedavisi' })] }), ref: ref('smm-2'), erpNumber: 'SMM-2' },
];

const written: WriteBackResult[] = [];
const events: string[] = [];
const program: ErpConnector = {
  id: 'makbuz',
  title: 'Makbuz Programı',
  shape: 'database-per-year',
  documentKinds: { emm: { read: true, writeBack: ['ettn', 'number', 'status'] }, esmm: { read: true, writeBack: ['ettn', 'number', 'status'] } },
  modules: ['esmm', 'emm'],
  erpMigrations: [],
  async listDatabases() {
    return [{ name: 'MAKBUZ2026', fiscalYear: 2026, recognised: true }];
  },
  async listFirmPeriods() {
    return [];
  },
  async testConnection() {
    return { ok: true, checks: [{ name: 'reachable', ok: true }], tables: ['MAKBUZ'], warnings: [] };
  },
  async readOutgoing(_ctx, _target, module) {
    const done = new Set(written.map((w) => w.ettn));
    return RECEIPTS.filter((d) => d.module === module && (!d.ettn || !done.has(d.ettn)));
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
const target = { connector: 'makbuz', server: 'sqlite:/makbuz', database: 'MAKBUZ2026' };
let access: { integrator: string; user: string; password: string };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-receipts-'));
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5, clock: { now }, extraSenders: [SUPPLIER.taxId.value, FREELANCER.taxId.value] });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ connections, store: async () => store, connectors: [...listConnectors(), program], now, onSendEvent: (e) => events.push(e.type) });
  access = { integrator: sb.url, user: 'demo', password: 'demo123' };
}, 120_000);
afterAll(async () => {
  await api?.close();
  await connections.closeAll();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const rowsOf = async (module: 'emm' | 'esmm') => (await store('outbox').where({ module }).orderBy('erp_number')) as { erp_number: string; state: string; ettn: string; number: string | null }[];

describe('e-MM through MustahsilWebService', () => {
  it('sends the valid receipts, refuses the bad one before numbering, and writes the outcome back', async () => {
    const summary = await api['documents.send']({ target, module: 'emm', ...access, wait: true, pollIntervalMs: 10 });
    expect(summary).toMatchObject({ read: 4, delivered: 3, failed: [], open: 0 });
    expect(summary.invalid).toEqual([{ erpNumber: 'MM-4', reasons: [expect.stringContaining('KNK_EMM_STOPAJ_RATE')] }]);
    const rows = await rowsOf('emm');
    expect(rows.map((r) => [r.erp_number, r.state, r.number])).toEqual([
      ['MM-1', 'delivered', 'EMM2026000000001'],
      ['MM-2', 'delivered', 'EMM2026000000002'],
      ['MM-3', 'delivered', 'EMM2026000000003'],
      ['MM-4', 'invalid', null],
    ]);
    expect(written.filter((w) => w.number.startsWith('EMM')).map((w) => [w.number, w.status])).toEqual([
      ['EMM2026000000001', 'delivered'],
      ['EMM2026000000002', 'delivered'],
      ['EMM2026000000003', 'delivered'],
    ]);
    // A second run sends nothing again.
    const again = await api['documents.send']({ target, module: 'emm', ...access });
    expect(again).toMatchObject({ delivered: 0 });
    expect(sb.admin.state().kontor.find((k) => k.vkn === SUPPLIER.taxId.value && k.kontorTipi === 'ARSIV')).toBeDefined();
  });

  it('is reported to GİB the day after; a cancellation the same day can be undone, a reported one cannot', async () => {
    const [first, second] = await rowsOf('emm');
    expect(await api['documents.reportStatus']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'delivered', reported: false, cancellableUntil: '2026-03-18' });

    expect(await api['documents.cancel']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'cancelled', number: 'EMM2026000000001' });
    expect(await api['documents.reportStatus']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'cancelled', reported: false, cancellationReported: false });
    await expect(api['documents.cancel']({ ettn: first!.ettn, ...access })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_CANCELLABLE' });
    expect(await api['documents.undoCancel']({ ettn: first!.ettn, ...access })).toMatchObject({ state: 'delivered' });

    clock += DAY;
    expect(await api['documents.reportStatus']({ ettn: first!.ettn, ...access })).toMatchObject({ reported: true });
    await api['documents.cancel']({ ettn: second!.ettn, ...access });
    clock += DAY;
    expect(await api['documents.reportStatus']({ ettn: second!.ettn, ...access })).toMatchObject({ state: 'cancelled', reported: true, cancellationReported: true });
    // The integrator refuses to undo a reported cancellation; the outbox stays as it was.
    await expect(api['documents.undoCancel']({ ettn: second!.ettn, ...access })).rejects.toMatchObject({ code: 'INTEGRATOR_FAULT', details: { aeCode: 'AE00094' } });
    expect((await rowsOf('emm'))[1]!.state).toBe('cancelled');
    await expect(api['documents.undoCancel']({ ettn: first!.ettn, ...access })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_CANCELLED' });
  });

  it('refuses a cancellation after the legal window without asking the integrator', async () => {
    const third = (await rowsOf('emm'))[2]!;
    clock += 8 * DAY;
    await expect(api['documents.cancel']({ ettn: third.ettn, ...access })).rejects.toMatchObject({
      code: 'CANCEL_WINDOW_PASSED',
      userMessage: 'İptal süresi geçti: makbuz ancak 2026-03-18 tarihine kadar iptal edilebilirdi.',
    });
    expect((await rowsOf('emm'))[2]!.state).toBe('delivered');
    expect(await api['documents.reportStatus']({ ettn: third.ettn, ...access })).not.toHaveProperty('cancellableUntil');
  });
});

describe('e-SMM through the e-SMM service', () => {
  it('sends the fee to a company (KDV tevkifat) and to a final consumer, once each though the first answer is lost', async () => {
    clock = new Date('2026-03-10T15:00:00+03:00').getTime();
    const credits = () => sb.admin.state().kontor.find((k) => k.vkn === FREELANCER.taxId.value && k.kontorTipi === 'ARSIV')!.kalan;
    const before = credits();
    events.length = 0;
    // The integrator creates the first receipt and the answer never arrives: the outbox finds it by its islemId
    // (the ETTN) before anything is sent again, so it exists once.
    sb.admin.setFaults({ rules: [{ kind: 'drop', afterProcessing: true, count: 1, operation: 'serbestMeslekMakbuzOlustur' }] });
    const summary = await api['documents.send']({ target, module: 'esmm', ...access, wait: true, pollIntervalMs: 10, retryBaseMs: 10 });
    sb.admin.setFaults({});
    expect(summary).toMatchObject({ read: 2, delivered: 2, invalid: [], failed: [] });
    expect(events).toContain('retry');
    expect(before - credits()).toBe(2);
    expect((await rowsOf('esmm')).map((r) => [r.erp_number, r.state, r.number])).toEqual([
      ['SMM-1', 'delivered', 'SMM2026000000001'],
      ['SMM-2', 'delivered', 'SMM2026000000002'],
    ]);
  });
});

describe('the sandbox makes the client’s checks', () => {
  it('refuses a receipt that breaks the rule set, and a receipt sent to the other service', async () => {
    const clients = createIntegratorClients({ endpoints: endpointsFromBase(sb.url), credentials: { user: 'demo', password: 'demo123' }, erpCode: 'TEST' });
    try {
      const { documentKinds } = await import('../../core/documents/kinds');
      const view = { name: 'makbuz', content: '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>' };
      const uuid = '9b7c3a52-1d2e-4f60-8a9b-0c1d2e3f4a5b';
      const bad = documentKinds.get('emm').build({ doc: producerReceipt([{ name: 'Arpa', quantity: 100, price: 10, stopaj: 3 }]), id: 'EMM2026000000099', uuid, profile: 'EARSIVBELGE', issueTime: '10:00:00', view });
      const refused = await clients.mustahsil.create({ senderVkn: SUPPLIER.taxId.value, uuid }, Buffer.from(bad.xml));
      expect(refused.resultCode).toBe('AE00003');
      expect(refused.resultText).toContain('KNK_EMM_STOPAJ');
      const good = documentKinds.get('emm').build({ doc: HAND_RECEIPTS.wheat(), id: 'EMM2026000000099', uuid, profile: 'EARSIVBELGE', issueTime: '10:00:00', view });
      const wrongService = await clients.esmm.create({ senderVkn: SUPPLIER.taxId.value, uuid }, Buffer.from(good.xml));
      expect(wrongService).toMatchObject({ resultCode: 'AE00003', resultText: expect.stringContaining('serbest meslek makbuzu') });
      expect(await clients.mustahsil.query({ senderVkn: SUPPLIER.taxId.value, uuid })).toBeUndefined();
    } finally {
      await clients.close();
    }
  });

  it('serves a WSDL for each receipt service', async () => {
    for (const [service, op] of [['mustahsilService', 'mustahsilMakbuzOlustur'], ['esmmService', 'serbestMeslekMakbuzOlustur']] as const) {
      const wsdl = await (await fetch(`${sb.endpoints[service]}?wsdl`)).text();
      expect(wsdl).toContain(`<operation name="${op}">`);
      expect(wsdl).toContain(`<soap:address location="${sb.endpoints[service]}"/>`);
    }
  });
});
