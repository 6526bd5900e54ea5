import { DOMParser, type Element } from '@xmldom/xmldom';
import Decimal from 'decimal.js';
import { create } from 'xmlbuilder2';
import { KonnektorError } from '../../errors';
import type { Address, Party } from '../model';
import { cac, cbc, documentReference, party, signature, signaturePlace } from './despatchParts';
import { NS } from './namespaces';
import { UBL_NS } from './read';

/**
 * UBL-TR ReceiptAdvice (irsaliye yanıtı): the receiver's answer to a received DespatchAdvice, sent as
 * IRSALIYE_YANITI_UBL within 7 days (efinans-despatch-receipts-ledger.md §1.4). Element order follows GİB's
 * UBL-ReceiptAdvice-2.1.xsd: UBLExtensions, UBLVersionID, CustomizationID, ProfileID, ID, CopyIndicator, UUID,
 * IssueDate, IssueTime, ReceiptAdviceTypeCode (SEVK), Note*, LineCountNumeric, OrderReference*,
 * DespatchDocumentReference, AdditionalDocumentReference*, Signature, DeliveryCustomerParty (us, the despatch's
 * customer), DespatchSupplierParty (the despatch's supplier), Shipment, ReceiptLine+.
 * Conventions of GİB's samples IrsaliyeYaniti-Ornek1..4: DespatchDocumentReference = the despatch's UUID and
 * IssueDate; an AdditionalDocumentReference with DocumentTypeCode DespatchAdviceID carries the despatch's number;
 * each ReceiptLine points at its despatch line (DespatchLineReference/LineID); the delivery date in
 * Shipment/Delivery/ActualDeliveryDate. Quantities per line: ReceivedQuantity + ShortQuantity + RejectedQuantity =
 * the despatched quantity + OversupplyQuantity (Ornek4: 18 received + 2 short of 20; 20 received of 12 with 8 over).
 */
export interface ReceiptLineAnswer {
  /** The despatch line's cbc:ID. */
  lineId: string;
  /** Accepted quantity; when absent: despatched + oversupply − short − rejected. */
  received?: Decimal.Value;
  short?: Decimal.Value;
  rejected?: Decimal.Value;
  /** Required when rejected > 0 (damaged, wrong goods…). */
  rejectReason?: string;
  oversupply?: Decimal.Value;
  note?: string;
}

export interface ReceiptAdviceInput {
  /** The received DespatchAdvice. */
  despatchXml: string;
  /** The answer's own number (16 characters) and ETTN. */
  id: string;
  uuid: string;
  /** YYYY-MM-DD / HH:mm:ss, Türkiye time. */
  issueDate: string;
  issueTime: string;
  /** Answers for some lines; every other line is received in full. Empty or absent: full acceptance. */
  lines?: readonly ReceiptLineAnswer[];
  /** A late delivery: the complaint written on every line (TimingComplaint). */
  lateDelivery?: string;
  /** When the goods arrived (YYYY-MM-DD, HH:mm:ss); defaults to the answer's date and time. */
  deliveryDate?: string;
  deliveryTime?: string;
  note?: string;
}

export interface DespatchFacts {
  id: string;
  uuid: string;
  issueDate: string;
  profileId: string;
  orderRefs: { id: string; issueDate: string }[];
  supplier: Party;
  customer: Party;
  lines: { id: string; quantity: Decimal; unitCode: string; itemName: string; sellersItemId?: string; orderLineId?: string }[];
}

const kids = (el: Element | undefined, ns: string, name: string): Element[] =>
  el ? [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) : [];
const first = (el: Element | undefined, ns: string, name: string) => kids(el, ns, name)[0];
const txt = (el: Element | undefined, name: string) => first(el, UBL_NS.cbc, name)?.textContent?.trim() || undefined;

