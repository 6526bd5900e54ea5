/**
 * Where view stylesheets compile and run: one child process (viewProcess.mjs) with a heap limit, whose SaxonJS has
 * every resource function closed, started with an empty environment and — where Node offers its permission model —
 * allowed to read only its own code, never to write. The process is ended when a compile or a render outlives its
 * time limit; a stylesheet that loops, recurses without end or builds a huge tree costs that process, never the app
 * (a worker thread would not do: V8 may end the whole process when a thread's heap runs out inside a builtin). The
 * next request starts a fresh one. Requests run one at a time. The view process does not keep this process alive
 * while it is idle (a CLI command ends when its work does), and ends with it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SIGMA, sefChecksum, type SefNode } from './saxon';

export type ViewRequest =
  | { type: 'compile'; id: number; xslt: string; sha256: string }
  | { type: 'render'; id: number; sha256: string; sefJson?: string; xml: string };

export type ViewResponse =
  | { type: 'ready' }
  | { type: 'compiled'; id: number; json: string }
  | { type: 'rendered'; id: number; html: string; messages: string[] }
  | { type: 'missing'; id: number }
  | { type: 'error'; id: number; kind: 'parse' | 'xslt'; message: string; xsltError?: string; messages: string[] };

export interface ViewLimits {
  /** Longest a stylesheet may take to compile (GİB's 214 KB general.xslt: ~5–7 s on 2 cores). */
  compileMs: number;
  /** Longest one render may take. */
  renderMs: number;
  /** Heap of the view process, in MB (compiling general.xslt needs ~200 MB). */
  memoryMb: number;
}

export const DEFAULT_VIEW_LIMITS: ViewLimits = { compileMs: 120_000, renderMs: 60_000, memoryMb: 768 };

/** A compile or render stopped by a limit. */
export class ViewLimitExceeded extends Error {
  constructor(
    readonly limit: 'time' | 'memory',
    message: string,
  ) {
    super(message);
  }
}

/** The stylesheet (or the invoice) failed inside the view process. */
export class ViewRunError extends Error {
  constructor(
    readonly kind: 'parse' | 'xslt',
    message: string,
    readonly xsltError: string | undefined,
    readonly messages: string[],
  ) {
    super(message);
  }
}

const PROCESS_FILE = fileURLToPath(new URL('./viewProcess.mjs', import.meta.url));
const STARTUP_MS = 60_000;

/** saxon-js's main file and the node_modules folder it and its dependencies (axios…) load from. */
function saxonLocation(): { main: string; modules: string } {
  const main = createRequire(import.meta.url).resolve('saxon-js');
  const parts = main.split(path.sep);
  const at = parts.lastIndexOf('node_modules');
  return { main, modules: at > 0 ? parts.slice(0, at + 1).join(path.sep) : path.dirname(main) };
}

/** Node's file-system permission flags, where this runtime has them (Node 20: experimental; 22+: stable). */
function permissionArgs(readable: string[]): string[] {
  if (process.versions.electron) return []; // Electron's Node: not relied on
  const flags = process.allowedNodeEnvironmentFlags;
  const flag = flags.has('--permission') ? '--permission' : flags.has('--experimental-permission') ? '--experimental-permission' : undefined;
  return flag ? [flag, ...readable.map((dir) => `--allow-fs-read=${dir.endsWith(path.sep) ? dir : dir + path.sep}`)] : [];
}

interface Pending {
  id: number;
  resolve: (m: ViewResponse) => void;
  reject: (e: unknown) => void;
}

export class ViewSandbox {
  private child: ChildProcess | undefined;
  private ready: Promise<ChildProcess> | undefined;
  private pending: Pending | undefined;
  /** Views the current process holds compiled (it forgets them when it is replaced). */
  private loaded = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  /** The end of the current process's stderr: how an out-of-memory end is told from a crash. */
  private stderr = '';

  constructor(readonly limits: ViewLimits = DEFAULT_VIEW_LIMITS) {}

