/**
 * The canonical ledger (yevmiye) model: what a connector reads from an accounting program's journal and what the
 * e-Defter builders (QNB CSV, GİB XBRL-GL yevmiye/kebir) consume. Independent of any ERP and of XBRL.
 *
 * Amounts are integer kuruş: exact, and cheap enough for months of millions of lines (a JS number holds integer
 * kuruş exactly up to 90 trillion lira).
 */

/** GİB's `gl-cor:documentType` values (Yevmiye Defteri Kılavuzu §2.1.1.10.14). */
export const GIB_DOCUMENT_TYPES = [
  'check',
  'debit-memo',
  'credit-memo',
  'finance-charge',
  'invoice',
  'order-customer',
  'order-vendor',
  'voucher',
  'shipment',
  'receipt',
  'manual-adjustment',
  'other',
] as const;
export type GibDocumentType = (typeof GIB_DOCUMENT_TYPES)[number];

/** The document behind a journal line (the invoice, cheque, receipt… the entry records). */
export interface LedgerDocument {
  type: GibDocumentType;
  /** Required by GİB when `type` is `other` (e.g. "Dekont", "Z Raporu"). */
  typeDescription?: string;
  number?: string;
  /** YYYY-MM-DD */
  date?: string;
}

export type DebitCredit = 'D' | 'C';

export interface LedgerLine {
  /** Line order inside the entry, as the ERP keeps it. */
  lineNo: number;
  /** The full account code as the ERP writes it (120.01.001, 120-01-001, 120 01 001…). */
  account: string;
  debitCredit: DebitCredit;
  /** Positive amount in kuruş. */
  amountKurus: number;
  comment?: string;
  document?: LedgerDocument;
  /** GİB `gl-bus:paymentMethod` (free text: "Nakit", "Banka", "Kredi Kartı"…). */
  paymentMethod?: string;
}

/** One yevmiye maddesi: a general-ledger voucher (muhasebe fişi) and its lines. */
export interface LedgerEntry {
  /** The ERP's own key of the voucher, for messages (Logo EMFICHE.LOGICALREF, Netsis FISNO). */
  erpRef: string;
  /** Muhasebe fiş no (`gl-cor:entryNumber`, repeated as each line's `documentReference`). */
  voucherNo: string;
  /** Yevmiye madde no (`entryNumberCounter`); null when the ERP's numbering job has not numbered the voucher. */
  journalNo: number | null;
  /** YYYY-MM-DD */
  date: string;
  /** Who entered the voucher (`gl-cor:enteredBy`, at least two characters for GİB). */
  enteredBy: string;
  comment?: string;
  /** The ERP's branch number of the voucher, when the program keeps one. */
  branch?: number;
  lines: LedgerLine[];
}

export interface ChartAccount {
  code: string;
  name: string;
}

/** A calendar month, "YYYY-MM". */
export type MonthKey = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonthKey(value: string): boolean {
  return MONTH.test(value);
}

export function monthBounds(month: MonthKey): { first: string; last: string; year: number; month: number } {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a YYYY-MM month: ${month}`);
  const year = Number(m[1]);
  const mon = Number(m[2]);
  const lastDay = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  return { first: `${m[1]}-${m[2]}-01`, last: `${m[1]}-${m[2]}-${String(lastDay).padStart(2, '0')}`, year, month: mon };
}

export function previousMonth(month: MonthKey): MonthKey {
  const { year, month: mon } = monthBounds(month);
  return mon === 1 ? `${year - 1}-12` : `${year}-${String(mon - 1).padStart(2, '0')}`;
}

export function nextMonth(month: MonthKey): MonthKey {
  const { year, month: mon } = monthBounds(month);
  return mon === 12 ? `${year + 1}-01` : `${year}-${String(mon + 1).padStart(2, '0')}`;
}

/**
 * The berat of a month is due by the end of the third month after it (GİB's upload calendar for monthly filers;
 * erp-despatch-ledger-edefter.md §5.1): January → 30 April.
 */
export function beratDeadline(month: MonthKey): string {
  let m = month;
  for (let i = 0; i < 3; i++) m = nextMonth(m);
  return monthBounds(m).last;
}

/** The main account (`accountMainID`): the first segment of the code, 3 digits (4 for some charts). */
export function mainAccountOf(code: string): string {
  const first = code.trim().split(/[.\-\s/]+/)[0] ?? '';
  return first.length > 4 ? first.slice(0, 3) : first;
}

/** Kuruş as GİB's decimal text: 123456 → "1234.56", 5 → "0.05". */
export function formatKurus(kurus: number): string {
  const negative = kurus < 0;
  const abs = Math.abs(kurus);
  const lira = Math.floor(abs / 100);
  const rest = abs - lira * 100;
  return `${negative ? '-' : ''}${lira}.${rest < 10 ? '0' : ''}${rest}`;
}

/** A decimal value from the ERP (number or text) in kuruş, rounded half away from zero. */
export function kurusOf(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  if (typeof value === 'number') return Math.round(Number((value * 100).toPrecision(15)));
  const text = String(value).trim().replace(',', '.');
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return Number.NaN;
  const frac = (m[3] ?? '').padEnd(3, '0');
  let k = Number(m[2] || '0') * 100 + Number(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) k += 1;
  return m[1] === '-' ? -k : k;
}
