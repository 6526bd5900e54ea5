import Decimal from 'decimal.js';
import type { Knex } from 'knex';
import type { Party, ProducerReceiptDocument, ProducerReceiptLine, ReceiptTax } from '../../core/documents/model';
import { unitCodeFor } from '../../core/documents/units';
import type { BranchFilter } from '../shared/branch';
import type { TableNeed } from '../shared/checks';
import { dateBinding, dateOf, decimalOf, intOf, optionalText, textOf } from '../shared/values';
import { customerOf, type Row } from './map';
import { LOGO_COLUMNS, logoTables } from './tables';

/**
 * e-MM (müstahsil makbuzu) from Logo: the facts and the inferences, in this one place (docs/domain/receipts-in-erp.md).
 *
 * - [C] A müstahsil makbuzu is an INVOICE row with TRCODE 26, a purchase (GRPCODE 1) (erp-schemas.md §2.9); its
 *   lines are STLINE rows by INVOICEREF, its producer the CLCARD of CLIENTREF (ISPERSCOMP 1, TCKNO, NAME, SURNAME).
 * - [I] The line's gelir vergisi stopajı: Logo's müstahsil slip shows "stopaj" where a purchase shows KDV, so the
 *   rate is read from STLINE.VAT and the amount from STLINE.VATAMNT, the exemption of a 0 % line from
 *   STLINE.VATEXCEPTCODE/VATEXCEPTREASON.
 * - [I] Unsent = ESTATUS 0 and no GUID, as for invoices; ETTN goes to GUID and ESTATUS becomes 2 once delivered.
 * - [?] Where Logo keeps borsa tescil, mera fonu or Bağ-Kur on a müstahsil slip is not known: they are not read (a
 *   receipt with them in Logo is built with its stopaj only, and the program's NETTOTAL then differs from the
 *   built net, which the totals guard reports before anything is sent).
 */
export const LOGO_EMM = {
  trcode: 26,
  grpcode: 1,
  stopajRate: 'VAT',
  stopajAmount: 'VATAMNT',
  exemptionCode: 'VATEXCEPTCODE',
  exemptionReason: 'VATEXCEPTREASON',
  /** ESTATUS written back once delivered [I]. */
  estatusDelivered: 2,
  /** The stored net: NETTOTAL (gross − stopaj on a müstahsil slip) [I]. */
  netColumn: 'NETTOTAL',
} as const;

/** The tables the e-MM reader needs (the invoice tables without item and service cards' optional columns). */
export function producerReceiptNeeds(firm: string, period: string): TableNeed[] {
  const t = logoTables(firm, period);
  return [
    { table: t.invoice, columns: LOGO_COLUMNS.INVOICE },
    { table: t.stline, columns: [...LOGO_COLUMNS.STLINE, LOGO_EMM.exemptionCode, LOGO_EMM.exemptionReason] },
    { table: t.clcard, columns: [...LOGO_COLUMNS.CLCARD, 'ISPERSCOMP', 'TCKNO', 'NAME', 'SURNAME'] },
    { table: t.items, columns: LOGO_COLUMNS.ITEMS },
    { table: t.unitsetl, columns: LOGO_COLUMNS.UNITSETL },
  ];
}

