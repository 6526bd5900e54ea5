import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { StoredTotal } from '../../core/documents/model';
import { computeInvoice } from '../../core/documents/totals';
import { TOTALS_MISMATCH_RULE, checkStoredTotals, totalsTolerance } from '../../core/documents/totalsGuard';
import { invoice, line } from '../fixtures/invoices';

const d = (v: string | number) => new Decimal(v);
const totals = (stored: StoredTotal[]) => ({ gross: d(0), allowanceTotal: d(0), taxTotal: d(0), taxInclusive: d(0), stored });

describe('totals guard (ERP header totals vs the built document)', () => {
  // Two lines of 2 × 100 at 20 %: base 400.00, VAT 80.00, total 480.00.
  const lines = [line(1), line(2)];

  it('accepts totals that agree, and a difference within one kuruş per line', () => {
    const ok = invoice({ lines, erpTotals: totals([
      { figure: 'taxInclusive', currency: 'TRY', amount: d('480.02'), field: 'LG_001_02_INVOICE.NETTOTAL' },
      { figure: 'vat', currency: 'TRY', amount: d('79.99'), field: 'LG_001_02_INVOICE.TOTALVAT' },
      { figure: 'taxExclusive', currency: 'document', amount: d('400'), field: 'X.NET' },
    ]) });
    expect(checkStoredTotals(ok, computeInvoice(ok))).toEqual([]);
  });

  it('refuses a header total that disagrees, naming both figures and the column', () => {
    const doc = invoice({ lines, erpTotals: totals([{ figure: 'taxInclusive', currency: 'TRY', amount: d('742.86'), field: 'TBLFATUIRS.GENELTOPLAM' }]) });
    const issues = checkStoredTotals(doc, computeInvoice(doc));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ source: 'totals', rule: TOTALS_MISMATCH_RULE });
    expect(issues[0]!.message).toContain('742.86 TRY (TBLFATUIRS.GENELTOPLAM)');
    expect(issues[0]!.message).toContain('480.00 TRY');
    expect(issues[0]!.message).toContain('fark 262.86 TRY');
    // Three kuruş off on a two-line invoice is beyond the rounding rule.
    const off = invoice({ lines, erpTotals: totals([{ figure: 'vat', currency: 'document', amount: d('80.03'), field: 'F.KDV' }]) });
    expect(checkStoredTotals(off, computeInvoice(off))).toHaveLength(1);
  });

  it('compares payable after withholding and lira figures of a foreign invoice at its rate', () => {
    const withheld = invoice({
      type: 'TEVKIFAT',
      lines: [line(1, { withholding: { code: '603', percent: d(70) } })],
      erpTotals: totals([{ figure: 'payable', currency: 'document', amount: d('212'), field: 'CARI_HESAP_HAREKETLERI.cha_meblag' }]),
    });
    // 200 + 40 VAT − 28 withheld = 212.
    expect(checkStoredTotals(withheld, computeInvoice(withheld))).toEqual([]);
    const usd = invoice({
      currency: 'USD',
      exchangeRate: d('32.5'),
      lines,
      erpTotals: totals([
        { figure: 'taxInclusive', currency: 'TRY', amount: d('15600.10'), field: 'LG_001_02_INVOICE.NETTOTAL' },
        { figure: 'taxInclusive', currency: 'document', amount: d('480'), field: 'LG_001_02_INVOICE.TRNET' },
      ]),
    });
    expect(checkStoredTotals(usd, computeInvoice(usd))).toEqual([]);
    const wrongRate = invoice({ ...usd, erpTotals: totals([{ figure: 'taxInclusive', currency: 'TRY', amount: d('15700'), field: 'N' }]) });
    expect(checkStoredTotals(wrongRate, computeInvoice(wrongRate))[0]!.message).toContain('15600.00 TRY');
  });

  it('states the tolerance: a kuruş per line, scaled by the rate for lira figures of foreign invoices', () => {
    expect(totalsTolerance(1).toFixed(2)).toBe('0.01');
    expect(totalsTolerance(7).toFixed(2)).toBe('0.07');
    expect(totalsTolerance(2, d('32.5')).toFixed(2)).toBe('0.66');
  });
});
