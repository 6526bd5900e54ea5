import type { OptionalColumn, TableNeed } from '../shared/checks';
import { FATUEK_FIELDS, LINE_DISCOUNT_COLUMNS, LINE_TEXT_COLUMN, PARTY_ALIAS_COLUMN } from './codes';

/**
 * Netsis 3 keeps its company list in the system database NETSIS and each company-year in its own database with
 * plain `TBL…` table names (erp-schemas.md §4.1). No user input ever becomes part of these names: the company
 * database is chosen through the connection, never written into SQL.
 */
export const NETSIS_SYSTEM_DATABASE = 'NETSIS';

export const NETSIS_SYSTEM_TABLES = {
  /** [C] SIRKET = company database name, SIRKETYILI = its year. */
  companies: 'SIRKETLER30',
  /** [C] currency list: SIRA = the number TBLFATUIRS.DOVIZTIP / TBLSTHAR.STHAR_DOVTIP refer to, ISIM = its code. */
  currency: 'KUR',
} as const;

export const NETSIS_TABLES = {
  /** Invoice and despatch header [C]. */
  header: 'TBLFATUIRS',
  /** Header extension [C]: free fields ACIK1..ACIK16; optional, read when present. */
  headerExt: 'TBLFATUEK',
  /** Stock movements = invoice lines [C]. */
  lines: 'TBLSTHAR',
  /** Customer/vendor card [C] and its extension (TCKIMLIKNO) [C]. */
  party: 'TBLCASABIT',
  partyExt: 'TBLCASABITEK',
  /** Item card [C]. */
  item: 'TBLSTSABIT',
} as const;

/**
 * Where Netsis keeps the company's own title and tax id is not known [?] (erp-schemas.md §4 names none). Konnektör
 * reads them from these SIRKETLER30 columns when a site has them [I]; without them the document has no supplier and
 * the profile (module × VKN × year) supplies it. Names follow TBLCASABIT's.
 */
export const SIRKETLER30_OPTIONAL_COLUMNS = ['UNVAN', 'VERGI_DAIRESI', 'VERGI_NUMARASI', 'ADRES', 'ILCE', 'IL', 'POSTAKODU', 'TEL', 'EMAIL'] as const;

/** Columns the connector reads. [I] marks columns known only from one source (erp-schemas.md §4). */
export const NETSIS_COLUMNS = {
  SIRKETLER30: ['SIRKET', 'SIRKETYILI'],
  KUR: ['SIRA', 'ISIM'],
  TBLFATUIRS: [
    'SUBE_KODU', 'FTIRSIP', 'FATIRS_NO', 'CARI_KODU', 'TARIH', 'TIPI', 'BRUTTUTAR', 'SAT_ISKT', 'MFAZ_ISKT',
    'GEN_ISK1T', 'GEN_ISK2T', 'GEN_ISK3T', 'GEN_ISK1O', 'GEN_ISK2O', 'GEN_ISK3O', 'KDV', 'KDV_DAHILMI', 'GENELTOPLAM',
    'DOVIZTIP', 'DOVIZTUT', 'ACIKLAMA', 'GIB_FATIRS_NO',
    // [I] e-document type of the invoice; named in erp-schemas.md §4.2, values inferred (codes.ts EBELGE_BY_KIND).
    'EBELGE',
  ],
  TBLFATUEK: ['SUBE_KODU', 'FKOD', 'FATIRSNO', 'CKOD', ...FATUEK_FIELDS.notes, FATUEK_FIELDS.profile, FATUEK_FIELDS.returnRef, FATUEK_FIELDS.exemption, FATUEK_FIELDS.withholding],
  TBLSTHAR: [
    'INCKEYNO', 'STOK_KODU', 'FISNO', 'STHAR_FTIRSIP', 'STHAR_ACIKLAMA', 'STHAR_HTUR', 'STHAR_GCKOD', 'STHAR_GCMIK', 'STHAR_NF', 'STHAR_BF',
    'STHAR_KDV', 'STHAR_SATISK', 'STHAR_SATISK2', 'STHAR_DOVTIP', 'STHAR_DOVFIAT', 'OLCUBR', 'SIRA', 'IRSALIYE_NO', 'IRSALIYE_TARIH',
  ],
  TBLCASABIT: ['CARI_KOD', 'CARI_ISIM', 'CARI_ADRES', 'CARI_IL', 'CARI_ILCE', 'ULKE_KODU', 'CARI_TEL', 'EMAIL', 'VERGI_DAIRESI', 'VERGI_NUMARASI'],
  TBLCASABITEK: ['CARI_KOD', 'TCKIMLIKNO'],
  TBLSTSABIT: ['STOK_KODU', 'STOK_ADI', 'OLCU_BR1', 'OLCU_BR2', 'OLCU_BR3'],
} as const;

