import { GIB_DOCUMENT_TYPES, formatKurus, mainAccountOf, monthBounds, type ChartAccount, type LedgerEntry, type MonthKey } from './model';

/**
 * The checks a month's journal passes before anything is built (GİB e-Defter rules: Uygulama Kılavuzu v1.12
 * §19–20 numbering, `edefter_yevmiye.sch` entry and line rules). They run on the stream, one voucher at a time, so
 * a month of millions of lines is checked in bounded memory. Each failure names the voucher and the field.
 */

export const LEDGER_CHECKS = {
  LEDGER_MONTH_EMPTY: 'Bu ayda hiç yevmiye kaydı yok; GİB boş defter kabul etmez.',
  LEDGER_ENTRY_UNNUMBERED: 'Yevmiye madde numarası verilmemiş fiş var.',
  LEDGER_NUMBER_GAP: 'Yevmiye madde numaralarında boşluk var.',
  LEDGER_NUMBER_OVERLAP: 'Yevmiye madde numarası tekrar ediyor veya onaylı önceki ayın numaralarıyla çakışıyor.',
  LEDGER_ENTRY_UNBALANCED: 'Fişin borç ve alacak toplamları eşit değil.',
  LEDGER_ENTRY_TOO_FEW_LINES: 'Yevmiye maddesinde en az iki satır (borç ve alacak) olmalıdır.',
  LEDGER_ENTRY_OUTSIDE_MONTH: 'Fişin tarihi bu ayın dışında.',
  LEDGER_ENTERED_BY_MISSING: 'Fişi giren kullanıcının adı eksik (en az iki karakter).',
  LEDGER_VOUCHER_NO_MISSING: 'Fiş numarası eksik.',
  LEDGER_LINE_AMOUNT_INVALID: 'Satır tutarı sıfırdan büyük olmalıdır.',
  LEDGER_ACCOUNT_MISSING: 'Satırda hesap kodu yok.',
  LEDGER_ACCOUNT_UNKNOWN: 'Hesap kodu hesap planında yok.',
  LEDGER_ACCOUNT_MAIN_INVALID: 'Ana hesap kodu 3 veya 4 karakter olmalıdır.',
  LEDGER_DOCUMENT_TYPE_INVALID: 'Belge türü GİB’in belge türlerinden biri değil.',
  LEDGER_DOCUMENT_DESCRIPTION_MISSING: '“Diğer” belge türünde belge türü açıklaması zorunludur.',
  LEDGER_DOCUMENT_NUMBER_MISSING: 'Bu belge türünde belge numarası zorunludur.',
  LEDGER_DOCUMENT_DATE_MISSING: 'Bu belge türünde belge tarihi zorunludur.',
} as const;
export type LedgerCheckCode = keyof typeof LEDGER_CHECKS;

export interface LedgerIssue {
  code: LedgerCheckCode;
  /** Turkish, for the bookkeeper: the rule, the voucher and what to do. */
  message: string;
  /** English, for logs. */
  detail: string;
  voucherNo?: string;
  erpRef?: string;
  journalNo?: number | null;
  date?: string;
  /** Line order in the voucher. */
  line?: number;
  /** The field at fault: journalNo, account, amount, documentType, documentNumber, documentDate, enteredBy… */
  field?: string;
}

/** Document types whose number and date GİB requires (`edefter_yevmiye.sch`, pattern entrydetail). */
const NEEDS_NUMBER_AND_DATE = new Set(['invoice', 'check', 'other']);

export interface CheckOptions {
  month: MonthKey;
  /** The last madde no before this month (0 at the start of the fiscal year or of e-Defter). */
  previousJournalNo: number;
  /** The chart of accounts; without it the account check is skipped. */
  chart?: readonly ChartAccount[];
  /** The ERP's own name of the job that numbers vouchers, named as the fix for unnumbered entries. */
  numberingJob: string;
  /** Stop collecting after this many issues (the counts still run). */
  maxIssues?: number;
}