function readParty(wrapper: Element | undefined): Party | undefined {
  const p = first(wrapper, UBL_NS.cac, 'Party');
  const idEl = kids(p, UBL_NS.cac, 'PartyIdentification')
    .map((pi) => first(pi, UBL_NS.cbc, 'ID'))
    .find((e) => /^(VKN|TCKN)$/.test(e?.getAttribute('schemeID') ?? ''));
  const value = idEl?.textContent?.trim();
  if (!p || !idEl || !value) return undefined;
  const a = first(p, UBL_NS.cac, 'PostalAddress');
  const country = first(a, UBL_NS.cac, 'Country');
  const address: Address = {
    ...(txt(a, 'StreetName') ? { street: txt(a, 'StreetName')! } : {}),
    ...(txt(a, 'BuildingNumber') ? { buildingNumber: txt(a, 'BuildingNumber')! } : {}),
    ...(txt(a, 'CitySubdivisionName') ? { citySubdivision: txt(a, 'CitySubdivisionName')! } : {}),
    ...(txt(a, 'CityName') ? { city: txt(a, 'CityName')! } : {}),
    ...(txt(a, 'PostalZone') ? { postalCode: txt(a, 'PostalZone')! } : {}),
    ...(txt(a, 'District') ? { district: txt(a, 'District')! } : {}),
    ...(txt(country, 'IdentificationCode') ? { countryCode: txt(country, 'IdentificationCode')! } : {}),
    country: txt(country, 'Name') ?? 'Türkiye',
  };
  const person = first(p, UBL_NS.cac, 'Person');
  const firstName = txt(person, 'FirstName');
  const familyName = txt(person, 'FamilyName');
  const contact = first(p, UBL_NS.cac, 'Contact');
  const name = txt(first(p, UBL_NS.cac, 'PartyName'), 'Name') ?? [firstName, familyName].filter(Boolean).join(' ');
  const taxOffice = txt(first(first(p, UBL_NS.cac, 'PartyTaxScheme'), UBL_NS.cac, 'TaxScheme'), 'Name');
  return {
    taxId: { scheme: idEl.getAttribute('schemeID') as 'VKN' | 'TCKN', value },
    name: name || value,
    ...(firstName && familyName ? { person: { firstName, familyName } } : {}),
    ...(taxOffice ? { taxOffice } : {}),
    ...(txt(contact, 'Telephone') ? { phone: txt(contact, 'Telephone')! } : {}),
    ...(txt(contact, 'ElectronicMail') ? { email: txt(contact, 'ElectronicMail')! } : {}),
    address,
  };
}

/** What an answer needs of the received despatch; RECEIPT_DESPATCH_UNREADABLE when it is not a usable DespatchAdvice. */
export function readDespatchFacts(xml: string): DespatchFacts {
  let root: Element | null = null;
  try {
    root = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml').documentElement as unknown as Element | null;
  } catch {
    root = null;
  }
  const unreadable = (why: string) => new KonnektorError('RECEIPT_DESPATCH_UNREADABLE', `The despatch to answer is unusable: ${why}`);
  if (!root || root.localName !== 'DespatchAdvice' || root.namespaceURI !== NS.despatchAdvice) throw unreadable('not a UBL DespatchAdvice');
  const id = txt(root, 'ID');
  const uuid = txt(root, 'UUID');
  const issueDate = txt(root, 'IssueDate');
  if (!id || !uuid || !issueDate) throw unreadable('ID, UUID or IssueDate missing');
  const supplier = readParty(first(root, UBL_NS.cac, 'DespatchSupplierParty'));
  const customer = readParty(first(root, UBL_NS.cac, 'DeliveryCustomerParty'));
  if (!supplier || !customer) throw unreadable('supplier or customer without VKN/TCKN');
  const lines = kids(root, UBL_NS.cac, 'DespatchLine').map((l) => {
    const q = first(l, UBL_NS.cbc, 'DeliveredQuantity');
    const item = first(l, UBL_NS.cac, 'Item');
    const lineId = txt(l, 'ID');
    const qty = q?.textContent?.trim();
    if (!lineId || !q || !qty || !/^\d+(\.\d+)?$/.test(qty)) throw unreadable(`line ${lineId ?? '?'} without ID or DeliveredQuantity`);
    const sellersItemId = txt(first(item, UBL_NS.cac, 'SellersItemIdentification'), 'ID');
    const orderLineId = txt(first(l, UBL_NS.cac, 'OrderLineReference'), 'LineID');
    return {
      id: lineId,
      quantity: new Decimal(qty),
      unitCode: q.getAttribute('unitCode') || 'C62',
      itemName: txt(item, 'Name') ?? '',
      ...(sellersItemId ? { sellersItemId } : {}),
      ...(orderLineId ? { orderLineId } : {}),
    };
  });
  if (lines.length === 0) throw unreadable('no DespatchLine');
  return {
    id,
    uuid,
    issueDate,
    profileId: txt(root, 'ProfileID') ?? 'TEMELIRSALIYE',
    orderRefs: kids(root, UBL_NS.cac, 'OrderReference').map((o) => ({ id: txt(o, 'ID') ?? '', issueDate: txt(o, 'IssueDate') ?? issueDate })),
    supplier,
    customer,
    lines,
  };
}

