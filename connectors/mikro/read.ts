import type { Knex } from 'knex';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import type { BranchFilter } from '../shared/branch';
import { ColumnSet } from '../shared/checks';
import { dateBinding } from '../shared/values';
import { CUSTOMER_CARI_CINS, E_ISLEM_BY_MODULE, EBELGE_CARI_HAREKET, HEADER_SATIR_NO, NOTES_DOSYA_NO, SALES_INVOICE_EVRAK_TIP } from './codes';
import { MIKRO_MASTER_TABLES, MIKRO_TABLES, invoiceModuleNeeds, masterNeeds, mikroOptionalColumns, optionalTableNeeds } from './tables';
import type { InvoiceModule } from '../../core/documents/kinds/types';

/**
 * Query builders of the Mikro connector. They take any knex instance, so tests compile them with the `mssql`
 * dialect and check the T-SQL while the demo runs them on SQLite. Every value is a binding; columns of v17 only are
 * selected when the database has them (`columns`).
 */

const everything = () => ColumnSet.everything([...masterNeeds(), ...invoiceModuleNeeds(), ...optionalTableNeeds()]);

/** MikroDB_V1x..VERI_TABANLARI: the company databases. */
export function companiesQuery(db: Knex, columns: ColumnSet = everything()): Knex.QueryBuilder {
  const t = MIKRO_MASTER_TABLES.databases;
  return db
    .from(t)
    .select('DB_kod', 'DB_isim', ...columns.pick(t, mikroOptionalColumns('VERI_TABANLARI')))
    .where((w) => w.where('DB_iptal', 0).orWhereNull('DB_iptal'))
    .orderBy('DB_kod');
}

/** The fiscal years opened in a company database. */
export function fiscalYearsQuery(db: Knex): Knex.QueryBuilder {
  return db
    .from(MIKRO_TABLES.years)
    .distinct('fmy_maliyil')
    .where((w) => w.where('fmy_iptal', 0).orWhereNull('fmy_iptal'))
    .orderBy('fmy_maliyil');
}

/** The company's identity (first firm) and the address of its branches. */
export function firmQuery(db: Knex, columns: ColumnSet = everything()): Knex.QueryBuilder {
  const t = MIKRO_TABLES.firm;
  return db
    .from(t)
    .select('fir_sirano', 'fir_unvan', 'fir_FVergiDaire', 'fir_FVergiNo', 'fir_TCkimlik', ...columns.pick(t, mikroOptionalColumns('FIRMALAR')))
    .where((w) => w.where('fir_iptal', 0).orWhereNull('fir_iptal'))
    .orderBy('fir_sirano')
    .limit(1);
}

export function branchesQuery(db: Knex): Knex.QueryBuilder {
  return db
    .from(MIKRO_TABLES.branch)
    .select('Sube_no', 'sube_Cadde', 'sube_Mahalle', 'sube_Sokak', 'sube_Apt_No', 'sube_Posta_Kodu', 'sube_Ilce', 'sube_Il', 'sube_Ulke', 'sube_TelNo1')
    .where((w) => w.where('Sube_iptal', 0).orWhereNull('Sube_iptal'))
    .orderBy('Sube_no');
}

/**
 * VAT pointer → percent. On SQL Server through Mikro's own scalar function dbo.fn_VergiYuzde [C: used by every
 * public Mikro query; fn_VergiYuzde(4) = 20 on a live V15]. SQLite cannot host that function: the demo server keeps
 * the same pointer table in DEMO_FN_VERGIYUZDE, read only there.
 */
export const VAT_POINTERS = Array.from({ length: 21 }, (_, i) => i);
export const DEMO_VAT_TABLE = 'DEMO_FN_VERGIYUZDE';

export function vatRatesQuery(db: Knex): Knex.QueryBuilder | Knex.Raw {
  if ((db.client as { dialect?: string }).dialect === 'mssql') {
    const parts = VAT_POINTERS.map(() => 'select ? as pntr, dbo.fn_VergiYuzde(?) as rate');
    return db.raw(parts.join(' union all '), VAT_POINTERS.flatMap((p) => [p, p]));
  }
  return db.from(DEMO_VAT_TABLE).select('pntr', 'rate');
}

export interface HeaderOptions {
  columns?: ColumnSet;
  /** Which optional tables the database has. */
  eInvoiceOps?: boolean;
  notes?: boolean;
  ebelge?: boolean;
  /** KNK_EBELGE is installed: documents Konnektör already handled (and not failed) are left out. */
  helper?: boolean;
}

