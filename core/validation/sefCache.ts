/**
 * GİB's compiled schematron (XSLT 2.0) compiled once more, to a SaxonJS SEF, and cached on disk.
 * The compile takes ~7–10 s on two cores (xslt3's XX compiler); the cache key is the SHA-256 of the XSLT plus the xslt3 version,
 * so a new GİB release or a SaxonJS upgrade compiles afresh. Several processes may start at once (parallel test
 * files, two app instances): one compiles under a lock file, the others wait; the SEF is written to a temporary
 * file and renamed into place, so a reader never sees half a file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import { reportCompile } from './compileProgress';

const require = createRequire(import.meta.url);

/**
 * Where compiled GİB rules and view stylesheets are kept: KONNEKTOR_CACHE, else the user's cache folder of the
 * platform (~/.cache/konnektor, %LOCALAPPDATA%\Konnektor\Cache, ~/Library/Caches/Konnektor). Deliberately not
 * under KONNEKTOR_HOME: entries are keyed by the content they were compiled from (a GİB release, a stylesheet), so
 * every data folder of the user — each demo folder, each installation — shares them and a release compiles once.
 */
export function defaultCacheDir(env: Record<string, string | undefined> = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.KONNEKTOR_CACHE) return path.resolve(env.KONNEKTOR_CACHE);
  if (platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Konnektor', 'Cache');
  if (platform === 'darwin') return path.join(home, 'Library', 'Caches', 'Konnektor');
  return path.join(env.XDG_CACHE_HOME ? path.resolve(env.XDG_CACHE_HOME) : path.join(home, '.cache'), 'konnektor');
}

export interface SefInfo {
  /** The SEF file (JSON) to hand to SaxonJS. */
  sefPath: string;
  /** SHA-256 of the source XSLT. */
  sha256: string;
  /** 'compiled' when this call compiled it, 'cached' when it was on disk (or compiled by a concurrent process). */
  origin: 'compiled' | 'cached';
  /** Time spent in this call: the compile, or the cache check/wait. */
  ms: number;
}

function xslt3Version(): string {
  return (require('xslt3/package.json') as { version: string }).version;
}

const LOCK_STALE_MS = 5 * 60_000;
const COMPILE_TIMEOUT_MS = 10 * 60_000;

/** The SEF for `xsltPath`, compiling it when the cache has none. Failure → VALIDATION_ENGINE_FAILED. */
export async function ensureSef(xsltPath: string, cacheDir: string = defaultCacheDir(), what = 'GİB şematron kuralları'): Promise<SefInfo> {
  const t0 = performance.now();
  let source: Buffer;
  try {
    source = fs.readFileSync(xsltPath);
  } catch (e) {
    throw new KonnektorError('VALIDATION_ENGINE_FAILED', `cannot read the schematron XSLT ${xsltPath}`, { file: xsltPath }, { cause: e });
  }
  const sha256 = crypto.createHash('sha256').update(source).digest('hex');
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
  } catch (e) {
    throw new KonnektorError('VALIDATION_ENGINE_FAILED', `cannot create the cache folder ${cacheDir}`, { cacheDir }, { cause: e });
  }
  const sefPath = path.join(cacheDir, `ubltr-schematron-${sha256}-xslt3-${xslt3Version()}.sef.json`);
  const lockPath = `${sefPath}.lock`;
  const key = sha256.slice(0, 12);
  const cached = (): SefInfo => {
    const ms = performance.now() - t0;
    reportCompile({ phase: 'done', what, key, origin: 'cached', ms });
    return { sefPath, sha256, origin: 'cached', ms };
  };

  for (;;) {
    if (usableSef(sefPath)) return cached();
    let fd: number;
    try {
      fd = fs.openSync(lockPath, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new KonnektorError('VALIDATION_ENGINE_FAILED', `cannot lock ${lockPath}`, { lockPath }, { cause: e });
      }
      // Another process is compiling: wait for its SEF, or take over a lock it abandoned.
      reportCompile({ phase: 'wait', what, key });
      await waitForOther(sefPath, lockPath);
      continue;
    }
    try {
      fs.writeSync(fd, `${process.pid} ${os.hostname()} ${new Date().toISOString()}\n`);
      fs.closeSync(fd);
      if (usableSef(sefPath)) return cached();
      reportCompile({ phase: 'start', what, key });
      const tmp = `${sefPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      try {
        await compileSef(xsltPath, tmp);
        fs.renameSync(tmp, sefPath);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      const ms = performance.now() - t0;
      logger.info('schematron compiled to SEF', { xsltPath, sefPath, ms: Math.round(ms) });
      reportCompile({ phase: 'done', what, key, origin: 'compiled', ms });
      return { sefPath, sha256, origin: 'compiled', ms };
    } finally {
      fs.rmSync(lockPath, { force: true });
    }
  }
}

/** A cache entry is used only if it parses as JSON; a damaged one is removed and compiled again. */
function usableSef(sefPath: string): boolean {
  if (!fs.existsSync(sefPath)) return false;
  try {
    const text = fs.readFileSync(sefPath, 'utf8');
    const sef = JSON.parse(text) as { N?: unknown };
    if (sef && typeof sef === 'object' && sef.N === 'package') return true;
  } catch {
    // fall through: damaged
  }
  logger.warn('removing a damaged SEF from the cache', { sefPath });
  fs.rmSync(sefPath, { force: true });
  return false;
}

async function waitForOther(sefPath: string, lockPath: string): Promise<void> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    if (fs.existsSync(sefPath)) return;
    let stat: fs.Stats;
    try {
      stat = fs.statSync(lockPath);
    } catch {
      return; // lock released without a SEF (the other compile failed): try ourselves
    }
    if (Date.now() - stat.mtimeMs > LOCK_STALE_MS || lockOwnerGone(lockPath)) {
      logger.warn('removing a stale SEF compile lock', { lockPath });
      fs.rmSync(lockPath, { force: true });
      return;
    }
  }
}

/** The lock was taken on this machine by a process that no longer runs (it crashed mid-compile). */
function lockOwnerGone(lockPath: string): boolean {
  try {
    const [pid, host] = fs.readFileSync(lockPath, 'utf8').split(' ');
    if (host !== os.hostname() || !pid || !/^\d+$/.test(pid)) return false;
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Runs xslt3's compiler (`xslt3 -xsl:… -export:… -nogo`) in a worker thread of this process: no child process,
 * so it works the same under Node, tsx, vitest and Electron.
 */
function compileSef(xsltPath: string, outPath: string): Promise<void> {
  const cli = require.resolve('xslt3/xslt3.js');
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(cli, { argv: [`-xsl:${xsltPath}`, `-export:${outPath}`, '-nogo'], stdout: true, stderr: true });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => void worker.terminate(), COMPILE_TIMEOUT_MS);
    const fail = (why: string, cause?: unknown): void =>
      reject(
        new KonnektorError('VALIDATION_ENGINE_FAILED', `compiling the schematron to SEF failed: ${why}`, { xsltPath, output: output.slice(-4000) }, { cause }),
      );
    worker.on('error', (e) => fail(e.message, e));
    worker.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0 && fs.existsSync(outPath)) resolve();
      else fail(`xslt3 exited with code ${code}${output ? `: ${output.trim().slice(-500)}` : ''}`);
    });
  });
}
