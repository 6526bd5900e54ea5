import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One row per held lock (db/locks.ts): who holds it (token, process, machine) and until when its lease runs.
  // A crashed holder's row stays behind; the next comer sees its process gone (or its lease run out) and takes over.
  await db.schema.createTable('store_locks', (t) => {
    t.string('scope', 128).primary();
    t.string('token', 64).notNullable();
    t.integer('pid').notNullable();
    t.string('host', 256).notNullable();
    t.string('holder', 256).notNullable();
    t.string('acquired_at', 32).notNullable();
    t.bigInteger('expires_at').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('store_locks');
}
