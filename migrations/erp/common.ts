import type { Knex } from 'knex';

/** Konnektör's objects in an accounting database all start with KNK_ so they never clash with the program's own. */
export const EBELGE_TABLE = 'KNK_EBELGE';
export const ERP_MIGRATION_TABLE = 'KNK_MIGRATIONS';

export interface ErpMigration {
  name: string;
  /** One line for the plan shown before applying. */
  description: string;
  up(db: Knex | Knex.Transaction): Promise<void>;
}

/**
 * The e-document status of each ERP document Konnektör has handled: ETTN, GİB number, state and GİB's answer.
 * Shared by connectors whose own tables have no reliable place for all of these.
 */
export async function createEbelgeTable(db: Knex | Knex.Transaction): Promise<void> {
  await ebelgeTableSchema(db);
}

/** The DDL as a schema builder, so tests can compile it for SQL Server. */
export function ebelgeTableSchema(db: Knex | Knex.Transaction): Knex.SchemaBuilder {
  return db.schema.createTable(EBELGE_TABLE, (t) => {
    t.increments('ID').primary();
    t.string('FIRMA', 3).notNullable().defaultTo('');
    t.string('DONEM', 2).notNullable().defaultTo('');
    t.string('MODUL', 16).notNullable();
    t.string('ERP_ANAHTAR', 128).notNullable();
    t.string('ETTN', 36).notNullable();
    t.string('BELGE_NO', 16).notNullable();
    t.string('DURUM', 16).notNullable();
    t.string('GIB_KODU', 16);
    t.string('ACIKLAMA', 1000);
    t.dateTime('GUNCELLEME').notNullable();
    t.unique(['FIRMA', 'DONEM', 'MODUL', 'ERP_ANAHTAR'], { indexName: 'UX_KNK_EBELGE_BELGE' });
    t.unique(['ETTN'], { indexName: 'UX_KNK_EBELGE_ETTN' });
  });
}
