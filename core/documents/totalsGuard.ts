import Decimal from 'decimal.js';
import type { DocumentIssue } from './issues';
import type { InvoiceDocument, StoredTotal } from './model';
import { round2, type ComputedInvoice } from './totals';

/**
 * The totals guard: before a document gets its GİB number, the totals of the UBL Konnektör built are compared with
 * the totals the accounting program stored on the document header. A mapping mistake (a discount level not read, a
 * price in the wrong currency) would otherwise send a legally binding invoice whose amount differs from the books.
 *
 * Rounding rule. The programs store every line amount and line VAT rounded to the kuruş and add the rounded
 * figures; Konnektör does the same (totals.ts), but the two may round a line's amount and its VAT on different
 * intermediate values (Logo converts each line to lira, Netsis computes VAT on the discounted base, Mikro spreads
 * the invoice discount over the lines). Each such rounding moves a line by at most half a kuruş, so two correct
 * computations of one invoice differ by at most **one kuruş per line** in the document currency. A lira figure
 * of a foreign-currency invoice is compared with Konnektör's total × the invoice's rate, rounded to the kuruş;
 * there the per-line difference is scaled by the rate (a kuruş of the foreign currency), plus one kuruş for the
 * final rounding. Anything beyond that is a mismatch: `KNK_TOTALS_MISMATCH`, naming both figures and the column.
 */
export const TOTALS_MISMATCH_RULE = 'KNK_TOTALS_MISMATCH';

const KURUS = new Decimal('0.01');

const FIGURE_TR: Record<StoredTotal['figure'], string> = {
  taxExclusive: 'KDV matrahı',
  vat: 'KDV tutarı',
  taxInclusive: 'vergiler dahil toplam',
  payable: 'ödenecek tutar',
};

/**
 * The largest difference the rounding rule allows for an invoice of `lines` lines; `rate` when a lira figure of a
 * foreign-currency invoice is compared.
 */
export function totalsTolerance(lines: number, rate?: Decimal): Decimal {
  const perLine = KURUS.mul(Math.max(lines, 1));
  if (!rate) return perLine;
  return perLine.mul(Decimal.max(rate, 1)).plus(KURUS).toDecimalPlaces(2, Decimal.ROUND_UP);
}

function oursFor(figure: StoredTotal['figure'], computed: ComputedInvoice): Decimal {
  const t = computed.totals;
  switch (figure) {
    case 'taxExclusive':
      return t.taxExclusive;
    case 'vat':
      return t.vat;
    case 'taxInclusive':
      return t.taxInclusive;
    case 'payable':
      return t.payable;
  }
}

const fmt = (d: Decimal) => d.toFixed(2);

/** One issue per stored total that differs from the built document by more than the rounding rule allows. */
export function checkStoredTotals(doc: InvoiceDocument, computed: ComputedInvoice): DocumentIssue[] {
  const stored = doc.erpTotals?.stored ?? [];
  const issues: DocumentIssue[] = [];
  const rate = doc.currency !== 'TRY' ? doc.exchangeRate : undefined;
  for (const s of stored) {
    // A lira figure of a foreign invoice without a rate cannot be compared; the pre-check already refuses it.
    if (s.currency === 'TRY' && doc.currency !== 'TRY' && !rate) continue;
    const inDocument = oursFor(s.figure, computed);
    const ours = s.currency === 'TRY' && rate ? round2(inDocument.mul(rate)) : inDocument;
    const currency = s.currency === 'TRY' ? 'TRY' : doc.currency;
    const allowed = totalsTolerance(doc.lines.length, s.currency === 'TRY' ? rate : undefined);
    const diff = ours.minus(s.amount).abs();
    if (diff.lte(allowed)) continue;
    issues.push({
      source: 'totals',
      rule: TOTALS_MISMATCH_RULE,
      message:
        `Faturanın ${FIGURE_TR[s.figure]} muhasebe programındakinden farklı: programda ${fmt(s.amount)} ${currency} (${s.field}), ` +
        `oluşturulan belgede ${fmt(ours)} ${currency}; fark ${fmt(diff)} ${currency}, yuvarlama payı en fazla ${fmt(allowed)} ${currency}.`,
    });
  }
  return issues;
}
