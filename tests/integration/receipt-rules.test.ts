import fs from 'node:fs';
import path from 'node:path';
import Decimal from 'decimal.js';
import { renderInvoiceHtml } from '../../core/documents/preview';
import { describe, expect, it } from 'vitest';
import { documentKinds } from '../../core/documents/kinds';
import type { CanonicalDocument, FeeReceiptDocument, ProducerReceiptDocument } from '../../core/documents/model';
import { loadGibCodelists } from '../../core/documents/gibCodelists';
import { RECEIPT_RULES } from '../../core/documents/receipts/rules';
import { deductionOf } from '../../core/documents/receipts/totals';
import { locateGibPackage } from '../../core/validation';
import type { DocumentValidator } from '../../core/validation';
import { COMPANY_CUSTOMER } from '../fixtures/invoices';
import { CONSUMER, FARMER, HAND_RECEIPTS, feeLine, feeReceipt, finalConsumerFee, producerReceipt } from '../fixtures/receipts';

/**
 * The receipt rule set (core/documents/receipts/rules.ts) and GİB's XSD over built e-MM and e-SMM: the hand-made
 * receipts pass; for every rule, a receipt that breaks it fails with that rule's id.
 */
const gibPackage = locateGibPackage();
const ctx = { codelists: loadGibCodelists(gibPackage), today: '2026-12-01', registry: { lookup: async () => undefined, chosenAlias: async () => undefined } } as never;
const validator = { gibPackage } as DocumentValidator;
const view = { name: 'makbuz', content: '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>' };
const UUID = '3f2b8c1e-4d5a-4e6f-9a0b-1c2d3e4f5a6b';

function build(doc: CanonicalDocument, id?: string): string {
  const kind = documentKinds.get(doc.module);
  return kind.build({ doc, id: id ?? (doc.module === 'emm' ? 'EMM2026000000001' : 'SMM2026000000001'), uuid: UUID, profile: 'EARSIVBELGE', issueTime: '10:15:00', view }).xml;
}

async function issuesOf(module: 'emm' | 'esmm', xml: string) {
  const [r] = await documentKinds.get(module).validation.check!(validator, [xml], ctx);
  return r!.issues;
}

const rulesOf = async (module: 'emm' | 'esmm', xml: string) => [...new Set((await issuesOf(module, xml)).map((i) => i.rule))];

describe('receipts that pass GİB’s XSD and the rule set', () => {
  it.each(Object.entries(HAND_RECEIPTS))('e-MM %s', async (_name, make) => {
    expect(await issuesOf('emm', build(make()))).toEqual([]);
  });

  it('e-SMM to a company with KDV tevkifat, and to a final consumer', async () => {
    expect(await issuesOf('esmm', build(feeReceipt()))).toEqual([]);
    expect(await issuesOf('esmm', build(finalConsumerFee()))).toEqual([]);
  });

  it('every rule names its source', () => {
    for (const r of RECEIPT_RULES) expect(r.source.length, r.id).toBeGreaterThan(10);
  });
});

describe('GİB’s XSD runs on every receipt', () => {
  it('a CreditNote without its customer party fails the XSD before any rule', async () => {
    const xml = build(HAND_RECEIPTS.wheat()).replace(/<cac:AccountingCustomerParty>.*<\/cac:AccountingCustomerParty>/, '');
    const issues = await issuesOf('emm', xml);
    expect(issues.map((i) => i.source)).toEqual(expect.arrayContaining(['xsd']));
    expect(issues.every((i) => i.source === 'xsd')).toBe(true);
  });

  it('an e-MM written as an Invoice is refused by the root check', async () => {
    const issues = await issuesOf('emm', build(feeReceipt()));
    expect(issues[0]).toMatchObject({ source: 'xsd', message: expect.stringContaining('CreditNote') });
  });
});

const emm = (over: Partial<ProducerReceiptDocument> = {}) => HAND_RECEIPTS.wheat() && { ...HAND_RECEIPTS.wheat(), ...over };
const wheat = HAND_RECEIPTS.wheat;
const withLine0 = (doc: ProducerReceiptDocument, f: (l: ProducerReceiptDocument['lines'][number]) => void) => {
  f(doc.lines[0]!);
  return doc;
};

