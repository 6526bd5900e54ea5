import BetterSqlite3 from 'better-sqlite3';
import type Database from 'better-sqlite3';
import type { Knex } from 'knex';
import type { RegisteredUser } from '../core/documents/userList';
import { KonnektorError } from '../core/errors';

export type RegistryDocumentType = 'Invoice' | 'DespatchAdvice';

export interface RegistryEntry {
  identifier: string;
  title: string;
  userType: 'OZEL' | 'KAMU';
  /** Open (not deleted) aliases for the document type. */
  aliases: string[];
}

/**
 * Replaces the cached registered-user list with a fresh one from the integrator (or a GİB list file). Only open
 * aliases are kept; a user whose every alias is closed is no longer registered.
 */
export async function replaceRegistry(db: Knex, users: readonly RegisteredUser[], source: string, now = new Date()): Promise<number> {
  const rows = users.flatMap((u) =>
    u.documents.flatMap((d) =>
      d.aliases
        .filter((a) => !a.deletionTime && a.name !== '')
        .map((a) => ({
          identifier: u.identifier,
          document_type: d.type,
          alias: a.name,
          title: u.title,
          user_type: u.type,
          account_type: u.accountType ?? null,
          first_creation: u.firstCreationTime ?? null,
          alias_created: a.creationTime ?? null,
        })),
    ),
  );
  await db.transaction(async (trx) => {
    await trx('registered_users').del();
    for (let i = 0; i < rows.length; i += 500) await trx('registered_users').insert(rows.slice(i, i + 500));
    for (const type of ['Invoice', 'DespatchAdvice']) {
      const count = new Set(rows.filter((r) => r.document_type === type).map((r) => r.identifier)).size;
      await trx('registry_sync').where('document_type', type).del();
      await trx('registry_sync').insert({ document_type: type, synced_at: now.toISOString(), users: count, source });
    }
  });
  return new Set(rows.map((r) => r.identifier)).size;
}

export async function lookupRegistered(db: Knex, identifier: string, type: RegistryDocumentType = 'Invoice'): Promise<RegistryEntry | undefined> {
  const rows = (await db('registered_users').where({ identifier, document_type: type }).orderBy('alias')) as {
    title: string;
    user_type: string;
    alias: string;
  }[];
  if (rows.length === 0) return undefined;
  return { identifier, title: rows[0]!.title, userType: rows[0]!.user_type === 'KAMU' ? 'KAMU' : 'OZEL', aliases: rows.map((r) => r.alias) };
}

/**
 * The cached list as connectors see it: is this VKN/TCKN a registered e-Fatura user? (What programs that do not
 * record e-Fatura vs e-Arşiv on the invoice split their invoices by.)
 */
export function recipientDirectory(store: () => Knex | Promise<Knex>): { isEfaturaUser(taxId: string): Promise<boolean> } {
  return {
    async isEfaturaUser(taxId) {
      return (await lookupRegistered(await store(), taxId)) !== undefined;
    },
  };
}

/** The user's choice of mailbox for a customer with several aliases. */
export async function chooseAlias(db: Knex, identifier: string, alias: string, actor: string, type: RegistryDocumentType = 'Invoice', now = new Date()) {
  const entry = await lookupRegistered(db, identifier, type);
  if (!entry || !entry.aliases.includes(alias)) {
    throw new KonnektorError('ALIAS_NOT_REGISTERED', `${alias} is not an open ${type} alias of ${identifier}`, { value: alias });
  }
  await db.transaction(async (trx) => {
    await trx('alias_choices').where({ identifier, document_type: type }).del();
    await trx('alias_choices').insert({ identifier, document_type: type, alias, chosen_by: actor, chosen_at: now.toISOString() });
  });
}

export async function chosenAlias(db: Knex, identifier: string, type: RegistryDocumentType = 'Invoice'): Promise<string | undefined> {
  const row = (await db('alias_choices').where({ identifier, document_type: type }).first()) as { alias: string } | undefined;
  return row?.alias;
}

// ── refresh from the integrator ─────────────────────────────────────────────────────────────────────────────────

/** One row per open alias, as the streamed list yields it. */
export interface RegistryRow {
  identifier: string;
  alias: string;
  title: string;
  userType: 'OZEL' | 'KAMU';
  accountType?: string;
  firstCreation?: string;
  aliasCreated?: string;
}

/** The SQLite connection under knex (better-sqlite3), for the bulk paths where knex's per-row cost would dominate. */
async function withConnection<T>(db: Knex, fn: (conn: Database.Database) => T): Promise<T> {
  const client = db.client as { acquireConnection(): Promise<Database.Database>; releaseConnection(c: Database.Database): Promise<void> };
  const conn = await client.acquireConnection();
  try {
    return fn(conn);
  } finally {
    await client.releaseConnection(conn);
  }
}

export interface RegistryReplaceOutcome {
  /** Taxpayers in the cache before and after. */
  before: number;
  after: number;
  /** Taxpayers of the old cache the new list no longer holds. */
  dropped: number;
}

