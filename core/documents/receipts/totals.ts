import Decimal from 'decimal.js';
import type { FeeReceiptDocument, FeeReceiptLine, ProducerReceiptDocument, ProducerReceiptLine, ReceiptTax, TaxExemption, Withholding } from '../model';
import { round2 } from '../totals';
import { RECEIPT_TAX_CODES } from './codes';

/**
 * Receipt totals in exact decimals, computed in one place for the builders, the rules, the screens and the sandbox.
 *
 * e-MM — the totals convention Konnektör emits (efinans-despatch-receipts-ledger.md §2.2 "Totals disagree"):
 *   LineExtensionAmount = Σ gross;  TaxTotal = Σ deductions;
 *   TaxExclusiveAmount = TaxInclusiveAmount = PayableAmount = Σ gross − Σ deductions (what the farmer is paid).
 * This is İzibiz's convention (its GİB-accepted samples mustahsil_borsatescil.xml and mustahsil_merafonu.xml and its
 * .NET client BaseCreditNoteUBL agree: [K]). The other public convention (coderserdar/QNBFinansGIB XMLIslemleri.cs:
 * every amount = gross, PayableAmount = gross − stopaj only) states a payment that ignores borsa tescil and mera
 * fonu — more than the farmer receives — and comes from a single end-user application [R]. A müstahsil makbuzu is
 * the proof of what was paid after the withholdings (VUK md. 235, GVK md. 94), so the net after *every* deduction is
 * the payable. The builder writes only what `computeProducerReceipt` returns, and rule KNK_EMM_TOTALS (rules.ts) and
 * the sandbox reject a receipt whose totals follow the other convention.
 *
 * e-SMM — İzibiz's BaseESmmUBL [R]: LineExtension = TaxExclusive = gross; TaxInclusive = gross + KDV;
 * TaxTotal = KDV + GV stopajı; PayableAmount = gross + KDV − stopaj − KDV tevkifat (the amount collected).
 */
export interface TaxGroupTotal {
  code: string;
  percent: Decimal;
  taxable: Decimal;
  amount: Decimal;
  exemption?: TaxExemption;
}

export interface ProducerReceiptTotals {
  gross: Decimal;
  deductions: Decimal;
  net: Decimal;
  /** Deductions grouped by code, rate and exemption, in the order they first appear. */
  groups: TaxGroupTotal[];
  /** Per line: its gross, its deductions and their sum. */
  lines: { line: ProducerReceiptLine; deductions: Decimal }[];
}

function groupTaxes(taxes: readonly ReceiptTax[]): TaxGroupTotal[] {
  const groups: TaxGroupTotal[] = [];
  for (const t of taxes) {
    const g = groups.find((x) => x.code === t.code && x.percent.eq(t.percent) && x.exemption?.code === t.exemption?.code);
    if (g) {
      g.taxable = g.taxable.plus(t.taxable);
      g.amount = g.amount.plus(t.amount);
    } else groups.push({ code: t.code, percent: t.percent, taxable: t.taxable, amount: t.amount, ...(t.exemption ? { exemption: t.exemption } : {}) });
  }
  return groups;
}

export function computeProducerReceipt(doc: Pick<ProducerReceiptDocument, 'lines'>): ProducerReceiptTotals {
  const zero = new Decimal(0);
  const lines = doc.lines.map((line) => ({ line, deductions: line.deductions.reduce((a, d) => a.plus(d.amount), zero) }));
  const gross = doc.lines.reduce((a, l) => a.plus(l.grossAmount), zero);
  const deductions = lines.reduce((a, l) => a.plus(l.deductions), zero);
  return { gross, deductions, net: gross.minus(deductions), groups: groupTaxes(doc.lines.flatMap((l) => l.deductions)), lines };
}

/** A deduction of `percent` on `taxable`, rounded half up to kuruş. */
export function deductionOf(code: string, percent: Decimal.Value, taxable: Decimal, exemption?: TaxExemption): ReceiptTax {
  const p = new Decimal(percent);
  return { code, percent: p, taxable, amount: round2(taxable.mul(p).div(100)), ...(exemption ? { exemption } : {}) };
}