/** One failing receipt per rule: [rule, module, the failing XML]. */
const FAILING: [string, 'emm' | 'esmm', () => string][] = [
  ['KNK_RECEIPT_PROFILE', 'emm', () => build(wheat()).replace('>EARSIVBELGE<', '>EARSIVFATURA<')],
  ['KNK_RECEIPT_ID', 'emm', () => build(wheat(), 'EMM26-1')],
  ['KNK_RECEIPT_ISSUE_TIME', 'emm', () => build(emm({ issueDate: '2099-01-02', deliveryDate: '2099-01-01' }))],
  ['KNK_RECEIPT_ISSUER', 'emm', () => build(emm({ supplier: { ...wheat().supplier!, taxId: { scheme: 'VKN', value: '1234567891' } } }))],
  ['KNK_EMM_PRODUCER_TCKN', 'emm', () => build(emm({ customer: { ...FARMER, taxId: { scheme: 'VKN', value: '1189368801' } } }))],
  ['KNK_EMM_DELIVERY_DATE', 'emm', () => build(emm({ deliveryDate: '2026-03-11' }))],
  ['KNK_RECEIPT_TAX_CODE', 'emm', () => build(withLine0(wheat(), (l) => l.deductions.push(deductionOf('9999', 1, l.grossAmount))))],
  ['KNK_RECEIPT_NEGATIVE', 'emm', () => build(withLine0(wheat(), (l) => (l.deductions[1]!.amount = new Decimal(-190))))],
  ['KNK_RECEIPT_TAX_ARITHMETIC', 'emm', () => build(withLine0(wheat(), (l) => (l.deductions[0]!.amount = new Decimal(50))))],
  ['KNK_RECEIPT_LINES', 'emm', () => build(withLine0(wheat(), (l) => (l.unitCode = 'KILO')))],
  ['KNK_EMM_STOPAJ', 'emm', () => build(producerReceipt([{ name: 'Arpa', quantity: 100, price: 10, stopaj: 3 }]))],
  ['KNK_RECEIPT_STOPAJ_EXEMPTION', 'emm', () => build(withLine0(producerReceipt([{ name: 'Fındık', quantity: 10, price: 100, stopaj: 0 }]), (l) => delete l.deductions[0]!.exemption))],
  ['KNK_EMM_DEDUCTIONS_EXCEED_GROSS', 'emm', () => build(producerReceipt([{ name: 'Buğday', quantity: 10, price: 10, stopaj: 4, borsa: 120 }]))],
  [
    'KNK_EMM_TOTALS',
    'emm',
    // The other public convention (every total = gross, payable = gross − stopaj only) is refused.
    () =>
      build(wheat())
        .replace(/<cbc:TaxExclusiveAmount currencyID="TRY">92910.00</, '<cbc:TaxExclusiveAmount currencyID="TRY">95000.00<')
        .replace(/<cbc:TaxInclusiveAmount currencyID="TRY">92910.00</, '<cbc:TaxInclusiveAmount currencyID="TRY">95000.00<')
        .replace(/<cbc:PayableAmount currencyID="TRY">92910.00</, '<cbc:PayableAmount currencyID="TRY">93100.00<'),
  ],
  ['KNK_RECEIPT_AMOUNT_IN_WORDS', 'emm', () => build(wheat()).replace(/<cbc:Note>Yazı ile: [^<]*<\/cbc:Note>/, '')],
  ['KNK_ESMM_SENDING_TYPE', 'esmm', () => build(feeReceipt()).replace('<cbc:DocumentTypeCode>SendingType</cbc:DocumentTypeCode>', '')],
  ['KNK_ESMM_CALCULATION_TYPE', 'esmm', () => build(feeReceipt()).replace('<cbc:DocumentTypeCode>BRUT</cbc:DocumentTypeCode>', '<cbc:DocumentTypeCode>YUZDE</cbc:DocumentTypeCode>')],
  ['KNK_ESMM_KDV', 'esmm', () => build(feeReceipt({ lines: [feeLine(1, { vatRate: new Decimal(18) })] }))],
  ['KNK_ESMM_STOPAJ', 'esmm', () => build(feeReceipt({ lines: [feeLine(1, { stopajRate: new Decimal(25) })] }))],
  ['KNK_ESMM_CUSTOMER', 'esmm', () => build(feeReceipt({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '' } } }))],
  ['KNK_ESMM_WITHHOLDING', 'esmm', () => build(feeReceipt({ lines: [feeLine(1, { withholding: { code: '613', percent: new Decimal(55) } })] }))],
  ['KNK_ESMM_TOTALS', 'esmm', () => build(feeReceipt()).replace(/<cbc:PayableAmount currencyID="TRY">8200.00</, '<cbc:PayableAmount currencyID="TRY">10000.00<')],
];

