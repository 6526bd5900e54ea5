import type { Knex } from 'knex';

/**
 * e-Defter: the company's settings (Firma / Sözleşme / Şube Ayarları), each month's life (read → checked → uploaded
 * → built → signed → submitted → approved | rejected) with an append-only history, and the numbering carried from
 * month to month (last madde no, line number and uniqueID part sequence per company, branch and fiscal year).
 */
export async function up(db: Knex): Promise<void> {
  await db.schema.createTable('edefter_settings', (t) => {
    t.string('company_vkn', 11).primary();
    t.text('settings_json').notNullable();
    t.string('updated_at', 32).notNullable();
  });
  await db.schema.createTable('edefter_month', (t) => {
    t.increments('id').primary();
    t.string('company_vkn', 11).notNullable();
    t.string('branch', 4).notNullable().defaultTo('');
    t.string('month', 7).notNullable();
    t.string('state', 16).notNullable();
    t.text('erp_json').notNullable();
    t.text('checks_json');
    t.text('build_json');
    t.text('upload_json');
    t.text('sealing_json');
    t.string('integrator_code', 16);
    t.text('integrator_message');
    t.text('gib_reason');
    t.string('in_flight_since', 32);
    t.string('created_at', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.unique(['company_vkn', 'branch', 'month']);
  });
  await db.schema.createTable('edefter_month_history', (t) => {
    t.increments('id').primary();
    t.integer('month_id').notNullable().references('id').inTable('edefter_month');
    t.string('at', 32).notNullable();
    t.string('from_state', 16);
    t.string('to_state', 16).notNullable();
    t.text('detail');
    t.index(['month_id']);
  });
  await db.schema.createTable('edefter_numbering', (t) => {
    t.string('company_vkn', 11).notNullable();
    t.string('branch', 4).notNullable().defaultTo('');
    t.integer('fiscal_year').notNullable();
    t.string('last_month', 7);
    t.integer('last_journal_no').notNullable();
    t.integer('last_line_number').notNullable();
    t.integer('last_unique_seq').notNullable();
    t.string('last_unique_id', 15);
    /** 'approved-month' or 'yevmiye-dogrulama' (the last signed yevmiye of the previous software). */
    t.string('source', 32).notNullable();
    t.string('updated_at', 32).notNullable();
    t.primary(['company_vkn', 'branch', 'fiscal_year']);
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.dropTable('edefter_numbering');
  await db.schema.dropTable('edefter_month_history');
  await db.schema.dropTable('edefter_month');
  await db.schema.dropTable('edefter_settings');
}
