import type { InvoiceDocument } from '../../core/documents/model';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import type { SendRunOptions } from '../../core/outbox';
import { entriesIn } from '../../core/outbox/store';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

/**
 * The whole send pipeline — demo ERP → export → outbox → eFinans sandbox over SOAP → status poll → write-back —
 * on a bad day: each fault of the integrator or the network, and each way the ERP or the input can go wrong.
 * Every test ends by proving what matters: nothing lost, nothing delivered twice, a clear outcome per document.
 */
const IBAN = 'TR330006100519786457841326';
const LOGO = { connector: 'logo', database: 'LOGODB', firm: '2', period: '2' };

type SendEvent = Parameters<NonNullable<SendRunOptions['onEvent']>>[0];

interface World {
  root: string;
  demoDir: string;
  server: string;
  store: LocalStore;
  api: KonnektorService;
  sandbox: SandboxHandle;
  connections: ErpConnections;
  onEvent: (e: SendEvent) => void;
  send(over?: Record<string, unknown>): ReturnType<KonnektorService['documents.send']>;
  restartSandbox(): Promise<void>;
  logoRows(): { LOGICALREF: number; FICHENO: string; GUID: string | null; ESTATUS: number }[];
}

const worlds: World[] = [];

async function world(opts: { stepMs?: number } = {}): Promise<World> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-send-'));
  const connections = new ErpConnections();
  const store = await openLocalStore(':memory:');
  const w = {} as World;
  w.onEvent = () => {};
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, onSendEvent: (e) => w.onEvent(e) });
  const demo = await api['demo.init']({ dir: path.join(root, 'demo') });
  await api['registry.import']({ file: demo.userList });
  const sandboxOptions = { dataDir: path.join(root, 'sandbox'), stepMs: opts.stepMs ?? 15 };
  let sandbox = await startSandbox(sandboxOptions);
  Object.defineProperty(w, 'sandbox', { get: () => sandbox });
  Object.assign(w, {
    root,
    demoDir: path.join(root, 'demo'),
    server: demo.server,
    store,
    api,
    connections,
    send: (over: Record<string, unknown> = {}) =>
      api['documents.send']({
        target: { ...LOGO, server: demo.server },
        module: 'efatura',
        integrator: sandbox.url,
        user: 'demo',
        password: 'demo123',
        iban: IBAN,
        wait: true,
        pollIntervalMs: 30,
        retryBaseMs: 20,
        deadlineSec: 60,
        ...over,
      }),
    restartSandbox: async () => {
      const port = sandbox.port;
      await sandbox.close().catch(() => {});
      sandbox = await startSandbox({ ...sandboxOptions, port });
    },
    logoRows: () => {
      const db = new Database(path.join(root, 'demo', 'LOGODB.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT LOGICALREF, FICHENO, GUID, ESTATUS FROM LG_002_02_INVOICE ORDER BY LOGICALREF').all() as ReturnType<World['logoRows']>;
      } finally {
        db.close();
      }
    },
  });
  worlds.push(w);
  return w;
}

afterEach(async () => {
  for (const w of worlds.splice(0)) {
    await w.api.close();
    await w.sandbox.close().catch(() => {});
    await w.connections.closeAll();
    await w.store.destroy();
    fs.rmSync(w.root, { recursive: true, force: true });
  }
});

/** Every document the sandbox delivered, exactly once per ETTN and per invoice number. */
function expectDeliveredOnce(w: World, expected: number) {
  const report = w.sandbox.admin.deliveries();
  expect(Object.values(report.byEttn).every((n) => n === 1)).toBe(true);
  expect(Object.values(report.byInvoiceId).every((n) => n === 1)).toBe(true);
  expect(Object.keys(report.byEttn)).toHaveLength(expected);
  // The sandbox answers a resent number idempotently, so deliveries alone would hide a resend: each document was
  // also submitted only once.
  expect(w.sandbox.admin.documents().filter((d) => d.submissions !== 1).map((d) => `${d.belgeNo}×${d.submissions}`)).toEqual([]);
}

