import { create } from 'xmlbuilder2';
import Decimal from 'decimal.js';
import { normalizePlate } from '../despatch/precheck';
import type { DespatchDocument, DespatchLine, DespatchProfile, Party } from '../model';
import { cac, cbc, documentReference, party, postalAddress, signature, signaturePlace, viewReference, type Node } from './despatchParts';
import type { ViewStylesheet } from './invoice';
import { NS } from './namespaces';

/**
 * UBL-TR 1.2.1 DespatchAdvice (e-İrsaliye) builder. Elements follow GİB's UBL-DespatchAdvice-2.1.xsd exactly
 * (efinans-despatch-receipts-ledger.md §1.3): UBLExtensions, UBLVersionID, CustomizationID, ProfileID, ID,
 * CopyIndicator, UUID, IssueDate, IssueTime, DespatchAdviceTypeCode, Note*, LineCountNumeric, OrderReference*,
 * AdditionalDocumentReference*, Signature, DespatchSupplierParty, DeliveryCustomerParty, BuyerCustomerParty?,
 * Shipment, DespatchLine+. Transport is laid out as GİB's samples and its despatch view (irsaliye.xslt) read it:
 * the vehicle plate in ShipmentStage/TransportMeans/RoadTransport/LicensePlateID (PLAKA), the drivers as
 * ShipmentStage/DriverPerson, the carrier firm as Delivery/CarrierParty, trailer plates as
 * TransportHandlingUnit/TransportEquipment/ID (DORSEPLAKA).
 */
export interface DespatchBuildInput {
  doc: DespatchDocument;
  /** GİB number, e.g. KNI2026000000001. */
  id: string;
  /** ETTN. */
  uuid: string;
  profile: DespatchProfile;
  supplier: Party;
  /** HH:mm:ss, Türkiye time. */
  issueTime: string;
  view: ViewStylesheet;
}

/** GİB's despatch samples (Irsaliye-Ornek*, IDIS_Irsaliye) declare TR1.2.1; CustomizationIDCheck accepts TR1.2 and TR1.2.1. */
export const DESPATCH_CUSTOMIZATION_ID = 'TR1.2.1';

/** The MATBUDAN paper despatch's reference, as GİB's Irsaliye-Matbudan sample writes it. */
export const PAPER_DOCUMENT_TYPE = 'MATBU';

const plain = (d: Decimal) => d.toFixed();
const amount = (d: Decimal) => d.toFixed(2);

/** The profile a despatch goes under: what the program says, else what its lines carry (künye: HKS, etiket: İDİS). */
export function despatchProfileOf(doc: Pick<DespatchDocument, 'profileHint' | 'lines'>): DespatchProfile {
  if (doc.profileHint) return doc.profileHint;
  if (doc.lines.length > 0 && doc.lines.every((l) => l.kunyeNo)) return 'HKSIRSALIYE';
  if (doc.lines.some((l) => l.etiketNos && l.etiketNos.length > 0)) return 'IDISIRSALIYE';
  return 'TEMELIRSALIYE';
}

/** Whether the despatch states amounts (a priced despatch): then every line with an amount gets its InvoiceLine. */
function priced(doc: DespatchDocument): boolean {
  return doc.lines.some((l) => l.amount !== undefined);
}

function shipment(root: Node, doc: DespatchDocument, currency: string): void {
  const el = cac(root, 'Shipment');
  // GİB's schema requires Shipment/cbc:ID; the samples leave it empty.
  cbc(el, 'ID', '');
  if (priced(doc)) {
    const total = doc.lines.reduce((a, l) => a.plus(l.amount ?? 0), new Decimal(0));
    cbc(cac(el, 'GoodsItem'), 'ValueAmount', amount(total), { currencyID: currency });
  }
  const plates = doc.vehiclePlates.length > 0 ? doc.vehiclePlates : [undefined];
  plates.forEach((plate, i) => {
    if (!plate && doc.drivers.length === 0) return;
    const stage = cac(el, 'ShipmentStage');
    if (plate) cbc(cac(cac(stage, 'TransportMeans'), 'RoadTransport'), 'LicensePlateID', normalizePlate(plate), { schemeID: 'PLAKA' });
    // The drivers travel with the first vehicle.
    if (i === 0) {
      for (const d of doc.drivers) {
        const person = cac(stage, 'DriverPerson');
        cbc(person, 'FirstName', d.firstName);
        cbc(person, 'FamilyName', d.familyName);
        cbc(person, 'Title', 'Şoför');
        cbc(person, 'NationalityID', d.tckn);
      }
    }
  });
  const delivery = cac(el, 'Delivery');
  postalAddress(delivery, doc.deliveryAddress, 'DeliveryAddress');
  if (doc.carrier) {
    const c = doc.carrier;
    const carrier = cac(delivery, 'CarrierParty');
    cbc(cac(carrier, 'PartyIdentification'), 'ID', c.taxId.value, { schemeID: c.taxId.scheme });
    if (c.taxId.scheme === 'VKN' || !c.person) cbc(cac(carrier, 'PartyName'), 'Name', c.name);
    postalAddress(carrier, c.address);
    if (c.taxId.scheme === 'TCKN' && c.person) {
      const person = cac(carrier, 'Person');
      cbc(person, 'FirstName', c.person.firstName);
      cbc(person, 'FamilyName', c.person.familyName);
    }
  }
  const despatch = cac(delivery, 'Despatch');
  cbc(despatch, 'ActualDespatchDate', doc.despatchDate);
  cbc(despatch, 'ActualDespatchTime', doc.despatchTime);
  if (doc.trailerPlates.length > 0) {
    const unit = cac(el, 'TransportHandlingUnit');
    for (const t of doc.trailerPlates) cbc(cac(unit, 'TransportEquipment'), 'ID', normalizePlate(t), { schemeID: 'DORSEPLAKA' });
  }
}

