import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi } from '../../core/api';
import { GIB_ID } from '../../core/documents/numbering';
import { ErpConnections } from '../../db/erp';
import { openLocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { seededRandom } from '../../sandbox/server/faults';
import { SHIPPED } from '../../runtime/shipped';

/**
 * "Nothing lost, nothing sent twice" under the worst interruption there is: the sending process is killed with
 * SIGKILL at random moments of a 200-document batch (while reading and numbering, while sending, while polling,
 * while writing back), restarted each time, and finally left to finish. Every document must end delivered exactly
 * once at the integrator, with gap-free numbers and its outcome in the ERP.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'konnektor.js');
const BATCH = 200;
const KILLS = 6;

let root: string;
let home: string;
let server: string;
let sandbox: SandboxHandle;

function sendProcess(): ChildProcess {
  const args = [
    BIN, 'send', '--connector', 'logo', '--server', server, '--database', 'LOGODB', '--firm', '1', '--period', '2',
    '--module', 'efatura', '--integrator', sandbox.url, '--user', 'demo', '--password-env', 'KNK_TEST_PW',
    '--iban', 'TR330006100519786457841326', '--wait', '--concurrency', '4', '--rate', '6000', '--to', cutoff, '--json',
  ];
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, KONNEKTOR_HOME: home, KNK_TEST_PW: 'demo123', KONNEKTOR_LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** The issue date of the BATCH-th outgoing e-Fatura: `--to` it so the batch is exactly that size. */
let cutoff = '';

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-crash-'));
  home = path.join(root, 'home');
  fs.mkdirSync(home);
  const connections = new ErpConnections();
  const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  try {
    const demo = await api['demo.init']({ dir: path.join(root, 'demo'), invoices: 2200 });
    server = demo.server;
    await api['registry.import']({ file: demo.userList });
    // A customer with two mailboxes needs the user's choice; make it, so the whole batch is sendable.
    const multi = (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[];
    for (const u of multi.filter((x) => Number(x.n) > 1)) {
      const [first] = (await store('registered_users').where('identifier', u.identifier).orderBy('alias').select('alias')) as { alias: string }[];
      await api['registry.chooseAlias']({ identifier: u.identifier, alias: first!.alias, actor: 'test' });
    }
    const docs = await api['documents.listOutgoing']({ target: { connector: 'logo', server, database: 'LOGODB', firm: '1', period: '2' }, module: 'efatura' });
    const dates = docs.map((d) => d.issueDate).sort();
    expect(dates.length).toBeGreaterThan(BATCH);
    cutoff = dates[BATCH - 1]!;
    expect(dates.filter((d) => d <= cutoff).length).toBeGreaterThanOrEqual(BATCH);
  } finally {
    await api.close();
    await connections.closeAll();
    await store.destroy();
  }
  sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox'), stepMs: 40 });
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('send under SIGKILL', () => {
  it('delivers every document of a 200-document batch exactly once across random kills and restarts', async () => {
    // Seeded, so a failing run can be repeated with the same kill moments.
    const random = seededRandom(Number(process.env.KNK_CRASH_SEED ?? 7));
    const kills: { at: string; received: number; delivered: number }[] = [];
    const received = () => sandbox.admin.documents().length;
    const delivered = () => Object.keys(sandbox.admin.deliveries().byEttn).length;
    for (let i = 0; i < KILLS; i++) {
      const child = sendProcess();
      const done = exited(child);
      // Half the kills at a random moment (start-up, reading and numbering), half at a random point of the sending
      // and polling: when the integrator has received a few more documents than before this run.
      const byTime = i % 2 === 0;
      const afterMs = Math.round(500 + random() * 6000);
      const target = received() + 1 + Math.floor(random() * 40);
      let at = '';
      const started = Date.now();
      const watch = setInterval(() => {
        const n = received();
        if ((byTime && Date.now() - started >= afterMs) || (!byTime && n >= target)) {
          at = byTime ? `${afterMs} ms` : `${n} received`;
          child.kill('SIGKILL');
          clearInterval(watch);
        }
      }, 5);
      const r = await done;
      clearInterval(watch);
      if (r.signal !== 'SIGKILL') {
        expect(r.stderr).toBe('');
        break; // finished before its kill
      }
      kills.push({ at, received: received(), delivered: delivered() });
    }
    // Where the kills landed, for the record of this run.
    console.log(`SIGKILL at: ${kills.map((k) => `${k.at} (received ${k.received}, delivered ${k.delivered})`).join('; ')}`);
    expect(kills.length).toBeGreaterThanOrEqual(3);
    // Some kills hit the middle of the sending: documents had reached the integrator, not yet all of them.
    expect(kills.some((k) => k.received > 0 && k.received < BATCH)).toBe(true);

    const final = await exited(sendProcess());
    expect(final.stderr).toBe('');
    expect(final.code).toBe(0);

    const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
    try {
      const rows = (await store('outbox').select('ettn', 'number', 'state', 'erp_key')) as { ettn: string; number: string; state: string; erp_key: string }[];
      // Every document of the batch is in the outbox once, and every one reached a final, delivered state.
      expect(rows.length).toBeGreaterThanOrEqual(BATCH);
      expect(new Set(rows.map((r) => r.erp_key)).size).toBe(rows.length);
      expect(rows.filter((r) => !['delivered', 'accepted'].includes(r.state))).toEqual([]);
      // Numbers: valid GİB IDs, 1…N without a gap or a repeat.
      const seqs = rows.map((r) => {
        expect(r.number).toMatch(GIB_ID);
        return Number(r.number.slice(7));
      });
      expect(seqs.sort((a, b) => a - b)).toEqual(rows.map((_, i) => i + 1));

      // At the integrator: each ETTN and each number delivered exactly once, and nothing else.
      const report = sandbox.admin.deliveries();
      expect(Object.keys(report.byEttn).sort()).toEqual(rows.map((r) => r.ettn.toLowerCase()).sort());
      expect(Object.values(report.byEttn).every((n) => n === 1)).toBe(true);
      expect(Object.values(report.byInvoiceId).every((n) => n === 1)).toBe(true);
      const documents = sandbox.admin.documents();
      expect(documents).toHaveLength(rows.length);
      // And no document was even submitted twice: each one in doubt was looked up before any resend.
      expect(documents.filter((d) => d.submissions !== 1).map((d) => `${d.belgeNo}×${d.submissions}`)).toEqual([]);

      // In the ERP: each document carries its ETTN and a sent status.
      const erp = new Database(path.join(root, 'demo', 'LOGODB.sqlite'), { readonly: true });
      try {
        const guid = erp.prepare('SELECT GUID, ESTATUS FROM LG_001_02_INVOICE WHERE LOGICALREF = ?');
        for (const r of rows) {
          const row = guid.get(Number(r.erp_key)) as { GUID: string | null; ESTATUS: number };
          expect(row.GUID?.toLowerCase()).toBe(r.ettn.toLowerCase());
          expect(row.ESTATUS).not.toBe(0);
        }
      } finally {
        erp.close();
      }
    } finally {
      await store.destroy();
    }
  }, 600_000);
});