/**
 * Outgoing sales invoices of one module and fiscal year that have not been sent: no e-document number on the header
 * (v17), not marked sent by Mikro's own e-Fatura module (v17), not in KNK_EBELGE as sent by Konnektör. Oldest
 * first, a page at a time; the order is total over the document number, so OFFSET paging never skips a row.
 */
export function outgoingHeadersQuery(
  db: Knex,
  module: InvoiceModule,
  span: { begin: string; end: string },
  filter: BranchFilter = {},
  options: HeaderOptions = {},
): Knex.QueryBuilder {
  const t = MIKRO_TABLES;
  const columns = options.columns ?? everything();
  const has = (c: string) => columns.has(t.header, c);
  const q = db
    .from({ H: t.header })
    .leftJoin({ C: t.party }, 'C.cari_kod', 'H.cha_kod')
    .leftJoin({ A: t.address }, function addressJoin() {
      this.on('A.adr_cari_kod', '=', 'H.cha_kod').andOn('A.adr_adres_no', '=', 'C.cari_fatura_adres_no');
    })
    .select(
      'H.cha_Guid', 'H.cha_subeno', 'H.cha_evrakno_seri', 'H.cha_evrakno_sira', 'H.cha_tarihi', 'H.cha_normal_Iade', 'H.cha_belge_no',
      'H.cha_aciklama', 'H.cha_kod', 'H.cha_d_cins', 'H.cha_d_kur', 'H.cha_meblag', 'H.cha_aratoplam',
      ...['1', '2', '3', '4', '5', '6'].map((n) => `H.cha_ft_iskonto${n}`),
      ...Array.from({ length: 20 }, (_, i) => `cha_vergi${i + 1}`).filter((c) => Number(c.slice(9)) <= 10 || has(c)).map((c) => `H.${c}`),
      'H.cha_tevkifat_toplam', 'H.cha_e_islem_turu', 'H.cha_uuid',
      ...(has('cha_ebelge_turu') ? ['H.cha_ebelge_turu'] : []),
      'C.cari_unvan1 as C_unvan1', 'C.cari_unvan2 as C_unvan2', 'C.cari_vdaire_adi as C_vdaire_adi', 'C.cari_vdaire_no as C_vdaire_no',
      'C.cari_VergiKimlikNo as C_VergiKimlikNo', 'C.cari_EMail as C_EMail', 'C.cari_CepTel as C_CepTel', 'C.cari_def_efatura_cinsi as C_def_efatura_cinsi',
      ...(columns.has(t.party, 'cari_kamu_kurumu_fl') ? ['C.cari_kamu_kurumu_fl as C_kamu_kurumu_fl'] : []),
      'A.adr_cadde as A_cadde', 'A.adr_mahalle as A_mahalle', 'A.adr_sokak as A_sokak', 'A.adr_Apt_No as A_Apt_No', 'A.adr_posta_kodu as A_posta_kodu',
      'A.adr_ilce as A_ilce', 'A.adr_il as A_il', 'A.adr_ulke as A_ulke', 'A.adr_tel_no1 as A_tel_no1', 'A.adr_efatura_alias as A_efatura_alias',
    )
    .where('H.cha_evrak_tip', SALES_INVOICE_EVRAK_TIP)
    .andWhere('H.cha_satir_no', HEADER_SATIR_NO)
    .andWhere('H.cha_iptal', 0)
    .andWhere('H.cha_cari_cins', CUSTOMER_CARI_CINS)
    .andWhere('H.cha_e_islem_turu', E_ISLEM_BY_MODULE[module])
    .andWhere('H.cha_tarihi', '>=', dateBinding(db, span.begin))
    .andWhere('H.cha_tarihi', '<=', dateBinding(db, span.end))
    .orderBy([{ column: 'H.cha_tarihi' }, { column: 'H.cha_evrakno_seri' }, { column: 'H.cha_evrakno_sira' }, { column: 'H.cha_Guid' }]);
  if (has('cha_ebelgeno_sira')) q.andWhere((w) => w.whereNull('H.cha_ebelgeno_sira').orWhere('H.cha_ebelgeno_sira', 0));
  if (options.eInvoiceOps && columns.has(t.eInvoiceOps, 'efi_gonderildi_fl')) {
    q.whereNotExists(function sentByMikro() {
      this.select(db.raw('1'))
        .from({ E: t.eInvoiceOps })
        .whereRaw('?? = ??', ['E.efi_evrakno_seri', 'H.cha_evrakno_seri'])
        .andWhereRaw('?? = ??', ['E.efi_evrakno_sira', 'H.cha_evrakno_sira'])
        .andWhere('E.efi_evrak_tipi', SALES_INVOICE_EVRAK_TIP)
        .andWhere('E.efi_gonderildi_fl', 1);
    });
  }
  if (options.helper) {
    q.whereNotExists(function sentByKonnektor() {
      this.select(db.raw('1'))
        .from({ K: EBELGE_TABLE })
        .where('K.MODUL', module)
        .andWhereRaw('?? = ??', ['K.ERP_ANAHTAR', 'H.cha_Guid'])
        .andWhereNot('K.DURUM', 'failed');
    });
  }
  if (options.ebelge) {
    q.leftJoin({ B: t.ebelge }, function returnJoin() {
      this.on('B.ebh_related_uid', '=', 'H.cha_Guid').andOnVal('B.ebh_hareket_tipi', '=', EBELGE_CARI_HAREKET);
    });
    q.select('B.ebh_iade_fat_no1 as B_iade_fat_no1', 'B.ebh_iade_fat_tarihi1 as B_iade_fat_tarihi1');
  }
  if (options.notes) {
    q.leftJoin({ N: t.notes }, function notesJoin() {
      this.on('N.egk_evr_seri', '=', 'H.cha_evrakno_seri')
        .andOn('N.egk_evr_sira', '=', 'H.cha_evrakno_sira')
        .andOnVal('N.egk_dosyano', '=', NOTES_DOSYA_NO)
        .andOnVal('N.egk_evr_tip', '=', SALES_INVOICE_EVRAK_TIP);
    });
    q.select(Array.from({ length: 10 }, (_, i) => `N.egk_evracik${i + 1} as N_evracik${i + 1}`));
  }
  if (filter.from) q.andWhere('H.cha_tarihi', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('H.cha_tarihi', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('H.cha_subeno', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

/** The lines of the given invoices (sth_fat_uid = cha_Guid) with their item card and, when present, the extension. */
export function linesQuery(db: Knex, invoiceGuids: readonly string[], options: { lineExt?: boolean } = {}): Knex.QueryBuilder {
  const t = MIKRO_TABLES;
  const q = db
    .from({ L: t.lines })
    .leftJoin({ S: t.item }, 'S.sto_kod', 'L.sth_stok_kod')
    .select(
      'L.sth_Guid', 'L.sth_fat_uid', 'L.sth_satirno', 'L.sth_stok_kod', 'L.sth_miktar', 'L.sth_birim_pntr', 'L.sth_tutar',
      ...[1, 2, 3, 4, 5, 6].flatMap((n) => [`L.sth_iskonto${n}`, `L.sth_sat_iskmas${n}`]),
      ...[1, 2, 3, 4].map((n) => `L.sth_masraf${n}`),
      'L.sth_vergi_pntr', 'L.sth_vergi', 'L.sth_aciklama', 'L.sth_Tevkifat_turu',
      'S.sto_isim as S_isim', 'S.sto_birim1_ad as S_birim1', 'S.sto_birim2_ad as S_birim2', 'S.sto_birim3_ad as S_birim3', 'S.sto_birim4_ad as S_birim4',
    )
    .whereIn('L.sth_fat_uid', [...invoiceGuids])
    .andWhere('L.sth_iptal', 0)
    .orderBy([{ column: 'L.sth_fat_uid' }, { column: 'L.sth_satirno' }]);
  if (options.lineExt) {
    q.leftJoin({ X: t.lineExt }, 'X.sthek_related_uid', 'L.sth_Guid').select('X.sth_istisna as X_istisna');
  }
  return q;
}

/** One header by its cha_Guid, for write-back. */
export function invoiceByGuidQuery(db: Knex, guid: string, columns: ColumnSet = everything()): Knex.QueryBuilder {
  const t = MIKRO_TABLES.header;
  return db
    .from(t)
    .select('cha_Guid', 'cha_uuid', 'cha_e_islem_turu', ...columns.pick(t, ['cha_ebelgeno_seri', 'cha_ebelgeno_sira']))
    .where('cha_Guid', guid)
    .andWhere('cha_evrak_tip', SALES_INVOICE_EVRAK_TIP)
    .andWhere('cha_satir_no', HEADER_SATIR_NO);
}

/** Writes the ETTN (and, v17, the GİB number) into the header: the only Mikro columns Konnektör changes. */
export function setEDocumentQuery(db: Knex, guid: string, values: { cha_uuid?: string; cha_ebelgeno_seri?: string; cha_ebelgeno_sira?: number }): Knex.QueryBuilder {
  return db(MIKRO_TABLES.header).where('cha_Guid', guid).andWhere('cha_evrak_tip', SALES_INVOICE_EVRAK_TIP).andWhere('cha_satir_no', HEADER_SATIR_NO).update(values);
}
