import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computeInvoice, INVOICE_CHARGE_REASON, INVOICE_DISCOUNT_REASON, spread, type ComputedInvoice } from '../../core/documents/totals';
import type { InvoiceLine } from '../../core/documents/model';
import { seededRandom } from '../../sandbox/server/faults';
import { invoice, line } from '../fixtures/invoices';

const d = (v: string | number) => new Decimal(v);
const money = (x: Decimal) => x.toFixed(2);
const sumOf = (xs: Decimal[]) => xs.reduce((a, b) => a.plus(b), d(0));

/**
 * What a reader of the printed invoice checks: every figure of a VAT group, of a withholding group and of the
 * totals is the sum of the lines' own printed figures — never recomputed from a sum, which would round differently.
 */
function expectFiguresAddUp(c: ComputedInvoice): void {
  for (const g of c.taxGroups) {
    const members = c.lines.filter((l) => l.vatRate.equals(g.rate) && (l.exemption?.code ?? '') === (g.exemption?.code ?? ''));
    expect(members.length).toBeGreaterThan(0);
    expect(money(g.tax)).toBe(money(sumOf(members.map((l) => l.vat))));
    expect(money(g.taxable)).toBe(money(sumOf(members.map((l) => l.lineExtension))));
  }
  expect(c.taxGroups.reduce((n, g) => n + c.lines.filter((l) => l.vatRate.equals(g.rate) && (l.exemption?.code ?? '') === (g.exemption?.code ?? '')).length, 0)).toBe(c.lines.length);
  for (const w of c.withholdingGroups) {
    const members = c.lines.filter((l) => l.withholding?.code === w.code && l.withholding.percent.equals(w.percent));
    expect(money(w.amount)).toBe(money(sumOf(members.map((l) => l.withholding!.amount))));
    expect(money(w.taxable)).toBe(money(sumOf(members.map((l) => l.vat))));
  }
  expect(money(c.totals.vat)).toBe(money(sumOf(c.taxGroups.map((g) => g.tax))));
  expect(money(c.totals.taxExclusive)).toBe(money(sumOf(c.lines.map((l) => l.lineExtension))));
  expect(money(c.totals.lineExtension)).toBe(money(sumOf(c.lines.map((l) => l.gross))));
  expect(money(c.totals.taxInclusive)).toBe(money(c.totals.taxExclusive.plus(c.totals.vat)));
  expect(money(c.totals.withheld)).toBe(money(sumOf(c.withholdingGroups.map((w) => w.amount))));
  expect(money(c.totals.payable)).toBe(money(c.totals.taxInclusive.minus(c.totals.withheld)));
}

