import knexFactory, { type Knex } from 'knex';
import type Database from 'better-sqlite3';
import { KonnektorError } from '../core/errors';
import { localMigrations, type LocalMigration } from '../migrations/local';
import { closeRegistryReader } from './registry';
import { registerTurkishFunctions } from './sqliteFunctions';

export type LocalStore = Knex;

/**
 * Opens Konnektör's own store (profiles, audit log, later the outbox): one SQLite file in WAL mode, Turkish text
 * functions on every connection, migrated to the current schema before it is returned.
 */
export async function openLocalStore(filename: string): Promise<LocalStore> {
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
    throw e;
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
