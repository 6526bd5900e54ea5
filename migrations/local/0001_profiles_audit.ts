import type { Knex } from 'knex';

export async function up(db: Knex): Promise<void> {
  // One profile per module × company (VKN) × fiscal year: where the ERP documents are and which integrator
  // account sends them. Year-end adds the next year's row; last year's row stays for history.
  await db.schema.createTable('profiles', (t) => {
    t.increments('id').primary();
    t.string('module', 16).notNullable();
    t.string('company_vkn', 11).notNullable();
    t.integer('fiscal_year').notNullable();
    t.string('branch', 32).notNullable().defaultTo('');
    t.string('connector', 32).notNullable();
    /** Server URL without its password (the password lives in the vault under `erp_secret_ref`). */
    t.string('erp_server', 512).notNullable();
    t.string('erp_database', 128);
    t.string('erp_firm', 3);
    t.string('erp_period', 2);
    t.string('erp_secret_ref', 128);
    t.string('integrator_endpoint', 512);
    t.string('integrator_user', 128);
    t.string('integrator_secret_ref', 128);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['module', 'company_vkn', 'fiscal_year', 'branch']);
  });

  // Append-only: who did what, when, from what to what.
  await db.schema.createTable('audit_log', (t) => {
    t.increments('id').primary();
    t.string('at', 32).notNullable();
    t.string('actor', 128).notNullable();
    t.boolean('staff').notNullable().defaultTo(false);
    t.string('action', 64).notNullable();
    t.string('module', 16);
    t.text('before_json');
    t.text('after_json');
    t.string('outcome', 32).notNullable();
    t.text('detail');
    t.index(['at']);
  });

  await db.schema.createTable('settings', (t) => {
    t.string('key', 128).primary();
    t.text('value').notNullable();
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('settings');
  await db.schema.dropTable('audit_log');
  await db.schema.dropTable('profiles');
}
