import { KonnektorError } from '../core/errors';
import { ERP_MIGRATION_TABLE, type ErpMigration } from '../migrations/erp/common';
import { mapErpError, type ErpDatabase } from './erp';

/**
 * Konnektör's helper objects inside an accounting database (migrations/erp/<connector>/). Shown as a plan first,
 * applied in one transaction (SQL Server DDL is transactional), idempotent: applied names are recorded.
 */
export async function planErpMigrations(erp: ErpDatabase, migrations: readonly ErpMigration[]): Promise<ErpMigration[]> {
  try {
    if (!(await erp.db.schema.hasTable(ERP_MIGRATION_TABLE))) return [...migrations];
    const rows = (await erp.db.from(ERP_MIGRATION_TABLE).select('NAME')) as { NAME: string }[];
    const applied = new Set(rows.map((r) => r.NAME));
    return migrations.filter((m) => !applied.has(m.name));
  } catch (e) {
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
}

export async function applyErpMigrations(erp: ErpDatabase, migrations: readonly ErpMigration[]): Promise<string[]> {
  const pending = await planErpMigrations(erp, migrations);
  if (pending.length === 0) return [];
  try {
    await erp.db.transaction(async (trx) => {
      if (!(await trx.schema.hasTable(ERP_MIGRATION_TABLE))) {
        await trx.schema.createTable(ERP_MIGRATION_TABLE, (t) => {
          t.string('NAME', 128).primary();
          t.dateTime('APPLIED_AT').notNullable();
        });
      }
      for (const m of pending) {
        await m.up(trx);
        await trx(ERP_MIGRATION_TABLE).insert({ NAME: m.name, APPLIED_AT: new Date().toISOString() });
      }
    });
  } catch (e) {
    if (e instanceof KonnektorError) throw e;
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
  return pending.map((m) => m.name);
}