describe('each rule has a receipt that fails it', () => {
  it('covers every rule of the set', () => {
    expect(new Set(FAILING.map(([id]) => id))).toEqual(new Set(RECEIPT_RULES.map((r) => r.id)));
  });

  it.each(FAILING)('%s', async (rule, module, xml) => {
    const rules = await rulesOf(module, xml());
    expect(rules).toContain(rule);
  });
});

describe('bad input named in the brief', () => {
  it('a producer with a TCKN failing its checksum', async () => {
    const issues = await issuesOf('emm', build(emm({ customer: { ...FARMER, taxId: { scheme: 'TCKN', value: '12345678901' } } })));
    expect(issues).toContainEqual(expect.objectContaining({ rule: 'KNK_EMM_PRODUCER_TCKN', message: expect.stringContaining('12345678901') }));
  });

  it('an e-SMM with stopaj to a final consumer who has no tax office', async () => {
    const doc: FeeReceiptDocument = feeReceipt({ customer: CONSUMER, customerIsTaxpayer: false, lines: [feeLine(1, { stopajRate: new Decimal(20) })] });
    expect(await rulesOf('esmm', build(doc))).toEqual(['KNK_ESMM_CUSTOMER']);
  });
});

describe('bad input is refused before anything is built, each with its own code', () => {
  const precheck = (doc: CanonicalDocument) => documentKinds.get(doc.module).validation.precheck(doc, ctx).map((i) => i.rule);

  it('the hand-made receipts pass', () => {
    for (const make of Object.values(HAND_RECEIPTS)) expect(precheck(make())).toEqual([]);
    expect(precheck(feeReceipt())).toEqual([]);
    expect(precheck(finalConsumerFee())).toEqual([]);
  });

  it.each([
    ['a producer without TCKN', () => emm({ customer: { ...FARMER, taxId: { scheme: 'TCKN', value: '' } } }), 'KNK_EMM_PRODUCER_NO_TCKN'],
    ['a producer identified by a VKN', () => emm({ customer: { ...FARMER, taxId: { scheme: 'VKN', value: '1189368801' } } }), 'KNK_EMM_PRODUCER_NO_TCKN'],
    ['a producer whose TCKN fails its checksum', () => emm({ customer: { ...FARMER, taxId: { scheme: 'TCKN', value: '12345678901' } } }), 'KNK_EMM_PRODUCER_TCKN_INVALID'],
    ['a stopaj rate not in the allowed set (3 %)', () => producerReceipt([{ name: 'Arpa', quantity: 100, price: 10, stopaj: 3 }]), 'KNK_EMM_STOPAJ_RATE'],
    ['a negative deduction', () => withLine0(wheat(), (l) => (l.deductions[1]!.amount = new Decimal(-190))), 'KNK_RECEIPT_NEGATIVE_DEDUCTION'],
    ['deductions greater than the gross', () => producerReceipt([{ name: 'Buğday', quantity: 10, price: 10, stopaj: 4, borsa: 120 }]), 'KNK_EMM_DEDUCTIONS_EXCEED_GROSS'],
    ['an e-SMM to a company without VKN', () => feeReceipt({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '' } } }), 'KNK_ESMM_CUSTOMER_NO_TAX_ID'],
    ['an e-SMM to a company with a wrong VKN', () => feeReceipt({ customer: { ...COMPANY_CUSTOMER, taxId: { scheme: 'VKN', value: '1189368802' } } }), 'KNK_ESMM_CUSTOMER_TAX_ID_INVALID'],
    ['a KDV tevkifat rate not in GİB’s list (613 at 55 %)', () => feeReceipt({ lines: [feeLine(1, { withholding: { code: '613', percent: new Decimal(55) } })] }), 'KNK_ESMM_WITHHOLDING_RATE'],
    ['a KDV rate that is no longer in force (18 %)', () => feeReceipt({ lines: [feeLine(1, { vatRate: new Decimal(18) })] }), 'KNK_ESMM_KDV_RATE'],
    ['KDV tevkifat by a final consumer', () => feeReceipt({ customer: CONSUMER, customerIsTaxpayer: false }), 'KNK_ESMM_WITHHOLDING_CUSTOMER'],
  ] as [string, () => CanonicalDocument, string][])('%s', (_what, make, rule) => {
    expect(precheck(make())).toContain(rule);
  });
});

