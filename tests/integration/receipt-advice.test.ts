/**
 * The ReceiptAdvice (irsaliye yanıtı) builder against GİB's own checks: UBL-ReceiptAdvice-2.1.xsd and the GİB
 * schematron, through the despatch family's check. A full acceptance, a partial receipt (short, oversupply, late) and
 * a rejection build clean; bad answers are refused with their own error codes before any XML exists.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDespatchFamily } from '../../core/documents/despatch/gibChecks';
import { buildDespatchUbl, despatchProfileOf } from '../../core/documents/ubl/despatch';
import { gibView } from '../../core/documents/ubl/gibViews';
import { readUblFacts } from '../../core/documents/ubl/read';
import { buildReceiptAdvice, type ReceiptAdviceInput } from '../../core/documents/ubl/receiptAdvice';
import { KonnektorError } from '../../core/errors';
import { eirsaliyeAnswerKind, eirsaliyeIncomingKind, incomingKindsOf } from '../../core/incoming/kinds';
import { createValidator, type DocumentValidator } from '../../core/validation';
import { SUPPLIER, despatch } from '../fixtures/despatches';

const DESPATCH_UUID = '3f1b7c2a-5d1e-4b8f-9a41-0c6d2e7f8a90';
const despatchXml = buildDespatchUbl({ doc: despatch(), id: 'KNI2026000000007', uuid: DESPATCH_UUID, profile: despatchProfileOf(despatch()), supplier: SUPPLIER, issueTime: '09:15:00', view: gibView('despatch') });

const answer = (over: Partial<ReceiptAdviceInput> = {}) =>
  buildReceiptAdvice({ despatchXml, id: 'IYN2026000000001', uuid: '7d0c1e52-8a3b-4f6e-9d21-5b4a3c2e1f00', issueDate: despatch().issueDate, issueTime: '16:00:00', ...over });

let v: DocumentValidator;
beforeAll(async () => {
  v = await createValidator({ workers: 1 });
}, 300_000);
afterAll(async () => {
  await v?.close();
});
const issues = async (xml: string) => (await checkDespatchFamily(v, [xml]))[0]!.issues;

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof KonnektorError ? e.code : `not a KonnektorError: ${String(e)}`;
  }
  return undefined;
}

describe('ReceiptAdvice builder', () => {
  it('full acceptance: every line received as despatched, parties reversed, references to the despatch; passes GİB', async () => {
    const xml = answer();
    expect(await issues(xml)).toEqual([]);
    expect(readUblFacts(xml)).toMatchObject({ root: 'ReceiptAdvice', id: 'IYN2026000000001' });
    expect(xml).toContain(`<cac:DespatchDocumentReference><cbc:ID>${DESPATCH_UUID}</cbc:ID>`);
    expect(xml).toContain('<cbc:ID>KNI2026000000007</cbc:ID><cbc:IssueDate>');
    expect(xml).toContain('<cbc:DocumentTypeCode>DespatchAdviceID</cbc:DocumentTypeCode>');
    expect(xml).toContain('<cbc:ReceivedQuantity unitCode="MTR">10</cbc:ReceivedQuantity>');
    expect(xml).toContain('<cbc:ReceivedQuantity unitCode="C62">20</cbc:ReceivedQuantity>');
    expect(xml).not.toContain('RejectedQuantity');
    // Customer (us) first, then the despatch's supplier; we sign.
    const customerAt = xml.indexOf('<cac:DeliveryCustomerParty>');
    const supplierAt = xml.indexOf('<cac:DespatchSupplierParty>');
    expect(customerAt).toBeGreaterThan(0);
    expect(supplierAt).toBeGreaterThan(customerAt);
    expect(xml.slice(supplierAt)).toContain(`<cbc:ID schemeID="VKN">${SUPPLIER.taxId.value}</cbc:ID>`);
    expect(xml.slice(xml.indexOf('<cac:Signature>'), customerAt)).not.toContain(SUPPLIER.taxId.value);
  });

  it('partial receipt: short on one line, oversupply on the other, late delivery noted; passes GİB', async () => {
    const xml = answer({ lines: [{ lineId: '1', short: '3' }, { lineId: '2', oversupply: 5 }], lateDelivery: 'Mallar geç teslim edildi.' });
    expect(await issues(xml)).toEqual([]);
    expect(xml).toContain('<cbc:ReceivedQuantity unitCode="MTR">7</cbc:ReceivedQuantity><cbc:ShortQuantity unitCode="MTR">3</cbc:ShortQuantity>');
    expect(xml).toContain('<cbc:ReceivedQuantity unitCode="C62">25</cbc:ReceivedQuantity><cbc:OversupplyQuantity unitCode="C62">5</cbc:OversupplyQuantity>');
    expect(xml.match(/<cbc:TimingComplaint>Mallar geç teslim edildi.<\/cbc:TimingComplaint>/g)).toHaveLength(2);
  });

  it('rejection: damaged goods rejected with their reason; passes GİB', async () => {
    const xml = answer({ lines: [{ lineId: '1', rejected: 10, rejectReason: 'Hasarlı geldi' }, { lineId: '2', received: 16, rejected: 4, rejectReason: 'Islak koli' }] });
    expect(await issues(xml)).toEqual([]);
    expect(xml).toContain('<cbc:ReceivedQuantity unitCode="MTR">0</cbc:ReceivedQuantity><cbc:RejectedQuantity unitCode="MTR">10</cbc:RejectedQuantity><cbc:RejectReason>Hasarlı geldi</cbc:RejectReason>');
    expect(xml).toContain('<cbc:RejectedQuantity unitCode="C62">4</cbc:RejectedQuantity><cbc:RejectReason>Islak koli</cbc:RejectReason>');
  });

  it('GİB refuses what the builder is given wrong: an ID that is not 16 characters', async () => {
    const found = await issues(answer({ id: 'IYN1' }));
    expect(found.length).toBeGreaterThan(0);
  });

  it('bad answers: each its own code', () => {
    expect(codeOf(() => answer({ lines: [{ lineId: '1', rejected: 2 }] }))).toBe('RECEIPT_REJECT_REASON_REQUIRED');
    expect(codeOf(() => answer({ lines: [{ lineId: '1', rejected: 2, rejectReason: '   ' }] }))).toBe('RECEIPT_REJECT_REASON_REQUIRED');
    expect(codeOf(() => answer({ lines: [{ lineId: '9', short: 1 }] }))).toBe('RECEIPT_LINE_UNKNOWN');
    expect(codeOf(() => answer({ lines: [{ lineId: '1', short: -1 }] }))).toBe('RECEIPT_QUANTITY_INVALID');
    expect(codeOf(() => answer({ lines: [{ lineId: '1', short: 'üç' }] }))).toBe('RECEIPT_QUANTITY_INVALID');
    expect(codeOf(() => answer({ lines: [{ lineId: '1', short: 11 }] }))).toBe('RECEIPT_QUANTITY_MISMATCH');
    expect(codeOf(() => answer({ lines: [{ lineId: '1', received: 9 }] }))).toBe('RECEIPT_QUANTITY_MISMATCH');
    expect(codeOf(() => answer({ despatchXml: '<Invoice/>' }))).toBe('RECEIPT_DESPATCH_UNREADABLE');
    expect(codeOf(() => answer({ despatchXml: 'not xml <' }))).toBe('RECEIPT_DESPATCH_UNREADABLE');
  });
});

describe('the incoming despatch kind', () => {
  const base = { xml: despatchXml, facts: { ettn: DESPATCH_UUID }, id: 'IYN2026000000002', uuid: '7d0c1e52-8a3b-4f6e-9d21-5b4a3c2e1f01', issueDate: despatch().issueDate, issueTime: '16:00:00' };

  it('is e-İrsaliye’s incoming kind: belgeTuru IRSALIYE, answered as IRSALIYE_YANITI_UBL within 7 days, any profile', () => {
    expect(incomingKindsOf('eirsaliye')).toEqual([eirsaliyeIncomingKind]);
    expect(eirsaliyeIncomingKind).toMatchObject({ belgeTuru: 'IRSALIYE', root: 'DespatchAdvice', answer: { sendAs: 'IRSALIYE_YANITI_UBL', deadlineDays: 7 } });
    expect(eirsaliyeAnswerKind.refuse({ profile: 'HKSIRSALIYE' })).toBeUndefined();
  });

  it('KABUL builds a full acceptance; KABUL with lines and KISMI without lines are refused', () => {
    expect(eirsaliyeAnswerKind.build({ ...base, choice: 'KABUL' })).toContain('<cbc:ReceivedQuantity unitCode="MTR">10</cbc:ReceivedQuantity>');
    expect(eirsaliyeAnswerKind.build({ ...base, choice: 'KISMI', lines: [{ lineId: '2', short: '1' }] })).toContain('<cbc:ShortQuantity unitCode="C62">1</cbc:ShortQuantity>');
    expect(codeOf(() => eirsaliyeAnswerKind.build({ ...base, choice: 'KABUL', lines: [{ lineId: '1', short: '1' }] }))).toBe('INPUT_INVALID');
    expect(codeOf(() => eirsaliyeAnswerKind.build({ ...base, choice: 'KISMI' }))).toBe('INPUT_INVALID');
  });
});