async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('send pipeline against the eFinans sandbox', () => {
  it('delivers every valid e-Fatura once, writes ETTN and status back into Logo, and sends nothing on a second run', async () => {
    const w = await world();
    const summary = await w.send();
    const valid = summary.read - summary.invalid.length;
    expect(valid).toBeGreaterThan(3);
    expect(summary.failed).toEqual([]);
    expect(summary.delivered + summary.accepted).toBe(valid);
    expect(summary.open).toBe(0);
    expectDeliveredOnce(w, valid);
    // The ERP now carries each delivered document's ETTN and a sent status.
    const local = await entriesIn(w.store, ['delivered', 'accepted']);
    const rows = new Map(w.logoRows().map((r) => [String(r.LOGICALREF), r]));
    for (const e of local) {
      const row = rows.get(e.ref.key)!;
      expect(row.GUID?.toLowerCase()).toBe(e.ettn);
      expect(row.ESTATUS).not.toBe(0);
    }
    const again = await w.send();
    expect(again).toMatchObject({ read: summary.invalid.length, queued: 0, sent: 0, delivered: 0 });
    expectDeliveredOnce(w, valid);
  });

  it('delivers e-Arşiv invoices of Logo and e-Fatura invoices of a Netsis company database', async () => {
    const w = await world();
    const earsiv = await w.send({ module: 'earsiv' });
    expect(earsiv.read).toBeGreaterThan(0);
    expect(earsiv.failed).toEqual([]);
    expect(earsiv.delivered).toBe(earsiv.read - earsiv.invalid.length);
    expect(w.sandbox.admin.state().earsiv.total).toBe(earsiv.delivered);

    const netsis = await w.send({ target: { connector: 'netsis', server: w.server, database: 'ORNEKTEKSTIL2026' } });
    expect(netsis.failed).toEqual([]);
    expect(netsis.delivered + netsis.accepted).toBe(netsis.read - netsis.invalid.length);
    expect(netsis.writeBack.written).toBeGreaterThan(0);
    expectDeliveredOnce(w, netsis.delivered + netsis.accepted);
  });

  it('a wrong password stops the batch after one call: no retry storm, nothing failed, everything still queued', async () => {
    const w = await world();
    await expect(w.send({ password: 'yanlis' })).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    const queued = await entriesIn(w.store, ['queued']);
    expect(queued.length).toBeGreaterThan(3);
    expect(queued.reduce((n, e) => n + e.attempts, 0)).toBeLessThanOrEqual(1);
    expect(await entriesIn(w.store, ['failed'])).toEqual([]);
    expect(w.sandbox.admin.state().outgoing.total).toBe(0);
    // With the right password the same documents go out, once.
    const summary = await w.send();
    expectDeliveredOnce(w, summary.delivered + summary.accepted);
    expect(summary.delivered + summary.accepted).toBe(queued.length);
  });

  it('integrator down at start: INTEGRATOR_UNREACHABLE at once, documents kept queued, sent on the next run', async () => {
    const w = await world();
    await expect(w.send({ integrator: `http://127.0.0.1:${await closedPort()}` })).rejects.toMatchObject({ code: 'INTEGRATOR_UNREACHABLE' });
    const queued = await entriesIn(w.store, ['queued']);
    expect(queued.length).toBeGreaterThan(3);
    // At once: no document waits out a backoff or counts an attempt for an integrator that is not there.
    expect(queued.every((e) => e.attempts === 0 && e.number && e.xml && e.nextAttemptAt === undefined && e.inFlightSince === undefined)).toBe(true);
    const summary = await w.send();
    expect(summary.delivered + summary.accepted).toBe(queued.length);
    expectDeliveredOnce(w, queued.length);
  });

  it('integrator dying mid-batch: the run stops with an error, and after a restart every document is delivered once', async () => {
    const w = await world();
    let sent = 0;
    let closing: Promise<void> | undefined;
    w.onEvent = (e) => {
      if (e.type === 'sent' && ++sent === 2) closing ??= w.sandbox.close();
    };
    await expect(w.send({ concurrency: 1 })).rejects.toMatchObject({ code: expect.stringMatching(/^INTEGRATOR_(UNREACHABLE|TIMEOUT)$/) });
    await closing;
    expect(await entriesIn(w.store, ['failed'])).toEqual([]);
    w.onEvent = () => {};
    await w.restartSandbox();
    const summary = await w.send();
    const total = (await entriesIn(w.store, ['delivered', 'accepted'])).length;
    expect(summary.open).toBe(0);
    expect(total).toBeGreaterThan(3);
    expectDeliveredOnce(w, total);
  });

  it('timeouts, HTTP 500s, malformed answers and dropped answers: retried, looked up first, delivered exactly once', async () => {
    const w = await world();
    w.sandbox.admin.setFaults({
      rules: [
        { kind: 'http', status: 500, count: 2, operation: 'belgeGonderExt' },
        { kind: 'malformed', afterProcessing: true, count: 1, operation: 'belgeGonderExt' },
        { kind: 'drop', afterProcessing: true, count: 1, operation: 'belgeGonderExt' },
        { kind: 'http', status: 503, count: 1, operation: 'gidenBelgeDurumSorgulaExt' },
      ],
    });
    const summary = await w.send({ concurrency: 1 });
    const injected = w.sandbox.admin.faults().injected;
    expect(injected).toMatchObject({ http: 3, malformed: 1, drop: 1 });
    expect(summary.failed).toEqual([]);
    expect(summary.open).toBe(0);
    expectDeliveredOnce(w, summary.delivered + summary.accepted);
    expect(summary.delivered + summary.accepted).toBe(summary.read - summary.invalid.length);

    // An answer slower than the client's timeout: the call took effect at the integrator, so the retry must find it.
    const w2 = await world();
    w2.sandbox.admin.setFaults({ latencyMs: 1200 });
    let cleared = false;
    w2.onEvent = (e) => {
      if (e.type === 'retry' && e.code === 'INTEGRATOR_TIMEOUT' && !cleared) {
        cleared = true;
        w2.sandbox.admin.clearFaults();
      }
    };
    const slow = await w2.send({ concurrency: 2, timeoutSec: 0.4 });
    expect(cleared).toBe(true);
    expect(slow.failed).toEqual([]);
    expectDeliveredOnce(w2, slow.delivered + slow.accepted);
    expect(slow.delivered + slow.accepted).toBe(slow.read - slow.invalid.length);
  });

  it('a hash-mismatch fault fails that document with its reason; the rest of the batch is delivered', async () => {
    const w = await world();
    w.sandbox.admin.setFaults({ rules: [{ kind: 'soapFault', message: 'Hash hatası', count: 1, operation: 'belgeGonderExt' }] });
    const summary = await w.send({ concurrency: 1 });
    expect(summary.failed).toHaveLength(1);
    expect(summary.failed[0]).toMatchObject({ code: 'INTEGRATOR_HASH_MISMATCH' });
    expect(summary.delivered + summary.accepted).toBe(summary.read - summary.invalid.length - 1);
    expectDeliveredOnce(w, summary.delivered + summary.accepted);
  });

  it('a number GİB already has (local store lost, ERP reset) ends at 1163 for each document, not retried', async () => {
    const w = await world();
    const first = await w.send();
    const delivered = first.delivered + first.accepted;
    // The ERP forgets what was sent, and Konnektör starts with an empty store: numbers restart at 1.
    const db = new Database(path.join(w.demoDir, 'LOGODB.sqlite'));
    const sentRefs = (await entriesIn(w.store, ['delivered', 'accepted'])).map((e) => Number(e.ref.key));
    const reset = db.prepare('UPDATE LG_002_02_INVOICE SET GUID = NULL, ESTATUS = 0 WHERE LOGICALREF = ?');
    const forget = db.prepare("DELETE FROM KNK_EBELGE WHERE FIRMA = '002' AND DONEM = '02' AND ERP_ANAHTAR = ?");
    for (const ref of sentRefs) {
      reset.run(ref);
      forget.run(String(ref));
    }
    db.close();
    const fresh2 = await openLocalStore(':memory:');
    const api2 = createKonnektorApi({ ...SHIPPED, connections: w.connections, store: async () => fresh2 });
    try {
      await api2['registry.import']({ file: path.join(w.demoDir, 'gib-kullanici-listesi.xml') });
      const dup = await api2['documents.send']({
        target: { ...LOGO, server: w.server }, module: 'efatura', integrator: w.sandbox.url, user: 'demo', password: 'demo123',
        iban: IBAN, wait: true, pollIntervalMs: 30, deadlineSec: 60,
      });
      expect(dup.failed.length).toBe(delivered);
      expect(dup.failed.every((f) => f.code === '1163')).toBe(true);
      expect(dup.delivered + dup.accepted).toBe(0);
      const failed = await entriesIn(fresh2, ['failed']);
      expect(failed.every((e) => e.attempts === 1)).toBe(true);
    } finally {
      await api2.close();
      await fresh2.destroy();
    }
    expectDeliveredOnce(w, delivered);
  });

  it('an e-Fatura to a receiver who closed its mailbox since the list was cached ends at 1172; the rest go out', async () => {
    const w = await world();
    const docs = (await w.api['documents.listOutgoing']({ target: { ...LOGO, server: w.server }, module: 'efatura' })) as InvoiceDocument[];
    const registered = (await w.store('registered_users').select('identifier', 'alias', 'title')) as { identifier: string; alias: string; title: string }[];
    const byId = new Map(registered.map((r) => [r.identifier, r]));
    const counts = new Map<string, number>();
    for (const d of docs) if (byId.has(d.customer.taxId.value)) counts.set(d.customer.taxId.value, (counts.get(d.customer.taxId.value) ?? 0) + 1);
    const [vkn] = [...counts.entries()].sort((x, y) => x[1] - y[1])[0]!;
    const user = byId.get(vkn)!;
    // GİB's list now shows the mailbox closed; Konnektör's cache still has it open.
    w.sandbox.admin.addRegisteredUsers([
      { identifier: vkn, title: user.title, type: 'OZEL', documents: [{ type: 'Invoice', aliases: [{ name: user.alias, creationTime: '2020-01-01T00:00:00', deletionTime: '2026-01-02T00:00:00' }] }] },
    ]);
    const summary = await w.send();
    const toClosed = summary.failed.filter((f) => f.code === '1172');
    expect(toClosed.length).toBeGreaterThan(0);
    expect(summary.failed).toEqual(toClosed);
    expect(toClosed.every((f) => f.reason && f.number)).toBe(true);
    expect(summary.delivered + summary.accepted).toBe(summary.read - summary.invalid.length - toClosed.length);
    expectDeliveredOnce(w, summary.delivered + summary.accepted);
  });

  it('kontör used up: the batch stops with INTEGRATOR_NO_CREDIT, nothing failed, sent after the top-up', async () => {
    const w = await world();
    const vkn = w.sandbox.describe().accounts.find((a) => a.userId === 'demo')!.vkns;
    for (const v of vkn) w.sandbox.admin.setKontor(v, 'FATURA', 0);
    await expect(w.send({ concurrency: 1 })).rejects.toMatchObject({ code: 'INTEGRATOR_NO_CREDIT' });
    expect(w.sandbox.admin.state().outgoing.total).toBe(0);
    const queued = await entriesIn(w.store, ['queued']);
    expect(queued.length).toBeGreaterThan(0);
    expect(await entriesIn(w.store, ['failed'])).toEqual([]);
    for (const v of vkn) w.sandbox.admin.setKontor(v, 'FATURA', 1000);
    const summary = await w.send();
    expect(summary.failed).toEqual([]);
    const total = (await entriesIn(w.store, ['delivered', 'accepted'])).length;
    expect(total).toBe(queued.length);
    expectDeliveredOnce(w, total);
  });

  it('after the switch to the new period, last year’s documents still get their final answer written back', async () => {
    const w = await world();
    const lastYear = { ...LOGO, period: '1', server: w.server };
    // Last year's period still holds a few unsent e-Fatura invoices when the new year begins.
    const erp = new Database(path.join(w.demoDir, 'LOGODB.sqlite'));
    erp.prepare('UPDATE LG_002_01_INVOICE SET ESTATUS = 0, GUID = NULL WHERE EINVOICE = 1').run();
    erp.prepare("DELETE FROM KNK_EBELGE WHERE FIRMA = '002' AND DONEM = '01' AND MODUL = 'efatura'").run();
    erp.close();
    const sent = await w.send({ target: lastYear, wait: false });
    expect(sent.failed).toEqual([]);
    expect(sent.sent).toBeGreaterThan(0);
    // The run for this year's period follows last year's documents to their end and writes them into period 01.
    const summary = await w.send();
    expect(summary.open).toBe(0);
    expect(summary.writeBack.errors).toBe(0);
    const db = new Database(path.join(w.demoDir, 'LOGODB.sqlite'), { readonly: true });
    try {
      const last = (await entriesIn(w.store, ['delivered', 'accepted'])).filter((e) => e.ref.period === '01');
      expect(last).toHaveLength(sent.sent);
      for (const e of last) {
        const row = db.prepare('SELECT GUID, ESTATUS FROM LG_002_01_INVOICE WHERE LOGICALREF = ?').get(Number(e.ref.key)) as { GUID: string; ESTATUS: number };
        expect(row.GUID.toLowerCase()).toBe(e.ettn);
        expect(e.writtenBackState).toBe(e.state);
      }
    } finally {
      db.close();
    }
  });

  it('an empty batch makes no integrator call', async () => {
    const w = await world();
    const summary = await w.send({ from: '2001-01-01', to: '2001-12-31' });
    expect(summary).toMatchObject({ read: 0, queued: 0, sent: 0, delivered: 0, failed: [] });
    expect(w.sandbox.admin.state().outgoing.total).toBe(0);
  });

  it('an ERP row deleted between read and write-back is reported; the other outcomes are written', async () => {
    const w = await world();
    let deleted: string | undefined;
    w.onEvent = (e) => {
      if (e.type === 'sent' && !deleted) {
        deleted = e.entry.erpNumber;
        const db = new Database(path.join(w.demoDir, 'LOGODB.sqlite'));
        db.prepare('DELETE FROM LG_002_02_INVOICE WHERE LOGICALREF = ?').run(Number(e.entry.ref.key));
        db.close();
      }
    };
    const summary = await w.send({ concurrency: 1 });
    expect(deleted).toBeDefined();
    expect(summary.writeBack.missing.map((m) => m.erpNumber)).toEqual([deleted]);
    expect(summary.writeBack.written).toBeGreaterThan(0);
    expect(summary.writeBack.errors).toBe(0);
    expectDeliveredOnce(w, summary.delivered + summary.accepted);
  });
});