/** Columns not every Netsis database has, and what the documents lose without them (sources: codes.ts). */
export const NETSIS_OPTIONAL = {
  TBLSTHAR: [
    ...LINE_DISCOUNT_COLUMNS.slice(2).map((column) => ({ column, lost: `satırların ${column.slice(-1)}. iskontosu okunamaz.` })),
    { column: 'STHAR_MALFISK', lost: 'satırlardaki mal fazlası iskontosu okunamaz.' },
    { column: LINE_TEXT_COLUMN, lost: 'satıra yazılan açıklama stok adının yerine kullanılamaz; stok kartındaki ad yazılır.' },
  ],
  TBLCASABITEK: [{ column: PARTY_ALIAS_COLUMN, lost: 'cari karttaki e-Fatura posta kutusu okunamaz; kayıtlı kullanıcı listesindeki kullanılır.' }],
} as const satisfies Record<string, readonly OptionalColumn[]>;

export const netsisOptionalColumns = (table: keyof typeof NETSIS_OPTIONAL): string[] => NETSIS_OPTIONAL[table].map((o) => o.column);

/** What the NETSIS system database must hold for any company-year to be read. */
export function systemNeeds(): TableNeed[] {
  return [
    { table: NETSIS_SYSTEM_TABLES.companies, columns: NETSIS_COLUMNS.SIRKETLER30 },
    { table: NETSIS_SYSTEM_TABLES.currency, columns: NETSIS_COLUMNS.KUR },
  ];
}

export const companyListNeed: TableNeed = { table: NETSIS_SYSTEM_TABLES.companies, columns: NETSIS_COLUMNS.SIRKETLER30 };

/** What a company database must hold for the e-Fatura / e-Arşiv modules. */
export function invoiceModuleNeeds(): TableNeed[] {
  return [
    { table: NETSIS_TABLES.header, columns: NETSIS_COLUMNS.TBLFATUIRS },
    { table: NETSIS_TABLES.lines, columns: NETSIS_COLUMNS.TBLSTHAR, optional: NETSIS_OPTIONAL.TBLSTHAR },
    { table: NETSIS_TABLES.party, columns: NETSIS_COLUMNS.TBLCASABIT },
    { table: NETSIS_TABLES.partyExt, columns: NETSIS_COLUMNS.TBLCASABITEK, optional: NETSIS_OPTIONAL.TBLCASABITEK },
    { table: NETSIS_TABLES.item, columns: NETSIS_COLUMNS.TBLSTSABIT },
  ];
}

/** Write-back touches only the header's key and GİB number columns (plus KNK_EBELGE). */
export function writeBackNeeds(): TableNeed[] {
  return [{ table: NETSIS_TABLES.header, columns: ['SUBE_KODU', 'FTIRSIP', 'FATIRS_NO', 'CARI_KODU', 'GIB_FATIRS_NO', 'EBELGE'] }];
}

export const headerExtNeed: TableNeed = { table: NETSIS_TABLES.headerExt, columns: NETSIS_COLUMNS.TBLFATUEK };
