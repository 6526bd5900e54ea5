import path from 'node:path';
import Decimal from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { precheckInvoice } from '../../core/documents/precheck';
import { COMPANY_CUSTOMER, PERSON_CUSTOMER, invoice, line } from '../fixtures/invoices';

const codelists = loadGibCodelists(path.resolve(__dirname, '../../../shared/reference/gib'));
const ctx = { codelists, today: '2026-11-23' };
const rules = (doc: Parameters<typeof precheckInvoice>[0]) => precheckInvoice(doc, ctx).map((i) => i.rule);
const d = (v: string | number) => new Decimal(v);

describe('pre-checks (each bad input its own rule)', () => {
  it('passes a correct invoice', () => {
    expect(precheckInvoice(invoice(), ctx)).toEqual([]);
    expect(precheckInvoice(invoice({ module: 'earsiv', customer: PERSON_CUSTOMER }), ctx)).toEqual([]);
  });

  it('reads GİB code lists from the package', () => {
    expect(codelists.currencies.has('USD')).toBe(true);
    expect(codelists.units.has('C62')).toBe(true);
    expect(codelists.withholdingWithPercent.has('60370')).toBe(true);
    expect(codelists.exemptionCodes.has('350')).toBe(true);
  });

  it.each([
    ['a customer without VKN/TCKN', invoice({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '' } } }), 'KNK_TAXID_MISSING'],
    ['a TCKN of 10 digits', invoice({ customer: { ...PERSON_CUSTOMER, taxId: { scheme: 'TCKN', value: '1000000014' } } }), 'KNK_TAXID_INVALID'],
    ['a VKN whose check digit is wrong', invoice({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '1189368802' } } }), 'KNK_TAXID_CHECK_DIGIT'],
    ['a TCKN whose check digits are wrong', invoice({ customer: { ...PERSON_CUSTOMER, taxId: { scheme: 'TCKN', value: '10000000147' } } }), 'KNK_TAXID_CHECK_DIGIT'],
    ['an invoice with no lines', invoice({ lines: [] }), 'KNK_NO_LINES'],
    ['a negative quantity on a SATIS', invoice({ lines: [line(1, { quantity: d(-1) })] }), 'KNK_NEGATIVE_QUANTITY'],
    ['a zero-VAT line without exemption code', invoice({ type: 'ISTISNA', lines: [line(1, { vatRate: d(0) })] }), 'KNK_EXEMPTION_MISSING'],
    ['withholding on a SATIS', invoice({ lines: [line(1, { withholding: { code: '603', percent: d(70) } })] }), 'KNK_WITHHOLDING_NOT_ALLOWED'],
    ['an IADE without the original invoice reference', invoice({ type: 'IADE' }), 'KNK_RETURN_REFERENCE_MISSING'],
    ['an unknown currency', invoice({ currency: 'XYZ' }), 'KNK_CURRENCY_UNKNOWN'],
    ['an unknown unit', invoice({ lines: [line(1, { unitCode: 'ADET' })] }), 'KNK_UNIT_UNKNOWN'],
    ['a foreign currency without rate', invoice({ currency: 'USD' }), 'KNK_EXCHANGE_RATE_MISSING'],
    ['a withholding code/percent GİB does not list', invoice({ type: 'TEVKIFAT', lines: [line(1, { withholding: { code: '603', percent: d(55) } })] }), 'KNK_WITHHOLDING_INVALID'],
    ['a TEVKIFAT without withholding', invoice({ type: 'TEVKIFAT' }), 'KNK_WITHHOLDING_MISSING'],
    ['a date in the future', invoice({ issueDate: '2026-11-24' }), 'KNK_DATE_IN_FUTURE'],
    ['a person without first and family name', invoice({ customer: { ...PERSON_CUSTOMER, person: undefined } }), 'KNK_PERSON_NAME_MISSING'],
    ['an address without district', invoice({ customer: { ...COMPANY_CUSTOMER, address: { city: 'İzmir', country: 'Türkiye' } } }), 'KNK_ADDRESS_INCOMPLETE'],
  ])('%s → %s', (_what, doc, rule) => {
    const found = precheckInvoice(doc, ctx);
    expect(found.map((i) => i.rule)).toEqual([rule]);
    expect(found[0]!.message).toMatch(/[a-zçğıöşü]/i);
  });

  it('accepts GİB’s placeholder numbers (unknown final consumer, foreign buyer) though they have no check digit', () => {
    const person = (value: string) => invoice({ module: 'earsiv', customer: { ...PERSON_CUSTOMER, taxId: { scheme: 'TCKN', value } } });
    expect(rules(person('11111111111'))).toEqual([]);
    expect(rules(invoice({ module: 'earsiv', customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '2222222222' } } }))).toEqual([]);
    expect(rules(person('11111111112'))).toEqual(['KNK_TAXID_CHECK_DIGIT']);
  });

  it('accepts an IADE with a 16-character reference and date, and 0 % VAT on a return', () => {
    expect(rules(invoice({ type: 'IADE', returnRefs: [{ id: 'ALF2026000000123', issueDate: '2026-02-01' }], lines: [line(1, { vatRate: d(0) })] }))).toEqual([]);
    expect(rules(invoice({ type: 'IADE', returnRefs: [{ id: 'ALF2026-123', issueDate: '2026-02-01' }] }))).toEqual(['KNK_RETURN_REFERENCE_MISSING']);
  });
});
