/**
 * Benchmark: send N demo e-Fatura invoices end to end — read from the demo Logo database, build, check (XSD +
 * schematron), queue, send over SOAP to the eFinans sandbox on loopback, poll until GİB's final answer, write back —
 * and print documents per second, p50/p95 latency per document and the peak memory of the sender and the sandbox.
 *   npm run bench:send [-- --documents N] [--concurrency C] [--step-ms S] [--sandbox-checks] [--json]
 * The sandbox runs in its own process (as the integrator would), with its own GİB checks off unless
 * --sandbox-checks, so the figures are the client's cost alone. The integrator's 180 requests/minute limit is
 * lifted for loopback: this measures Konnektör, not the throttle. --json: the figures as one JSON line, last.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createKonnektorApi } from '../core/api';
import { loadGibCodelists } from '../core/documents/gibCodelists';
import { readDefaultInvoiceXslt } from '../core/documents/preview';
import { createIntegratorClients } from '../core/integrator';
import { endpointsFromBase, type EfaturaClient } from '../core/integrator/types';
import { runSend } from '../core/outbox';
import { createValidator } from '../core/validation';
import { locateGibPackage } from '../core/validation/gibPackage';
import { getConnector } from '../connectors/registry';
import { ErpConnections } from '../db/erp';
import { openLocalStore } from '../db/local';
import { logger } from '../core/logging';
import { documentKinds } from '../core/documents/kinds';
import { SHIPPED } from '../runtime/shipped';

if (!process.env.KONNEKTOR_LOG_LEVEL) logger.level = 'error';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const documents = option('documents', 1000);
const json = process.argv.includes('--json');
const sandboxChecks = process.argv.includes('--sandbox-checks');
const concurrency = option('concurrency', 8);
const stepMs = option('step-ms', 50);
// About one demo invoice in ten is an e-Fatura of firm 001's current period.
const invoices = Math.ceil(documents * 10.5) + 200;

const ROOT = path.resolve(import.meta.dirname, '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-send-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

/** A process's peak resident memory (VmHWM, Linux), in MiB; undefined where /proc is not available. */
function peakRssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const port = await freePort();
const sandbox = spawn(
  process.execPath,
  [path.join(ROOT, 'bin/konnektor.js'), 'sandbox', '--port', String(port), '--data', path.join(root, 'sandbox'), '--step-ms', String(stepMs), ...(sandboxChecks ? [] : ['--no-validate'])],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const banner = await new Promise<string>((resolve, reject) => {
  let out = '';
  sandbox.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('Ctrl+C')) resolve(out);
  });
  sandbox.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
});
// Enough kontör for the whole batch: the seeded balance is a demo's, not a benchmark's.
const adminToken = /Bearer (\S+)/.exec(banner)?.[1];
const senderVkns = /demo \/ demo123\s+VKN: ([\d, ]+)/.exec(banner)?.[1]?.split(/,\s*/) ?? [];
for (const vkn of senderVkns) {
  const res = await fetch(`http://127.0.0.1:${port}/admin/kontor`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ vkn, kontorTipi: 'FATURA', kalan: documents * 2 }),
  });
  if (!res.ok) throw new Error(`sandbox refused the kontör top-up: ${res.status} ${await res.text()}`);
}