function quantity(v: Decimal.Value | undefined, lineId: string, what: string): Decimal {
  if (v === undefined || v === '') return new Decimal(0);
  let d: Decimal;
  try {
    d = new Decimal(v);
  } catch {
    throw new KonnektorError('RECEIPT_QUANTITY_INVALID', `Line ${lineId}: ${what} ${String(v)} is not a number`, { line: lineId, value: String(v) });
  }
  if (!d.isFinite() || d.isNegative()) throw new KonnektorError('RECEIPT_QUANTITY_INVALID', `Line ${lineId}: ${what} ${String(v)} is negative`, { line: lineId, value: String(v) });
  return d;
}

export interface ResolvedReceiptLine {
  lineId: string;
  unitCode: string;
  itemName: string;
  sellersItemId?: string;
  orderLineId?: string;
  despatched: Decimal;
  received: Decimal;
  short: Decimal;
  rejected: Decimal;
  oversupply: Decimal;
  rejectReason?: string;
  note?: string;
}

/** Every despatch line with its answer, checked: known line, non-negative quantities that add up, a reason per rejection. */
export function resolveReceiptLines(facts: DespatchFacts, answers: readonly ReceiptLineAnswer[] = []): ResolvedReceiptLine[] {
  const byId = new Map<string, ReceiptLineAnswer>();
  for (const a of answers) {
    if (!facts.lines.some((l) => l.id === a.lineId)) throw new KonnektorError('RECEIPT_LINE_UNKNOWN', `The despatch has no line ${a.lineId} (lines: ${facts.lines.map((l) => l.id).join(', ')})`, { line: a.lineId });
    byId.set(a.lineId, a);
  }
  return facts.lines.map((l) => {
    const a = byId.get(l.id);
    const short = quantity(a?.short, l.id, 'short');
    const rejected = quantity(a?.rejected, l.id, 'rejected');
    const oversupply = quantity(a?.oversupply, l.id, 'oversupply');
    const expected = l.quantity.plus(oversupply).minus(short).minus(rejected);
    const received = a?.received !== undefined && a.received !== '' ? quantity(a.received, l.id, 'received') : expected;
    if (expected.isNegative() || !received.equals(expected)) {
      throw new KonnektorError('RECEIPT_QUANTITY_MISMATCH', `Line ${l.id}: received ${received} + short ${short} + rejected ${rejected} ≠ despatched ${l.quantity} + oversupply ${oversupply}`, { line: l.id });
    }
    const reason = a?.rejectReason?.trim();
    if (rejected.greaterThan(0) && !reason) throw new KonnektorError('RECEIPT_REJECT_REASON_REQUIRED', `Line ${l.id}: ${rejected} rejected without a reason`, { line: l.id });
    const note = a?.note?.trim();
    return {
      lineId: l.id,
      unitCode: l.unitCode,
      itemName: l.itemName,
      ...(l.sellersItemId ? { sellersItemId: l.sellersItemId } : {}),
      ...(l.orderLineId ? { orderLineId: l.orderLineId } : {}),
      despatched: l.quantity,
      received,
      short,
      rejected,
      oversupply,
      ...(reason && rejected.greaterThan(0) ? { rejectReason: reason } : {}),
      ...(note ? { note } : {}),
    };
  });
}