export interface FeeLineTotals {
  line: FeeReceiptLine;
  gross: Decimal;
  kdv: Decimal;
  stopaj: Decimal;
  /** The KDV withheld by the customer. */
  withheld: Decimal;
  withholding?: Withholding;
  /** gross − stopaj. */
  net: Decimal;
  /** gross + KDV − stopaj − withheld KDV: what is collected. */
  collected: Decimal;
}

export interface FeeReceiptTotals {
  gross: Decimal;
  kdv: Decimal;
  stopaj: Decimal;
  withheld: Decimal;
  net: Decimal;
  /** gross + KDV. */
  taxInclusive: Decimal;
  /** What the customer pays: the PayableAmount. */
  collected: Decimal;
  lines: FeeLineTotals[];
  /** TaxTotal subtotals: KDV and GV stopajı by rate. */
  taxGroups: TaxGroupTotal[];
  /** WithholdingTaxTotal subtotals: KDV tevkifat by code and rate. */
  withholdingGroups: TaxGroupTotal[];
}

/**
 * The gross fee of a line from the amount the program states (qnbefinans.com/e-smm: brüt, net or tahsilat esaslı):
 * net = gross × (1 − s); collected = gross × (1 + v − s − v·t), with v, s, t the KDV, stopaj and withheld-KDV shares.
 */
export function grossOfFee(line: FeeReceiptLine, calculation: FeeReceiptDocument['calculation']): Decimal {
  const v = line.vatRate.div(100);
  const s = line.stopajRate.div(100);
  const t = line.withholding ? line.withholding.percent.div(100) : new Decimal(0);
  if (calculation === 'BRUT') return round2(line.amount);
  if (calculation === 'NET') return round2(line.amount.div(new Decimal(1).minus(s)));
  return round2(line.amount.div(new Decimal(1).plus(v).minus(s).minus(v.mul(t))));
}

export function computeFeeReceipt(doc: Pick<FeeReceiptDocument, 'lines' | 'calculation'>): FeeReceiptTotals {
  const zero = new Decimal(0);
  const lines: FeeLineTotals[] = doc.lines.map((line) => {
    const gross = grossOfFee(line, doc.calculation);
    const kdv = round2(gross.mul(line.vatRate).div(100));
    const stopaj = round2(gross.mul(line.stopajRate).div(100));
    const withheld = line.withholding ? round2(kdv.mul(line.withholding.percent).div(100)) : zero;
    return {
      line,
      gross,
      kdv,
      stopaj,
      withheld,
      ...(line.withholding ? { withholding: line.withholding } : {}),
      net: gross.minus(stopaj),
      collected: gross.plus(kdv).minus(stopaj).minus(withheld),
    };
  });
  const sum = (f: (l: FeeLineTotals) => Decimal) => lines.reduce((a, l) => a.plus(f(l)), zero);
  const gross = sum((l) => l.gross);
  const kdv = sum((l) => l.kdv);
  const stopaj = sum((l) => l.stopaj);
  const withheld = sum((l) => l.withheld);
  const taxGroups = groupTaxes([
    ...lines.map((l) => ({ code: RECEIPT_TAX_CODES.kdv, percent: l.line.vatRate, taxable: l.gross, amount: l.kdv, ...(l.line.vatExemption ? { exemption: l.line.vatExemption } : {}) })),
    ...lines.map((l) => ({ code: RECEIPT_TAX_CODES.stopaj, percent: l.line.stopajRate, taxable: l.gross, amount: l.stopaj })),
  ]);
  const withholdingGroups = groupTaxes(lines.filter((l) => l.withholding).map((l) => ({ code: l.withholding!.code, percent: l.withholding!.percent, taxable: l.kdv, amount: l.withheld })));
  return { gross, kdv, stopaj, withheld, net: gross.minus(stopaj), taxInclusive: gross.plus(kdv), collected: gross.plus(kdv).minus(stopaj).minus(withheld), lines, taxGroups, withholdingGroups };
}
