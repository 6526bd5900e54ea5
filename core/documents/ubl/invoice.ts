import type Decimal from 'decimal.js';
import type { Address, InvoiceDocument, Party } from '../model';
import { computeInvoice, type ComputedInvoice, type ComputedLine } from '../totals';
import { NS } from './namespaces';
import { XmlElement, xmlDocumentText } from './xmlWriter';

/**
 * UBL-TR 1.2.1 Invoice builder. Elements are written in exactly the order of GİB's UBL-Invoice-2.1.xsd and
 * UBL-CommonAggregateComponents-2.1.xsd (ubl-tr.md §3): the writer keeps insertion order, so the order of the
 * calls below is the schema's sequence. The prefixes (cac, cbc, ext) are declared once, on the root.
 */
export type InvoiceProfile = 'TEMELFATURA' | 'TICARIFATURA' | 'EARSIVFATURA' | 'IHRACAT' | 'KAMU';

/** The customs administration every IHRACAT invoice is addressed to (GİB's IHRACAT sample). */
export const GTB_CUSTOMER = {
  vkn: '1460415308',
  name: 'Gümrük ve Ticaret Bakanlığı Gümrükler Genel Müdürlüğü- Bilgi İşlem Dairesi Başkanlığı',
  city: 'Ankara',
  taxOffice: 'Ulus',
} as const;

export interface ViewStylesheet {
  /** File name without extension, used as the reference ID. */
  name: string;
  content: string;
}

export interface InvoiceBuildInput {
  doc: InvoiceDocument;
  /** GİB number, e.g. KNF2026000000001. */
  id: string;
  /** ETTN. */
  uuid: string;
  profile: InvoiceProfile;
  supplier: Party;
  /** HH:mm:ss, Türkiye time. */
  issueTime: string;
  view: ViewStylesheet;
}

export interface BuiltInvoice {
  xml: string;
  computed: ComputedInvoice;
}

const amt = (d: Decimal) => d.toFixed(2);
const plain = (d: Decimal) => d.toFixed();

type Node = XmlElement;

function cbc(parent: Node, name: string, text: string, attrs?: Record<string, string>): Node {
  parent.ele(`cbc:${name}`, attrs).txt(text);
  return parent;
}

function cac(parent: Node, name: string): Node {
  return parent.ele(`cac:${name}`);
}

function money(parent: Node, name: string, value: Decimal, currency: string): Node {
  return cbc(parent, name, amt(value), { currencyID: currency });
}

function postalAddress(parent: Node, a: Address, name = 'PostalAddress'): void {
  const el = cac(parent, name);
  if (a.street) cbc(el, 'StreetName', a.street);
  if (a.buildingNumber) cbc(el, 'BuildingNumber', a.buildingNumber);
  cbc(el, 'CitySubdivisionName', a.citySubdivision ?? a.district ?? '');
  cbc(el, 'CityName', a.city ?? '');
  if (a.postalCode) cbc(el, 'PostalZone', a.postalCode);
  if (a.district && a.citySubdivision && a.district !== a.citySubdivision) cbc(el, 'District', a.district);
  const country = cac(el, 'Country');
  if (a.countryCode) cbc(country, 'IdentificationCode', a.countryCode);
  cbc(country, 'Name', a.country);
}

function party(parent: Node, p: Party, opts: { website?: string } = {}): void {
  const el = cac(parent, 'Party');
  if (opts.website) cbc(el, 'WebsiteURI', opts.website);
  cbc(cac(el, 'PartyIdentification'), 'ID', p.taxId.value, { schemeID: p.taxId.scheme });
  if (p.taxId.scheme === 'VKN' || !p.person) cbc(cac(el, 'PartyName'), 'Name', p.name);
  postalAddress(el, p.address);
  if (p.taxOffice) cbc(cac(cac(el, 'PartyTaxScheme'), 'TaxScheme'), 'Name', p.taxOffice);
  if (p.phone || p.email) {
    const contact = cac(el, 'Contact');
    if (p.phone) cbc(contact, 'Telephone', p.phone);
    if (p.email) cbc(contact, 'ElectronicMail', p.email);
  }
  if (p.taxId.scheme === 'TCKN' && p.person) {
    const person = cac(el, 'Person');
    cbc(person, 'FirstName', p.person.firstName);
    cbc(person, 'FamilyName', p.person.familyName);
  }
}

