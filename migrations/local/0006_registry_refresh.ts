import type { Knex } from 'knex';

/**
 * The registered-user list refreshed from the integrator: a staging table the streamed list is loaded into before it
 * replaces the cache in one transaction (or is refused by the truncation guard), and the outcome of the last attempt
 * next to the last successful refresh.
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('registry_staging', (t) => {
    t.string('document_type', 16).notNullable();
    t.string('identifier', 11).notNullable();
    t.string('alias', 256).notNullable();
    t.string('title', 512).notNullable();
    t.string('user_type', 8).notNullable();
    t.string('account_type', 64);
    t.string('first_creation', 32);
    t.string('alias_created', 32);
  });
  await db.schema.alterTable('registry_sync', (t) => {
    t.string('attempted_at', 32);
    t.string('outcome', 16);
    t.text('message');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('registry_sync', (t) => {
    t.dropColumn('attempted_at');
    t.dropColumn('outcome');
    t.dropColumn('message');
  });
  await db.schema.dropTable('registry_staging');
}
