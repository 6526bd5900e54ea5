import type { Knex } from 'knex';
import { dateBinding } from '../shared/values';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import type { BranchFilter } from '../shared/branch';
import { ColumnSet } from '../shared/checks';
import { EBELGE_BY_KIND, FATUEK_FIELDS, INVOICE_LINE_GCKOD, INVOICE_LINE_HTUR, OUTGOING_FTIRSIP, type NetsisInvoiceKind } from './codes';
import type { NetsisInvoiceKey } from './map';
import { NETSIS_SYSTEM_TABLES, NETSIS_TABLES, SIRKETLER30_OPTIONAL_COLUMNS, invoiceModuleNeeds, netsisOptionalColumns } from './tables';

/**
 * Query builders of the Netsis connector. They take any knex instance, so tests compile them with the `mssql`
 * dialect and check the T-SQL while the demo runs them on SQLite. Every value is a binding.
 */

/** NETSIS..SIRKETLER30: the company databases, their years and (when present) the company's identity. */
export function companiesQuery(db: Knex, optionalColumns: readonly (typeof SIRKETLER30_OPTIONAL_COLUMNS)[number][] = []): Knex.QueryBuilder {
  const wanted = SIRKETLER30_OPTIONAL_COLUMNS.filter((c) => optionalColumns.includes(c));
  return db.from(NETSIS_SYSTEM_TABLES.companies).select('SIRKET', 'SIRKETYILI', ...wanted).orderBy('SIRKET');
}

/** NETSIS..KUR: DOVIZTIP number → currency name. */
export function currenciesQuery(db: Knex): Knex.QueryBuilder {
  return db.from(NETSIS_SYSTEM_TABLES.currency).select('SIRA', 'ISIM');
}

/**
 * Outgoing sales invoices of one module that have no GİB number yet, oldest first, a page at a time. The order is
 * total over the header key, so OFFSET paging never skips or repeats a row. `extension`: join TBLFATUEK.
 */