function documentReference(parent: Node, name: string, ref: { id: string; issueDate: string; typeCode?: string; type?: string }): Node {
  const el = cac(parent, name);
  cbc(el, 'ID', ref.id);
  cbc(el, 'IssueDate', ref.issueDate);
  if (ref.typeCode) cbc(el, 'DocumentTypeCode', ref.typeCode);
  if (ref.type) cbc(el, 'DocumentType', ref.type);
  return el;
}

function taxSubtotalCategory(sub: Node, exemption: { code: string; reason?: string } | undefined): void {
  const category = cac(sub, 'TaxCategory');
  if (exemption) {
    cbc(category, 'TaxExemptionReasonCode', exemption.code);
    if (exemption.reason) cbc(category, 'TaxExemptionReason', exemption.reason);
  }
  const scheme = cac(category, 'TaxScheme');
  cbc(scheme, 'Name', 'KDV');
  cbc(scheme, 'TaxTypeCode', '0015');
}

function withholdingTotal(parent: Node, groups: { code: string; percent: Decimal; taxable: Decimal; amount: Decimal }[], currency: string): void {
  const total = cac(parent, 'WithholdingTaxTotal');
  money(total, 'TaxAmount', groups.reduce((a, g) => a.plus(g.amount), groups[0]!.amount.mul(0)), currency);
  for (const g of groups) {
    const sub = cac(total, 'TaxSubtotal');
    money(sub, 'TaxableAmount', g.taxable, currency);
    money(sub, 'TaxAmount', g.amount, currency);
    // GİB checks concat(TaxTypeCode, Percent) against its list: the percent is a bare integer ("70", never "70.00").
    cbc(sub, 'Percent', g.percent.toFixed(0));
    const scheme = cac(cac(sub, 'TaxCategory'), 'TaxScheme');
    cbc(scheme, 'Name', 'KDV TEVKİFAT');
    cbc(scheme, 'TaxTypeCode', g.code);
  }
}

function invoiceLine(parent: Node, c: ComputedLine, index: number, doc: InvoiceDocument, currency: string): void {
  const el = cac(parent, 'InvoiceLine');
  cbc(el, 'ID', String(index + 1));
  if (c.line.description && c.line.description !== c.line.itemName) cbc(el, 'Note', c.line.description);
  cbc(el, 'InvoicedQuantity', plain(c.line.quantity), { unitCode: c.line.unitCode });
  money(el, 'LineExtensionAmount', c.lineExtension, currency);
  if (doc.exportInfo) {
    const delivery = cac(el, 'Delivery');
    postalAddress(delivery, doc.exportInfo.deliveryAddress, 'DeliveryAddress');
    cbc(cac(delivery, 'DeliveryTerms'), 'ID', doc.exportInfo.incoterms, { schemeID: 'INCOTERMS' });
    const shipment = cac(delivery, 'Shipment');
    cbc(shipment, 'ID', '');
    const gtip = doc.exportInfo.gtip?.[c.line.lineNo];
    if (gtip) cbc(cac(shipment, 'GoodsItem'), 'RequiredCustomsID', gtip);
    cbc(cac(shipment, 'ShipmentStage'), 'TransportModeCode', doc.exportInfo.transportModeCode);
  }
  for (const a of c.allowances) {
    const ac = cac(el, 'AllowanceCharge');
    cbc(ac, 'ChargeIndicator', a.isCharge ? 'true' : 'false');
    if (a.reason) cbc(ac, 'AllowanceChargeReason', a.reason);
    if (a.percent) cbc(ac, 'MultiplierFactorNumeric', plain(a.percent.div(100)));
    money(ac, 'Amount', a.amount, currency);
    if (a.baseAmount) money(ac, 'BaseAmount', a.baseAmount, currency);
  }
  const taxTotal = cac(el, 'TaxTotal');
  money(taxTotal, 'TaxAmount', c.vat, currency);
  const sub = cac(taxTotal, 'TaxSubtotal');
  money(sub, 'TaxableAmount', c.lineExtension, currency);
  money(sub, 'TaxAmount', c.vat, currency);
  cbc(sub, 'Percent', plain(c.vatRate));
  taxSubtotalCategory(sub, c.exemption);
  if (c.withholding) withholdingTotal(el, [c.withholding], currency);
  const item = cac(el, 'Item');
  cbc(item, 'Name', c.line.itemName);
  if (c.line.itemCode) cbc(cac(item, 'SellersItemIdentification'), 'ID', c.line.itemCode);
  // Unit prices keep their own precision; only amounts are stated with 2 decimals.
  cbc(cac(el, 'Price'), 'PriceAmount', plain(c.line.unitPrice), { currencyID: currency });
}