/** Builds the ReceiptAdvice XML; bad answers throw a KonnektorError before anything is written. */
export function buildReceiptAdvice(input: ReceiptAdviceInput): string {
  const facts = readDespatchFacts(input.despatchXml);
  const lines = resolveReceiptLines(facts, input.lines);
  const us = facts.customer;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.receiptAdvice, 'ReceiptAdvice', {
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
    'xmlns:ext': NS.ext,
  });
  signaturePlace(root);
  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', 'TR1.2.1');
  cbc(root, 'ProfileID', facts.profileId);
  cbc(root, 'ID', input.id);
  cbc(root, 'CopyIndicator', 'false');
  cbc(root, 'UUID', input.uuid);
  cbc(root, 'IssueDate', input.issueDate);
  cbc(root, 'IssueTime', input.issueTime);
  cbc(root, 'ReceiptAdviceTypeCode', 'SEVK');
  if (input.note?.trim()) cbc(root, 'Note', input.note.trim());
  cbc(root, 'LineCountNumeric', String(lines.length));
  for (const o of facts.orderRefs) {
    if (!o.id) continue;
    const el = cac(root, 'OrderReference');
    cbc(el, 'ID', o.id);
    cbc(el, 'IssueDate', o.issueDate);
  }
  documentReference(root, 'DespatchDocumentReference', { id: facts.uuid, issueDate: facts.issueDate });
  documentReference(root, 'AdditionalDocumentReference', { id: facts.id, issueDate: facts.issueDate, typeCode: 'DespatchAdviceID', type: 'DespatchAdvice ID' });
  signature(root, us, input.id);
  party(cac(root, 'DeliveryCustomerParty'), us);
  party(cac(root, 'DespatchSupplierParty'), facts.supplier);
  const shipment = cac(root, 'Shipment');
  cbc(shipment, 'ID', '');
  const delivery = cac(shipment, 'Delivery');
  cbc(delivery, 'ActualDeliveryDate', input.deliveryDate ?? input.issueDate);
  cbc(delivery, 'ActualDeliveryTime', input.deliveryTime ?? input.issueTime);
  const late = input.lateDelivery?.trim();
  for (const l of lines) {
    const el = cac(root, 'ReceiptLine');
    cbc(el, 'ID', l.lineId);
    if (l.note) cbc(el, 'Note', l.note);
    cbc(el, 'ReceivedQuantity', l.received.toFixed(), { unitCode: l.unitCode });
    if (l.short.greaterThan(0)) cbc(el, 'ShortQuantity', l.short.toFixed(), { unitCode: l.unitCode });
    if (l.rejected.greaterThan(0)) cbc(el, 'RejectedQuantity', l.rejected.toFixed(), { unitCode: l.unitCode });
    if (l.rejectReason) cbc(el, 'RejectReason', l.rejectReason);
    if (l.oversupply.greaterThan(0)) cbc(el, 'OversupplyQuantity', l.oversupply.toFixed(), { unitCode: l.unitCode });
    if (late) cbc(el, 'TimingComplaint', late);
    if (l.orderLineId) cbc(cac(el, 'OrderLineReference'), 'LineID', l.orderLineId);
    cbc(cac(el, 'DespatchLineReference'), 'LineID', l.lineId);
    const item = cac(el, 'Item');
    cbc(item, 'Name', l.itemName);
    if (l.sellersItemId) cbc(cac(item, 'SellersItemIdentification'), 'ID', l.sellersItemId);
  }
  return root.end({ prettyPrint: false });
}