/** Unsent müstahsil makbuzları, oldest first, a page at a time. */
export function producerReceiptHeadersQuery(db: Knex, firm: string, period: string, filter: BranchFilter = {}): Knex.QueryBuilder {
  const t = logoTables(firm, period);
  const q = db
    .from({ I: t.invoice })
    .join({ C: t.clcard }, 'C.LOGICALREF', 'I.CLIENTREF')
    .select(
      'I.LOGICALREF', 'I.FICHENO', 'I.DATE_', 'I.GENEXP1', 'I.GENEXP2', 'I.NETTOTAL', 'I.GROSSTOTAL', 'I.GUID',
      'C.CODE as C_CODE', 'C.DEFINITION_ as C_DEFINITION', 'C.TAXNR as C_TAXNR', 'C.TAXOFFICE as C_TAXOFFICE',
      'C.ADDR1 as C_ADDR1', 'C.ADDR2 as C_ADDR2', 'C.DISTRICT as C_DISTRICT', 'C.TOWN as C_TOWN', 'C.CITY as C_CITY',
      'C.COUNTRY as C_COUNTRY', 'C.POSTCODE as C_POSTCODE', 'C.TELNRS1 as C_TELNRS1', 'C.EMAILADDR as C_EMAILADDR',
      'C.ISPERSCOMP as C_ISPERSCOMP', 'C.TCKNO as C_TCKNO', 'C.NAME as C_NAME', 'C.SURNAME as C_SURNAME',
    )
    .where('I.TRCODE', LOGO_EMM.trcode)
    .andWhere('I.GRPCODE', LOGO_EMM.grpcode)
    .andWhere('I.CANCELLED', 0)
    .andWhere('I.ESTATUS', 0)
    .orderBy('I.LOGICALREF');
  if (filter.from) q.andWhere('I.DATE_', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('I.DATE_', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('I.BRANCH', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

/** The goods lines of the given slips with their item card and unit. */
export function producerReceiptLinesQuery(db: Knex, firm: string, period: string, refs: number[]): Knex.QueryBuilder {
  const t = logoTables(firm, period);
  return db
    .from({ L: t.stline })
    .leftJoin({ IT: t.items }, 'IT.LOGICALREF', 'L.STOCKREF')
    .leftJoin({ U: t.unitsetl }, 'U.LOGICALREF', 'L.UOMREF')
    .select(
      'L.INVOICEREF', 'L.INVOICELNNO', 'L.AMOUNT', 'L.PRICE', 'L.TOTAL', 'L.LINEEXP',
      `L.${LOGO_EMM.stopajRate} as STOPAJ_RATE`, `L.${LOGO_EMM.stopajAmount} as STOPAJ_AMOUNT`,
      `L.${LOGO_EMM.exemptionCode} as EXEMPTION_CODE`, `L.${LOGO_EMM.exemptionReason} as EXEMPTION_REASON`,
      'IT.CODE as ITEM_CODE', 'IT.NAME as ITEM_NAME', 'U.CODE as UNIT_CODE', 'U.GLOBALCODE as UNIT_GLOBALCODE',
    )
    .whereIn('L.INVOICEREF', refs)
    .andWhere('L.CANCELLED', 0)
    .andWhere('L.LINETYPE', 0)
    .orderBy([{ column: 'L.INVOICEREF' }, { column: 'L.INVOICELNNO' }]);
}

function lineOf(l: Row, n: number): ProducerReceiptLine {
  const gross = decimalOf(l.TOTAL);
  const percent = decimalOf(l.STOPAJ_RATE);
  const exemptionCode = optionalText(l.EXEMPTION_CODE);
  const stopaj: ReceiptTax = {
    code: '0003',
    percent,
    taxable: gross,
    amount: decimalOf(l.STOPAJ_AMOUNT),
    ...(exemptionCode ? { exemption: { code: exemptionCode, ...(optionalText(l.EXEMPTION_REASON) ? { reason: optionalText(l.EXEMPTION_REASON)! } : {}) } } : {}),
  };
  const unit = optionalText(l.UNIT_GLOBALCODE) ?? unitCodeFor(textOf(l.UNIT_CODE)) ?? '';
  return {
    lineNo: n,
    ...(optionalText(l.ITEM_CODE) ? { itemCode: optionalText(l.ITEM_CODE)! } : {}),
    itemName: optionalText(l.ITEM_NAME) ?? optionalText(l.LINEEXP) ?? '',
    quantity: decimalOf(l.AMOUNT),
    unitCode: unit,
    unitPrice: decimalOf(l.PRICE),
    grossAmount: gross,
    deductions: [stopaj],
  };
}

export interface ProducerReceiptContext {
  database: string;
  firm: string;
  period: string;
  supplier?: Party;
  invoiceTable: string;
}

/** One TRCODE 26 slip and its lines as the canonical e-MM. */
export function mapProducerReceipt(h: Row, lines: readonly Row[], ctx: ProducerReceiptContext): ProducerReceiptDocument {
  const date = dateOf(h.DATE_);
  return {
    kind: 'producer-receipt',
    module: 'emm',
    ref: { connector: 'logo', database: ctx.database, firm: ctx.firm, period: ctx.period, key: String(intOf(h.LOGICALREF)) },
    erpNumber: textOf(h.FICHENO),
    issueDate: date,
    ...(optionalText(h.GUID) ? { ettn: textOf(h.GUID).toLowerCase() } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    customer: customerOf(h),
    currency: 'TRY',
    // Logo keeps no separate delivery date on the slip [?]: the slip's date.
    deliveryDate: date,
    lines: lines.map((l, i) => lineOf(l, i + 1)),
    notes: [optionalText(h.GENEXP1), optionalText(h.GENEXP2)].filter((x): x is string => x !== undefined),
    sendingType: 'ELEKTRONIK',
    erpNet: { figure: 'payable', currency: 'TRY', amount: decimalOf(h.NETTOTAL).toDecimalPlaces(2, Decimal.ROUND_HALF_UP), field: `${ctx.invoiceTable}.${LOGO_EMM.netColumn}` },
  };
}
