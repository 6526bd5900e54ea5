import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { buildProducerReceiptUbl } from '../../core/documents/receipts/producerReceiptUbl';
import { readReceiptFacts } from '../../core/documents/receipts/facts';
import { computeFeeReceipt, computeProducerReceipt } from '../../core/documents/receipts/totals';
import { amountInWords, integerInWords } from '../../core/documents/receipts/words';
import { HAND_RECEIPTS, feeLine, feeReceipt, finalConsumerFee } from '../fixtures/receipts';
import { SUPPLIER } from '../fixtures/invoices';

const view = { name: 'makbuz', content: '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>' };
const built = (doc: ReturnType<typeof HAND_RECEIPTS.wheat>) =>
  readReceiptFacts(buildProducerReceiptUbl({ doc, id: 'EMM2026000000001', uuid: '3f2b8c1e-4d5a-4e6f-9a0b-1c2d3e4f5a6b', issuer: SUPPLIER, issueTime: '10:00:00', view }).xml);
const money = (f: ReturnType<typeof built>) => ({
  lineExtension: f.totals.lineExtension!.toFixed(2),
  taxExclusive: f.totals.taxExclusive!.toFixed(2),
  taxInclusive: f.totals.taxInclusive!.toFixed(2),
  payable: f.totals.payable!.toFixed(2),
  deductions: f.taxTotals[0]!.amount!.toFixed(2),
  groups: f.taxTotals[0]!.subtotals.map((s) => `${s.code} %${s.percentText} ${s.taxable!.toFixed(2)} → ${s.amount!.toFixed(2)}${s.exemptionCode ? ` (${s.exemptionCode})` : ''}`),
});

describe('e-MM totals: gross − every deduction is the payable, and the receipt says so in every total', () => {
  it('wheat, 10 000 kg × 9,50: stopaj 2 % 1 900,00 and borsa tescil 0,2 % 190,00 leave 92 910,00', () => {
    expect(money(built(HAND_RECEIPTS.wheat()))).toEqual({
      lineExtension: '95000.00',
      taxExclusive: '92910.00',
      taxInclusive: '92910.00',
      payable: '92910.00',
      deductions: '2090.00',
      groups: ['0003 %2 95000.00 → 1900.00', '8001 %0.2 95000.00 → 190.00'],
    });
  });

  it('milk 1 250 l × 14,40 and two cattle × 42 500: stopaj 1 % on both 1 030,00, mera fonu 0,1 % on the cattle 85,00', () => {
    expect(money(built(HAND_RECEIPTS.livestock()))).toEqual({
      lineExtension: '103000.00',
      taxExclusive: '101885.00',
      taxInclusive: '101885.00',
      payable: '101885.00',
      deductions: '1115.00',
      groups: ['0003 %1 103000.00 → 1030.00', '9040 %0.1 85000.00 → 85.00'],
    });
  });

  it('hazelnuts without stopaj (exemption 350) and apples 1 333 × 7,77: roundings half up per line', () => {
    // 500 × 123,45 = 61 725,00 (stopaj 0; borsa 123,45); 1 333 × 7,77 = 10 357,41 (stopaj 207,1482 → 207,15;
    // borsa 20,71482 → 20,71). Deductions 351,31; net 72 082,41 − 351,31 = 71 731,10.
    expect(money(built(HAND_RECEIPTS.hazelnutAndApple()))).toEqual({
      lineExtension: '72082.41',
      taxExclusive: '71731.10',
      taxInclusive: '71731.10',
      payable: '71731.10',
      deductions: '351.31',
      groups: ['0003 %0 61725.00 → 0.00 (350)', '8001 %0.2 72082.41 → 144.16', '0003 %2 10357.41 → 207.15'],
    });
  });

  it('states the payable in words', () => {
    const f = built(HAND_RECEIPTS.hazelnutAndApple());
    expect(f.notes).toContain('Yazı ile: YALNIZ YETMİŞ BİR BİN YEDİ YÜZ OTUZ BİR TÜRK LİRASI ON KURUŞ');
    expect(computeProducerReceipt(HAND_RECEIPTS.wheat()).net.toFixed(2)).toBe('92910.00');
  });
});

describe('e-SMM totals from a gross, a net or a collected amount', () => {
  it('a company that withholds stopaj 20 % and KDV tevkifat 9/10 (613): 10 000 gross, 8 200 collected', () => {
    const t = computeFeeReceipt(feeReceipt());
    expect([t.gross, t.kdv, t.stopaj, t.withheld, t.taxInclusive, t.collected].map((x) => x.toFixed(2))).toEqual(['10000.00', '2000.00', '2000.00', '1800.00', '12000.00', '8200.00']);
  });

  it('a final consumer withholds nothing: 1 500 + KDV 300 = 1 800', () => {
    const t = computeFeeReceipt(finalConsumerFee());
    expect([t.gross, t.kdv, t.stopaj, t.collected].map((x) => x.toFixed(2))).toEqual(['1500.00', '300.00', '0.00', '1800.00']);
  });

  it('net 8 000 and collected 8 200 both come back to the gross 10 000', () => {
    const net = computeFeeReceipt(feeReceipt({ calculation: 'NET', lines: [feeLine(1, { amount: new Decimal(8000) })] }));
    expect([net.gross, net.net, net.collected].map((x) => x.toFixed(2))).toEqual(['10000.00', '8000.00', '10000.00']);
    const collected = computeFeeReceipt(feeReceipt({ calculation: 'TAHSILAT', lines: [feeLine(1, { amount: new Decimal(8200), withholding: { code: '613', percent: new Decimal(90) } })] }));
    expect([collected.gross, collected.collected].map((x) => x.toFixed(2))).toEqual(['10000.00', '8200.00']);
  });
});

describe('amounts in Turkish words', () => {
  it('drops “bir” before yüz and bin, keeps it before milyon', () => {
    expect(integerInWords(100)).toBe('yüz');
    expect(integerInWords(1000)).toBe('bin');
    expect(integerInWords(1_001_101)).toBe('bir milyon bin yüz bir');
    expect(integerInWords(101885)).toBe('yüz bir bin sekiz yüz seksen beş');
    expect(integerInWords(0)).toBe('sıfır');
    expect(amountInWords(new Decimal('92910.00'))).toBe('YALNIZ DOKSAN İKİ BİN DOKUZ YÜZ ON TÜRK LİRASI');
    expect(amountInWords(new Decimal('0.5'))).toBe('YALNIZ SIFIR TÜRK LİRASI ELLİ KURUŞ');
    expect(() => amountInWords(new Decimal(-1))).toThrow(/negative/);
  });
});
