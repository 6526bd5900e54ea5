/**
 * Benchmark: refresh the registered-user list from the eFinans sandbox — kayitliKullaniciListeleExtended streamed
 * (base64 zip in the SOAP answer → file → zip entry → XML parser → batched inserts → guarded swap) — and the routing
 * lookup per document against the refreshed cache.
 *   npm run bench:registry [-- --users N] [--lookups L]
 * The sandbox runs in its own process (as the integrator would), so the memory and CPU figures are Konnektör's alone.
 * Goals: N = 1,000,000 in ≤ 60 s on 2 cores and ≤ 300 MB peak RSS; a routing lookup ≤ 0.1 ms.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createIntegratorClients } from '../core/integrator';
import { endpointsFromBase } from '../core/integrator/types';
import { logger } from '../core/logging';
import { createRegistryView } from '../core/registry/view';
import { syncRegisteredUsers } from '../core/registry/sync';
import { openLocalStore } from '../db/local';

if (!process.env.KONNEKTOR_LOG_LEVEL) logger.level = 'error';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v <= 0) throw new Error(`--${name} must be a positive whole number`);
  return v;
}
const users = option('users', 1_000_000);
const lookups = option('lookups', 100_000);

const ROOT = path.resolve(import.meta.dirname, '..');
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-registry-'));

const sandbox = spawn(
  process.execPath,
  [path.join(ROOT, 'bin/konnektor.js'), 'sandbox', '--port', '0', '--data', path.join(root, 'sandbox'), '--generated-users', String(users)],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const banner = await new Promise<string>((resolve, reject) => {
  let out = '';
  sandbox.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('Ctrl+C')) resolve(out);
  });
  sandbox.on('exit', (code) => reject(new Error(`sandbox exited with ${code}`)));
});
const base = /(http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
if (!base) throw new Error(`no sandbox address in:\n${banner}`);

const store = await openLocalStore(path.join(root, 'konnektor.sqlite'));
const clients = createIntegratorClients({
  endpoints: endpointsFromBase(base),
  credentials: { user: 'demo', password: 'demo123', auth: 'wsLogin' },
  erpCode: 'KONNEKTOR',
  timeoutMs: 300_000,
  maxResponseBytes: 2 * 1024 ** 3,
});

const rssBefore = process.memoryUsage().rss;
let peak = rssBefore;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let result;
try {
  result = await syncRegisteredUsers({ store, source: { client: clients.efatura }, tempDir: root });
} finally {
  clearInterval(sampler);
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
peak = Math.max(peak, process.memoryUsage().rss);

// Routing lookups through the same view the send pipeline uses: half registered taxpayers, half unknown ones
// (which the pipeline would then look up live; here without an integrator, so only the cache is measured).
const view = createRegistryView(store);
const ids = Array.from({ length: lookups }, (_, i) => String(3_000_000_000 + ((i * 7919) % users) + (i % 2 === 0 ? 0 : users + 10)));
for (const id of ids.slice(0, 1000)) await view.lookup(id);
const l0 = performance.now();
let found = 0;
for (const id of ids) if (await view.lookup(id)) found += 1;
const lookupMs = (performance.now() - l0) / ids.length;

await clients.close();
await store.destroy();
sandbox.kill('SIGTERM');
fs.rmSync(root, { recursive: true, force: true });

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
const maxRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(
  [
    `registered-user list refresh: ${result.after.toLocaleString('en')} taxpayers, ${result.aliases.toLocaleString('en')} mailboxes, zip ${mb(result.downloadedBytes)} MB`,
    `  wall ${(wallMs / 1000).toFixed(1)} s (download ${(result.timings.downloadMs / 1000).toFixed(1)} s, parse+load+swap ${(result.timings.loadMs / 1000).toFixed(1)} s)   goal ≤ 60 s`,
    `  CPU of this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s); the sandbox's CPU is its own`,
    `  RSS before ${mb(rssBefore)} MB, peak ${mb(peak)} MB sampled, maxRSS ${mb(maxRss)} MB (whole process life)   goal ≤ 300 MB`,
    `routing lookup: ${(lookupMs * 1000).toFixed(1)} µs per document over ${ids.length.toLocaleString('en')} lookups (${found.toLocaleString('en')} registered)   goal ≤ 100 µs`,
    `machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (shared machine: wall times vary with the load)`,
  ].join('\n') + '\n',
);
process.exit(0);
