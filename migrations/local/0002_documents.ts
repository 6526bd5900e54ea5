import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One GİB number series per company, prefix, module and year: restarts at 1 each year, never reused.
  await db.schema.createTable('number_series', (t) => {
    t.string('company_vkn', 11).notNullable();
    t.string('module', 16).notNullable();
    t.string('prefix', 3).notNullable();
    t.integer('year').notNullable();
    t.integer('last_seq').notNullable();
    t.string('updated_at', 32).notNullable();
    t.primary(['company_vkn', 'module', 'prefix', 'year']);
  });

  // ETTN and GİB number of each ERP document, assigned once and kept: a rebuild reuses them.
  await db.schema.createTable('document_identities', (t) => {
    t.increments('id').primary();
    t.string('module', 16).notNullable();
    t.string('erp_connector', 32).notNullable();
    t.string('erp_database', 128).notNullable();
    t.string('erp_firm', 3).notNullable().defaultTo('');
    t.string('erp_period', 2).notNullable().defaultTo('');
    t.string('erp_key', 256).notNullable();
    t.string('ettn', 36).notNullable().unique();
    t.string('company_vkn', 11).notNullable();
    t.string('number', 16);
    t.string('created_at', 32).notNullable();
    t.string('numbered_at', 32);
    t.unique(['company_vkn', 'module', 'erp_connector', 'erp_database', 'erp_firm', 'erp_period', 'erp_key']);
    // Numbers are per company: two companies may both have ABC2026000000001, one company never twice.
    t.unique(['company_vkn', 'number']);
  });

  // The integrator's registered-user list (GİB e-Fatura mükellefleri), cached: decides e-Fatura vs e-Arşiv.
  await db.schema.createTable('registered_users', (t) => {
    t.string('identifier', 11).notNullable();
    t.string('document_type', 16).notNullable();
    t.string('alias', 256).notNullable();
    t.string('title', 512).notNullable();
    t.string('user_type', 8).notNullable();
    t.string('account_type', 32);
    t.string('first_creation', 32);
    t.string('alias_created', 32);
    t.primary(['identifier', 'document_type', 'alias']);
  });
  await db.schema.createTable('registry_sync', (t) => {
    t.string('document_type', 16).primary();
    t.string('synced_at', 32).notNullable();
    t.integer('users').notNullable();
    t.string('source', 256).notNullable();
  });
  // A user's choice of mailbox for a customer with several aliases: never picked silently.
  await db.schema.createTable('alias_choices', (t) => {
    t.string('identifier', 11).notNullable();
    t.string('document_type', 16).notNullable();
    t.string('alias', 256).notNullable();
    t.string('chosen_by', 128).notNullable();
    t.string('chosen_at', 32).notNullable();
    t.primary(['identifier', 'document_type']);
  });
}

export async function down(db: Knex): Promise<void> {
  for (const t of ['alias_choices', 'registry_sync', 'registered_users', 'document_identities', 'number_series']) await db.schema.dropTable(t);
}
