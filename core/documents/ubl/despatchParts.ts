import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import type { Address, Party } from '../model';
import { NS } from './namespaces';
import type { ViewStylesheet } from './invoice';

/**
 * UBL-TR aggregates the despatch family (DespatchAdvice, ReceiptAdvice) writes, each in the element order of GİB's
 * UBL-CommonAggregateComponents-2.1.xsd (ubl-tr.md §3): xmlbuilder2 keeps insertion order, so the order of the
 * calls is the schema's sequence.
 */
export type Node = XMLBuilder;

export function cbc(parent: Node, name: string, text: string, attrs?: Record<string, string>): Node {
  parent.ele(NS.cbc, `cbc:${name}`, attrs).txt(text);
  return parent;
}

export function cac(parent: Node, name: string): Node {
  return parent.ele(NS.cac, `cac:${name}`);
}

/** AddressType: StreetName?, BuildingNumber?, CitySubdivisionName, CityName, PostalZone?, District?, Country(Name). */
export function postalAddress(parent: Node, a: Address, name = 'PostalAddress'): void {
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

/**
 * PartyType: PartyIdentification+ (the VKN/TCKN first, then `extraIds` such as İDİS's SEVKIYATNO), PartyName (a
 * company, or a person without separate names), PostalAddress, PartyTaxScheme, Contact, Person (TCKN).
 */
export function party(parent: Node, p: Party, extraIds: { scheme: string; value: string }[] = []): void {
  const el = cac(parent, 'Party');
  cbc(cac(el, 'PartyIdentification'), 'ID', p.taxId.value, { schemeID: p.taxId.scheme });
  for (const extra of extraIds) cbc(cac(el, 'PartyIdentification'), 'ID', extra.value, { schemeID: extra.scheme });
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

/** cac:Signature: where QNB applies the mali mühür of the document's issuer. */
export function signature(root: Node, issuer: Party, id: string): void {
  const el = cac(root, 'Signature');
  cbc(el, 'ID', issuer.taxId.value, { schemeID: 'VKN_TCKN' });
  const signatory = cac(el, 'SignatoryParty');
  cbc(cac(signatory, 'PartyIdentification'), 'ID', issuer.taxId.value, { schemeID: issuer.taxId.scheme });
  postalAddress(signatory, issuer.address);
  cbc(cac(cac(el, 'DigitalSignatureAttachment'), 'ExternalReference'), 'URI', `#Signature_${id}`);
}

/** DocumentReferenceType: ID, IssueDate, DocumentTypeCode?, DocumentType?, DocumentDescription*. */
export function documentReference(parent: Node, name: string, ref: { id: string; issueDate: string; typeCode?: string; type?: string; description?: string }): Node {
  const el = cac(parent, name);
  cbc(el, 'ID', ref.id);
  cbc(el, 'IssueDate', ref.issueDate);
  if (ref.typeCode) cbc(el, 'DocumentTypeCode', ref.typeCode);
  if (ref.type) cbc(el, 'DocumentType', ref.type);
  if (ref.description) cbc(el, 'DocumentDescription', ref.description);
  return el;
}

/** The view stylesheet, embedded as GİB's samples do: DocumentType XSLT, the stylesheet Base64 in the attachment. */
export function viewReference(root: Node, view: ViewStylesheet, issueDate: string): void {
  const el = documentReference(root, 'AdditionalDocumentReference', { id: view.name, issueDate, type: 'XSLT' });
  cbc(cac(el, 'Attachment'), 'EmbeddedDocumentBinaryObject', Buffer.from(view.content, 'utf8').toString('base64'), {
    characterSetCode: 'UTF-8',
    encodingCode: 'Base64',
    filename: `${view.name}.xslt`,
    mimeCode: 'application/xml',
  });
}

/** ext:UBLExtensions with the placeholder where QNB puts the mali mühür (an empty ExtensionContent fails the XSD). */
export function signaturePlace(root: Node): void {
  root.ele(NS.ext, 'ext:UBLExtensions').ele(NS.ext, 'ext:UBLExtension').ele(NS.ext, 'ext:ExtensionContent').ele(NS.placeholder, 'imza:Yer', { 'xmlns:imza': NS.placeholder });
}
