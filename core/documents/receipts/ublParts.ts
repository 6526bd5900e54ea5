import type Decimal from 'decimal.js';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Address, Party } from '../model';
import type { ViewStylesheet } from '../ubl/invoice';
import { NS } from '../ubl/namespaces';
import { taxName } from './codes';
import type { TaxGroupTotal } from './totals';

/**
 * The UBL-TR pieces both receipts share, written in the order of GİB's UBL-CommonAggregateComponents-2.1.xsd
 * (xmlbuilder2 keeps insertion order). The receipts' own documents are in producerReceiptUbl.ts (CreditNote) and
 * feeReceiptUbl.ts (Invoice).
 */
export type Node = XMLBuilder;

export const amount = (d: Decimal) => d.toFixed(2);
export const plain = (d: Decimal) => d.toFixed();

export function cbc(parent: Node, name: string, text: string, attrs?: Record<string, string>): Node {
  parent.ele(NS.cbc, `cbc:${name}`, attrs).txt(text);
  return parent;
}

export const cac = (parent: Node, name: string): Node => parent.ele(NS.cac, `cac:${name}`);

export const money = (parent: Node, name: string, value: Decimal, currency: string): Node => cbc(parent, name, amount(value), { currencyID: currency });

/** The root with its namespaces, UBLExtensions (the place of the mali mühür, filled by the integrator) and header IDs. */
export function documentRoot(ns: string, root: string, head: { profile: string; id: string; uuid: string; issueDate: string; issueTime: string }): Node {
  const el = create({ version: '1.0', encoding: 'UTF-8' }).ele(ns, root, { 'xmlns:cac': NS.cac, 'xmlns:cbc': NS.cbc, 'xmlns:ext': NS.ext });
  el.ele(NS.ext, 'ext:UBLExtensions').ele(NS.ext, 'ext:UBLExtension').ele(NS.ext, 'ext:ExtensionContent').ele(NS.placeholder, 'imza:Yer', { 'xmlns:imza': NS.placeholder });
  cbc(el, 'UBLVersionID', '2.1');
  cbc(el, 'CustomizationID', 'TR1.2.1');
  cbc(el, 'ProfileID', head.profile);
  cbc(el, 'ID', head.id);
  cbc(el, 'CopyIndicator', 'false');
  cbc(el, 'UUID', head.uuid);
  cbc(el, 'IssueDate', head.issueDate);
  cbc(el, 'IssueTime', head.issueTime);
  return el;
}

export function documentReference(parent: Node, ref: { id: string; issueDate: string; typeCode?: string; type?: string }): Node {
  const el = cac(parent, 'AdditionalDocumentReference');
  cbc(el, 'ID', ref.id);
  cbc(el, 'IssueDate', ref.issueDate);
  if (ref.typeCode) cbc(el, 'DocumentTypeCode', ref.typeCode);
  if (ref.type) cbc(el, 'DocumentType', ref.type);
  return el;
}

/** The embedded view stylesheet (ubl-tr.md §4: DocumentType XSLT, base64, application/xml). */
export function embeddedView(parent: Node, view: ViewStylesheet, issueDate: string): void {
  const ref = documentReference(parent, { id: view.name, issueDate, type: 'XSLT' });
  cbc(cac(ref, 'Attachment'), 'EmbeddedDocumentBinaryObject', Buffer.from(view.content, 'utf8').toString('base64'), {
    characterSetCode: 'UTF-8',
    encodingCode: 'Base64',
    filename: `${view.name}.xslt`,
    mimeCode: 'application/xml',
  });
}

export function postalAddress(parent: Node, a: Address, name = 'PostalAddress'): void {
  const el = cac(parent, name);
  if (a.street) cbc(el, 'StreetName', a.street);
  if (a.buildingNumber) cbc(el, 'BuildingNumber', a.buildingNumber);
  cbc(el, 'CitySubdivisionName', a.citySubdivision ?? a.district ?? '');
  cbc(el, 'CityName', a.city ?? '');
  if (a.postalCode) cbc(el, 'PostalZone', a.postalCode);
  const country = cac(el, 'Country');
  if (a.countryCode) cbc(country, 'IdentificationCode', a.countryCode);
  cbc(country, 'Name', a.country);
}

export function signature(parent: Node, issuer: Party, id: string): void {
  const el = cac(parent, 'Signature');
  cbc(el, 'ID', issuer.taxId.value, { schemeID: 'VKN_TCKN' });
  const signatory = cac(el, 'SignatoryParty');
  cbc(cac(signatory, 'PartyIdentification'), 'ID', issuer.taxId.value, { schemeID: issuer.taxId.scheme });
  postalAddress(signatory, issuer.address);
  cbc(cac(cac(el, 'DigitalSignatureAttachment'), 'ExternalReference'), 'URI', `#Signature_${id}`);
}

/** A party: VKN → PartyName; TCKN → Person (GİB's party rules). */
export function party(wrapper: Node, p: Party): void {
  const el = cac(wrapper, 'Party');
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

/** A TaxTotal (or WithholdingTaxTotal) of grouped taxes; the percent as a bare number (GİB's code+percent lists). */
export function taxTotal(parent: Node, groups: readonly TaxGroupTotal[], currency: string, name: 'TaxTotal' | 'WithholdingTaxTotal' = 'TaxTotal'): void {
  const total = cac(parent, name);
  money(total, 'TaxAmount', groups.reduce((a, g) => a.plus(g.amount), groups[0]!.amount.mul(0)), currency);
  groups.forEach((g, i) => {
    const sub = cac(total, 'TaxSubtotal');
    money(sub, 'TaxableAmount', g.taxable, currency);
    money(sub, 'TaxAmount', g.amount, currency);
    cbc(sub, 'CalculationSequenceNumeric', String(i + 1));
    cbc(sub, 'Percent', plain(g.percent));
    const category = cac(sub, 'TaxCategory');
    if (g.exemption) {
      cbc(category, 'TaxExemptionReasonCode', g.exemption.code);
      if (g.exemption.reason) cbc(category, 'TaxExemptionReason', g.exemption.reason);
    }
    const scheme = cac(category, 'TaxScheme');
    cbc(scheme, 'Name', taxName(g.code));
    cbc(scheme, 'TaxTypeCode', g.code);
  });
}