function despatchLine(root: Node, l: DespatchLine, index: number, currency: string): void {
  const el = cac(root, 'DespatchLine');
  cbc(el, 'ID', String(index + 1));
  if (l.description && l.description !== l.itemName) cbc(el, 'Note', l.description);
  cbc(el, 'DeliveredQuantity', plain(l.quantity), { unitCode: l.unitCode });
  cbc(cac(el, 'OrderLineReference'), 'LineID', l.orderLineId ?? String(index + 1));
  const item = cac(el, 'Item');
  cbc(item, 'Name', l.itemName);
  if (l.itemCode) cbc(cac(item, 'SellersItemIdentification'), 'ID', l.itemCode);
  if (l.kunyeNo) cbc(cac(item, 'AdditionalItemIdentification'), 'ID', l.kunyeNo, { schemeID: 'KUNYENO' });
  for (const etiket of l.etiketNos ?? []) cbc(cac(item, 'AdditionalItemIdentification'), 'ID', etiket, { schemeID: 'ETIKETNO' });
  if (l.amount !== undefined) {
    // A priced line: the amounts travel as an InvoiceLine of the line's goods (GİB's Irsaliye-Ornek1 and
    // IDIS_Irsaliye): InvoicedQuantity 0 — the despatch invoices nothing — the line amount and the unit price.
    const lineShipment = cac(el, 'Shipment');
    cbc(lineShipment, 'ID', '');
    const invoiceLine = cac(cac(lineShipment, 'GoodsItem'), 'InvoiceLine');
    cbc(invoiceLine, 'ID', String(index + 1));
    cbc(invoiceLine, 'InvoicedQuantity', '0', { unitCode: l.unitCode });
    cbc(invoiceLine, 'LineExtensionAmount', amount(l.amount), { currencyID: currency });
    cbc(cac(invoiceLine, 'Item'), 'Name', l.itemName);
    cbc(cac(invoiceLine, 'Price'), 'PriceAmount', plain(l.unitPrice ?? l.amount), { currencyID: currency });
  }
}

/** Builds the despatch XML. Number, ETTN, profile and supplier are decided by the caller (numbering, routing). */
export function buildDespatchUbl(input: DespatchBuildInput): string {
  const { doc, id, uuid, profile, supplier } = input;
  const currency = doc.currency ?? 'TRY';
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(NS.despatchAdvice, 'DespatchAdvice', {
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
    'xmlns:ext': NS.ext,
  });
  signaturePlace(root);
  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', DESPATCH_CUSTOMIZATION_ID);
  cbc(root, 'ProfileID', profile);
  cbc(root, 'ID', id);
  cbc(root, 'CopyIndicator', 'false');
  cbc(root, 'UUID', uuid);
  cbc(root, 'IssueDate', doc.issueDate);
  cbc(root, 'IssueTime', input.issueTime);
  cbc(root, 'DespatchAdviceTypeCode', doc.type);
  for (const note of doc.notes) cbc(root, 'Note', note);
  cbc(root, 'LineCountNumeric', String(doc.lines.length));
  for (const order of doc.orderRefs) {
    const el = cac(root, 'OrderReference');
    cbc(el, 'ID', order.id);
    cbc(el, 'IssueDate', order.issueDate ?? doc.issueDate);
  }
  if (doc.type === 'MATBUDAN' && doc.paperDocument) {
    documentReference(root, 'AdditionalDocumentReference', {
      id: doc.paperDocument.id,
      issueDate: doc.paperDocument.issueDate ?? doc.issueDate,
      type: PAPER_DOCUMENT_TYPE,
      description: 'Matbu irsaliye',
    });
  }
  viewReference(root, input.view, doc.issueDate);
  signature(root, supplier, id);
  party(cac(root, 'DespatchSupplierParty'), supplier, profile === 'IDISIRSALIYE' && doc.shipmentNo ? [{ scheme: 'SEVKIYATNO', value: doc.shipmentNo }] : []);
  party(cac(root, 'DeliveryCustomerParty'), doc.customer);
  if (doc.buyer) party(cac(root, 'BuyerCustomerParty'), doc.buyer);
  shipment(root, doc, currency);
  doc.lines.forEach((l, i) => despatchLine(root, l, i, currency));
  return root.end({ prettyPrint: false });
}
