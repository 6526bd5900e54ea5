import type Database from 'better-sqlite3';

/**
 * The sandbox's receipt services (MustahsilWebService for e-MM, the e-SMM service): each receipt created, when it
 * was cancelled, and the kind it is. Whether GİB's report holds it follows from the times (receipts.ts).
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE receipt (uuid TEXT PRIMARY KEY, islem_id TEXT NOT NULL, vkn TEXT NOT NULL, kind TEXT NOT NULL, belge_no TEXT NOT NULL,
      xml BLOB NOT NULL, user_id TEXT NOT NULL, created_at INTEGER NOT NULL, cancelled_at INTEGER,
      UNIQUE (vkn, kind, islem_id), UNIQUE (vkn, belge_no));
  `);
}
