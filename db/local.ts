import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import BetterSqlite from 'better-sqlite3';
import type Database from 'better-sqlite3';
import { KonnektorError } from '../core/errors';
import { makeFolder } from '../core/folders';
import { localMigrations, type LocalMigration } from '../migrations/local';
import { closeRegistryReader } from './registry';
import { registerTurkishFunctions } from './sqliteFunctions';

export type LocalStore = Knex;

/**
 * Opens Konnektör's own store (profiles, audit log, later the outbox): one SQLite file in WAL mode, Turkish text
 * functions on every connection, migrated to the current schema before it is returned.
 */
export async function openLocalStore(filename: string): Promise<LocalStore> {
  // SQLite's verdict on the file first, so a damaged one is its own error rather than a failing connection pool.
  if (filename !== ':memory:') {
    try {
      const probe = new BetterSqlite(filename);
      try {
        probe.pragma('schema_version');
      } finally {
        probe.close();
      }
    } catch (e) {
      throw storeOpenError(filename, e);
    }
  }
  const db = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: Database.Database, done: (err: Error | null, conn: Database.Database) => void) {
        try {
          if (filename !== ':memory:') conn.pragma('journal_mode = WAL');
          conn.pragma('foreign_keys = ON');
          conn.pragma('busy_timeout = 5000');
          registerTurkishFunctions(conn);
          done(null, conn);
        } catch (e) {
          done(e as Error, conn);
        }
      },
    },
  });
  try {
    await migrateLocalStore(db);
  } catch (e) {
    await db.destroy();
    throw storeOpenError(filename, e);
  }
  // The registered-user lookup keeps a read-only connection of its own; it closes with the store.
  const client = db.client as { destroy(callback?: unknown): Promise<void> };
  const destroy = client.destroy.bind(client);
  client.destroy = (callback?: unknown) => {
    closeRegistryReader(db);
    return destroy(callback);
  };
  return db;
}

/**
 * SQLite's own verdict on the file, in the catalogue's terms: not a database or damaged (LOCAL_STORE_CORRUPT), or a
 * file that cannot be opened or written (LOCAL_STORE_UNAVAILABLE). The file itself is left as it was, for a backup
 * or support to look at.
 */
function storeOpenError(filename: string, e: unknown): unknown {
  if (e instanceof KonnektorError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return new KonnektorError('LOCAL_STORE_CORRUPT', `Local store ${filename} is not a readable SQLite database: ${message}`, { file: filename }, { cause: e });
  }
  if (typeof code === 'string' && /^(SQLITE_(CANTOPEN|READONLY|PERM|IOERR|FULL)|E(ACCES|PERM|ROFS|NOTDIR|ISDIR|NOSPC))/.test(code)) {
    return new KonnektorError('LOCAL_STORE_UNAVAILABLE', `Local store ${filename} cannot be opened: ${message}`, { file: filename }, { cause: e });
  }
  return e;
}

/** The store's file in Konnektör's home folder. */
export const STORE_FILE = 'konnektor.sqlite';

/**
 * Konnektör's home folder, the same for the app, browser mode and the CLI: created readable by this user only
 * (0700); an existing one is used as it is. LOCAL_HOME_INVALID when the path is a file or cannot be written.
 */
export function prepareHome(home: string): string {
  try {
    const made = makeFolder(home, 0o700);
    // mkdir's mode is narrowed by the umask, never widened; the folders created here are set exactly.
    for (const d of made.created) fs.chmodSync(d, 0o700);
    fs.accessSync(made.dir, fs.constants.W_OK | fs.constants.X_OK);
    return made.dir;
  } catch (e) {
    throw new KonnektorError('LOCAL_HOME_INVALID', `Konnektör home ${home} is not a usable folder: ${(e as Error).message}`, { value: home }, { cause: e });
  }
}

/**
 * Opens the store of a home folder: the file (and the WAL and shared-memory files SQLite gives the same mode) is
 * readable and writable by this user only (0600), whoever created it first.
 */
export async function openHomeStore(home: string): Promise<LocalStore> {
  const file = path.join(prepareHome(home), STORE_FILE);
  try {
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    fs.chmodSync(file, 0o600);
    for (const extra of [`${file}-wal`, `${file}-shm`]) if (fs.existsSync(extra)) fs.chmodSync(extra, 0o600);
  } catch (e) {
    throw new KonnektorError('LOCAL_STORE_UNAVAILABLE', `Local store ${file} cannot be opened: ${(e as Error).message}`, { file }, { cause: e });
  }
  return openLocalStore(file);
}

const MIGRATION_TABLE = 'knex_migrations';

/**
 * Applies pending numbered migrations. Refuses to run when the store records a migration this build does not
 * know: the file was written by a newer Konnektör and an older one must not touch it.
 */
export async function migrateLocalStore(db: Knex): Promise<string[]> {
  const known = new Set(localMigrations.map((m) => m.name));
  if (await db.schema.hasTable(MIGRATION_TABLE)) {
    const applied = (await db(MIGRATION_TABLE).select('name')) as { name: string }[];
    const unknown = applied.map((r) => r.name).filter((n) => !known.has(n));
    if (unknown.length > 0) {
      throw new KonnektorError(
        'LOCAL_STORE_UNKNOWN_MIGRATION',
        `Local store has migrations this build does not know: ${unknown.join(', ')}`,
        { migrations: unknown },
      );
    }
  }
  const [, applied] = (await db.migrate.latest({
    tableName: MIGRATION_TABLE,
    migrationSource: {
      getMigrations: async () => localMigrations,
      getMigrationName: (m: LocalMigration) => m.name,
      getMigration: async (m: LocalMigration) => m,
    } satisfies Knex.MigrationSource<LocalMigration>,
  })) as [number, string[]];
  return applied;
}
