import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi } from '../../core/api';
import { KonnektorError } from '../../core/errors';
import { fetchIncoming } from '../../core/incoming/fetch';
import { INCOMING_KINDS } from '../../core/incoming/kinds';
import type { IncomingClient } from '../../core/integrator/types';
import { applyYearEnd } from '../../core/yearend/apply';
import { ErpConnections } from '../../db/erp';
import { LOCK_SCOPES, acquireStoreLock, withStoreLock } from '../../db/locks';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';
import { connectorRegistry } from '../../connectors/registry';

/**
 * One sender per local store. Two `send` runs on one home (or the app and a CLI run) would each send what the other
 * queued; a lock held in the store makes the second one stop with OPERATION_IN_PROGRESS (the app's jobs wait their
 * turn), and a sender that dies releases it — the next run takes it over at once. The same primitive guards
 * year-end apply and incoming fetches.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'konnektor.js');

let root: string;
let server: string;
let sandbox: SandboxHandle;

function send(home: string, firm: string): ChildProcess {
  const args = [
    BIN, 'send', '--connector', 'logo', '--server', server, '--database', 'LOGODB', '--firm', firm, '--period', '2', '--module', 'efatura',
    '--integrator', sandbox.url, '--user', 'demo', '--password-env', 'KNK_TEST_PW', '--iban', 'TR330006100519786457841326',
    '--concurrency', '1', '--rate', '6000', '--json',
  ];
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, KONNEKTOR_HOME: home, KNK_TEST_PW: 'demo123', KONNEKTOR_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const received = () => sandbox.admin.documents().length;
async function until(condition: () => boolean, what: string, ms = 300_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`waited in vain for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function newHome(name: string): Promise<string> {
  const home = path.join(root, name);
  fs.mkdirSync(home);
  const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
  const connections = new ErpConnections();
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  try {
    await api['registry.import']({ file: path.join(root, 'demo', 'gib-kullanici-listesi.xml') });
    const multi = (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[];
    for (const u of multi.filter((x) => Number(x.n) > 1)) {
      const [first] = (await store('registered_users').where('identifier', u.identifier).orderBy('alias').select('alias')) as { alias: string }[];
      await api['registry.chooseAlias']({ identifier: u.identifier, alias: first!.alias, actor: 'test' });
    }
  } finally {
    await api.close();
    await connections.closeAll();
    await store.destroy();
  }
  return home;
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-lock-'));
  const connections = new ErpConnections();
  const store = await openLocalStore(path.join(root, 'setup.sqlite'));
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  try {
    server = (await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 120 })).server;
  } finally {
    await api.close();
    await connections.closeAll();
    await store.destroy();
  }
  // Every answer slow: a run of 14 documents, one call at a time, sends for about a minute — still sending when the
  // next one has started up, even on a loaded machine.
  sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox'), stepMs: 40, faults: { latencyMs: 4000 } });
}, 300_000);

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('two senders on one local store', () => {
  it('the second stops with OPERATION_IN_PROGRESS while the first sends; nothing is submitted twice', async () => {
    const home = await newHome('home-two');
    const before = received(); // the sandbox also holds its own seeded documents
    const first = send(home, '1');
    const firstDone = exited(first);
    await until(() => received() >= before + 1, 'the first run to be sending');
    const second = await exited(send(home, '1'));
    expect(second.code, second.stderr + second.stdout).toBe(1);
    expect(JSON.parse(second.stderr).error).toMatchObject({ code: 'OPERATION_IN_PROGRESS', message: expect.stringMatching(/Süren işlem: konnektor send/) });
    const done = await firstDone;
    expect(done.code, done.stderr).toBe(0);
    const docs = sandbox.admin.documents();
    expect(docs.length).toBeGreaterThan(before + 2);
    expect(docs.filter((d) => d.submissions !== 1).map((d) => `${d.belgeNo}×${d.submissions}`)).toEqual([]);
  }, 600_000);

  it('a sender killed mid-run leaves no lock behind: the next run takes over at once and finishes the batch once', async () => {
    const before = received();
    const home = await newHome('home-kill');
    // The other firm's invoices: the first test's are sent and written back.
    const killed = send(home, '2');
    const gone = exited(killed);
    await until(() => received() >= before + 2, 'the run to be sending');
    killed.kill('SIGKILL');
    expect((await gone).signal).toBe('SIGKILL');
    const next = await exited(send(home, '2'));
    expect(next.code, next.stderr).toBe(0);
    const docs = sandbox.admin.documents();
    expect(docs.filter((d) => d.submissions !== 1).map((d) => `${d.belgeNo}×${d.submissions}`)).toEqual([]);
    const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
    try {
      expect(await store('store_locks').select('scope')).toEqual([]);
      expect(((await store('outbox').count({ n: '*' }))[0] as { n: number }).n).toBeGreaterThan(2);
      expect(await store('outbox').where('state', 'queued').select('ettn')).toEqual([]);
    } finally {
      await store.destroy();
    }
  }, 600_000);
});

describe('the store lock itself', () => {
  let store: LocalStore;
  beforeAll(async () => {
    store = await openLocalStore(path.join(root, 'locks.sqlite'));
  });
  afterAll(async () => {
    await store.destroy();
  });

  it('makes a second holder wait for the first and then go on; scopes are separate', async () => {
    const order: string[] = [];
    const first = await acquireStoreLock(store, LOCK_SCOPES.send, { holder: 'birinci' });
    const other = await acquireStoreLock(store, LOCK_SCOPES.incomingFetch('efatura'), { holder: 'gelen' });
    const second = withStoreLock(store, LOCK_SCOPES.send, { holder: 'ikinci', waitMs: 60_000, pollMs: 10 }, async () => order.push('second'));
    await new Promise((r) => setTimeout(r, 100));
    order.push('first done');
    await first.release();
    await second;
    await other.release();
    expect(order).toEqual(['first done', 'second']);
  });

  it("takes over a dead process's lock, and one whose lease ran out; never a live one's", async () => {
    const now = Date.now();
    const row = (pid: number, host: string, expires: number) => ({ scope: LOCK_SCOPES.send, token: `t${pid}`, pid, host, holder: 'eski', acquired_at: new Date(now - 60_000).toISOString(), expires_at: expires });
    // A process of this machine that is gone (a finished child's pid).
    const child = spawn(process.execPath, ['-e', '0']);
    const deadPid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    await store('store_locks').insert(row(deadPid, os.hostname(), now + 3_600_000));
    const a = await acquireStoreLock(store, LOCK_SCOPES.send, { holder: 'yeni' });
    await a.release();
    // Another machine's holder whose lease ran out.
    await store('store_locks').insert(row(4242, 'baska-makine', now - 1));
    const b = await acquireStoreLock(store, LOCK_SCOPES.send, { holder: 'yeni' });
    await b.release();
    // A live holder (this very process) with a valid lease: refused, with who holds it and since when.
    await store('store_locks').insert(row(process.pid, os.hostname(), now + 3_600_000));
    const e = await acquireStoreLock(store, LOCK_SCOPES.send, { holder: 'yeni' }).then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(KonnektorError);
    expect((e as KonnektorError).code).toBe('OPERATION_IN_PROGRESS');
    expect((e as KonnektorError).userMessage).toMatch(/Süren işlem: eski, işlem \d+/);
    await store('store_locks').delete();
  });

  it('a lock whose lease another took over is no longer held, and says so', async () => {
    const lock = await acquireStoreLock(store, LOCK_SCOPES.yearEndApply, { holder: 'a', leaseMs: 60_000, renewMs: 20 });
    await store('store_locks').where({ scope: LOCK_SCOPES.yearEndApply }).update({ token: 'someone-else' });
    await new Promise((r) => setTimeout(r, 200));
    expect(lock.held).toBe(false);
    expect(() => lock.assertHeld()).toThrow(expect.objectContaining({ code: 'OPERATION_IN_PROGRESS' }));
    await lock.release();
    await store('store_locks').delete();
  });

  it('guards incoming fetches: a second fetch of a kind while one runs stops with OPERATION_IN_PROGRESS and asks the integrator nothing', async () => {
    const kind = INCOMING_KINDS[0]!;
    const asked: string[] = [];
    // Any call to the integrator is recorded (and answers "nothing new"): the refused fetch must make none.
    const client = new Proxy({} as IncomingClient, {
      get: (_t, name) => async () => {
        asked.push(String(name));
        return [];
      },
    });
    const held = await acquireStoreLock(store, LOCK_SCOPES.incomingFetch(kind.id), { holder: 'Gelen Belgeler ekranı (muhasebe)' });
    try {
      const e = await fetchIncoming({ store, client, kind, companyVkn: '1234567890' }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as KonnektorError).code).toBe('OPERATION_IN_PROGRESS');
      expect((e as KonnektorError).userMessage).toMatch(/Gelen Belgeler ekranı \(muhasebe\)/);
      expect(asked).toEqual([]);
    } finally {
      await held.release();
    }
    // Released, the next fetch runs (and the lock is free again afterwards).
    await fetchIncoming({ store, client, kind, companyVkn: '1234567890' });
    expect(asked.length).toBeGreaterThan(0);
    expect(await store('store_locks').where({ scope: LOCK_SCOPES.incomingFetch(kind.id) }).first()).toBeUndefined();
  });

  it('guards year-end apply: a second "GÜNCELLE" while one runs stops with OPERATION_IN_PROGRESS', async () => {
    const held = await acquireStoreLock(store, LOCK_SCOPES.yearEndApply, { holder: 'yıl sonu güncellemesi (muhasebe)' });
    try {
      const e = await applyYearEnd({ store, connections: new ErpConnections(), now: new Date(), connectors: connectorRegistry }, { user: 'ikinci', staff: false }, { module: 'efatura', target: {} }).then(
        () => undefined,
        (x: unknown) => x,
      );
      expect((e as KonnektorError).code).toBe('OPERATION_IN_PROGRESS');
      expect((e as KonnektorError).userMessage).toMatch(/yıl sonu güncellemesi \(muhasebe\)/);
    } finally {
      await held.release();
    }
  });
});