/**
 * Loads a streamed list into `registry_staging` in batches (each batch one short transaction on the store's
 * connection, so the rest of Konnektör keeps working during a long download), then replaces the cache in one
 * transaction — unless more than `maxDropShare` of the cached taxpayers would disappear: a list cut short must not
 * turn every customer into an e-Arşiv customer. The refusal keeps the old cache untouched.
 */
export class RegistryStaging {
  private rows: RegistryRow[] = [];
  private started = false;

  constructor(
    private readonly db: Knex,
    private readonly type: RegistryDocumentType,
    private readonly batchSize = 20_000,
  ) {}

  async begin(): Promise<void> {
    await withConnection(this.db, (conn) => conn.prepare('DELETE FROM registry_staging WHERE document_type = ?').run(this.type));
    this.started = true;
  }

  /** Queues one row; true when the batch is full and `flush` should run. */
  add(row: RegistryRow): boolean {
    this.rows.push(row);
    return this.rows.length >= this.batchSize;
  }

  async flush(): Promise<void> {
    if (!this.started) throw new Error('RegistryStaging.begin() was not called');
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    await withConnection(this.db, (conn) => {
      const insert = conn.prepare(
        `INSERT INTO registry_staging (document_type, identifier, alias, title, user_type, account_type, first_creation, alias_created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // Staged rows are worth nothing after a crash (the refresh starts over), so their batches skip the fsync.
      const synchronous = conn.pragma('synchronous', { simple: true }) as number;
      conn.pragma('synchronous = OFF');
      try {
        conn.transaction(() => {
          for (const r of rows) insert.run(this.type, r.identifier, r.alias, r.title, r.userType, r.accountType ?? null, r.firstCreation ?? null, r.aliasCreated ?? null);
        })();
      } finally {
        conn.pragma(`synchronous = ${Number(synchronous)}`);
      }
    });
  }

  /** Forgets the staged rows (a failed download). */
  async discard(): Promise<void> {
    this.rows = [];
    await withConnection(this.db, (conn) => conn.prepare('DELETE FROM registry_staging WHERE document_type = ?').run(this.type));
  }

  /** The guard, then the swap; throws REGISTRY_SHRINK_REFUSED (old cache kept) when too much would go. */
  async commit(source: string, maxDropShare: number, now = new Date()): Promise<RegistryReplaceOutcome> {
    await this.flush();
    const type = this.type;
    return withConnection(this.db, (conn) =>
      conn.transaction(() => {
        const count = (sql: string) => (conn.prepare(sql).get(type) as { n: number }).n;
        const before = count('SELECT COUNT(DISTINCT identifier) AS n FROM registered_users WHERE document_type = ?');
        const after = count('SELECT COUNT(DISTINCT identifier) AS n FROM registry_staging WHERE document_type = ?');
        const dropped = (
          conn
            .prepare(
              `SELECT COUNT(*) AS n FROM (SELECT DISTINCT identifier FROM registered_users WHERE document_type = ?) old
               WHERE old.identifier NOT IN (SELECT identifier FROM registry_staging WHERE document_type = ?)`,
            )
            .get(type, type) as { n: number }
        ).n;
        const at = now.toISOString();
        if (before > 0 && dropped / before > maxDropShare) {
          conn.prepare('DELETE FROM registry_staging WHERE document_type = ?').run(type);
          recordAttempt(conn, type, at, 'refused', `would drop ${dropped} of ${before} taxpayers (${after} in the new list)`);
          return { refused: true as const, before, after, dropped };
        }
        conn.prepare('DELETE FROM registered_users WHERE document_type = ?').run(type);
        conn
          .prepare(
            `INSERT OR IGNORE INTO registered_users (identifier, document_type, alias, title, user_type, account_type, first_creation, alias_created)
             SELECT identifier, document_type, alias, title, user_type, account_type, first_creation, alias_created
             FROM registry_staging WHERE document_type = ? ORDER BY identifier, alias`,
          )
          .run(type);
        conn.prepare('DELETE FROM registry_staging WHERE document_type = ?').run(type);
        conn
          .prepare(
            `INSERT INTO registry_sync (document_type, synced_at, users, source, attempted_at, outcome, message) VALUES (?, ?, ?, ?, ?, 'ok', NULL)
             ON CONFLICT(document_type) DO UPDATE SET synced_at = excluded.synced_at, users = excluded.users, source = excluded.source,
               attempted_at = excluded.attempted_at, outcome = 'ok', message = NULL`,
          )
          .run(type, at, after, source, at);
        return { refused: false as const, before, after, dropped };
      })(),
    ).then((r) => {
      if (r.refused) {
        throw new KonnektorError('REGISTRY_SHRINK_REFUSED', `Refused to replace the registered-user list: it would drop ${r.dropped} of ${r.before} taxpayers`, {
          current: r.before,
          next: r.after,
          dropped: r.dropped,
          maxDropShare,
        });
      }
      return { before: r.before, after: r.after, dropped: r.dropped };
    });
  }
}

function recordAttempt(conn: Database.Database, type: RegistryDocumentType, at: string, outcome: 'refused' | 'failed', message: string): void {
  conn
    .prepare(
      `INSERT INTO registry_sync (document_type, synced_at, users, source, attempted_at, outcome, message) VALUES (?, '', 0, '', ?, ?, ?)
       ON CONFLICT(document_type) DO UPDATE SET attempted_at = excluded.attempted_at, outcome = excluded.outcome, message = excluded.message`,
    )
    .run(type, at, outcome, message);
}

/** Notes a failed refresh (download or file error) next to the last successful one. */
export async function recordRegistryFailure(db: Knex, type: RegistryDocumentType, message: string, now = new Date()): Promise<void> {
  await withConnection(db, (conn) => recordAttempt(conn, type, now.toISOString(), 'failed', message));
}

export interface RegistryStatus {
  documentType: RegistryDocumentType;
  syncedAt?: string;
  users: number;
  source?: string;
  attemptedAt?: string;
  outcome?: 'ok' | 'refused' | 'failed';
  message?: string;
}

export async function registryStatus(db: Knex, type: RegistryDocumentType = 'Invoice'): Promise<RegistryStatus> {
  const row = (await db('registry_sync').where('document_type', type).first()) as
    | { synced_at: string; users: number; source: string; attempted_at: string | null; outcome: string | null; message: string | null }
    | undefined;
  return {
    documentType: type,
    users: row?.users ?? 0,
    ...(row?.synced_at ? { syncedAt: row.synced_at } : {}),
    ...(row?.source ? { source: row.source } : {}),
    ...(row?.attempted_at ? { attemptedAt: row.attempted_at } : {}),
    ...(row?.outcome ? { outcome: row.outcome as 'ok' | 'refused' | 'failed' } : {}),
    ...(row?.message ? { message: row.message } : {}),
  };
}

/**
 * The routing lookup: one prepared statement on the primary key. A file store gets its own read-only connection for
 * it (WAL: it sees every committed refresh), so a lookup is a synchronous call of a few microseconds instead of a
 * turn through knex's pool; an in-memory store (tests) shares its one connection.
 */
const readers = new WeakMap<Knex, { conn: Database.Database; select: Database.Statement }>();
const SELECT_ENTRY = 'SELECT title, user_type, alias FROM registered_users WHERE identifier = ? AND document_type = ? ORDER BY alias';

function reader(db: Knex): { conn: Database.Database; select: Database.Statement } | undefined {
  const known = readers.get(db);
  if (known) return known.conn.open ? known : undefined;
  const filename = (db.client as { config?: { connection?: { filename?: string } } }).config?.connection?.filename;
  if (!filename || filename === ':memory:' || filename.startsWith('file::memory:')) return undefined;
  const conn = new BetterSqlite3(filename, { readonly: true, fileMustExist: true });
  conn.pragma('busy_timeout = 5000');
  const entry = { conn, select: conn.prepare(SELECT_ENTRY) };
  readers.set(db, entry);
  return entry;
}

/** Closes the lookup connection of a store (before the store itself is destroyed or deleted). */
export function closeRegistryReader(db: Knex): void {
  readers.get(db)?.conn.close();
  readers.delete(db);
}

type EntryRow = { title: string; user_type: string; alias: string };

export async function lookupRegisteredFast(db: Knex, identifier: string, type: RegistryDocumentType = 'Invoice'): Promise<RegistryEntry | undefined> {
  const r = reader(db);
  const rows = r ? (r.select.all(identifier, type) as EntryRow[]) : await withConnection(db, (conn) => conn.prepare(SELECT_ENTRY).all(identifier, type) as EntryRow[]);
  if (rows.length === 0) return undefined;
  return { identifier, title: rows[0]!.title, userType: rows[0]!.user_type === 'KAMU' ? 'KAMU' : 'OZEL', aliases: rows.map((r) => r.alias) };
}

/** Adds what a live lookup (efaturaKullaniciBilgisi) found for one taxpayer; the next full refresh replaces it. */
export async function cacheLiveLookup(db: Knex, identifier: string, rows: readonly RegistryRow[], type: RegistryDocumentType = 'Invoice'): Promise<void> {
  await withConnection(db, (conn) => {
    const insert = conn.prepare(
      `INSERT OR REPLACE INTO registered_users (identifier, document_type, alias, title, user_type, account_type, first_creation, alias_created)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    conn.transaction(() => {
      conn.prepare('DELETE FROM registered_users WHERE identifier = ? AND document_type = ?').run(identifier, type);
      for (const r of rows) insert.run(identifier, type, r.alias, r.title, r.userType, r.accountType ?? null, r.firstCreation ?? null, r.aliasCreated ?? null);
    })();
  });
}