/** The view stylesheet embedded in every invoice of a run: encoded once, not per document. */
let lastView: { content: string; base64: string } | null = null;
function base64Of(content: string): string {
  if (lastView?.content !== content) lastView = { content, base64: Buffer.from(content, 'utf8').toString('base64') };
  return lastView.base64;
}

/** Builds the invoice XML. Numbers, ETTN, profile and supplier are decided by the caller (numbering, routing). */
export function buildInvoiceUbl(input: InvoiceBuildInput): BuiltInvoice {
  const { doc, id, uuid, profile, supplier } = input;
  const computed = computeInvoice(doc);
  const currency = doc.currency;
  const root = new XmlElement('Invoice', {
    xmlns: NS.invoice,
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
    'xmlns:ext': NS.ext,
  });

  const content = root.ele('ext:UBLExtensions').ele('ext:UBLExtension').ele('ext:ExtensionContent');
  content.ele('imza:Yer', { 'xmlns:imza': NS.placeholder });

  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', 'TR1.2');
  cbc(root, 'ProfileID', profile);
  cbc(root, 'ID', id);
  cbc(root, 'CopyIndicator', 'false');
  cbc(root, 'UUID', uuid);
  cbc(root, 'IssueDate', doc.issueDate);
  cbc(root, 'IssueTime', input.issueTime);
  cbc(root, 'InvoiceTypeCode', doc.type);
  for (const note of doc.notes) cbc(root, 'Note', note);
  if (doc.earsiv) {
    cbc(root, 'Note', `Gönderim Şekli: ${doc.earsiv.sendingType}`);
    if (doc.earsiv.internetSale) cbc(root, 'Note', 'e-Arşiv izni kapsamında elektronik ortamda iletilmiştir.');
  }
  cbc(root, 'DocumentCurrencyCode', currency);
  cbc(root, 'LineCountNumeric', String(doc.lines.length));
  if (doc.orderRef) {
    const order = cac(root, 'OrderReference');
    cbc(order, 'ID', doc.orderRef.id);
    cbc(order, 'IssueDate', doc.orderRef.issueDate ?? doc.issueDate);
  }
  for (const r of doc.returnRefs) {
    documentReference(cac(root, 'BillingReference'), 'InvoiceDocumentReference', {
      id: r.id,
      issueDate: r.issueDate ?? doc.issueDate,
      typeCode: 'IADE',
    });
  }
  for (const r of doc.despatchRefs) documentReference(root, 'DespatchDocumentReference', { id: r.id, issueDate: r.issueDate ?? doc.issueDate });
  if (doc.earsiv) {
    documentReference(root, 'AdditionalDocumentReference', { id: id, issueDate: doc.issueDate, typeCode: 'SendingType', type: doc.earsiv.sendingType });
  }
  const view = documentReference(root, 'AdditionalDocumentReference', { id: input.view.name, issueDate: doc.issueDate, type: 'XSLT' });
  cac(view, 'Attachment')
    .ele('cbc:EmbeddedDocumentBinaryObject', {
      characterSetCode: 'UTF-8',
      encodingCode: 'Base64',
      filename: `${input.view.name}.xslt`,
      mimeCode: 'application/xml',
    })
    .base64(base64Of(input.view.content));

  const signature = cac(root, 'Signature');
  cbc(signature, 'ID', supplier.taxId.value, { schemeID: 'VKN_TCKN' });
  const signatory = cac(signature, 'SignatoryParty');
  cbc(cac(signatory, 'PartyIdentification'), 'ID', supplier.taxId.value, { schemeID: supplier.taxId.scheme });
  postalAddress(signatory, supplier.address);
  cbc(cac(cac(signature, 'DigitalSignatureAttachment'), 'ExternalReference'), 'URI', `#Signature_${id}`);

  party(cac(root, 'AccountingSupplierParty'), supplier, doc.earsiv?.internetSale ? { website: doc.earsiv.internetSale.webAddress } : {});
  if (profile === 'IHRACAT') {
    party(cac(root, 'AccountingCustomerParty'), {
      taxId: { scheme: 'VKN', value: GTB_CUSTOMER.vkn },
      name: GTB_CUSTOMER.name,
      address: { citySubdivision: 'Altındağ', city: GTB_CUSTOMER.city, country: 'Türkiye' },
      taxOffice: GTB_CUSTOMER.taxOffice,
    });
    const buyer = cac(cac(root, 'BuyerCustomerParty'), 'Party');
    cbc(cac(buyer, 'PartyIdentification'), 'ID', 'EXPORT', { schemeID: 'PARTYTYPE' });
    cbc(cac(buyer, 'PartyName'), 'Name', doc.customer.name);
    postalAddress(buyer, doc.customer.address);
    const legal = cac(buyer, 'PartyLegalEntity');
    cbc(legal, 'RegistrationName', doc.customer.name);
    cbc(legal, 'CompanyID', doc.customer.taxId.value);
  } else {
    party(cac(root, 'AccountingCustomerParty'), doc.customer);
  }

  const sale = doc.earsiv?.internetSale;
  if (sale) {
    const delivery = cac(root, 'Delivery');
    const carrier = cac(delivery, 'CarrierParty');
    cbc(cac(carrier, 'PartyIdentification'), 'ID', sale.carrier.taxId.value, { schemeID: sale.carrier.taxId.scheme });
    cbc(cac(carrier, 'PartyName'), 'Name', sale.carrier.name);
    postalAddress(carrier, supplier.address);
    cbc(cac(delivery, 'Despatch'), 'ActualDespatchDate', sale.despatchDate);
  }
  if (sale || doc.payment?.iban || doc.payment?.meansCode) {
    const means = cac(root, 'PaymentMeans');
    cbc(means, 'PaymentMeansCode', sale?.paymentMeansCode ?? doc.payment?.meansCode ?? '42');
    const due = sale?.paymentDate ?? doc.payment?.dueDate;
    if (due) cbc(means, 'PaymentDueDate', due);
    if (sale?.paymentAgent) cbc(means, 'InstructionNote', sale.paymentAgent);
    if (doc.payment?.iban) {
      const account = cac(means, 'PayeeFinancialAccount');
      cbc(account, 'ID', doc.payment.iban);
      cbc(account, 'CurrencyCode', 'TRY');
    }
  }
  if (doc.payment?.note) cbc(cac(root, 'PaymentTerms'), 'Note', doc.payment.note);
  if (doc.exchangeRate) {
    const rate = cac(root, 'PricingExchangeRate');
    cbc(rate, 'SourceCurrencyCode', currency);
    cbc(rate, 'TargetCurrencyCode', 'TRY');
    // GİB allows at most 6 decimals in CalculationRate.
    cbc(rate, 'CalculationRate', doc.exchangeRate.toDecimalPlaces(6).toFixed());
  }

  const taxTotal = cac(root, 'TaxTotal');
  money(taxTotal, 'TaxAmount', computed.totals.vat, currency);
  for (const g of computed.taxGroups) {
    const sub = cac(taxTotal, 'TaxSubtotal');
    money(sub, 'TaxableAmount', g.taxable, currency);
    money(sub, 'TaxAmount', g.tax, currency);
    cbc(sub, 'Percent', plain(g.rate));
    taxSubtotalCategory(sub, g.exemption);
  }
  if (computed.withholdingGroups.length > 0) withholdingTotal(root, computed.withholdingGroups, currency);

  const t = computed.totals;
  const legal = cac(root, 'LegalMonetaryTotal');
  money(legal, 'LineExtensionAmount', t.lineExtension, currency);
  money(legal, 'TaxExclusiveAmount', t.taxExclusive, currency);
  money(legal, 'TaxInclusiveAmount', t.taxInclusive, currency);
  money(legal, 'AllowanceTotalAmount', t.allowanceTotal, currency);
  if (!t.chargeTotal.isZero()) money(legal, 'ChargeTotalAmount', t.chargeTotal, currency);
  money(legal, 'PayableAmount', t.payable, currency);

  computed.lines.forEach((c, i) => invoiceLine(root, c, i, doc, currency));
  return { xml: xmlDocumentText(root), computed };
}
