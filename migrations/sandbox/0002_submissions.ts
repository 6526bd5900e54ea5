import type Database from 'better-sqlite3';

/**
 * How many times belgeGonderExt carried each document. A repeat with the same belgeNo and bytes is answered with the
 * first belgeOid (eFinans treats belgeNo as the sender's idempotency key), so the count is what shows a client that
 * resent instead of asking first.
 */
export function up(db: Database.Database): void {
  db.exec('ALTER TABLE outgoing ADD COLUMN submissions INTEGER NOT NULL DEFAULT 1');
}
