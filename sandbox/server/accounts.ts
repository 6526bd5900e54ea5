import crypto from 'node:crypto';
import type { SoapRequest } from './soap';
import { SoapFault } from './soap';
import type { SandboxDb } from './store';

/**
 * Integrator accounts (WS users), the taxpayers (VKN/TCKN) each may act for, and wsLogin sessions.
 * Passwords are stored as scrypt hashes, never as text; sessions live in the database so a restart keeps them.
 */
export interface Account {
  userId: string;
  title: string;
  /** eFinans support staff: may act for every taxpayer. */
  staff: boolean;
  vkns: string[];
}

export interface AccountSeed {
  userId: string;
  password: string;
  title: string;
  staff?: boolean;
  vkns: string[];
}

/** The session cookie of eFinans' userService (production name; the test platform uses TEST_CSAPSESSIONID). */
export const SESSION_COOKIE = 'CSAPSESSIONID';

/** Fault texts clients may recognise. The first two quote eFinans (integrator-api.md §3.3, §17). */
export const AUTH_FAULTS = {
  badCredentials: 'Kullanıcı adı veya şifre hatalı. (username.pwd.mismatch)',
  noSession: 'Oturum bulunamadı veya süresi doldu; yeniden wsLogin yapın. (session.not.found)',
  noCredentials: 'Kimlik bilgisi yok: WS-Security UsernameToken ya da wsLogin oturumu (CSAPSESSIONID) gerekli. (auth.required)',
  vknNotAuthorized: (vkn: string) => `${vkn} vergi/TC kimlik numarası için bu kullanıcının yetkisi yok. (vkn.not.authorized)`,
} as const;

const hashPassword = (password: string, salt: string) => crypto.scryptSync(password, salt, 32, { N: 1024 }).toString('hex');

export function upsertAccount(db: SandboxDb, seed: AccountSeed): void {
  const salt = crypto.randomBytes(16).toString('hex');
  db.transaction(() => {
    db.prepare(
      `INSERT INTO accounts (user_id, password_salt, password_hash, staff, title) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT(user_id) DO UPDATE SET password_salt = excluded.password_salt, password_hash = excluded.password_hash,
       staff = excluded.staff, title = excluded.title`,
    ).run(seed.userId, salt, hashPassword(seed.password, salt), seed.staff ? 1 : 0, seed.title);
    for (const vkn of seed.vkns) db.prepare('INSERT OR IGNORE INTO account_vkns (user_id, vkn) VALUES (?, ?)').run(seed.userId, vkn);
  })();
}

export function addAccountVkns(db: SandboxDb, userId: string, vkns: readonly string[]): void {
  for (const vkn of vkns) db.prepare('INSERT OR IGNORE INTO account_vkns (user_id, vkn) VALUES (?, ?)').run(userId, vkn);
}

export function loadAccount(db: SandboxDb, userId: string): Account | undefined {
  const row = db.prepare('SELECT user_id, title, staff FROM accounts WHERE user_id = ?').get(userId) as
    | { user_id: string; title: string; staff: number }
    | undefined;
  if (!row) return undefined;
  const vkns = (db.prepare('SELECT vkn FROM account_vkns WHERE user_id = ? ORDER BY vkn').all(userId) as { vkn: string }[]).map((r) => r.vkn);
  return { userId: row.user_id, title: row.title, staff: row.staff === 1, vkns };
}

export function listAccounts(db: SandboxDb): Account[] {
  return (db.prepare('SELECT user_id FROM accounts ORDER BY user_id').all() as { user_id: string }[]).map((r) => loadAccount(db, r.user_id)!);
}

/** Every VKN some sandbox account sends for: documents addressed to them land in that account's incoming box. */
export function isAccountVkn(db: SandboxDb, vkn: string): boolean {
  return db.prepare('SELECT 1 FROM account_vkns WHERE vkn = ? LIMIT 1').get(vkn) !== undefined;
}

export class Authenticator {
  /** Successful (user, password digest) pairs, so UsernameToken on every call does not pay scrypt every time. */
  private readonly verified = new Set<string>();

  constructor(
    private readonly db: SandboxDb,
    private readonly now: () => number,
    private readonly sessionTtlMs: number,
  ) {}

  checkPassword(userId: string, password: string): Account | undefined {
    const key = `${userId}\0${crypto.createHash('sha256').update(password).digest('hex')}`;
    if (!this.verified.has(key)) {
      const row = this.db.prepare('SELECT password_salt, password_hash FROM accounts WHERE user_id = ?').get(userId) as
        | { password_salt: string; password_hash: string }
        | undefined;
      if (!row) return undefined;
      const given = Buffer.from(hashPassword(password, row.password_salt), 'hex');
      if (!crypto.timingSafeEqual(given, Buffer.from(row.password_hash, 'hex'))) return undefined;
      this.verified.add(key);
    }
    return loadAccount(this.db, userId);
  }

  /** userService.wsLogin: a new session id for the cookie. */
  login(userId: string, password: string): { sessionId: string; account: Account } {
    const account = this.checkPassword(userId, password);
    if (!account) throw new SoapFault(AUTH_FAULTS.badCredentials);
    const sessionId = crypto.randomBytes(24).toString('hex');
    this.db.prepare('INSERT INTO sessions (id, user_id, expires_at) VALUES (?, ?, ?)').run(sessionId, userId, this.now() + this.sessionTtlMs);
    this.db.prepare('DELETE FROM sessions WHERE expires_at < ?').run(this.now());
    return { sessionId, account };
  }

  logout(sessionId: string | undefined): void {
    if (sessionId) this.db.prepare('DELETE FROM sessions WHERE id = ?').run(sessionId);
  }

  /** A live session extends itself on use (a servlet session's idle timeout). */
  private session(sessionId: string): Account | undefined {
    const row = this.db.prepare('SELECT user_id, expires_at FROM sessions WHERE id = ?').get(sessionId) as
      | { user_id: string; expires_at: number }
      | undefined;
    if (!row || row.expires_at < this.now()) return undefined;
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?').run(this.now() + this.sessionTtlMs, sessionId);
    return loadAccount(this.db, row.user_id);
  }

  /** WS-Security UsernameToken when present (the cookie is then ignored), otherwise the wsLogin cookie. */
  authenticate(request: SoapRequest, sessionId: string | undefined): Account {
    if (request.usernameToken) {
      const account = this.checkPassword(request.usernameToken.username, request.usernameToken.password);
      if (!account) throw new SoapFault(AUTH_FAULTS.badCredentials);
      return account;
    }
    if (sessionId) {
      const account = this.session(sessionId);
      if (!account) throw new SoapFault(AUTH_FAULTS.noSession);
      return account;
    }
    throw new SoapFault(AUTH_FAULTS.noCredentials);
  }
}

export function requireVkn(account: Account, vkn: string): void {
  if (!account.staff && !account.vkns.includes(vkn)) throw new SoapFault(AUTH_FAULTS.vknNotAuthorized(vkn));
}

export function sessionIdFromCookie(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=') || undefined;
  }
  return undefined;
}