export interface CheckSummary {
  month: MonthKey;
  ok: boolean;
  entries: number;
  lines: number;
  firstJournalNo?: number;
  lastJournalNo?: number;
  debitKurus: number;
  creditKurus: number;
  issues: LedgerIssue[];
  /** Issues counted beyond maxIssues. */
  moreIssues: number;
}

/** Normalises an account code for the chart lookup: Netsis's 120-01-001 and Logo's 120.01.001 meet. */
const accountKey = (code: string) => code.trim().replace(/[\s\-/]+/g, '.').toLocaleUpperCase('tr-TR');

export class JournalChecker {
  private readonly first: string;
  private readonly last: string;
  private readonly chart?: Set<string>;
  private expected: number;
  private readonly summary: CheckSummary;
  private readonly maxIssues: number;

  constructor(private readonly options: CheckOptions) {
    const b = monthBounds(options.month);
    this.first = b.first;
    this.last = b.last;
    this.expected = options.previousJournalNo + 1;
    if (options.chart) this.chart = new Set(options.chart.map((a) => accountKey(a.code)));
    this.maxIssues = options.maxIssues ?? 500;
    this.summary = { month: options.month, ok: true, entries: 0, lines: 0, debitKurus: 0, creditKurus: 0, issues: [], moreIssues: 0 };
  }

  private issue(code: LedgerCheckCode, entry: LedgerEntry | undefined, extra: { line?: number; field?: string; say?: string; detail?: string }): void {
    this.summary.ok = false;
    if (this.summary.issues.length >= this.maxIssues) {
      this.summary.moreIssues++;
      return;
    }
    const where = entry
      ? `Fiş ${entry.voucherNo || entry.erpRef} (${formatTrDate(entry.date)}${entry.journalNo ? `, madde ${entry.journalNo}` : ''}${extra.line !== undefined ? `, satır ${extra.line}` : ''})`
      : '';
    this.summary.issues.push({
      code,
      message: [LEDGER_CHECKS[code], where, extra.say].filter(Boolean).join(' '),
      detail: `${code}${entry ? ` voucher=${entry.voucherNo} ref=${entry.erpRef} date=${entry.date} journalNo=${entry.journalNo}` : ''}${extra.line !== undefined ? ` line=${extra.line}` : ''}${extra.field ? ` field=${extra.field}` : ''}${extra.detail ? `: ${extra.detail}` : ''}`,
      ...(entry ? { voucherNo: entry.voucherNo, erpRef: entry.erpRef, journalNo: entry.journalNo, date: entry.date } : {}),
      ...(extra.line !== undefined ? { line: extra.line } : {}),
      ...(extra.field ? { field: extra.field } : {}),
    });
  }

  /** False once any check has failed. */
  get ok(): boolean {
    return this.summary.ok;
  }

