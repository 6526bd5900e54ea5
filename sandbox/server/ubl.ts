import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * The few facts the integrator reads from a UBL-TR document to route and register it: number, ETTN, profile,
 * parties, payable amount, and the e-Arşiv sending type. Not a validator — GİB's XSD and schematron do that.
 */
export const UBL_NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  applicationResponse: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

export interface PartyFacts {
  id?: string;
  scheme?: string;
  name?: string;
}

export interface UblFacts {
  root: 'Invoice' | 'ApplicationResponse';
  id?: string;
  uuid?: string;
  profileId?: string;
  issueDate?: string;
  typeCode?: string;
  currency?: string;
  payable?: string;
  /** Invoice: AccountingSupplierParty; ApplicationResponse: SenderParty. */
  sender: PartyFacts;
  /** Invoice: AccountingCustomerParty; ApplicationResponse: ReceiverParty. */
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
function party(wrapper: Element | undefined, isParty = false): PartyFacts {
  const p = isParty ? wrapper : cac(wrapper, 'Party');
  const ids = kids(p, UBL_NS.cac, 'PartyIdentification').map((pi) => cbcEl(pi, 'ID'));
  const taxId = ids.find((e) => /^(VKN|TCKN)$/.test(e?.getAttribute('schemeID') ?? ''));
  const person = cac(p, 'Person');
  const personName = [cbc(person, 'FirstName'), cbc(person, 'FamilyName')].filter(Boolean).join(' ');
  const name = cbc(cac(p, 'PartyName'), 'Name') ?? (personName || undefined);
  const id = taxId?.textContent?.trim();
  return { ...(id ? { id, scheme: taxId!.getAttribute('schemeID')! } : {}), ...(name ? { name } : {}) };
}

/** Throws on XML that is not well-formed or is neither an Invoice nor an ApplicationResponse. */
export function readUblFacts(xml: string): UblFacts {
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') throw new Error(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as unknown as Element | null;
  if (!root) throw new Error('empty document');
  if (root.localName === 'Invoice' && root.namespaceURI === UBL_NS.invoice) {
    const total = cac(root, 'LegalMonetaryTotal');
    const payable = cbcEl(total, 'PayableAmount');
    const sending = kids(root, UBL_NS.cac, 'AdditionalDocumentReference').find((r) => cbc(r, 'DocumentTypeCode') === 'SendingType');
    return {
      root: 'Invoice',
      id: cbc(root, 'ID'),
      uuid: cbc(root, 'UUID'),
      profileId: cbc(root, 'ProfileID'),
      issueDate: cbc(root, 'IssueDate'),
      typeCode: cbc(root, 'InvoiceTypeCode'),
      currency: cbc(root, 'DocumentCurrencyCode'),
      payable: payable?.textContent?.trim(),
      sender: party(cac(root, 'AccountingSupplierParty')),
      receiver: party(cac(root, 'AccountingCustomerParty')),
      ...(sending ? { sendingType: cbc(sending, 'DocumentType') ?? '' } : {}),
    };
  }
  if (root.localName === 'ApplicationResponse' && root.namespaceURI === UBL_NS.applicationResponse) {
    return {
      root: 'ApplicationResponse',
      id: cbc(root, 'ID'),
      uuid: cbc(root, 'UUID'),
      profileId: cbc(root, 'ProfileID'),
      issueDate: cbc(root, 'IssueDate'),
      sender: party(cac(root, 'SenderParty'), true),
      receiver: party(cac(root, 'ReceiverParty'), true),
    };
  }
  throw new Error(`root element {${root.namespaceURI ?? ''}}${root.localName} is not a UBL Invoice or ApplicationResponse`);
}
