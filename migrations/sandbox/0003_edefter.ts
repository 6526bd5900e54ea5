import type Database from 'better-sqlite3';

/** The sandbox's e-Defter service: uploaded CSV parts, each month's processing state, and the files it holds. */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE edefter_part (vkn TEXT NOT NULL, donem TEXT NOT NULL, sube TEXT NOT NULL, name TEXT NOT NULL, zip BLOB NOT NULL,
      uploads INTEGER NOT NULL DEFAULT 1, uploaded_at INTEGER NOT NULL, PRIMARY KEY (vkn, donem, sube, name));
    CREATE TABLE edefter_donem (vkn TEXT NOT NULL, donem TEXT NOT NULL, sube TEXT NOT NULL, state TEXT NOT NULL, durum_kodu TEXT NOT NULL,
      aciklama TEXT, hata BLOB, last_journal_no INTEGER, sealed_submissions INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,
      PRIMARY KEY (vkn, donem, sube));
    CREATE TABLE edefter_file (vkn TEXT NOT NULL, donem TEXT NOT NULL, sube TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL, content BLOB NOT NULL,
      PRIMARY KEY (vkn, donem, sube, kind, name));
  `);
}
