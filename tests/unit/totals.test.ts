import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { computeInvoice, round2, spread } from '../../core/documents/totals';
import { invoice, line } from '../fixtures/invoices';

const d = (v: string | number) => new Decimal(v);

describe('invoice arithmetic (GİB rounding)', () => {
  it('rounds half up at 2 decimals, including 0.005 and negative halves', () => {
    expect(round2(d('0.005')).toFixed(2)).toBe('0.01');
    expect(round2(d('0.004999')).toFixed(2)).toBe('0.00');
    expect(round2(d('2.675')).toFixed(2)).toBe('2.68'); // 2.675 is 2.67499… as a float; exact decimals round up
    expect(round2(d('1.005')).toFixed(2)).toBe('1.01');
  });

  it('rounds each line and sums the rounded amounts, so printed figures add up', () => {
    // 3 × 0.335 = 1.005 → 1.01 per line; VAT 20 % of 1.01 = 0.202 → 0.20.
    const doc = invoice({ lines: [1, 2, 3].map((n) => line(n, { quantity: d(3), unitPrice: d('0.335') })) });
    const c = computeInvoice(doc);
    expect(c.lines.map((l) => l.lineExtension.toFixed(2))).toEqual(['1.01', '1.01', '1.01']);
    expect(c.totals.lineExtension.toFixed(2)).toBe('3.03');
    expect(c.totals.vat.toFixed(2)).toBe('0.60');
    expect(c.taxGroups).toHaveLength(1);
    expect(c.taxGroups[0]!.taxable.toFixed(2)).toBe('3.03');
    expect(c.totals.payable.toFixed(2)).toBe('3.63');
  });

  it('keeps exact sums over many lines (no float drift)', () => {
    const doc = invoice({ lines: Array.from({ length: 1000 }, (_, i) => line(i + 1, { quantity: d(1), unitPrice: d('0.1'), vatRate: d(10) })) });
    const c = computeInvoice(doc);
    expect(c.totals.lineExtension.toFixed(2)).toBe('100.00');
    expect(c.totals.vat.toFixed(2)).toBe('10.00'); // 1000 × round(0.01)
    expect(c.totals.taxInclusive.toFixed(2)).toBe('110.00');
  });

  it('groups VAT by rate and exemption, highest rate first', () => {
    const doc = invoice({
      type: 'ISTISNA',
      lines: [
        line(1, { vatRate: d(1) }),
        line(2, { vatRate: d(20) }),
        line(3, { vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } }),
        line(4, { vatRate: d(20) }),
      ],
    });
    const g = computeInvoice(doc).taxGroups;
    expect(g.map((x) => [x.rate.toFixed(), x.exemption?.code ?? '', x.taxable.toFixed(2), x.tax.toFixed(2)])).toEqual([
      ['20', '', '400.00', '80.00'],
      ['1', '', '200.00', '2.00'],
      ['0', '350', '200.00', '0.00'],
    ]);
  });

  it('computes withholding on the VAT and subtracts it from the payable amount', () => {
    // GİB's TEVKIFAT sample: matrah 20 000, VAT 18 % = 3 600, 606 at 90 % = 3 240, payable 20 360.
    const doc = invoice({
      type: 'TEVKIFAT',
      lines: [line(1, { quantity: d(1), unitPrice: d(20000), vatRate: d(18), withholding: { code: '606', percent: d(90) } })],
    });
    const c = computeInvoice(doc);
    expect(c.totals.vat.toFixed(2)).toBe('3600.00');
    expect(c.withholdingGroups).toEqual([expect.objectContaining({ code: '606' })]);
    expect(c.withholdingGroups[0]!.amount.toFixed(2)).toBe('3240.00');
    expect(c.totals.taxInclusive.toFixed(2)).toBe('23600.00');
    expect(c.totals.payable.toFixed(2)).toBe('20360.00');
  });

  it('rounds an awkward withholding: 7/10 of 0.15 VAT', () => {
    const doc = invoice({
      type: 'TEVKIFAT',
      lines: [line(1, { quantity: d(1), unitPrice: d('0.75'), vatRate: d(20), withholding: { code: '603', percent: d(70) } })],
    });
    const c = computeInvoice(doc);
    expect(c.lines[0]!.vat.toFixed(2)).toBe('0.15');
    expect(c.lines[0]!.withholding!.amount.toFixed(2)).toBe('0.11'); // 0.105 → 0.11
    expect(c.totals.payable.toFixed(2)).toBe('0.79');
  });

  it('spreads an invoice discount over the lines by its percent, remainder on the last line', () => {
    expect(spread(d('10.00'), [d('33.33'), d('33.33'), d('33.34')]).map((x) => x.toFixed(2))).toEqual(['3.33', '3.33', '3.34']);
    expect(spread(d('1.00'), [d(1), d(1), d(1)], d('33.3333')).map((x) => x.toFixed(2))).toEqual(['0.33', '0.33', '0.34']);
    const doc = invoice({
      lines: [line(1, { quantity: d(1), unitPrice: d('33.33') }), line(2, { quantity: d(1), unitPrice: d('66.67') })],
      allowances: [{ isCharge: false, amount: d('5.00'), percent: d(5) }],
    });
    const c = computeInvoice(doc);
    expect(c.lines.map((l) => l.allowanceTotal.toFixed(2))).toEqual(['1.67', '3.33']);
    expect(c.lines[0]!.allowances[0]!.reason).toBe('Fatura altı iskonto');
    expect(c.totals.lineExtension.toFixed(2)).toBe('100.00');
    expect(c.totals.allowanceTotal.toFixed(2)).toBe('5.00');
    expect(c.totals.taxExclusive.toFixed(2)).toBe('95.00');
    expect(c.totals.vat.toFixed(2)).toBe('19.00');
    expect(c.totals.payable.toFixed(2)).toBe('114.00');
  });

  it('applies line discounts and charges', () => {
    const doc = invoice({
      lines: [
        line(1, {
          quantity: d(3),
          unitPrice: d('19.99'),
          allowances: [
            { isCharge: false, amount: d('5.997'), percent: d(10) },
            { isCharge: true, amount: d('2.50'), reason: 'Nakliye' },
          ],
        }),
      ],
    });
    const c = computeInvoice(doc);
    expect(c.lines[0]!.gross.toFixed(2)).toBe('59.97');
    expect(c.lines[0]!.lineExtension.toFixed(2)).toBe('56.47'); // 59.97 − 6.00 + 2.50
    expect(c.totals.chargeTotal.toFixed(2)).toBe('2.50');
    expect(c.totals.taxExclusive.toFixed(2)).toBe('56.47');
  });
});
