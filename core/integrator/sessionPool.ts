import crypto from 'node:crypto';

/**
 * QNB's usage rules (efinans-despatch-receipts-ledger.md, "QNB usage quotas"): one wsLogin per sliding 30-minute
 * session, re-used — not one per call or per operation; violators can be blocked. Konnektör's clients are made per
 * operation (a send run, a cancellation, a kontör check), so the session cookie outlives them here: a client of the
 * same account and service finds the session a previous one opened and uses it while it is fresh, and each call
 * keeps it fresh. The pool never logs a shared session out; it lapses on QNB's side and is dropped here after
 * `ttlMs` without use. The clock is injected so tests step through the 30 minutes without waiting.
 */
export const SESSION_TTL_MS = 30 * 60_000;
/** A session idle this long is not trusted any more (QNB's sliding half hour, with a margin). */
export const SESSION_REUSE_MS = 25 * 60_000;

interface PooledSession {
  cookies: Map<string, string>;
  lastUsedAt: number;
}

export class IntegratorSessionPool {
  private readonly sessions = new Map<string, PooledSession>();
  /** wsLogins this pool's clients performed (a figure for the logs and the tests). */
  logins = 0;

  constructor(private readonly options: { now?: () => number; reuseMs?: number } = {}) {}

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }

  /** The key of an account at a userService: the password's hash, never the password itself. */
  static keyOf(userService: string, user: string, password: string): string {
    return `${userService}\u0000${user}\u0000${crypto.createHash('sha256').update(password).digest('hex')}`;
  }

  /** The cookies of a fresh session of this account, if one is open. */
  take(key: string): Map<string, string> | undefined {
    const s = this.sessions.get(key);
    if (!s) return undefined;
    if (this.now() - s.lastUsedAt >= (this.options.reuseMs ?? SESSION_REUSE_MS)) {
      this.sessions.delete(key);
      return undefined;
    }
    return new Map(s.cookies);
  }

  /** A new session was opened (wsLogin). */
  opened(key: string, cookies: ReadonlyMap<string, string>): void {
    this.logins += 1;
    this.sessions.set(key, { cookies: new Map(cookies), lastUsedAt: this.now() });
  }

  /** A call went through on the session: its half hour starts again. */
  used(key: string, cookies: ReadonlyMap<string, string>): void {
    const s = this.sessions.get(key);
    if (s) {
      s.lastUsedAt = this.now();
      s.cookies = new Map(cookies);
    }
  }

  /** The session was refused or the credentials are wrong: nobody uses it again. */
  drop(key: string): void {
    this.sessions.delete(key);
  }
}

/** The process's pool: every client of the app shares it. */
export const processSessionPool = new IntegratorSessionPool();