describe('VAT and withholding groups are the sums of their lines', () => {
  it('a group’s tax is its lines’ VAT added up, not its base times the rate', () => {
    // Three lines of 1.01 at 20 %: each line's VAT is 0.20, the group's 0.60 — its base 3.03 × 20 % would be 0.61.
    const c = computeInvoice(invoice({ lines: [1, 2, 3].map((n) => line(n, { quantity: d(1), unitPrice: d('1.01'), vatRate: d(20) })) }));
    expect(c.taxGroups.map((g) => [money(g.taxable), money(g.tax)])).toEqual([['3.03', '0.60']]);
    expectFiguresAddUp(c);
  });

  it('keeps each rate and each exemption in its own group, the lines of one group added up', () => {
    const c = computeInvoice(
      invoice({
        type: 'ISTISNA',
        lines: [
          line(1, { quantity: d(1), unitPrice: d('0.55'), vatRate: d(10) }), // VAT 0.055 → 0.06
          line(2, { quantity: d(1), unitPrice: d('0.55'), vatRate: d(10) }),
          line(3, { quantity: d(1), unitPrice: d('0.55'), vatRate: d(10) }), // group 1.65 × 10 % = 0.165 → 0.17, lines 0.18
          line(4, { quantity: d(1), unitPrice: d('9.99'), vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } }),
          line(5, { quantity: d(1), unitPrice: d('5.00'), vatRate: d(0), exemption: { code: '301', reason: 'Mal ihracatı' } }),
          line(6, { quantity: d(1), unitPrice: d('1.00'), vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } }),
        ],
      }),
    );
    expect(c.taxGroups.map((g) => [g.rate.toFixed(), g.exemption?.code ?? '', money(g.taxable), money(g.tax)])).toEqual([
      ['10', '', '1.65', '0.18'],
      ['0', '350', '10.99', '0.00'],
      ['0', '301', '5.00', '0.00'],
    ]);
    expectFiguresAddUp(c);
  });

  it('a withholding group’s amount is its lines’ shares added up, grouped by code and percent', () => {
    const wh = (code: string, percent: number) => ({ code, percent: d(percent) });
    const c = computeInvoice(
      invoice({
        type: 'TEVKIFAT',
        lines: [
          line(1, { quantity: d(1), unitPrice: d('0.75'), vatRate: d(20), withholding: wh('603', 70) }), // VAT 0.15, share 0.105 → 0.11
          line(2, { quantity: d(1), unitPrice: d('0.75'), vatRate: d(20), withholding: wh('603', 70) }),
          line(3, { quantity: d(1), unitPrice: d('100'), vatRate: d(20), withholding: wh('603', 50) }),
          line(4, { quantity: d(1), unitPrice: d('100'), vatRate: d(20), withholding: wh('606', 90) }),
          line(5, { quantity: d(1), unitPrice: d('100'), vatRate: d(20) }),
        ],
      }),
    );
    expect(c.withholdingGroups.map((w) => [w.code, w.percent.toFixed(), money(w.taxable), money(w.amount)])).toEqual([
      ['603', '70', '0.30', '0.22'], // 0.30 × 70 % would be 0.21
      ['603', '50', '20.00', '10.00'],
      ['606', '90', '20.00', '18.00'],
    ]);
    expect(money(c.totals.withheld)).toBe('28.22');
    expect(money(c.totals.payable)).toBe(money(d('301.50').plus(c.totals.vat).minus(d('28.22'))));
    expectFiguresAddUp(c);
  });

  it('adds up on a few hundred awkward invoices (seeded)', () => {
    const random = seededRandom(20261204);
    const pick = <T,>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    for (let n = 0; n < 300; n++) {
      const lines: InvoiceLine[] = Array.from({ length: 1 + Math.floor(random() * 7) }, (_, i) => {
        const rate = pick([0, 1, 8, 10, 18, 20]);
        return line(i + 1, {
          quantity: d(pick(['1', '3', '0.333', '7.5', '12'])),
          unitPrice: d(pick(['0.335', '1.01', '0.55', '19.99', '1234.565', '0.05'])),
          vatRate: d(rate),
          ...(rate === 0 ? { exemption: pick([{ code: '350', reason: 'Diğerleri' }, { code: '301', reason: 'Mal ihracatı' }]) } : {}),
          ...(rate > 0 && random() < 0.3 ? { withholding: { code: pick(['603', '606', '624']), percent: d(pick([20, 50, 70, 90])) } } : {}),
          ...(random() < 0.3 ? { allowances: [{ isCharge: random() < 0.3, amount: d(pick(['0.01', '0.335', '1.005'])) }] } : {}),
        });
      });
      const allowances = random() < 0.4 ? [{ isCharge: random() < 0.3, amount: d(pick(['0.07', '1.00', '3.333'])) }] : [];
      expectFiguresAddUp(computeInvoice(invoice({ lines, allowances })));
    }
  });
});

