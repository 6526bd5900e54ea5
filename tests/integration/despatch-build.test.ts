/**
 * The DespatchAdvice builder against GİB's own checks: UBL-DespatchAdvice-2.1.xsd and the GİB schematron (pattern
 * despatchadvice), run through the despatch family's check (core/documents/despatch/gibChecks.ts). Every way the
 * goods travel builds clean; what GİB refuses is reported with GİB's rule and Turkish message.
 */
import fs from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDespatchFamily } from '../../core/documents/despatch/gibChecks';
import type { DespatchDocument } from '../../core/documents/model';
import { buildDespatchUbl, despatchProfileOf } from '../../core/documents/ubl/despatch';
import { gibView } from '../../core/documents/ubl/gibViews';
import { readUblFacts } from '../../core/documents/ubl/read';
import { createValidator, type DocumentValidator } from '../../core/validation';
import { locateGibPackage } from '../../core/validation/gibPackage';
import { SUPPLIER, carrierDespatch, despatch, despatchLine } from '../fixtures/despatches';

const GIB = locateGibPackage();
const SAMPLES = path.join(GIB, 'UBL-TR1.2.1_Paketi', 'xml');
const sample = (f: string) => fs.readFileSync(path.join(SAMPLES, f), 'utf8');

function build(doc: DespatchDocument, id = 'KNI2026000000001'): string {
  return buildDespatchUbl({ doc, id, uuid: '3f1b7c2a-5d1e-4b8f-9a41-0c6d2e7f8a90', profile: despatchProfileOf(doc), supplier: SUPPLIER, issueTime: '09:15:00', view: gibView('despatch') });
}

let v: DocumentValidator;
beforeAll(async () => {
  v = await createValidator({ workers: 1 });
}, 300_000);
afterAll(async () => {
  await v?.close();
});

const check = async (xml: string) => (await checkDespatchFamily(v, [xml]))[0]!;

describe('GİB despatch samples through the despatch check', () => {
  it('IDIS_Irsaliye and the four irsaliye yanıtı samples pass', async () => {
    const files = ['IDIS_Irsaliye.xml', 'IrsaliyeYaniti-Ornek1.xml', 'IrsaliyeYaniti-Ornek2.xml', 'IrsaliyeYaniti-Ornek3.xml', 'IrsaliyeYaniti-Ornek4.xml'];
    const results = await checkDespatchFamily(v, files.map(sample));
    expect(results.map((r, i) => [files[i], r.issues])).toEqual(files.map((f) => [f, []]));
  });

  it('the two-driver samples are judged instead of stopping, and fail only GİB’s delivery-address rule (they carry no DeliveryAddress)', async () => {
    for (const f of ['Irsaliye-Ornek1.xml', 'Irsaliye-Ornek2.xml', 'Irsaliye-Matbudan.xml']) {
      const r = await check(sample(f));
      expect(r.issues.some((i) => i.rule === 'SCHEMATRON_RUNTIME_ERROR'), f).toBe(false);
      expect(r.issues.map((i) => i.rule), f).toEqual(['DespatchAddressCheck', 'DespatchAddressCheck', 'DespatchAddressCheck', 'DespatchAddressCheck']);
      expect(r.issues.map((i) => i.message)).toContainEqual(expect.stringContaining("Hatalı Posta Kodu :''"));
    }
  });
});

