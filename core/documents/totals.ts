import Decimal from 'decimal.js';
import type { AllowanceCharge, InvoiceDocument, InvoiceLine, TaxExemption } from './model';

/**
 * Invoice arithmetic as GİB's viewers and the integrator expect it. Every amount is rounded half-up to 2 decimals
 * (0.005 → 0.01) where it is stated, and totals are sums of stated amounts, so a reader adding up the printed
 * figures gets the printed totals:
 * - line: gross = round(quantity × price); LineExtensionAmount = gross − allowances + charges;
 *   VAT = round(LineExtensionAmount × rate); withholding = round(VAT × percent);
 * - invoice-level discounts and charges are spread over the lines (in proportion, the remainder on the last line),
 *   as the ERPs do for the VAT base, and appear as line allowances with their reason;
 * - LegalMonetaryTotal follows GİB's portal: LineExtensionAmount = Σ gross, AllowanceTotalAmount = Σ allowances,
 *   ChargeTotalAmount = Σ charges, TaxExclusiveAmount = Σ line LineExtensionAmount,
 *   TaxInclusiveAmount = TaxExclusive + VAT, PayableAmount = TaxInclusive − withholding.
 */
export const round2 = (d: Decimal): Decimal => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const ZERO = new Decimal(0);
const sum = (xs: readonly Decimal[]): Decimal => xs.reduce((a, b) => a.plus(b), ZERO);

export const INVOICE_DISCOUNT_REASON = 'Fatura altı iskonto';
export const INVOICE_CHARGE_REASON = 'Fatura altı masraf';

export interface ComputedWithholding {
  code: string;
  percent: Decimal;
  /** The VAT the share is taken from. */
  taxable: Decimal;
  amount: Decimal;
}

export interface ComputedLine {
  line: InvoiceLine;
  gross: Decimal;
  allowances: AllowanceCharge[];
  allowanceTotal: Decimal;
  chargeTotal: Decimal;
  lineExtension: Decimal;
  vatRate: Decimal;
  vat: Decimal;
  exemption?: TaxExemption;
  withholding?: ComputedWithholding;
}

export interface TaxGroup {
  rate: Decimal;
  exemption?: TaxExemption;
  taxable: Decimal;
  tax: Decimal;
}

export interface ComputedInvoice {
  lines: ComputedLine[];
  taxGroups: TaxGroup[];
  withholdingGroups: ComputedWithholding[];
  totals: {
    lineExtension: Decimal;
    allowanceTotal: Decimal;
    chargeTotal: Decimal;
    taxExclusive: Decimal;
    vat: Decimal;
    taxInclusive: Decimal;
    withheld: Decimal;
    payable: Decimal;
  };
}

/**
 * Spreads `amount` over `bases`: by the stated percent when there is one (each line's discount is its own base ×
 * percent, as the ERP computed it), else in proportion; the rounding remainder goes to the last base.
 */
export function spread(amount: Decimal, bases: readonly Decimal[], percent?: Decimal): Decimal[] {
  const total = sum(bases);
  if (bases.length === 0) return [];
  if (total.isZero()) return bases.map((_, i) => (i === bases.length - 1 ? amount : ZERO));
  let given = ZERO;
  return bases.map((b, i) => {
    const part = percent ? round2(b.mul(percent).div(100)) : round2(amount.mul(b).div(total));
    const share = i === bases.length - 1 ? amount.minus(given) : part;
    given = given.plus(share);
    return share;
  });
}

export function computeInvoice(doc: InvoiceDocument): ComputedInvoice {
  const lines = doc.lines.map((line) => {
    const gross = round2(line.quantity.mul(line.unitPrice));
    const allowances = line.allowances.map((a) => ({ ...a, amount: round2(a.amount) }));
    return { line, gross, allowances };
  });
  const net = (l: (typeof lines)[number]) =>
    l.gross.minus(sum(l.allowances.filter((a) => !a.isCharge).map((a) => a.amount))).plus(sum(l.allowances.filter((a) => a.isCharge).map((a) => a.amount)));

  for (const docLevel of doc.allowances) {
    const amount = round2(docLevel.amount);
    const bases = lines.map(net);
    const shares = spread(amount, bases, docLevel.percent);
    lines.forEach((l, i) => {
      const share = shares[i]!;
      if (share.isZero()) return;
      l.allowances.push({
        isCharge: docLevel.isCharge,
        reason: docLevel.reason ?? (docLevel.isCharge ? INVOICE_CHARGE_REASON : INVOICE_DISCOUNT_REASON),
        amount: share,
        baseAmount: bases[i]!,
        ...(docLevel.percent ? { percent: docLevel.percent } : {}),
      });
    });
  }

  const computed: ComputedLine[] = lines.map((l) => {
    const allowanceTotal = sum(l.allowances.filter((a) => !a.isCharge).map((a) => a.amount));
    const chargeTotal = sum(l.allowances.filter((a) => a.isCharge).map((a) => a.amount));
    const lineExtension = l.gross.minus(allowanceTotal).plus(chargeTotal);
    const vatRate = l.line.vatRate;
    const vat = round2(lineExtension.mul(vatRate).div(100));
    const out: ComputedLine = { line: l.line, gross: l.gross, allowances: l.allowances, allowanceTotal, chargeTotal, lineExtension, vatRate, vat };
    if (l.line.exemption) out.exemption = l.line.exemption;
    if (l.line.withholding) {
      const percent = l.line.withholding.percent;
      out.withholding = { code: l.line.withholding.code, percent, taxable: vat, amount: round2(vat.mul(percent).div(100)) };
    }
    return out;
  });

  const taxGroups: TaxGroup[] = [];
  for (const c of computed) {
    const key = (g: TaxGroup) => g.rate.equals(c.vatRate) && (g.exemption?.code ?? '') === (c.exemption?.code ?? '');
    const group = taxGroups.find(key);
    if (group) {
      group.taxable = group.taxable.plus(c.lineExtension);
      group.tax = group.tax.plus(c.vat);
    } else {
      taxGroups.push({ rate: c.vatRate, ...(c.exemption ? { exemption: c.exemption } : {}), taxable: c.lineExtension, tax: c.vat });
    }
  }
  taxGroups.sort((a, b) => b.rate.comparedTo(a.rate));

  const withholdingGroups: ComputedWithholding[] = [];
  for (const w of computed.map((c) => c.withholding).filter((w): w is ComputedWithholding => w !== undefined)) {
    const group = withholdingGroups.find((g) => g.code === w.code && g.percent.equals(w.percent));
    if (group) {
      group.taxable = group.taxable.plus(w.taxable);
      group.amount = group.amount.plus(w.amount);
    } else withholdingGroups.push({ ...w });
  }

  const lineExtension = sum(computed.map((c) => c.gross));
  const allowanceTotal = sum(computed.map((c) => c.allowanceTotal));
  const chargeTotal = sum(computed.map((c) => c.chargeTotal));
  const taxExclusive = sum(computed.map((c) => c.lineExtension));
  const vat = sum(computed.map((c) => c.vat));
  const withheld = sum(withholdingGroups.map((w) => w.amount));
  const taxInclusive = taxExclusive.plus(vat);
  return {
    lines: computed,
    taxGroups,
    withholdingGroups,
    totals: { lineExtension, allowanceTotal, chargeTotal, taxExclusive, vat, taxInclusive, withheld, payable: taxInclusive.minus(withheld) },
  };
}
