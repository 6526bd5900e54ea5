import type { Knex } from 'knex';
import { readPreference, writePreference } from '../../db/preferences';
import { errorSummary } from '../errors';
import { logger } from '../logging';
import { REFRESH_INTERVAL_MS, type RegistrySyncResult } from './sync';

/**
 * The daily refresh of GİB's registered-user list in the app's host process (Electron's main process or browser
 * mode's server; nothing here knows which): one run a day — QNB says once a day is enough (integrator-api.md §8) —
 * timed from the persisted last run, so a restart neither skips a day nor downloads twice; and on demand. A run
 * that fails (no saved integrator account, the integrator unreachable, a list that would drop more than the guard's
 * share of the cache) keeps the cache as it was, is recorded and logged, and is tried again after `retryMs`.
 * Timers are injected so tests drive it with a fake clock.
 */
export interface RefreshRecord {
  /** ISO time of the last attempt, and of the last one that replaced the cache. */
  lastRunAt?: string;
  lastSuccessAt?: string;
  /** What the last attempt ended with: the taxpayers now cached, or the error code (e.g. REGISTRY_SHRINK_REFUSED). */
  lastOutcome?: { ok: true; users: number; dropped: number } | { ok: false; code: string; detail: string };
  /** When the next scheduled attempt is due (ISO). */
  nextRunAt?: string;
}

export const REFRESH_RECORD_KEY = 'registry.refresh';
/** After a failed run: try again in an hour rather than a day. */
export const REFRESH_RETRY_MS = 60 * 60_000;

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RegistryRefresherOptions {
  store: Knex;
  /** Runs one sync with the saved integrator account; throws a KonnektorError when it cannot (e.g. no account). */
  sync: () => Promise<RegistrySyncResult>;
  now?: () => Date;
  timers?: Timers;
  intervalMs?: number;
  retryMs?: number;
}

export class RegistryRefresher {
  private handle: unknown;
  private running: Promise<RefreshRecord> | undefined;
  private stopped = true;
  private readonly now: () => Date;
  private readonly timers: Timers;
  private readonly intervalMs: number;
  private readonly retryMs: number;

  constructor(private readonly options: RegistryRefresherOptions) {
    this.now = options.now ?? (() => new Date());
    this.timers = options.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.intervalMs = options.intervalMs ?? REFRESH_INTERVAL_MS;
    this.retryMs = options.retryMs ?? REFRESH_RETRY_MS;
  }

  async record(): Promise<RefreshRecord> {
    return (await readPreference<RefreshRecord>(this.options.store, REFRESH_RECORD_KEY)) ?? {};
  }

  /** Schedules the next run from the persisted record: due now when there never was one or a day has passed. */
  async start(): Promise<void> {
    this.stopped = false;
    const rec = await this.record();
    const last = rec.lastRunAt ? Date.parse(rec.lastRunAt) : undefined;
    const wait = last === undefined ? 0 : rec.lastOutcome?.ok === false ? last + this.retryMs - this.now().getTime() : last + this.intervalMs - this.now().getTime();
    await this.schedule(Math.max(0, wait));
  }

  stop(): void {
    this.stopped = true;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  /**
   * A run now (the on-demand refresh, or the timer's); a second caller meanwhile shares the running one. `sync`: this
   * run's own download (e.g. with the session's account) instead of the saved account's.
   */
  refreshNow(sync?: () => Promise<RegistrySyncResult>): Promise<RefreshRecord> {
    this.running ??= this.run(sync ?? this.options.sync).finally(() => (this.running = undefined));
    return this.running;
  }

  /** Settles when no run is under way (tests). */
  async idle(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  private async schedule(ms: number): Promise<void> {
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
    if (this.stopped) return;
    const nextRunAt = new Date(this.now().getTime() + ms).toISOString();
    await writePreference(this.options.store, REFRESH_RECORD_KEY, { ...(await this.record()), nextRunAt });
    this.handle = this.timers.setTimeout(() => {
      this.handle = undefined;
      void this.refreshNow().catch(() => undefined);
    }, ms);
  }

  private async run(sync: () => Promise<RegistrySyncResult>): Promise<RefreshRecord> {
    const startedAt = this.now().toISOString();
    const before = await this.record();
    let rec: RefreshRecord;
    try {
      const r = await sync();
      rec = { ...before, lastRunAt: startedAt, lastSuccessAt: this.now().toISOString(), lastOutcome: { ok: true, users: r.after, dropped: r.dropped } };
      logger.info('registered-user list refreshed', { users: r.after, dropped: r.dropped });
    } catch (e) {
      const { code, detail } = errorSummary(e);
      rec = { ...before, lastRunAt: startedAt, lastOutcome: { ok: false, code, detail } };
      logger.warn('registered-user list refresh failed; the cached list stays', { code, detail });
    }
    await writePreference(this.options.store, REFRESH_RECORD_KEY, rec);
    await this.schedule(rec.lastOutcome?.ok ? this.intervalMs : this.retryMs);
    return this.record();
  }
}