const store = await openLocalStore(path.join(root, 'konnektor.sqlite'));
const connections = new ErpConnections();
const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
const t0 = performance.now();
const demo = await api['demo.init']({ dir: path.join(root, 'demo'), invoices });
await api['registry.import']({ file: demo.userList });
for (const row of (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[]) {
  if (Number(row.n) < 2) continue;
  const [first] = (await store('registered_users').where('identifier', row.identifier).orderBy('alias').select('alias')) as { alias: string }[];
  await api['registry.chooseAlias']({ identifier: row.identifier, alias: first!.alias, actor: 'bench' });
}
const target = { connector: 'logo', server: demo.server, database: 'LOGODB', firm: '001', period: '02' };
const outgoing = await api['documents.listOutgoing']({ target, module: 'efatura' });
const dates = outgoing.map((d) => d.issueDate).sort();
if (dates.length < documents) throw new Error(`the demo holds ${dates.length} e-Fatura documents for firm 001, fewer than ${documents}`);
const to = dates[documents - 1]!;
const setupMs = performance.now() - t0;

const clients = createIntegratorClients({
  endpoints: endpointsFromBase(`http://127.0.0.1:${port}`),
  credentials: { user: 'demo', password: 'demo123' },
  erpCode: 'KONNEKTOR',
});
// Per-document timings: the belgeGonderExt call, and from the call to GİB's final answer.
const callMs: number[] = [];
const sentAt = new Map<string, number>();
const efatura: EfaturaClient = {
  ...clients.efatura,
  async sendInvoice(req) {
    const start = performance.now();
    const r = await clients.efatura.sendInvoice(req);
    callMs.push(performance.now() - start);
    sentAt.set(req.localDocNo, start);
    return r;
  },
};
const validator = await createValidator({ workers: Math.max(1, os.availableParallelism() - 1) });
const cpu0 = process.cpuUsage();
const start = performance.now();
let exportDoneAt = 0;
let sendDoneAt = 0;
const finalMs: number[] = [];
const summary = await runSend({
  store,
  ctx: { connections },
  connector: getConnector('logo'),
  target: { ...target },
  kind: documentKinds.outgoing('efatura'),
  efatura,
  earsiv: clients.earsiv,
  export: {
    filter: { to },
    prefix: 'BNC',
    validator,
    codelists: loadGibCodelists(locateGibPackage()),
    view: { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() },
    iban: 'TR330006100519786457841326',
  },
  wait: true,
  pollIntervalMs: 200,
  deadlineMs: 60 * 60_000,
  concurrency,
  onEvent: (e) => {
    if (e.type === 'sent' && !exportDoneAt) exportDoneAt = performance.now();
    if (e.type === 'progress') {
      if (!sendDoneAt && callMs.length >= documents) sendDoneAt = performance.now();
      process.stderr.write(`\r${e.done}/${e.total} final`);
    }
  },
});
const end = performance.now();
const cpu = process.cpuUsage(cpu0);
process.stderr.write('\n');
for (const row of (await store('outbox').select('ettn', 'updated_at')) as { ettn: string; updated_at: string }[]) {
  const s = sentAt.get(row.ettn);
  if (s !== undefined) finalMs.push(Date.parse(row.updated_at) - (performance.timeOrigin + s));
}
clearInterval(sampler);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const seconds = (end - start) / 1000;
const sent = callMs.length;
const f = (n: number) => n.toFixed(1);
peak = Math.max(peak, process.memoryUsage().rss);
const senderPeakMb = Math.max(peak / 2 ** 20, process.resourceUsage().maxRSS / 1024);
const sandboxPeakMb = peakRssOf(sandbox.pid);
const figures = {
  documents: sent,
  seconds: Number(seconds.toFixed(2)),
  sendPerSec: Number((sent / seconds).toFixed(1)),
  senderCpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
  callP50Ms: Number(f(pct(callMs, 50))),
  callP95Ms: Number(f(pct(callMs, 95))),
  finalP50S: Number(f(pct(finalMs, 50) / 1000)),
  finalP95S: Number(f(pct(finalMs, 95) / 1000)),
  senderPeakRssMb: Math.round(senderPeakMb),
  sandboxPeakRssMb: sandboxPeakMb === undefined ? null : Math.round(sandboxPeakMb),
  sandboxChecks,
  invalid: summary.invalid.length,
  failed: summary.failed.length,
};
const log = json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
log(`bench:send — ${documents} e-Fatura documents, Logo demo (${invoices} invoices) → eFinans sandbox on loopback (its GİB checks ${sandboxChecks ? 'on' : 'off'})`);
log(`  setup (demo databases, registry)   ${f(setupMs / 1000)} s`);
log(`  documents sent                     ${sent} (read ${summary.read}, invalid ${summary.invalid.length}, failed ${summary.failed.length}, open ${summary.open})`);
log(`  final answers                      delivered ${summary.delivered}, accepted ${summary.accepted}, rejected ${summary.rejected}`);
log(`  end to end                         ${f(seconds)} s → ${f(sent / seconds)} documents/s (read, build, check, send, poll, write back); sender CPU ${f(figures.senderCpuSeconds)} s`);
if (exportDoneAt) log(`  first document sent after          ${f((exportDoneAt - start) / 1000)} s (reading, building and checking the first page)`);
log(`  belgeGonderExt per document        p50 ${f(pct(callMs, 50))} ms, p95 ${f(pct(callMs, 95))} ms (concurrency ${concurrency})`);
log(`  call → final GİB answer            p50 ${f(pct(finalMs, 50) / 1000)} s, p95 ${f(pct(finalMs, 95) / 1000)} s (sandbox step ${stepMs} ms, poll 200 ms)`);
log(`  peak memory (RSS)                  sender ${f(senderPeakMb)} MiB, sandbox ${sandboxPeakMb === undefined ? 'n/a' : `${f(sandboxPeakMb)} MiB`}`);
if (json) console.log(JSON.stringify(figures));

await clients.close();
await validator.close();
await api.close();
await connections.closeAll();
await store.destroy();
sandbox.kill('SIGTERM');
await new Promise((r) => sandbox.once('exit', r));
fs.rmSync(root, { recursive: true, force: true });
