import type { Knex } from 'knex';

// Programs that keep every fiscal year inside one company database (Mikro) name the year in the ERP target itself:
// the profile keeps it beside the database, so the module reads that year after a restart.
export async function up(db: Knex): Promise<void> {
  await db.schema.alterTable('profiles', (t) => {
    t.integer('erp_fiscal_year');
  });
}

export async function down(db: Knex): Promise<void> {
  await db.schema.alterTable('profiles', (t) => {
    t.dropColumn('erp_fiscal_year');
  });
}