/**
 * One receipt per scenario, built with fixed identifiers and compared with its golden file (regenerate after an
 * intended change with UPDATE_GOLDEN=1); each passes GİB's XSD and the rule set.
 */
describe('golden receipts', () => {
  const GOLDEN = path.resolve(__dirname, '../fixtures/golden/receipts');
  const scenarios: [string, CanonicalDocument][] = [
    ['emm-bugday-stopaj2-borsa', HAND_RECEIPTS.wheat()],
    ['emm-sut-hayvan-stopaj1-mera', HAND_RECEIPTS.livestock()],
    ['emm-findik-stopaj0-istisna', HAND_RECEIPTS.hazelnutAndApple()],
    ['emm-ceviz-stopaj4-kagit', producerReceipt([{ name: 'Ceviz hasat hizmeti', quantity: 3, unit: 'DAY', price: 2500, stopaj: 4, borsa: '0.2', mera: '0.1' }], { sendingType: 'KAGIT' })],
    ['esmm-sirket-tevkifat', feeReceipt()],
    ['esmm-nihai-tuketici', finalConsumerFee()],
    ['esmm-net-esasli', feeReceipt({ calculation: 'NET', lines: [feeLine(1, { amount: new Decimal(8000), withholding: undefined })] })],
  ];
  it.each(scenarios)('%s', async (name, doc) => {
    const xml = build(doc);
    expect(await issuesOf(doc.module as 'emm' | 'esmm', xml)).toEqual([]);
    const file = path.join(GOLDEN, `${name}.xml`);
    if (process.env.UPDATE_GOLDEN === '1') {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, xml);
    }
    expect(xml).toBe(fs.readFileSync(file, 'utf8'));
  });
});

describe('the receipt view', () => {
  it('shows the gross, each deduction, the net and the amount in words', async () => {
    const kind = documentKinds.get('emm');
    const xml = kind.build({ doc: HAND_RECEIPTS.wheat(), id: 'EMM2026000000001', uuid: UUID, profile: 'EARSIVBELGE', issueTime: '10:15:00', view: kind.view!() }).xml;
    const html = await renderInvoiceHtml(xml, { cacheDir: false });
    for (const text of ['e-Müstahsil Makbuzu', 'Hasan Çiftçi', 'TCKN: 12345678950', 'Brüt tutar', '95.000,00 TL', 'GV STOPAJI (%2)', '1.900,00 TL', 'BORSA TESCİL ÜCRETİ (%0.2)', 'Üreticiye ödenen net tutar', '92.910,00 TL', 'Yazı ile: YALNIZ DOKSAN İKİ BİN DOKUZ YÜZ ON TÜRK LİRASI']) {
      expect(html, text).toContain(text);
    }
  });

  it('shows an e-SMM’s KDV, stopaj and KDV tevkifat and what is collected', async () => {
    const kind = documentKinds.get('esmm');
    const xml = kind.build({ doc: feeReceipt(), id: 'SMM2026000000001', uuid: UUID, profile: 'EARSIVBELGE', issueTime: '10:15:00', view: kind.view!() }).xml;
    const html = await renderInvoiceHtml(xml, { cacheDir: false });
    for (const text of ['e-Serbest Meslek Makbuzu', 'Av. Elif Demir'.replace('Av. ', ''), 'KDV (%20)', '2.000,00 TL', 'GV STOPAJI (%20)', 'KDV tevkifatı 613 (%90)', '1.800,00 TL', 'Net tahsil edilen', '8.200,00 TL']) {
      expect(html, text).toContain(text);
    }
  });
});
