import fs from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvoiceDocument } from '../../core/documents/model';
import { buildInvoiceUbl, type InvoiceProfile } from '../../core/documents/ubl/invoice';
import { createValidator, type DocumentValidator } from '../../core/validation';
import { COMPANY_CUSTOMER, PERSON_CUSTOMER, SUPPLIER, invoice, line } from '../fixtures/invoices';

/**
 * One invoice of each profile × type, built with fixed identifiers and compared with its golden file; every one
 * must also pass GİB's XSD and schematron. Regenerate after an intended change with UPDATE_GOLDEN=1.
 */
const GOLDEN = path.resolve(__dirname, '../fixtures/golden');
const VIEW = { name: 'konnektor-fatura', content: '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"><xsl:template match="/"><html/></xsl:template></xsl:stylesheet>' };
const d = (v: string | number) => new Decimal(v);

const cases: { profile: InvoiceProfile; doc: InvoiceDocument }[] = [
  { profile: 'TEMELFATURA', doc: invoice({ lines: [line(1), line(2, { quantity: d('2.5'), unitCode: 'KGM', unitPrice: d('12.3456'), vatRate: d(10), allowances: [{ isCharge: false, amount: d('3.09'), percent: d(10) }] })], allowances: [{ isCharge: false, amount: d('2'), percent: d(1) }] }) },
  { profile: 'TEMELFATURA', doc: invoice({ type: 'IADE', returnRefs: [{ id: 'ALF2026000000123', issueDate: '2026-02-01' }] }) },
  { profile: 'TEMELFATURA', doc: invoice({ type: 'TEVKIFAT', lines: [line(1, { kind: 'service', unitCode: 'HUR', withholding: { code: '603', percent: d(70) } }), line(2, { withholding: { code: '612', percent: d(70) } })] }) },
  { profile: 'TEMELFATURA', doc: invoice({ type: 'ISTISNA', lines: [line(1, { vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } })] }) },
  { profile: 'TEMELFATURA', doc: invoice({ type: 'OZELMATRAH', lines: [line(1, { vatRate: d(0), exemption: { code: '805', reason: 'Gümüşten mamul eşya teslimleri' } })] }) },
  { profile: 'TEMELFATURA', doc: invoice({ type: 'IHRACKAYITLI', lines: [line(1, { vatRate: d(0), exemption: { code: '701', reason: '3065 s. KDV K. 11/1-c md. kapsamındaki İhraç Kayıtlı Satış' } })] }) },
  { profile: 'TICARIFATURA', doc: invoice({ profileHint: 'TICARIFATURA', currency: 'USD', exchangeRate: d('41.1234'), lines: [line(1, { unitPrice: d('15.5') })] }) },
  { profile: 'TICARIFATURA', doc: invoice({ profileHint: 'TICARIFATURA', type: 'TEVKIFAT', lines: [line(1, { withholding: { code: '606', percent: d(90) } })] }) },
  { profile: 'TICARIFATURA', doc: invoice({ profileHint: 'TICARIFATURA', type: 'ISTISNA', currency: 'EUR', exchangeRate: d('48.5'), lines: [line(1, { vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } })] }) },
  { profile: 'EARSIVFATURA', doc: invoice({ module: 'earsiv', customer: PERSON_CUSTOMER, earsiv: { sendingType: 'ELEKTRONIK' } }) },
  { profile: 'EARSIVFATURA', doc: invoice({ module: 'earsiv', type: 'IADE', customer: PERSON_CUSTOMER, earsiv: { sendingType: 'KAGIT' }, returnRefs: [{ id: 'ALF2026000000124', issueDate: '2026-02-02' }] }) },
  { profile: 'EARSIVFATURA', doc: invoice({ module: 'earsiv', type: 'TEVKIFAT', customer: { ...COMPANY_CUSTOMER, alias: undefined }, earsiv: { sendingType: 'ELEKTRONIK' }, lines: [line(1, { withholding: { code: '605', percent: d(50) } })] }) },
  {
    profile: 'EARSIVFATURA',
    doc: invoice({
      module: 'earsiv',
      type: 'ISTISNA',
      customer: PERSON_CUSTOMER,
      lines: [line(1, { vatRate: d(0), exemption: { code: '350', reason: 'Diğerleri' } })],
      earsiv: {
        sendingType: 'ELEKTRONIK',
        internetSale: {
          webAddress: 'https://www.ornektekstil.com.tr',
          paymentMeansCode: '48',
          paymentDate: '2026-03-04',
          paymentAgent: 'Örnek Ödeme Kuruluşu',
          carrier: { taxId: { scheme: 'VKN', value: '1234567890' }, name: 'Hızlı Kargo A.Ş.' },
          despatchDate: '2026-03-04',
        },
      },
    }),
  },
  {
    profile: 'IHRACAT',
    doc: invoice({
      profileHint: 'IHRACAT',
      type: 'ISTISNA',
      currency: 'EUR',
      exchangeRate: d('48.5'),
      customer: { taxId: { scheme: 'VKN', value: 'GB175269235' }, name: 'Farthing Purchasing Consortium', address: { street: 'Avon Way 56A', citySubdivision: 'Centre', city: 'Bristol', country: 'Birleşik Krallık', countryCode: 'GB' } },
      lines: [line(1, { unitCode: 'KGM', vatRate: d(0), exemption: { code: '301', reason: '11/1-a Mal ihracatı' } })],
      exportInfo: {
        incoterms: 'CIF',
        transportModeCode: '1',
        deliveryAddress: { street: 'Avon Way 56A', citySubdivision: 'Centre', city: 'Bristol', country: 'Birleşik Krallık', countryCode: 'GB' },
        gtip: { 1: '620342000011' },
      },
    }),
  },
  { profile: 'KAMU', doc: invoice({ payment: { iban: 'TR330006100519786457841326', meansCode: '42' } }) },
  { profile: 'KAMU', doc: invoice({ type: 'TEVKIFAT', payment: { iban: 'TR330006100519786457841326' }, lines: [line(1, { kind: 'service', unitCode: 'HUR', withholding: { code: '603', percent: d(70) } })] }) },
];

let validator: DocumentValidator;
beforeAll(async () => {
  validator = await createValidator();
}, 180_000);
afterAll(async () => validator?.close());

describe('UBL-TR golden files', () => {
  it.each(cases.map((c, i) => [`${String(i + 1).padStart(2, '0')}-${c.profile}-${c.doc.type}`, c] as const))('%s', async (name, c) => {
    const { xml } = buildInvoiceUbl({
      doc: c.doc,
      id: `KNF2026${String(cases.indexOf(c) + 1).padStart(9, '0')}`,
      uuid: `3f2504e0-4f89-41d3-9a0c-0305e82c33${String(cases.indexOf(c)).padStart(2, '0')}`,
      profile: c.profile,
      supplier: SUPPLIER,
      issueTime: '10:30:00',
      view: VIEW,
    });
    const file = path.join(GOLDEN, `${name}.xml`);
    // A missing golden file is written on a developer machine, and is an error in CI.
    if (process.env.UPDATE_GOLDEN === '1' || (!fs.existsSync(file) && !process.env.CI)) fs.writeFileSync(file, xml);
    expect(xml).toBe(fs.readFileSync(file, 'utf8'));
    const result = await validator.validate(xml, c.profile === 'EARSIVFATURA' ? 'earchive' : 'efatura');
    expect(result.issues).toEqual([]);
  });
});
