import type { Knex } from 'knex';

/** Konnektör's objects in an accounting database all start with KNK_ so they never clash with the program's own. */
export const EBELGE_TABLE = 'KNK_EBELGE';
export const ERP_MIGRATION_TABLE = 'KNK_MIGRATIONS';
/** Incoming e-documents for the accountant's program or a report to take over (the program's own tables are never written). */
export const GELEN_BELGE_TABLE = 'KNK_GELEN_BELGE';

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

/**
 * KNK_GELEN_BELGE: one row per received e-document (ETTN unique), with its facts, totals, state, the answer given
 * (KABUL/RED) and the original XML, so the accountant's program or a report can take it over. Konnektör writes it,
 * nobody else needs to; Konnektör never writes the program's own purchase tables.
 */
export async function createGelenBelgeTable(db: Knex | Knex.Transaction): Promise<void> {
  await gelenBelgeTableSchema(db);
}

export function gelenBelgeTableSchema(db: Knex | Knex.Transaction): Knex.SchemaBuilder {
  return db.schema.createTable(GELEN_BELGE_TABLE, (t) => {
    t.increments('ID').primary();
    t.string('FIRMA', 3).notNullable().defaultTo('');
    t.string('DONEM', 2).notNullable().defaultTo('');
    t.string('MODUL', 16).notNullable();
    t.string('ETTN', 36).notNullable();
    t.string('BELGE_NO', 16);
    t.string('GONDEREN_VKN', 11);
    t.string('GONDEREN_UNVAN', 250);
    t.string('SENARYO', 32);
    t.string('BELGE_TIPI', 32);
    t.string('BELGE_TARIHI', 10);
    t.dateTime('GELIS_ZAMANI');
    t.decimal('MAL_HIZMET_TOPLAM', 19, 2);
    t.decimal('VERGI_HARIC_TUTAR', 19, 2);
    t.decimal('VERGI_DAHIL_TUTAR', 19, 2);
    t.decimal('KDV_TOPLAM', 19, 2);
    t.decimal('ODENECEK_TUTAR', 19, 2);
    t.string('PARA_BIRIMI', 3);
    t.string('DURUM', 16).notNullable();
    t.string('YANIT', 8);
    t.string('YANIT_GEREKCE', 1000);
    t.dateTime('YANIT_ZAMANI');
    t.text('XML', 'longtext');
    t.dateTime('GUNCELLEME').notNullable();
    t.unique(['ETTN'], { indexName: 'UX_KNK_GELEN_BELGE_ETTN' });
    t.index(['FIRMA', 'DONEM', 'BELGE_TARIHI'], 'IX_KNK_GELEN_BELGE_TARIH');
  });
}
