/**
 * Runs validation engines in worker threads (one engine per worker, one document per worker at a time), or inline
 * when the pool size is 0. A document costs ~1–3 ms of CPU with the compiled schematron (XSD ~1 ms of it; SaxonJS
 * took 30–140 ms), so a batch spreads over the cores and the calling thread (Electron's main process, the CLI)
 * stays free.
 */
import { Worker } from 'node:worker_threads';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import type { EngineConfig, EngineResult, ValidationEngine } from './engine';
import type { DocumentKind } from './types';

export type WorkerRequest = { type: 'validate'; id: number; xml: string; kind: DocumentKind };
export type WorkerResponse =
  | { type: 'ready' }
  | { type: 'fatal'; message: string }
  | { type: 'result'; id: number; result: EngineResult }
  | { type: 'error'; id: number; message: string };

export interface EngineRunner {
  run(xml: string, kind: DocumentKind): Promise<EngineResult>;
  close(): Promise<void>;
  readonly size: number;
}

function engineFailed(detail: string, details: Record<string, unknown> = {}, cause?: unknown): KonnektorError {
  return new KonnektorError('VALIDATION_ENGINE_FAILED', detail, details, cause === undefined ? undefined : { cause });
}

/** workers = 0: the engine runs in the calling thread. */
export class InlineRunner implements EngineRunner {
  readonly size = 0;

  private constructor(private engine: ValidationEngine | null) {}

  /** The engine module (and libxml2's WebAssembly) is loaded only when a validator runs inline. */
  static async start(config: EngineConfig): Promise<InlineRunner> {
    try {
      const { ValidationEngine } = await import('./engine');
      return new InlineRunner(new ValidationEngine(config));
    } catch (e) {
      throw engineFailed(`validation engine failed to start: ${String(e)}`, {}, e);
    }
  }

  run(xml: string, kind: DocumentKind): Promise<EngineResult> {
    if (!this.engine) return Promise.reject(engineFailed('the validator is closed'));
    try {
      return Promise.resolve(this.engine.validate(xml, kind));
    } catch (e) {
      return Promise.reject(engineFailed(`validation engine failed: ${String(e)}`, {}, e));
    }
  }

  close(): Promise<void> {
    this.engine?.dispose();
    this.engine = null;
    return Promise.resolve();
  }
}

interface Task {
  id: number;
  xml: string;
  kind: DocumentKind;
  resolve: (r: EngineResult) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  task: Task | null;
  timer: NodeJS.Timeout | null;
}

const WORKER_URL = new URL('./worker.mjs', import.meta.url);

/** Heap caps per engine: the compiled checks hold one document's tree; SaxonJS holds a 4.5 MB SEF and its tree. */
export function workerHeapLimits(config: EngineConfig): { maxOldGenerationSizeMb: number } {
  return { maxOldGenerationSizeMb: config.schematron.engine === 'compiled' ? 256 : 1024 };
}
const MAX_RESTARTS = 5;

export class WorkerPool implements EngineRunner {
  private readonly slots = new Set<Slot>();
  private readonly queue: Task[] = [];
  private nextId = 1;
  private restarts = 0;
  private closed = false;
  private broken: KonnektorError | null = null;

  private constructor(
    private readonly config: EngineConfig,
    readonly size: number,
    private readonly taskTimeoutMs: number,
  ) {}

  /** Starts `size` workers and waits until every engine is ready; any failure → VALIDATION_ENGINE_FAILED. */
  static async start(config: EngineConfig, size: number, taskTimeoutMs = 120_000): Promise<WorkerPool> {
    const pool = new WorkerPool(config, size, taskTimeoutMs);
    const started = await Promise.allSettled(Array.from({ length: size }, () => pool.spawn()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      await pool.close();
      throw failed.reason;
    }
    return pool;
  }

  run(xml: string, kind: DocumentKind): Promise<EngineResult> {
    if (this.closed) return Promise.reject(engineFailed('the validator is closed'));
    if (this.broken) return Promise.reject(this.broken);
    return new Promise<EngineResult>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, xml, kind, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(engineFailed('the validator was closed'));
    const slots = [...this.slots];
    this.slots.clear();
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      s.task?.reject(engineFailed('the validator was closed'));
      s.task = null;
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  /** Starts one worker; resolves when its engine is ready. */
  private spawn(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      // execArgv []: the worker loads TypeScript through its own entry (worker.mjs), not the parent's loader flags.
      // The heap is capped: a document that would need more ends its worker (its result is an engine failure and a
      // fresh worker takes over) instead of growing the process without bound.
      const worker = new Worker(WORKER_URL, { workerData: this.config, execArgv: [], resourceLimits: workerHeapLimits(this.config) });
      const slot: Slot = { worker, task: null, timer: null };
      let ready = false;
      let fatal = '';
      worker.on('message', (m: WorkerResponse) => {
        if (m.type === 'ready') {
          ready = true;
          this.slots.add(slot);
          worker.unref();
          resolve();
          this.dispatch();
        } else if (m.type === 'fatal') {
          fatal = m.message;
        } else {
          this.finish(slot, m);
        }
      });
      worker.on('error', (e) => {
        fatal ||= e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
      });
      worker.on('exit', (code) => {
        if (!ready) {
          reject(engineFailed(`validation worker failed to start (exit ${code}): ${fatal.split('\n')[0]}`, { exitCode: code, error: fatal }));
          return;
        }
        this.lost(slot, code, fatal);
      });
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.task) continue;
      const task = this.queue.shift()!;
      slot.task = task;
      slot.worker.ref();
      slot.timer = setTimeout(() => {
        logger.error('validation worker timed out on a document; restarting it', { ms: this.taskTimeoutMs });
        void slot.worker.terminate();
      }, this.taskTimeoutMs);
      const request: WorkerRequest = { type: 'validate', id: task.id, xml: task.xml, kind: task.kind };
      slot.worker.postMessage(request);
    }
  }

  private finish(slot: Slot, m: Extract<WorkerResponse, { id: number }>): void {
    const task = slot.task;
    if (!task || task.id !== m.id) return;
    if (slot.timer) clearTimeout(slot.timer);
    slot.task = null;
    slot.timer = null;
    slot.worker.unref();
    if (m.type === 'result') task.resolve(m.result);
    else task.reject(engineFailed(`validation engine failed: ${m.message.split('\n')[0]}`, { error: m.message }));
    this.dispatch();
  }

  /** A worker died (crash, out of memory, timeout): its document fails, a replacement takes its place. */
  private lost(slot: Slot, code: number, error: string): void {
    if (!this.slots.delete(slot)) return; // closed on purpose
    if (slot.timer) clearTimeout(slot.timer);
    const detail = `validation worker stopped (exit ${code})${error ? `: ${error.split('\n')[0]}` : ''}`;
    logger.error(detail, { exitCode: code, error });
    slot.task?.reject(engineFailed(detail, { exitCode: code, error }));
    slot.task = null;
    if (this.closed) return;
    if (this.restarts++ >= MAX_RESTARTS) {
      this.fail(engineFailed(`validation workers keep stopping (${this.restarts} restarts); giving up`, { exitCode: code, error }));
      return;
    }
    this.spawn().catch((e: unknown) => this.fail(e instanceof KonnektorError ? e : engineFailed(String(e), {}, e)));
  }

  private fail(e: KonnektorError): void {
    if (this.slots.size > 0) return; // the remaining workers carry on
    this.broken = e;
    for (const t of this.queue.splice(0)) t.reject(e);
  }
}
