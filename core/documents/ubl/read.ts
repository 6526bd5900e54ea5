import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * One reader for the facts Konnektör and its sandbox take from a UBL-TR document: number, ETTN, profile, type, date,
 * parties, payable amount and the e-Arşiv sending type. A namespace-aware XML parser reads them (no pattern
 * matching on the text), so prefixes, attribute order, entities and CDATA read the way GİB's own tools read them.
 * Not a validator: GİB's XSD and schematron do that.
 */
export const UBL_NS = {
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

/**
 * The UBL roots of GİB's documents and where each keeps its two parties. A new root is one row here (its
 * document kind names it in core/documents/kinds).
 */
export const UBL_ROOTS = {
  Invoice: { ns: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2', sender: 'AccountingSupplierParty', receiver: 'AccountingCustomerParty', typeCode: 'InvoiceTypeCode', total: 'LegalMonetaryTotal' },
  CreditNote: { ns: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2', sender: 'AccountingSupplierParty', receiver: 'AccountingCustomerParty', typeCode: 'CreditNoteTypeCode', total: 'LegalMonetaryTotal' },
  DespatchAdvice: { ns: 'urn:oasis:names:specification:ubl:schema:xsd:DespatchAdvice-2', sender: 'DespatchSupplierParty', receiver: 'DeliveryCustomerParty', typeCode: 'DespatchAdviceTypeCode' },
  ReceiptAdvice: { ns: 'urn:oasis:names:specification:ubl:schema:xsd:ReceiptAdvice-2', sender: 'DeliveryCustomerParty', receiver: 'DespatchSupplierParty', typeCode: 'ReceiptAdviceTypeCode' },
  ApplicationResponse: { ns: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2', sender: 'SenderParty', receiver: 'ReceiverParty' },
} as const satisfies Record<string, { ns: string; sender: string; receiver: string; typeCode?: string; total?: string }>;

export type UblRoot = keyof typeof UBL_ROOTS;

export interface PartyFacts {
  /** VKN or TCKN. */
  id?: string;
  scheme?: string;
  /** Company title, or a person's first and family name. */
  name?: string;
}

export interface UblFacts {
  root: UblRoot;
  id?: string;
  uuid?: string;
  profileId?: string;
  issueDate?: string;
  typeCode?: string;
  currency?: string;
  /** LegalMonetaryTotal/PayableAmount, as written. */
  payable?: string;
  /** The other amounts of LegalMonetaryTotal and the document's TaxTotal/TaxAmount, as written. */
  totals?: { lineExtension?: string; taxExclusive?: string; taxInclusive?: string; taxTotal?: string };
  /** Invoice, CreditNote: AccountingSupplierParty; despatch: DespatchSupplierParty; ApplicationResponse: SenderParty. */
  sender: PartyFacts;
  /** Invoice, CreditNote: AccountingCustomerParty; despatch: DeliveryCustomerParty; ApplicationResponse: ReceiverParty. */
  receiver: PartyFacts;
  /** e-Arşiv: DocumentType of the AdditionalDocumentReference whose DocumentTypeCode is SendingType. */
  sendingType?: string;
}

const kids = (el: Element | undefined, ns: string, name: string): Element[] =>
  el ? [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) : [];
const cac = (el: Element | undefined, name: string) => kids(el, UBL_NS.cac, name)[0];
const cbcEl = (el: Element | undefined, name: string) => kids(el, UBL_NS.cbc, name)[0];
const cbc = (el: Element | undefined, name: string) => cbcEl(el, name)?.textContent?.trim() || undefined;

/** `wrapper` holds a cac:Party (AccountingSupplierParty) or is a party itself (SenderParty, ReceiverParty). */
function party(wrapper: Element | undefined): PartyFacts {
  const p = cac(wrapper, 'Party') ?? wrapper;
  const ids = kids(p, UBL_NS.cac, 'PartyIdentification').map((pi) => cbcEl(pi, 'ID'));
  const taxId = ids.find((e) => /^(VKN|TCKN)$/.test(e?.getAttribute('schemeID') ?? ''));
  const person = cac(p, 'Person');
  const personName = [cbc(person, 'FirstName'), cbc(person, 'FamilyName')].filter(Boolean).join(' ');
  const name = cbc(cac(p, 'PartyName'), 'Name') ?? (personName || undefined);
  const id = taxId?.textContent?.trim();
  return { ...(id ? { id, scheme: taxId!.getAttribute('schemeID')! } : {}), ...(name ? { name } : {}) };
}

/** Throws on XML that is not well-formed or whose root is not one of GİB's UBL documents. */
export function readUblFacts(xml: string): UblFacts {
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') throw new Error(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as unknown as Element | null;
  if (!root) throw new Error('empty document');
  const name = Object.keys(UBL_ROOTS).find((r) => r === root.localName && UBL_ROOTS[r as UblRoot].ns === root.namespaceURI) as UblRoot | undefined;
  if (!name) throw new Error(`root element {${root.namespaceURI ?? ''}}${root.localName} is not a UBL-TR document`);
  const shape: { sender: string; receiver: string; typeCode?: string; total?: string } = UBL_ROOTS[name];
  const payable = shape.total ? cbcEl(cac(root, shape.total), 'PayableAmount') : undefined;
  const sending = kids(root, UBL_NS.cac, 'AdditionalDocumentReference').find((r) => cbc(r, 'DocumentTypeCode') === 'SendingType');
  const facts: UblFacts = {
    root: name,
    id: cbc(root, 'ID'),
    uuid: cbc(root, 'UUID'),
    profileId: cbc(root, 'ProfileID'),
    issueDate: cbc(root, 'IssueDate'),
    sender: party(cac(root, shape.sender)),
    receiver: party(cac(root, shape.receiver)),
  };
  if (shape.typeCode) facts.typeCode = cbc(root, shape.typeCode);
  if (shape.total) {
    facts.currency = cbc(root, 'DocumentCurrencyCode');
    facts.payable = payable?.textContent?.trim();
    const monetary = cac(root, shape.total);
    const totals = {
      lineExtension: cbc(monetary, 'LineExtensionAmount'),
      taxExclusive: cbc(monetary, 'TaxExclusiveAmount'),
      taxInclusive: cbc(monetary, 'TaxInclusiveAmount'),
      taxTotal: cbc(cac(root, 'TaxTotal'), 'TaxAmount'),
    };
    facts.totals = Object.fromEntries(Object.entries(totals).filter(([, v]) => v !== undefined)) as NonNullable<UblFacts['totals']>;
    if (sending) facts.sendingType = cbc(sending, 'DocumentType') ?? '';
  }
  if (payable?.getAttribute('currencyID')) facts.currency ??= payable.getAttribute('currencyID')!;
  return facts;
}
