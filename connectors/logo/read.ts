import type { Knex } from 'knex';
import type { BranchFilter } from '../shared/branch';
import { ColumnSet } from '../shared/checks';
import { dateBinding } from '../shared/values';
import { EINVOICE_BY_KIND, OUTGOING_TRCODES, type LogoInvoiceKind } from './codes';
import { LOGO_SYSTEM_TABLES, invoiceModuleNeeds, logoTables, optionalColumnsOf } from './tables';

/**
 * Query builders of the Logo connector. They take any knex instance, so tests compile them with the `mssql`
 * dialect and check the T-SQL while the demo runs them on SQLite. Columns of newer Logo releases are selected only
 * when the database has them (`columns`, from the connection test); without it every column is selected.
 */

/** `A.COL` for each optional column the table has; aliased with `prefix` when given (C.NAME as C_NAME). */
function optional(columns: ColumnSet, table: string, alias: string, list: readonly string[], prefix?: string): string[] {
  return columns.pick(table, list).map((c) => (prefix ? `${alias}.${c} as ${prefix}${c.replace(/_$/, '')}` : `${alias}.${c}`));
}

export function firmPeriodsQuery(db: Knex): Knex.QueryBuilder {
  const { firm, period } = LOGO_SYSTEM_TABLES;
  return db
    .from({ F: firm })
    .join({ P: period }, 'P.FIRMNR', 'F.NR')
    .select('F.NR as firmNr', 'F.NAME as firmName', 'F.TITLE as firmTitle', 'P.NR as periodNr', 'P.BEGDATE as begDate', 'P.ENDDATE as endDate', 'P.ACTIVE as active')
    .orderBy([{ column: 'F.NR' }, { column: 'P.NR' }]);
}

export function firmQuery(db: Knex, firmNr: number): Knex.QueryBuilder {
  return db.from(LOGO_SYSTEM_TABLES.firm).select('*').where('NR', firmNr).limit(1);
}

export function currencyListQuery(db: Knex, firmNr: number): Knex.QueryBuilder {
  return db.from(LOGO_SYSTEM_TABLES.currency).select('CURTYPE', 'CURCODE').where('FIRMNR', firmNr);
}

/** Outgoing invoices not yet sent (ESTATUS 0), of one module, oldest first, a page at a time. */
export function outgoingHeadersQuery(
  db: Knex,
  firm: string,
  period: string,
  module: LogoInvoiceKind,
  filter: BranchFilter = {},
  columns: ColumnSet = ColumnSet.everything(invoiceModuleNeeds(firm, period)),
): Knex.QueryBuilder {
  const t = logoTables(firm, period);
  const q = db
    .from({ I: t.invoice })
    .join({ C: t.clcard }, 'C.LOGICALREF', 'I.CLIENTREF')
    .select(
      'I.LOGICALREF', 'I.TRCODE', 'I.FICHENO', 'I.DOCODE', 'I.DATE_', 'I.BRANCH', 'I.GENEXP1', 'I.GENEXP2', 'I.GENEXP3', 'I.GENEXP4',
      'I.TOTALDISCOUNTS', 'I.TOTALVAT', 'I.GROSSTOTAL', 'I.NETTOTAL', 'I.TRCURR', 'I.TRRATE', 'I.TRNET', 'I.GUID', 'I.EINVOICE',
      ...optional(columns, t.invoice, 'I', optionalColumnsOf('INVOICE')),
      'C.CODE as C_CODE', 'C.DEFINITION_ as C_DEFINITION', 'C.TAXNR as C_TAXNR',
      'C.TAXOFFICE as C_TAXOFFICE', 'C.ADDR1 as C_ADDR1', 'C.ADDR2 as C_ADDR2',
      'C.DISTRICT as C_DISTRICT', 'C.TOWN as C_TOWN', 'C.CITY as C_CITY', 'C.COUNTRY as C_COUNTRY', 'C.POSTCODE as C_POSTCODE',
      'C.TELNRS1 as C_TELNRS1', 'C.EMAILADDR as C_EMAILADDR',
      ...optional(columns, t.clcard, 'C', optionalColumnsOf('CLCARD'), 'C_'),
    )
    .whereIn('I.TRCODE', [...OUTGOING_TRCODES])
    .andWhere('I.CANCELLED', 0)
    .andWhere('I.ESTATUS', 0)
    .andWhere('I.EINVOICE', EINVOICE_BY_KIND[module])
    .orderBy('I.LOGICALREF');
  if (filter.from) q.andWhere('I.DATE_', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('I.DATE_', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('I.BRANCH', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) {
    q.offset(filter.offset);
  }
  return q;
}

/** Lines of the given invoices with their item or service card and unit. */
export function linesQuery(
  db: Knex,
  firm: string,
  period: string,
  invoiceRefs: number[],
  columns: ColumnSet = ColumnSet.everything(invoiceModuleNeeds(firm, period)),
): Knex.QueryBuilder {
  const t = logoTables(firm, period);
  return db
    .from({ L: t.stline })
    .leftJoin({ IT: t.items }, function itemJoin() {
      this.on('IT.LOGICALREF', '=', 'L.STOCKREF').andOnVal('L.LINETYPE', '<>', 4);
    })
    .leftJoin({ S: t.srvcard }, function serviceJoin() {
      this.on('S.LOGICALREF', '=', 'L.STOCKREF').andOnVal('L.LINETYPE', '=', 4);
    })
    .leftJoin({ U: t.unitsetl }, 'U.LOGICALREF', 'L.UOMREF')
    .select(
      'L.LOGICALREF', 'L.INVOICEREF', 'L.INVOICELNNO', 'L.LINETYPE', 'L.GLOBTRANS', 'L.AMOUNT', 'L.PRICE', 'L.TOTAL', 'L.LINENET', 'L.DISCPER',
      'L.VAT', 'L.VATAMNT', 'L.VATMATRAH', 'L.VATINC', 'L.LINEEXP', 'L.PRCURR', 'L.PRPRICE',
      ...optional(columns, t.stline, 'L', optionalColumnsOf('STLINE')),
      'IT.CODE as ITEM_CODE', 'IT.NAME as ITEM_NAME', 'S.CODE as SRV_CODE', 'S.DEFINITION_ as SRV_NAME', 'U.CODE as UNIT_CODE',
      ...(columns.has(t.unitsetl, 'GLOBALCODE') ? ['U.GLOBALCODE as UNIT_GLOBALCODE'] : []),
    )
    .whereIn('L.INVOICEREF', invoiceRefs)
    .andWhere('L.CANCELLED', 0)
    .orderBy([{ column: 'L.INVOICEREF' }, { column: 'L.INVOICELNNO' }]);
}

export function invoiceByRefQuery(db: Knex, firm: string, period: string, logicalRef: number): Knex.QueryBuilder {
  return db.from(logoTables(firm, period).invoice).select('LOGICALREF', 'TRCODE', 'GUID', 'ESTATUS', 'EINVOICE').where('LOGICALREF', logicalRef);
}