  check(entry: LedgerEntry): void {
    const s = this.summary;
    s.entries++;
    s.lines += entry.lines.length;
    if (entry.date < this.first || entry.date > this.last) this.issue('LEDGER_ENTRY_OUTSIDE_MONTH', entry, { field: 'date' });
    if (entry.journalNo === null) {
      this.issue('LEDGER_ENTRY_UNNUMBERED', entry, {
        field: 'journalNo',
        say: `Muhasebe programında “${this.options.numberingJob}” işlemini bu ay için çalıştırın.`,
      });
    } else {
      if (entry.journalNo > this.expected) {
        this.issue('LEDGER_NUMBER_GAP', entry, {
          field: 'journalNo',
          say: `Beklenen madde no ${this.expected}, bulunan ${entry.journalNo}.`,
          detail: `expected ${this.expected}, found ${entry.journalNo}`,
        });
      } else if (entry.journalNo < this.expected) {
        this.issue('LEDGER_NUMBER_OVERLAP', entry, {
          field: 'journalNo',
          say: `Beklenen madde no ${this.expected}, bulunan ${entry.journalNo}.`,
          detail: `expected ${this.expected}, found ${entry.journalNo}`,
        });
      }
      s.firstJournalNo ??= entry.journalNo;
      s.lastJournalNo = entry.journalNo;
      this.expected = Math.max(this.expected, entry.journalNo + 1);
    }
    if (entry.enteredBy.trim().length < 2) this.issue('LEDGER_ENTERED_BY_MISSING', entry, { field: 'enteredBy' });
    if (entry.voucherNo.trim() === '') this.issue('LEDGER_VOUCHER_NO_MISSING', entry, { field: 'voucherNo' });
    if (entry.lines.length < 2) this.issue('LEDGER_ENTRY_TOO_FEW_LINES', entry, { field: 'lines' });
    let debit = 0;
    let credit = 0;
    for (const line of entry.lines) {
      if (!(line.amountKurus > 0) || !Number.isInteger(line.amountKurus)) {
        this.issue('LEDGER_LINE_AMOUNT_INVALID', entry, { line: line.lineNo, field: 'amount' });
      } else if (line.debitCredit === 'D') debit += line.amountKurus;
      else credit += line.amountKurus;
      if (line.account.trim() === '') {
        this.issue('LEDGER_ACCOUNT_MISSING', entry, { line: line.lineNo, field: 'account' });
      } else {
        const main = mainAccountOf(line.account);
        if (main.length < 3 || main.length > 4) this.issue('LEDGER_ACCOUNT_MAIN_INVALID', entry, { line: line.lineNo, field: 'account', say: `(${line.account})` });
        if (this.chart && !this.chart.has(accountKey(line.account))) {
          this.issue('LEDGER_ACCOUNT_UNKNOWN', entry, { line: line.lineNo, field: 'account', say: `(${line.account})` });
        }
      }
      const doc = line.document;
      if (doc) {
        if (!(GIB_DOCUMENT_TYPES as readonly string[]).includes(doc.type)) {
          this.issue('LEDGER_DOCUMENT_TYPE_INVALID', entry, { line: line.lineNo, field: 'documentType', say: `(${doc.type})` });
        }
        if (doc.type === 'other' && !doc.typeDescription?.trim()) {
          this.issue('LEDGER_DOCUMENT_DESCRIPTION_MISSING', entry, { line: line.lineNo, field: 'documentTypeDescription' });
        }
        if (NEEDS_NUMBER_AND_DATE.has(doc.type)) {
          if (!doc.number?.trim()) this.issue('LEDGER_DOCUMENT_NUMBER_MISSING', entry, { line: line.lineNo, field: 'documentNumber', say: `(${doc.type})` });
          if (!doc.date) this.issue('LEDGER_DOCUMENT_DATE_MISSING', entry, { line: line.lineNo, field: 'documentDate', say: `(${doc.type})` });
        }
      }
    }
    s.debitKurus += debit;
    s.creditKurus += credit;
    if (debit !== credit) {
      this.issue('LEDGER_ENTRY_UNBALANCED', entry, {
        field: 'amount',
        say: `Borç ${formatTrAmount(debit)}, alacak ${formatTrAmount(credit)}.`,
        detail: `debit ${formatKurus(debit)} credit ${formatKurus(credit)}`,
      });
    }
  }

  finish(): CheckSummary {
    if (this.summary.entries === 0) this.issue('LEDGER_MONTH_EMPTY', undefined, {});
    return this.summary;
  }
}

function formatTrDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : date;
}

/** 1234567 kuruş → "12.345,67 TL" (Turkish format, whatever the machine's locale). */
export function formatTrAmount(kurus: number): string {
  const [lira, frac] = formatKurus(kurus).split('.') as [string, string];
  const negative = lira.startsWith('-');
  const digits = negative ? lira.slice(1) : lira;
  return `${negative ? '-' : ''}${digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac} TL`;
}

/** Runs the checks over a journal stream. */
export async function checkJournal(entries: AsyncIterable<LedgerEntry>, options: CheckOptions): Promise<CheckSummary> {
  const checker = new JournalChecker(options);
  for await (const e of entries) checker.check(e);
  return checker.finish();
}
