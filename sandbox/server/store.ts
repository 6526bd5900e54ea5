import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sandboxMigrations } from '../../migrations/sandbox';

export type SandboxDb = Database.Database;

export const DATABASE_FILE = 'efinans-sandbox.sqlite';

/**
 * The sandbox's own SQLite file in `dataDir` (WAL, synchronous calls: one process owns it). Migrated to the
 * current schema; refuses a file written by a newer sandbox, like the local store does.
 */
export function openSandboxDb(dataDir: string): SandboxDb {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, DATABASE_FILE));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > sandboxMigrations.length) {
      throw new Error(`sandbox database ${path.join(dataDir, DATABASE_FILE)} has schema version ${version}; this build knows ${sandboxMigrations.length}`);
    }
    for (let i = version; i < sandboxMigrations.length; i++) {
      db.transaction(() => {
        sandboxMigrations[i]!.up(db);
        db.pragma(`user_version = ${i + 1}`);
      })();
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function getMeta(db: SandboxDb, key: string): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setMeta(db: SandboxDb, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