describe('invoice-level discounts and charges', () => {
  it('spreads a charge like a discount, named as a charge, and adds it to the lines', () => {
    const c = computeInvoice(
      invoice({
        lines: [line(1, { quantity: d(1), unitPrice: d('30') }), line(2, { quantity: d(1), unitPrice: d('70') })],
        allowances: [{ isCharge: true, amount: d('10.00') }],
      }),
    );
    expect(c.lines.map((l) => [money(l.chargeTotal), money(l.allowanceTotal), money(l.lineExtension)])).toEqual([
      ['3.00', '0.00', '33.00'],
      ['7.00', '0.00', '77.00'],
    ]);
    expect(c.lines.map((l) => l.allowances.map((a) => [a.isCharge, a.reason, money(a.amount), money(a.baseAmount!), a.percent]))).toEqual([
      [[true, INVOICE_CHARGE_REASON, '3.00', '30.00', undefined]],
      [[true, INVOICE_CHARGE_REASON, '7.00', '70.00', undefined]],
    ]);
    expect(money(c.totals.chargeTotal)).toBe('10.00');
    expect(money(c.totals.allowanceTotal)).toBe('0.00');
    expect(money(c.totals.taxExclusive)).toBe('110.00');
    expect(money(c.totals.lineExtension)).toBe('100.00');
  });

  it('spreads over each line’s net after its own discounts and charges', () => {
    const c = computeInvoice(
      invoice({
        lines: [
          line(1, { quantity: d(1), unitPrice: d('100'), allowances: [{ isCharge: false, amount: d('20') }] }), // net 80
          line(2, { quantity: d(1), unitPrice: d('100'), allowances: [{ isCharge: true, amount: d('20') }] }), // net 120
        ],
        allowances: [{ isCharge: false, amount: d('10.00') }],
      }),
    );
    const shares = c.lines.map((l) => l.allowances.filter((a) => a.reason === 'Fatura altı iskonto').map((a) => [money(a.amount), money(a.baseAmount!)]));
    expect(shares).toEqual([[['4.00', '80.00']], [['6.00', '120.00']]]);
    expect(c.lines.map((l) => money(l.lineExtension))).toEqual(['76.00', '114.00']);
    // The names GİB's viewers show for the spread amounts.
    expect([INVOICE_DISCOUNT_REASON, INVOICE_CHARGE_REASON]).toEqual(['Fatura altı iskonto', 'Fatura altı masraf']);
  });

  it('gives a line an exemption only when the ERP line has one', () => {
    const c = computeInvoice(invoice({ type: 'ISTISNA', lines: [line(1, { vatRate: d(20) }), line(2, { vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } })] }));
    expect(c.lines[0]).not.toHaveProperty('exemption');
    expect(c.lines[1]!.exemption).toEqual({ code: '350', reason: 'Diğerleri' });
    expect(c.taxGroups[0]).not.toHaveProperty('exemption');
  });

  it('keeps the ERP’s own reason, rounds the amount first and states the percent on each share', () => {
    const c = computeInvoice(
      invoice({
        lines: [line(1, { quantity: d(1), unitPrice: d('50') }), line(2, { quantity: d(1), unitPrice: d('50') })],
        allowances: [{ isCharge: false, amount: d('9.995'), percent: d(10), reason: 'Kampanya' }],
      }),
    );
    expect(c.lines.map((l) => l.allowances.map((a) => [a.reason, money(a.amount), a.percent?.toFixed()]))).toEqual([
      [['Kampanya', '5.00', '10']],
      [['Kampanya', '5.00', '10']],
    ]);
    expect(money(c.totals.allowanceTotal)).toBe('10.00');
  });

  it('leaves a line with no share of the discount without an allowance', () => {
    const c = computeInvoice(
      invoice({
        lines: [line(1, { quantity: d(1), unitPrice: d('0') }), line(2, { quantity: d(1), unitPrice: d('80') })],
        allowances: [{ isCharge: false, amount: d('8') }],
      }),
    );
    expect(c.lines.map((l) => l.allowances.length)).toEqual([0, 1]);
    expect(c.lines[1]!.allowances[0]!.reason).toBe(INVOICE_DISCOUNT_REASON);
  });

  it('spreads over nothing as nothing, and over zero bases onto the last line', () => {
    expect(spread(d(5), [])).toEqual([]);
    expect(spread(d(5), [d(0), d(0), d(0)]).map(money)).toEqual(['0.00', '0.00', '5.00']);
    // Rounding remainders: shares always add up to the amount.
    const shares = spread(d('100.00'), [d(1), d(1), d(1)]);
    expect(shares.map(money)).toEqual(['33.33', '33.33', '33.34']);
    expect(money(sumOf(shares))).toBe('100.00');
    // A stated percent is each base's own share: 12.5 % of 10.04 = 1.255 → 1.26.
    expect(spread(d('2.51'), [d('10.04'), d('10.04')], d('12.5')).map(money)).toEqual(['1.26', '1.25']);
  });

  it('rounds line discounts given with more decimals before anything is added', () => {
    const c = computeInvoice(
      invoice({ lines: [line(1, { quantity: d(1), unitPrice: d('10'), vatRate: d(20), allowances: [{ isCharge: false, amount: d('0.125') }, { isCharge: true, amount: d('0.115') }] })] }),
    );
    expect(c.lines[0]!.allowances.map((a) => money(a.amount))).toEqual(['0.13', '0.12']);
    expect(money(c.lines[0]!.lineExtension)).toBe('9.99');
    expect(money(c.lines[0]!.vat)).toBe('2.00'); // 1.998 → 2.00
  });
});
