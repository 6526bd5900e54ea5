import crypto from 'node:crypto';
import os from 'node:os';
import type { Knex } from 'knex';
import { KonnektorError } from '../core/errors';
import { logger } from '../core/logging';
import { turkeyDateTime } from '../core/time';

/**
 * Locks held in the local store: one holder per named scope across every process that opens the same store (the
 * app, browser mode, CLI runs). A holder renews its lease while it works; one that crashed is recognised — its
 * process is gone from this machine, or its lease ran out — and the next comer takes the lock over. Each step is a
 * single SQLite statement (insert-if-absent, compare-and-swap on the holder's token), so two processes never both
 * believe they hold it.
 *
 * Scopes in use: `outbox.send` (sending, polling and write-back of the outbox), `yearend.apply`, and
 * `incoming.fetch:<kind>` for fetching incoming documents of one kind.
 */
export const LOCK_SCOPES = {
  send: 'outbox.send',
  yearEndApply: 'yearend.apply',
  incomingFetch: (kind: string) => `incoming.fetch:${kind}`,
} as const;

export interface StoreLockOptions {
  /** Who is asking, in words the user knows (e.g. "konnektor send", "Belgeler ekranı"): shown to the one who waits. */
  holder: string;
  /** How long to wait for a lock someone else holds before giving up with OPERATION_IN_PROGRESS; default 0. */
  waitMs?: number;
  /** A holder that has not renewed its lease for this long is taken to be gone; default 2 minutes. */
  leaseMs?: number;
  /** How often a holder renews its lease; default a third of the lease. */
  renewMs?: number;
  /** Pause between attempts while waiting; default 500 ms. */
  pollMs?: number;
}

export interface StoreLock {
  readonly scope: string;
  readonly token: string;
  /** False once another process took the lock over (this one's lease ran out unrenewed). */
  readonly held: boolean;
  /** Throws OPERATION_IN_PROGRESS when the lock was lost. */
  assertHeld(): void;
  release(): Promise<void>;
}

interface LockRow {
  scope: string;
  token: string;
  pid: number;
  host: string;
  holder: string;
  acquired_at: string;
  expires_at: number;
}

/** True unless the process is certainly gone (on this machine; another machine's processes cannot be seen). */
function processAlive(row: Pick<LockRow, 'pid' | 'host'>): boolean {
  if (row.host !== os.hostname()) return true;
  try {
    process.kill(row.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function busy(scope: string, row: LockRow): KonnektorError {
  const since = turkeyDateTime(new Date(row.acquired_at)).time.slice(0, 5);
  return new KonnektorError('OPERATION_IN_PROGRESS', `${scope} is held by ${row.holder} (process ${row.pid} on ${row.host} since ${row.acquired_at})`, {
    scope,
    holder: `${row.holder}, işlem ${row.pid}, ${since}’den beri`,
    pid: row.pid,
    host: row.host,
    since: row.acquired_at,
  });
}

/** Takes the lock of `scope`, waiting up to `waitMs` for its holder; OPERATION_IN_PROGRESS when it stays held. */
export async function acquireStoreLock(db: Knex, scope: string, options: StoreLockOptions): Promise<StoreLock> {
  const leaseMs = options.leaseMs ?? 120_000;
  const token = crypto.randomBytes(12).toString('hex');
  const mine = { scope, token, pid: process.pid, host: os.hostname(), holder: options.holder.slice(0, 256) };
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    const now = Date.now();
    const inserted = (await db.raw(
      'INSERT INTO store_locks (scope, token, pid, host, holder, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(scope) DO NOTHING',
      [scope, token, mine.pid, mine.host, mine.holder, new Date(now).toISOString(), now + leaseMs],
    )) as { changes?: number };
    if (inserted.changes === 1) break;
    const row = (await db('store_locks').where({ scope }).first()) as LockRow | undefined;
    if (row && (!processAlive(row) || Number(row.expires_at) < now)) {
      // Its holder crashed (or stopped renewing): take it over, unless someone else just did.
      const taken = await db('store_locks')
        .where({ scope, token: row.token })
        .update({ token, pid: mine.pid, host: mine.host, holder: mine.holder, acquired_at: new Date(now).toISOString(), expires_at: now + leaseMs });
      if (taken === 1) {
        logger.warn('store lock taken over from a holder that is gone', { scope, pid: row.pid, host: row.host, holder: row.holder });
        break;
      }
      continue;
    }
    if (!row) continue; // released between the two statements
    if (now >= deadline) throw busy(scope, row);
    await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 500, Math.max(1, deadline - now))));
  }

  let held = true;
  let renewing: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    const now = Date.now();
    renewing = db('store_locks')
      .where({ scope, token })
      .update({ expires_at: now + leaseMs })
      .then((n: number) => {
        if (n === 0 && held) {
          held = false;
          logger.error('store lock lost: another process took it over', { scope });
        }
      })
      .catch((e: unknown) => logger.warn('could not renew a store lock', { scope, error: String(e) }));
  }, options.renewMs ?? Math.max(10, Math.floor(leaseMs / 3)));
  timer.unref();
  return {
    scope,
    token,
    get held() {
      return held;
    },
    assertHeld() {
      if (!held) throw new KonnektorError('OPERATION_IN_PROGRESS', `${scope}: this process no longer holds the lock`, { scope });
    },
    async release() {
      clearInterval(timer);
      await renewing;
      if (!held) return;
      held = false;
      await db('store_locks').where({ scope, token }).delete();
    },
  };
}

/** Runs `work` holding the lock of `scope`, and releases it however the work ends. */
export async function withStoreLock<T>(db: Knex, scope: string, options: StoreLockOptions, work: (lock: StoreLock) => Promise<T>): Promise<T> {
  const lock = await acquireStoreLock(db, scope, options);
  try {
    return await work(lock);
  } finally {
    await lock.release().catch((e: unknown) => logger.warn('could not release a store lock', { scope, error: String(e) }));
  }
}
