import { assertFirmCode, assertPeriodCode } from '../../core/erp/codes';
import type { TableNeed } from '../shared/checks';

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

/** Columns the connector reads. [I] marks columns known from a twin table or a single source (erp-schemas.md). */
export const LOGO_COLUMNS = {
  L_CAPIFIRM: ['NR', 'NAME', 'TITLE', 'TAXOFF', 'TAXNR', 'STREET', 'DISTRICT', 'CITY', 'COUNTRY', 'ZIPCODE', 'PHONE1', 'EMAILADDR'],
  L_CAPIPERIOD: ['FIRMNR', 'NR', 'BEGDATE', 'ENDDATE', 'ACTIVE'],
  L_CURRENCYLIST: ['FIRMNR', 'CURTYPE', 'CURCODE'],
  INVOICE: [
    'LOGICALREF', 'GRPCODE', 'TRCODE', 'FICHENO', 'DOCODE', 'DATE_', 'DOCDATE', 'CLIENTREF', 'CANCELLED', 'BRANCH',
    'GENEXP1', 'GENEXP2', 'GENEXP3', 'GENEXP4', 'TOTALDISCOUNTS', 'TOTALVAT', 'GROSSTOTAL', 'NETTOTAL',
    'TRCURR', 'TRRATE', 'TRNET', 'GUID', 'EINVOICE', 'PROFILEID', 'ESTATUS', 'EINVOICETYP', 'VATEXCEPTCODE', 'VATEXCEPTREASON',
  ],
  STLINE: [
    'LOGICALREF', 'INVOICEREF', 'INVOICELNNO', 'LINETYPE', 'GLOBTRANS', 'STOCKREF', 'AMOUNT', 'PRICE', 'TOTAL', 'LINENET',
    'DISCPER', 'VAT', 'VATAMNT', 'VATMATRAH', 'VATINC', 'UOMREF', 'LINEEXP', 'CANCELLED', 'PRCURR', 'PRPRICE',
    // [I] from the twin order-line table ORFLINE and Logo's newer e-invoice line fields (erp-schemas.md §2.3)
    'DEDUCTCODE', 'DEDUCTIONPART1', 'DEDUCTIONPART2', 'VATEXCEPTCODE', 'VATEXCEPTREASON',
  ],
  CLCARD: [
    'LOGICALREF', 'CODE', 'DEFINITION_', 'ISPERSCOMP', 'TAXNR', 'TCKNO', 'TAXOFFICE', 'NAME', 'SURNAME', 'ADDR1', 'ADDR2',
    'DISTRICT', 'TOWN', 'CITY', 'COUNTRY', 'POSTCODE', 'TELNRS1', 'EMAILADDR', 'POSTLABELCODE',
  ],
  ITEMS: ['LOGICALREF', 'CODE', 'NAME'],
  SRVCARD: ['LOGICALREF', 'CODE', 'DEFINITION_'],
  // GLOBALCODE [I]: the international (UN/ECE) unit code Logo keeps for e-documents.
  UNITSETL: ['LOGICALREF', 'CODE', 'NAME', 'GLOBALCODE'],
} as const;

export function invoiceModuleNeeds(firm: string, period: string): TableNeed[] {
  const t = logoTables(firm, period);
  return [
    { table: LOGO_SYSTEM_TABLES.firm, columns: LOGO_COLUMNS.L_CAPIFIRM },
    { table: LOGO_SYSTEM_TABLES.period, columns: LOGO_COLUMNS.L_CAPIPERIOD },
    { table: t.invoice, columns: LOGO_COLUMNS.INVOICE },
    { table: t.stline, columns: LOGO_COLUMNS.STLINE },
    { table: t.clcard, columns: LOGO_COLUMNS.CLCARD },
    { table: t.items, columns: LOGO_COLUMNS.ITEMS },
    { table: t.srvcard, columns: LOGO_COLUMNS.SRVCARD },
    { table: t.unitsetl, columns: LOGO_COLUMNS.UNITSETL },
  ];
}
