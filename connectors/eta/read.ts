import type { Knex } from 'knex';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import type { OutgoingFilter } from '../contract';
import { ColumnSet } from '../shared/checks';
import { dateBinding } from '../shared/values';
import { CANCELLED_FLAG, OUTGOING_GCFLAG } from './codes';
import { ETA_MASTER_TABLES, ETA_TABLES, SIRKET_IDENTITY_COLUMNS, companyListNeed, etaOptionalColumns, identityNeed, invoiceModuleNeeds } from './tables';

/**
 * Query builders of the ETA connector (any knex instance: tests compile them for SQL Server). Every value is a
 * binding. None of them names SABITLER.
 */

const everything = () => ColumnSet.everything([companyListNeed, ...invoiceModuleNeeds(), identityNeed]);

/** ETA_MASTERV8..SIRKET: the company-year databases and, where the site has them, the company's identity. */
export function companiesQuery(db: Knex, columns: ColumnSet = everything()): Knex.QueryBuilder {
  const t = ETA_MASTER_TABLES.companies;
  return db.from(t).select('SIRKOD', 'SIRDONEM', 'SIRDBNAME', ...columns.pick(t, [...SIRKET_IDENTITY_COLUMNS])).orderBy([{ column: 'SIRKOD' }, { column: 'SIRDONEM' }]);
}

export interface HeaderOptions {
  columns?: ColumnSet;
  /** KNK_EBELGE is installed: invoices Konnektör already sent (not failed) are left out. */
  helper?: boolean;
}

/** Outgoing invoices not sent by Konnektör yet, oldest first, a page at a time (total order over FATFISREFNO). */
export function outgoingHeadersQuery(db: Knex, filter: OutgoingFilter = {}, options: HeaderOptions = {}): Knex.QueryBuilder {
  const t = ETA_TABLES;
  const columns = options.columns ?? everything();
  const q = db
    .from({ F: t.header })
    .leftJoin({ T: t.types }, 'T.FATFTNO', 'F.FATFISTIPI')
    .leftJoin({ C: t.party }, 'C.CARKOD', 'F.FATFISCARKOD')
    .leftJoin({ A: t.address }, function addressJoin() {
      this.on('A.ADRKOD1', '=', 'F.FATFISCARKOD').andOn('A.ADRITEMNO', '=', 'F.FATFISADRESNO');
    })
    .select(
      'F.FATFISREFNO', 'F.FATFISTIPI', 'F.FATFISTAR', 'F.FATFISEVRAKNO1', 'F.FATFISCARKOD', 'F.FATFISKDVDAHILFLAG', 'F.FATFISMALTOP',
      'F.FATFISBRUTTOPLAM', 'F.FATFISKDVMATRAHI', 'F.FATFISKDVTUTARI', 'F.FATFISARATOPLAM', 'F.FATFISGENTOPLAM', 'F.FATFISTEVTUTAR',
      'F.FATFISDOVKOD', 'F.FATFISDOVKUR',
      ...columns.pick(t.header, etaOptionalColumns('FATFIS')).map((c) => `F.${c}`),
      'T.FATFTKOD as T_FATFTKOD',
      'C.CARUNVAN as C_CARUNVAN', 'C.CARUNVAN2 as C_CARUNVAN2', 'C.CARVERDAIRE as C_CARVERDAIRE', 'C.CARVERHESNO as C_CARVERHESNO',
      'A.ADRADRES1 as A_ADRES1', 'A.ADRADRES2 as A_ADRES2', 'A.ADRADRES3 as A_ADRES3', 'A.ADRIL as A_IL', 'A.ADRILCE as A_ILCE', 'A.ADRULKE as A_ULKE',
      'A.ADRPOSTAKOD as A_POSTAKOD', 'A.ADREMAIL1 as A_EMAIL1', 'A.ADRTEL1 as A_TEL1',
    )
    .where('F.FATFISGCFLAG', OUTGOING_GCFLAG)
    .orderBy('F.FATFISREFNO');
  if (columns.has(t.identity, 'KIMMERNISNO')) {
    q.leftJoin({ K: t.identity }, function identityJoin() {
      this.on('K.KIMKOD', '=', 'F.FATFISCARKOD').andOnVal('K.KIMITEMNO', '=', 1);
    }).select('K.KIMMERNISNO as K_KIMMERNISNO');
  }
  if (options.helper) {
    q.leftJoin({ E: EBELGE_TABLE }, function helperJoin() {
      this.on('E.ERP_ANAHTAR', '=', db.raw('CAST(?? AS VARCHAR(20))', ['F.FATFISREFNO'])).andOnVal('E.FIRMA', '=', '').andOnVal('E.DONEM', '=', '');
    })
      .select('E.ETTN as E_ETTN', 'E.DURUM as E_DURUM')
      .andWhere((w) => w.whereNull('E.DURUM').orWhere('E.DURUM', 'failed'));
  }
  if (filter.from) q.andWhere('F.FATFISTAR', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('F.FATFISTAR', '<=', dateBinding(db, filter.to));
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

/** Lines of the given invoices; cancelled lines left out when the release flags them. */
export function linesQuery(db: Knex, refNos: readonly number[], columns: ColumnSet = everything()): Knex.QueryBuilder {
  const t = ETA_TABLES;
  const q = db
    .from({ H: t.lines })
    .select(
      'H.FATHARREFNO', 'H.FATHARSIRANO', 'H.FATHARKODTIP', 'H.FATHARSTKKOD', 'H.FATHARSTKCINS', 'H.FATHARSTKBRM', 'H.FATHARMIKTAR', 'H.FATHARFIYAT',
      'H.FATHARTUTAR', 'H.FATHARNETTUTAR', 'H.FATHARISKYUZ1', 'H.FATHARISKYTUT1', 'H.FATHARKDVYUZ', 'H.FATHARKDVTUTAR', 'H.FATHARACIKLAMA',
    )
    .whereIn('H.FATHARREFNO', [...refNos])
    .orderBy([{ column: 'H.FATHARREFNO' }, { column: 'H.FATHARSIRANO' }]);
  if (columns.has(t.lines, 'FATHARIPTALFLAG')) q.andWhere((w) => w.whereNull('H.FATHARIPTALFLAG').orWhereNot('H.FATHARIPTALFLAG', CANCELLED_FLAG));
  return q;
}

/** One header by its FATFISREFNO, for write-back. */
export function invoiceByRefQuery(db: Knex, refNo: number): Knex.QueryBuilder {
  return db.from(ETA_TABLES.header).select('FATFISREFNO', 'FATFISCARKOD', 'FATFISGCFLAG').where('FATFISREFNO', refNo);
}
