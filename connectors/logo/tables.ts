import { assertFirmCode, assertPeriodCode } from '../../core/erp/codes';
import type { OptionalColumn, TableNeed } from '../shared/checks';

/**
 * Logo Tiger/Go table names: firm cards `LG_<FFF>_<T>`, period tables `LG_<FFF>_<PP>_<T>`, system tables `L_<T>`.
 * Codes are re-checked here, where they become part of a name (erp-schemas.md §2.1).
 */
export function logoTables(firm: string, period: string) {
  const f = assertFirmCode(firm);
  const p = assertPeriodCode(period);
  return {
    invoice: `LG_${f}_${p}_INVOICE`,
    stline: `LG_${f}_${p}_STLINE`,
    clcard: `LG_${f}_CLCARD`,
    items: `LG_${f}_ITEMS`,
    srvcard: `LG_${f}_SRVCARD`,
    unitsetl: `LG_${f}_UNITSETL`,
  } as const;
}

export const LOGO_SYSTEM_TABLES = {
  firm: 'L_CAPIFIRM',
  period: 'L_CAPIPERIOD',
  currency: 'L_CURRENCYLIST',
} as const;

/**
 * Columns every supported Logo release has (required: without one the module cannot work, ERP_COLUMN_MISSING), and
 * columns of newer releases (optional: a database without one is read with the feature off, and the connection test
 * says what is lost). [I] marks columns known from a twin table or a single source (erp-schemas.md §2).
 */
export const LOGO_COLUMNS = {
  L_CAPIFIRM: ['NR', 'NAME', 'TITLE', 'TAXOFF', 'TAXNR', 'STREET', 'DISTRICT', 'CITY', 'COUNTRY', 'ZIPCODE', 'PHONE1', 'EMAILADDR'],
  L_CAPIPERIOD: ['FIRMNR', 'NR', 'BEGDATE', 'ENDDATE', 'ACTIVE'],
  L_CURRENCYLIST: ['FIRMNR', 'CURTYPE', 'CURCODE'],
  INVOICE: [
    'LOGICALREF', 'GRPCODE', 'TRCODE', 'FICHENO', 'DOCODE', 'DATE_', 'CLIENTREF', 'CANCELLED', 'BRANCH',
    'GENEXP1', 'GENEXP2', 'GENEXP3', 'GENEXP4', 'TOTALDISCOUNTS', 'TOTALVAT', 'GROSSTOTAL', 'NETTOTAL',
    'TRCURR', 'TRRATE', 'TRNET', 'GUID', 'EINVOICE', 'ESTATUS',
  ],
  STLINE: [
    'LOGICALREF', 'INVOICEREF', 'INVOICELNNO', 'LINETYPE', 'GLOBTRANS', 'STOCKREF', 'AMOUNT', 'PRICE', 'TOTAL', 'LINENET',
    'DISCPER', 'VAT', 'VATAMNT', 'VATMATRAH', 'VATINC', 'UOMREF', 'LINEEXP', 'CANCELLED', 'PRCURR', 'PRPRICE',
  ],
  CLCARD: [
    'LOGICALREF', 'CODE', 'DEFINITION_', 'TAXNR', 'TAXOFFICE', 'ADDR1', 'ADDR2',
    'DISTRICT', 'TOWN', 'CITY', 'COUNTRY', 'POSTCODE', 'TELNRS1', 'EMAILADDR',
  ],
  ITEMS: ['LOGICALREF', 'CODE', 'NAME'],
  SRVCARD: ['LOGICALREF', 'CODE', 'DEFINITION_'],
  UNITSETL: ['LOGICALREF', 'CODE', 'NAME'],
} as const;

/** Newer-release columns and what a database without them costs the documents. */
export const LOGO_OPTIONAL = {
  INVOICE: [
    { column: 'DOCDATE', lost: 'iade faturasında iade edilen faturanın tarihi okunamaz.' },
    { column: 'PROFILEID', lost: 'senaryo okunamaz; faturalar TEMELFATURA olarak düzenlenir.' },
    { column: 'EINVOICETYP', lost: 'fatura tipi (TEVKIFAT/ISTISNA) başlıktan okunamaz; satırlardaki tevkifat/istisna kullanılır.' },
    { column: 'VATEXCEPTCODE', lost: 'başlıktaki KDV istisna kodu okunamaz.' },
    { column: 'VATEXCEPTREASON', lost: 'başlıktaki KDV istisna sebebi okunamaz.' },
  ],
  STLINE: [
    { column: 'DEDUCTCODE', lost: 'satırlardaki KDV tevkifatı okunamaz; tevkifatlı faturalar gönderilemez.' },
    { column: 'DEDUCTIONPART1', lost: 'satırlardaki tevkifat oranı okunamaz; tevkifatlı faturalar gönderilemez.' },
    { column: 'DEDUCTIONPART2', lost: 'satırlardaki tevkifat oranı okunamaz; tevkifatlı faturalar gönderilemez.' },
    { column: 'VATEXCEPTCODE', lost: 'satırlardaki KDV istisna kodu okunamaz; başlıktaki kullanılır.' },
    { column: 'VATEXCEPTREASON', lost: 'satırlardaki KDV istisna sebebi okunamaz; başlıktaki kullanılır.' },
  ],
  CLCARD: [
    { column: 'ISPERSCOMP', lost: 'şahıs müşteriler (TCKN) ayırt edilemez; vergi numarası VKN olarak okunur.' },
    { column: 'TCKNO', lost: 'şahıs müşterilerin TCKN’si okunamaz.' },
    { column: 'NAME', lost: 'şahıs müşterinin adı ayrı okunamaz; unvandan ayrılır.' },
    { column: 'SURNAME', lost: 'şahıs müşterinin soyadı ayrı okunamaz; unvandan ayrılır.' },
    { column: 'POSTLABELCODE', lost: 'cari karttaki e-Fatura posta kutusu okunamaz; kayıtlı kullanıcı listesindeki kullanılır.' },
  ],
  // GLOBALCODE [I]: the international (UN/ECE) unit code Logo keeps for e-documents.
  UNITSETL: [{ column: 'GLOBALCODE', lost: 'birimin uluslararası kodu okunamaz; birim adından eşlenir.' }],
} as const satisfies Record<string, readonly OptionalColumn[]>;

export const optionalColumnsOf = (table: keyof typeof LOGO_OPTIONAL): string[] => LOGO_OPTIONAL[table].map((o) => o.column);

export function invoiceModuleNeeds(firm: string, period: string): TableNeed[] {
  const t = logoTables(firm, period);
  return [
    { table: LOGO_SYSTEM_TABLES.firm, columns: LOGO_COLUMNS.L_CAPIFIRM },
    { table: LOGO_SYSTEM_TABLES.period, columns: LOGO_COLUMNS.L_CAPIPERIOD },
    { table: t.invoice, columns: LOGO_COLUMNS.INVOICE, optional: LOGO_OPTIONAL.INVOICE },
    { table: t.stline, columns: LOGO_COLUMNS.STLINE, optional: LOGO_OPTIONAL.STLINE },
    { table: t.clcard, columns: LOGO_COLUMNS.CLCARD, optional: LOGO_OPTIONAL.CLCARD },
    { table: t.items, columns: LOGO_COLUMNS.ITEMS },
    { table: t.srvcard, columns: LOGO_COLUMNS.SRVCARD },
    { table: t.unitsetl, columns: LOGO_COLUMNS.UNITSETL, optional: LOGO_OPTIONAL.UNITSETL },
  ];
}