describe('DespatchAdvice builder', () => {
  it('own vehicle with two drivers and a trailer: XSD- and schematron-valid, in the schema’s order', async () => {
    const xml = build(despatch());
    expect((await check(xml)).issues).toEqual([]);
    expect(readUblFacts(xml)).toMatchObject({ root: 'DespatchAdvice', profileId: 'TEMELIRSALIYE', id: 'KNI2026000000001' });
    expect(xml).toContain('<cbc:DespatchAdviceTypeCode>SEVK</cbc:DespatchAdviceTypeCode>');
    expect(xml).toContain('<cbc:LicensePlateID schemeID="PLAKA">34ABC123</cbc:LicensePlateID>');
    expect(xml).toContain('<cbc:ID schemeID="DORSEPLAKA">34DR456</cbc:ID>');
    expect(xml.match(/<cac:DriverPerson>/g)).toHaveLength(2);
    expect(xml).toContain('<cbc:ActualDespatchDate>2026-03-04</cbc:ActualDespatchDate><cbc:ActualDespatchTime>10:30:00</cbc:ActualDespatchTime>');
    // GİB's own despatch view is embedded.
    expect(xml).toContain('filename="irsaliye.xslt"');
  });

  it('a carrier firm to an individual, priced lines, MATBUDAN, HKS and İDİS despatches are valid', async () => {
    const docs: DespatchDocument[] = [
      carrierDespatch(),
      despatch({ lines: [despatchLine(1, { unitPrice: new Decimal('12.5'), amount: new Decimal('125') }), despatchLine(2, { unitPrice: new Decimal('3'), amount: new Decimal('60') })] }),
      despatch({ type: 'MATBUDAN', paperDocument: { id: 'A-004512', issueDate: '2026-03-03' } }),
      despatch({ lines: [despatchLine(1, { kunyeNo: '2601234567890123456', unitCode: 'KGM' })] }),
      despatch({ shipmentNo: 'SE-0000123', lines: [despatchLine(1, { etiketNos: ['AB1234567', 'AB1234568'], unitCode: 'C62' })] }),
    ];
    expect(docs.map(despatchProfileOf)).toEqual(['TEMELIRSALIYE', 'TEMELIRSALIYE', 'TEMELIRSALIYE', 'HKSIRSALIYE', 'IDISIRSALIYE']);
    const results = await checkDespatchFamily(v, docs.map((d) => build(d)));
    expect(results.map((r) => r.issues)).toEqual(docs.map(() => []));
    const priced = build(docs[1]!);
    expect(priced).toContain('<cbc:ValueAmount currencyID="TRY">185.00</cbc:ValueAmount>');
    expect(build(docs[2]!)).toContain('<cbc:ID>A-004512</cbc:ID><cbc:IssueDate>2026-03-03</cbc:IssueDate><cbc:DocumentType>MATBU</cbc:DocumentType>');
  });

  it('fails GİB’s rules with their Turkish messages: postal zone, no driver and no carrier, HKS without künye', async () => {
    const cases: [DespatchDocument, string, string][] = [
      [despatch({ deliveryAddress: { citySubdivision: 'Tuzla', city: 'İstanbul', postalCode: '99000', country: 'Türkiye' } }), 'DespatchAddressCheck', "Hatalı Posta Kodu :'99000'"],
      [despatch({ drivers: [], vehiclePlates: [] }), 'DespatchCarrierDriverCheck', 'en az birini içermelidir'],
      [despatch({ profileHint: 'HKSIRSALIYE' }), 'DespatchAdviceHKSKunyeCheck', "19 karakterli 'KUNYENO'"],
    ];
    const results = await checkDespatchFamily(v, cases.map(([d]) => build(d)));
    results.forEach((r, i) => {
      const [, rule, message] = cases[i]!;
      expect(r.valid).toBe(false);
      expect(r.issues).toContainEqual(expect.objectContaining({ source: 'schematron', rule, message: expect.stringContaining(message) }));
    });
  });

  it('MATBUDAN without the paper despatch passes GİB’s rule (the embedded view is a reference with ID and date): Konnektör’s pre-check must refuse it', async () => {
    const xml = build(despatch({ type: 'MATBUDAN' }));
    expect((await check(xml)).issues).toEqual([]);
    expect(xml).not.toContain('MATBU<');
  });

  it('a second driver without TCKN is caught although GİB’s rule reads only the first', async () => {
    const doc = despatch({ drivers: [{ firstName: 'Mehmet', familyName: 'Kaya', tckn: '10000000146' }, { firstName: 'Ali', familyName: 'Demir', tckn: '' }] });
    const r = await check(build(doc));
    expect(r.valid).toBe(false);
    expect(r.issues).toEqual([expect.objectContaining({ rule: 'DespatchCarrierDriverCheck', message: expect.stringContaining('2. şoförün cbc:NationalityID') })]);
  });

  it('a number outside GİB’s pattern fails the ID rule', async () => {
    const r = await check(build(despatch(), 'IRS-1'));
    expect(r.issues).toContainEqual(expect.objectContaining({ rule: 'InvoiceIDCheck' }));
  });
});
