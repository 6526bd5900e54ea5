import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // The life of every outgoing document (ARCHITECTURE.md §3). ETTN, number, XML and hash are stored before any
  // network call; `in_flight_since` marks a call whose outcome is not known yet (a crash leaves it set).
  await db.schema.createTable('outbox', (t) => {
    t.increments('id').primary();
    t.string('module', 16).notNullable();
    t.string('company_vkn', 11).notNullable();
    t.string('erp_connector', 32).notNullable();
    t.string('erp_database', 128).notNullable();
    t.string('erp_firm', 3).notNullable().defaultTo('');
    t.string('erp_period', 2).notNullable().defaultTo('');
    t.string('erp_key', 256).notNullable();
    t.string('erp_number', 64).notNullable();
    t.string('ettn', 36).notNullable().unique();
    t.string('number', 16);
    t.string('profile', 16);
    t.string('alias', 256);
    t.text('xml');
    t.string('md5', 32);
    t.string('state', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('next_attempt_at', 32);
    t.string('in_flight_since', 32);
    t.string('belge_oid', 64);
    t.string('gib_code', 16);
    t.text('gib_message');
    t.string('error_code', 64);
    t.text('error_detail');
    t.text('issues_json');
    t.string('written_back_state', 16);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['company_vkn', 'module', 'erp_connector', 'erp_database', 'erp_firm', 'erp_period', 'erp_key']);
    t.index(['state', 'next_attempt_at']);
  });
  await db.schema.createTable('outbox_history', (t) => {
    t.increments('id').primary();
    t.integer('outbox_id').notNullable().references('id').inTable('outbox');
    t.string('at', 32).notNullable();
    t.string('from_state', 16);
    t.string('to_state', 16).notNullable();
    t.text('detail');
    t.index(['outbox_id']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('outbox_history');
  await db.schema.dropTable('outbox');
}