export function outgoingHeadersQuery(
  db: Knex,
  module: NetsisInvoiceKind,
  filter: BranchFilter = {},
  options: { extension: boolean; columns?: ColumnSet } = { extension: true },
): Knex.QueryBuilder {
  const t = NETSIS_TABLES;
  const columns = options.columns ?? ColumnSet.everything(invoiceModuleNeeds());
  const q = db
    .from({ F: t.header })
    .leftJoin({ C: t.party }, 'C.CARI_KOD', 'F.CARI_KODU')
    .leftJoin({ CE: t.partyExt }, 'CE.CARI_KOD', 'F.CARI_KODU')
    .select(
      'F.SUBE_KODU', 'F.FTIRSIP', 'F.FATIRS_NO', 'F.CARI_KODU', 'F.TARIH', 'F.TIPI', 'F.BRUTTUTAR', 'F.SAT_ISKT', 'F.MFAZ_ISKT',
      'F.GEN_ISK1T', 'F.GEN_ISK2T', 'F.GEN_ISK3T', 'F.GEN_ISK1O', 'F.GEN_ISK2O', 'F.GEN_ISK3O', 'F.KDV', 'F.KDV_DAHILMI', 'F.GENELTOPLAM',
      'F.DOVIZTIP', 'F.DOVIZTUT', 'F.ACIKLAMA', 'F.EBELGE',
      'C.CARI_ISIM as C_CARI_ISIM', 'C.CARI_ADRES as C_CARI_ADRES', 'C.CARI_IL as C_CARI_IL', 'C.CARI_ILCE as C_CARI_ILCE',
      'C.ULKE_KODU as C_ULKE_KODU', 'C.CARI_TEL as C_CARI_TEL', 'C.EMAIL as C_EMAIL', 'C.VERGI_DAIRESI as C_VERGI_DAIRESI',
      'C.VERGI_NUMARASI as C_VERGI_NUMARASI', 'CE.TCKIMLIKNO as CE_TCKIMLIKNO',
      ...columns.pick(t.partyExt, netsisOptionalColumns('TBLCASABITEK')).map((c) => `CE.${c} as CE_${c}`),
    )
    .where('F.FTIRSIP', OUTGOING_FTIRSIP)
    .andWhere('F.EBELGE', EBELGE_BY_KIND[module])
    .andWhere((w) => w.whereNull('F.GIB_FATIRS_NO').orWhere('F.GIB_FATIRS_NO', ''))
    .orderBy([{ column: 'F.TARIH' }, { column: 'F.FATIRS_NO' }, { column: 'F.CARI_KODU' }, { column: 'F.SUBE_KODU' }]);
  if (options.extension) {
    q.leftJoin({ X: t.headerExt }, function extensionJoin() {
      this.on('X.FATIRSNO', '=', 'F.FATIRS_NO').andOn('X.FKOD', '=', 'F.FTIRSIP').andOn('X.CKOD', '=', 'F.CARI_KODU').andOn('X.SUBE_KODU', '=', 'F.SUBE_KODU');
    });
    const fields = [...FATUEK_FIELDS.notes, FATUEK_FIELDS.profile, FATUEK_FIELDS.returnRef, FATUEK_FIELDS.exemption, FATUEK_FIELDS.withholding];
    q.select(fields.map((f) => `X.${f} as X_${f}`));
  }
  if (filter.from) q.andWhere('F.TARIH', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('F.TARIH', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('F.SUBE_KODU', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

/**
 * Sales invoice lines for the given FATIRS_NO values, with their item card. A line belongs to the header whose
 * FATIRS_NO = FISNO, CARI_KODU = STHAR_ACIKLAMA and FTIRSIP = STHAR_FTIRSIP [C]; the caller groups them that way.
 */
export function linesQuery(db: Knex, fatirsNos: readonly string[], columns: ColumnSet = ColumnSet.everything(invoiceModuleNeeds())): Knex.QueryBuilder {
  const t = NETSIS_TABLES;
  return db
    .from({ S: t.lines })
    .leftJoin({ T: t.item }, 'T.STOK_KODU', 'S.STOK_KODU')
    .select(
      'S.INCKEYNO', 'S.STOK_KODU', 'S.FISNO', 'S.STHAR_ACIKLAMA', 'S.STHAR_GCMIK', 'S.STHAR_NF', 'S.STHAR_BF', 'S.STHAR_KDV',
      'S.STHAR_SATISK', 'S.STHAR_SATISK2', 'S.STHAR_DOVTIP', 'S.STHAR_DOVFIAT', 'S.OLCUBR', 'S.SIRA', 'S.IRSALIYE_NO', 'S.IRSALIYE_TARIH',
      ...columns.pick(t.lines, netsisOptionalColumns('TBLSTHAR')).map((c) => `S.${c}`),
      'T.STOK_ADI as T_STOK_ADI', 'T.OLCU_BR1 as T_OLCU_BR1', 'T.OLCU_BR2 as T_OLCU_BR2', 'T.OLCU_BR3 as T_OLCU_BR3',
    )
    .whereIn('S.FISNO', [...fatirsNos])
    .andWhere('S.STHAR_FTIRSIP', OUTGOING_FTIRSIP)
    .andWhere('S.STHAR_HTUR', INVOICE_LINE_HTUR)
    .whereIn('S.STHAR_GCKOD', [...INVOICE_LINE_GCKOD])
    .orderBy([{ column: 'S.FISNO' }, { column: 'S.SIRA' }, { column: 'S.INCKEYNO' }]);
}

function whereKey(q: Knex.QueryBuilder, key: NetsisInvoiceKey): Knex.QueryBuilder {
  return q.where({ SUBE_KODU: key.sube, FTIRSIP: key.ftirsip, FATIRS_NO: key.fatirsNo, CARI_KODU: key.cariKodu });
}

/** One header by its full key, for write-back. */
export function invoiceByKeyQuery(db: Knex, key: NetsisInvoiceKey): Knex.QueryBuilder {
  return whereKey(db.from(NETSIS_TABLES.header).select('FATIRS_NO', 'GIB_FATIRS_NO', 'EBELGE'), key);
}

/** Writes the GİB number into the header (the only Netsis column Konnektör changes). */
export function setGibNumberQuery(db: Knex, key: NetsisInvoiceKey, gibNumber: string): Knex.QueryBuilder {
  return whereKey(db(NETSIS_TABLES.header), key).update({ GIB_FATIRS_NO: gibNumber });
}

/** ETTNs already recorded in KNK_EBELGE for these documents (a document whose send failed keeps its ETTN). */
export function recordedEttnsQuery(db: Knex, module: NetsisInvoiceKind, keys: readonly string[]): Knex.QueryBuilder {
  return db.from(EBELGE_TABLE).select('ERP_ANAHTAR', 'ETTN').where({ FIRMA: '', DONEM: '', MODUL: module }).whereIn('ERP_ANAHTAR', [...keys]);
}
