/**
 * Benchmark: time from `npm start` (browser mode) to a usable login page, on a fresh Konnektör home, first and
 * second run. "Usable" means the printed URL serves the renderer and the login screen's first call
 * (`session.defaults`) answers. Each run's start-up lines (progress included) are echoed with their time.
 *   npx tsx bench/startup.ts [--runs N] [--cold-cache] [--keep]
 * `--cold-cache` also starts from an empty compile cache (a first installation); otherwise the machine's cache
 * is used as it is. Asserts nothing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const ri = args.indexOf('--runs');
const runs = ri >= 0 ? Number(args[ri + 1]) : 2;
const coldCache = args.includes('--cold-cache');
const keep = args.includes('--keep');

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-start-'));
const cache = coldCache ? fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-start-cache-')) : undefined;

async function loginPageReady(url: string): Promise<boolean> {
  const { origin, hash } = new URL(url);
  const token = /token=([^&]+)/.exec(hash)?.[1] ?? '';
  try {
    const page = await fetch(`${origin}/`);
    if (!page.ok || !(await page.text()).includes('id="root"')) return false;
    const res = await fetch(`${origin}/api/invoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Konnektor-Token': token },
      body: JSON.stringify({ method: 'session.defaults', input: { module: 'efatura' } }),
    });
    return ((await res.json()) as { ok?: boolean }).ok === true;
  } catch {
    return false;
  }
}

async function once(run: number): Promise<number> {
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'konnektor.js'), 'start', '--browser'], {
    cwd: ROOT,
    env: { ...process.env, KONNEKTOR_HOME: home, ...(cache ? { KONNEKTOR_CACHE: cache } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url: string | undefined;
  const echo = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split(/\r?\n|\r/)) {
      if (!line.trim()) continue;
      console.log(`  [${secs()} s] ${line.replace(/#token=\S+/, '#token=…')}`);
      url ??= /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(line)?.[1];
    }
  };
  child.stdout.on('data', echo);
  child.stderr.on('data', echo);
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let ms = Number.NaN;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`run ${run}: konnektor start exited with ${child.exitCode}`);
    if (url && (await loginPageReady(url))) {
      ms = performance.now() - t0;
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  await exited;
  return ms;
}

console.log(`home ${home}${cache ? `, empty compile cache ${cache}` : ', the machine’s compile cache'}; ${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
const results: number[] = [];
for (let i = 1; i <= runs; i++) {
  console.log(`run ${i}:`);
  const ms = await once(i);
  results.push(ms);
  console.log(`run ${i}: login page ready after ${(ms / 1000).toFixed(1)} s`);
}
console.log(results.map((ms, i) => `run ${i + 1}: ${(ms / 1000).toFixed(1)} s`).join(', '));
if (!keep) {
  fs.rmSync(home, { recursive: true, force: true });
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
}