  /** XSLT text → SEF JSON, checksum stamped. */
  compile(xslt: string, sha256: string): Promise<string> {
    return this.serial(async () => {
      const reply = await this.request({ type: 'compile', id: this.nextId++, xslt, sha256 }, this.limits.compileMs);
      const sef = JSON.parse((reply as Extract<ViewResponse, { type: 'compiled' }>).json) as SefNode;
      sef[SIGMA] = sefChecksum(sef);
      return JSON.stringify(sef);
    });
  }

  /** Runs the compiled view `sha256` on the invoice; `sefJson` is asked for only when the process does not hold it. */
  render(sha256: string, sefJson: () => string, xml: string): Promise<{ html: string; messages: string[] }> {
    return this.serial(async () => {
      let reply = await this.request(
        { type: 'render', id: this.nextId++, sha256, xml, ...(this.loaded.has(sha256) ? {} : { sefJson: sefJson() }) },
        this.limits.renderMs,
      );
      if (reply.type === 'missing') {
        reply = await this.request({ type: 'render', id: this.nextId++, sha256, xml, sefJson: sefJson() }, this.limits.renderMs);
      }
      this.loaded.add(sha256);
      const r = reply as Extract<ViewResponse, { type: 'rendered' }>;
      return { html: r.html, messages: r.messages };
    });
  }

  /** Ends the view process (a later request starts a new one). */
  async close(): Promise<void> {
    const child = this.child;
    this.discard();
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await gone;
    }
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The process, its IPC channel and its stderr pipe stop holding this process's event loop open. */
  private idle(child: ChildProcess): void {
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
  }

  private busy(child: ChildProcess): void {
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    (child.stderr as { ref?: () => void } | null)?.ref?.();
  }

  private start(): Promise<ChildProcess> {
    if (this.ready) return this.ready;
    const saxonJs = saxonLocation();
    const child = fork(PROCESS_FILE, [], {
      execArgv: [`--max-old-space-size=${this.limits.memoryMb}`, ...permissionArgs([path.dirname(PROCESS_FILE), saxonJs.modules])],
      // Nothing of this process's environment is a view's business.
      env: { KONNEKTOR_SAXON_JS: saxonJs.main, NODE_NO_WARNINGS: '1', ...(process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {}) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child = child;
    this.loaded = new Set();
    this.stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString('utf8')).slice(-4000);
    });
    this.ready = new Promise<ChildProcess>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the view process did not start')), STARTUP_MS);
      const onMessage = (m: ViewResponse) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(child);
      };
      child.on('message', onMessage);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the view process ended while starting (${signal ?? `exit code ${code}`}): ${this.stderr.trim().slice(-500)}`));
      });
    });
    child.on('message', (m: ViewResponse) => {
      if (m.type === 'ready' || !this.pending || m.id !== this.pending.id) return;
      const p = this.pending;
      this.pending = undefined;
      this.idle(child);
      if (m.type === 'error') p.reject(new ViewRunError(m.kind, m.message, m.xsltError, m.messages));
      else p.resolve(m);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      const p = this.pending;
      const outOfMemory = /heap out of memory|Reached heap limit|Allocation failed/i.test(this.stderr);
      this.discard();
      p?.reject(
        outOfMemory
          ? new ViewLimitExceeded('memory', `the view used more than ${this.limits.memoryMb} MB`)
          : new Error(`the view process stopped (${signal ?? `exit code ${code}`})`),
      );
    });
    this.ready.catch(() => {
      if (this.child === child) {
        this.discard();
        child.kill('SIGKILL');
      }
    });
    return this.ready;
  }

  private discard(): void {
    this.child = undefined;
    this.ready = undefined;
    this.pending = undefined;
    this.loaded = new Set();
  }

  private async request(message: ViewRequest, timeoutMs: number): Promise<ViewResponse> {
    const child = await this.start();
    this.busy(child);
    return new Promise<ViewResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (this.pending?.id !== message.id) return;
        this.discard();
        child.kill('SIGKILL');
        reject(new ViewLimitExceeded('time', `the view took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending = {
        id: message.id,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      child.send(message);
    });
  }
}
