import type Database from 'better-sqlite3';

/**
 * The sandbox integrator's first schema: accounts and their sender VKNs, login sessions, GİB's registered-user
 * list, kontör balances, outgoing documents with their state walk, deliveries (one row per document that reached
 * its receiver), incoming documents with the portal-wide belgeSiraNo cursor, and e-Arşiv invoices.
 */
export function up(db: Database.Database): void {
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

    CREATE TABLE accounts (
      user_id TEXT PRIMARY KEY,
      password_salt TEXT NOT NULL,
      password_hash TEXT NOT NULL,
      staff INTEGER NOT NULL DEFAULT 0,
      title TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE account_vkns (
      user_id TEXT NOT NULL REFERENCES accounts(user_id) ON DELETE CASCADE,
      vkn TEXT NOT NULL,
      PRIMARY KEY (user_id, vkn)
    );
    CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES accounts(user_id) ON DELETE CASCADE,
      expires_at INTEGER NOT NULL
    );

    CREATE TABLE registered_users (
      identifier TEXT PRIMARY KEY,
      title TEXT NOT NULL,
      type TEXT NOT NULL,
      first_creation_time TEXT,
      account_type TEXT,
      documents TEXT NOT NULL
    );

    CREATE TABLE kontor (
      vkn TEXT NOT NULL,
      kontor_tipi TEXT NOT NULL,
      kalan REAL NOT NULL,
      toplam_alinan REAL NOT NULL,
      limit_asimi REAL NOT NULL DEFAULT 0,
      PRIMARY KEY (vkn, kontor_tipi)
    );

    CREATE TABLE outgoing (
      belge_oid TEXT PRIMARY KEY,
      sender_vkn TEXT NOT NULL,
      belge_no TEXT NOT NULL,
      belge_turu TEXT NOT NULL,
      hash TEXT NOT NULL,
      xml BLOB NOT NULL,
      mime_type TEXT,
      belge_versiyon TEXT,
      erp_kodu TEXT,
      alan_etiket TEXT,
      gonderen_etiket TEXT,
      user_id TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      ettn TEXT COLLATE NOCASE,
      invoice_id TEXT,
      profile_id TEXT,
      receiver_vkn TEXT,
      receiver_alias TEXT,
      verdict TEXT,
      plan TEXT NOT NULL,
      applied INTEGER NOT NULL DEFAULT 0,
      next_at INTEGER,
      envelopes INTEGER NOT NULL DEFAULT 1,
      charged INTEGER NOT NULL DEFAULT 0,
      UNIQUE (sender_vkn, belge_no)
    );
    CREATE INDEX outgoing_ettn ON outgoing (sender_vkn, ettn);
    CREATE INDEX outgoing_invoice_id ON outgoing (sender_vkn, invoice_id);
    CREATE INDEX outgoing_pending ON outgoing (received_at) WHERE verdict IS NULL;
    CREATE INDEX outgoing_due ON outgoing (next_at) WHERE next_at IS NOT NULL;

    CREATE TABLE deliveries (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      belge_oid TEXT NOT NULL,
      sender_vkn TEXT NOT NULL,
      receiver_vkn TEXT,
      ettn TEXT COLLATE NOCASE,
      invoice_id TEXT,
      envelope INTEGER NOT NULL,
      delivered_at INTEGER NOT NULL
    );
    CREATE INDEX deliveries_ettn ON deliveries (ettn);

    CREATE TABLE incoming (
      belge_sira_no INTEGER PRIMARY KEY AUTOINCREMENT,
      receiver_vkn TEXT NOT NULL,
      receiver_alias TEXT,
      receiver_title TEXT,
      sender_vkn TEXT NOT NULL,
      sender_alias TEXT,
      sender_title TEXT,
      belge_turu TEXT NOT NULL,
      ettn TEXT NOT NULL COLLATE NOCASE,
      belge_no TEXT,
      belge_tarihi TEXT,
      profile_id TEXT,
      payable TEXT,
      currency TEXT,
      xml BLOB NOT NULL,
      zarf_id TEXT NOT NULL,
      arrived_at INTEGER NOT NULL,
      taken_at INTEGER
    );
    CREATE INDEX incoming_receiver ON incoming (receiver_vkn, belge_turu, belge_sira_no);

    CREATE TABLE earsiv (
      uuid TEXT PRIMARY KEY COLLATE NOCASE,
      islem_id TEXT NOT NULL,
      vkn TEXT NOT NULL,
      sube TEXT,
      kasa TEXT,
      fatura_no TEXT NOT NULL,
      xml BLOB NOT NULL,
      user_id TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      cancelled_at INTEGER,
      UNIQUE (vkn, islem_id),
      UNIQUE (vkn, fatura_no)
    );
  `);
}
