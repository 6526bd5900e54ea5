import { DOMParser, type Element } from '@xmldom/xmldom';
import { create } from 'xmlbuilder2';
import { NS } from './namespaces';
import { UBL_NS } from './read';

/**
 * The buyer's answer to a commercial invoice (TICARIFATURA): a UBL-TR ApplicationResponse with ResponseCode KABUL
 * or RED, sent through belgeGonderExt as UYGULAMA_YANITI_UBL (integrator-api.md §10). Shape from GİB's samples
 * `KabulUygulamaYanitiOrnegi.xml` / `RedUygulamaYanitiOrnegi.xml` and the `applicationresponse` schematron pattern:
 * ProfileID copies the invoice's (TICARIFATURA), the answering buyer is SenderParty and the invoice's supplier
 * ReceiverParty (ARSenderCheck / ARReceiverCheck compare them with the envelope), one DocumentResponse whose
 * DocumentReference names the invoice (ID = its number, DocumentTypeCode/DocumentType FATURA), and — required for
 * TICARIFATURA answers (ARSignatureCheck) — cac:Signature plus ext:UBLExtensions where QNB puts the mali mühür.
 * For RED the reason goes into Response/Description (and a Note), so the supplier reads why.
 */
const AR_NS = 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2';

export type ResponseCode = 'KABUL' | 'RED';

export interface AnswerParty {
  scheme: 'VKN' | 'TCKN';
  id: string;
  name?: string;
  person?: { firstName: string; familyName: string };
  address?: { citySubdivision?: string; city?: string; country?: string };
}

export interface ApplicationResponseInput {
  /** The answer's own number (Konnektör writes the invoice's number with a suffix-free series: see core/incoming). */
  id: string;
  uuid: string;
  /** YYYY-MM-DD and HH:mm:ss, Türkiye time. */
  issueDate: string;
  issueTime: string;
  profileId: string;
  code: ResponseCode;
  reason?: string;
  /** The buyer (us) and the invoice's supplier. */
  sender: AnswerParty;
  receiver: AnswerParty;
  invoice: { id: string; uuid: string; issueDate: string };
}

type Node = ReturnType<typeof create>;
const cbc = (parent: Node, name: string, text: string, attrs?: Record<string, string>) => parent.ele(NS.cbc, `cbc:${name}`, attrs).txt(text);
const cac = (parent: Node, name: string) => parent.ele(NS.cac, `cac:${name}`);

function writeParty(el: Node, p: AnswerParty): void {
  cbc(cac(el, 'PartyIdentification'), 'ID', p.id, { schemeID: p.scheme });
  if (p.scheme === 'VKN' || !p.person) cbc(cac(el, 'PartyName'), 'Name', p.name ?? p.id);
  if (p.address) {
    const a = cac(el, 'PostalAddress');
    cbc(a, 'CitySubdivisionName', p.address.citySubdivision ?? '');
    cbc(a, 'CityName', p.address.city ?? '');
    cbc(cac(a, 'Country'), 'Name', p.address.country ?? 'Türkiye');
  }
  if (p.scheme === 'TCKN' && p.person) {
    const person = cac(el, 'Person');
    cbc(person, 'FirstName', p.person.firstName);
    cbc(person, 'FamilyName', p.person.familyName);
  }
}

export function buildApplicationResponse(input: ApplicationResponseInput): string {
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(AR_NS, 'ApplicationResponse', {
    'xmlns:cac': NS.cac,
    'xmlns:cbc': NS.cbc,
    'xmlns:ext': NS.ext,
  });
  root.ele(NS.ext, 'ext:UBLExtensions').ele(NS.ext, 'ext:UBLExtension').ele(NS.ext, 'ext:ExtensionContent').ele(NS.placeholder, 'imza:Yer', { 'xmlns:imza': NS.placeholder });
  cbc(root, 'UBLVersionID', '2.1');
  cbc(root, 'CustomizationID', 'TR1.2');
  cbc(root, 'ProfileID', input.profileId);
  cbc(root, 'ID', input.id);
  cbc(root, 'UUID', input.uuid);
  cbc(root, 'IssueDate', input.issueDate);
  cbc(root, 'IssueTime', input.issueTime);
  cbc(root, 'Note', input.code === 'KABUL' ? 'Fatura kabul edilmiştir.' : `Fatura reddedilmiştir. Gerekçe: ${input.reason ?? ''}`);

  const signature = cac(root, 'Signature');
  cbc(signature, 'ID', input.sender.id, { schemeID: 'VKN_TCKN' });
  const signatory = cac(signature, 'SignatoryParty');
  cbc(cac(signatory, 'PartyIdentification'), 'ID', input.sender.id, { schemeID: input.sender.scheme });
  if (input.sender.address) {
    const a = cac(signatory, 'PostalAddress');
    cbc(a, 'CitySubdivisionName', input.sender.address.citySubdivision ?? '');
    cbc(a, 'CityName', input.sender.address.city ?? '');
    cbc(cac(a, 'Country'), 'Name', input.sender.address.country ?? 'Türkiye');
  }
  cbc(cac(cac(signature, 'DigitalSignatureAttachment'), 'ExternalReference'), 'URI', `#Signature_${input.id}`);

  writeParty(cac(root, 'SenderParty'), input.sender);
  writeParty(cac(root, 'ReceiverParty'), input.receiver);

  const response = cac(root, 'DocumentResponse');
  const r = cac(response, 'Response');
  cbc(r, 'ReferenceID', input.invoice.uuid);
  cbc(r, 'ResponseCode', input.code);
  if (input.code === 'RED' && input.reason) cbc(r, 'Description', input.reason);
  const ref = cac(response, 'DocumentReference');
  cbc(ref, 'ID', input.invoice.id);
  cbc(ref, 'IssueDate', input.invoice.issueDate);
  cbc(ref, 'DocumentTypeCode', 'FATURA');
  cbc(ref, 'DocumentType', 'FATURA');
  return root.end({ prettyPrint: false });
}

const kids = (el: Element | undefined, ns: string, name: string): Element[] =>
  el ? [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) : [];
const first = (el: Element | undefined, ns: string, name: string) => kids(el, ns, name)[0];
const text = (el: Element | undefined, name: string) => first(el, UBL_NS.cbc, name)?.textContent?.trim() || undefined;

/** The two parties of an invoice as an answer needs them: its customer (who answers) and its supplier. */
export function invoiceParties(xml: string): { customer: AnswerParty; supplier: AnswerParty } | undefined {
  let root: Element | null;
  try {
    root = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml').documentElement as unknown as Element | null;
  } catch {
    return undefined;
  }
  if (!root || root.localName !== 'Invoice') return undefined;
  const partyOf = (wrapper: string): AnswerParty | undefined => {
    const p = first(first(root!, UBL_NS.cac, wrapper), UBL_NS.cac, 'Party');
    const idEl = kids(p, UBL_NS.cac, 'PartyIdentification')
      .map((pi) => first(pi, UBL_NS.cbc, 'ID'))
      .find((e) => /^(VKN|TCKN)$/.test(e?.getAttribute('schemeID') ?? ''));
    const id = idEl?.textContent?.trim();
    if (!p || !idEl || !id) return undefined;
    const person = first(p, UBL_NS.cac, 'Person');
    const address = first(p, UBL_NS.cac, 'PostalAddress');
    const name = text(first(p, UBL_NS.cac, 'PartyName'), 'Name');
    const firstName = text(person, 'FirstName');
    const familyName = text(person, 'FamilyName');
    return {
      scheme: idEl.getAttribute('schemeID') as 'VKN' | 'TCKN',
      id,
      ...(name ? { name } : {}),
      ...(firstName && familyName ? { person: { firstName, familyName } } : {}),
      ...(address
        ? {
            address: {
              ...(text(address, 'CitySubdivisionName') ? { citySubdivision: text(address, 'CitySubdivisionName')! } : {}),
              ...(text(address, 'CityName') ? { city: text(address, 'CityName')! } : {}),
              ...(text(first(address, UBL_NS.cac, 'Country'), 'Name') ? { country: text(first(address, UBL_NS.cac, 'Country'), 'Name')! } : {}),
            },
          }
        : {}),
    };
  };
  const customer = partyOf('AccountingCustomerParty');
  const supplier = partyOf('AccountingSupplierParty');
  return customer && supplier ? { customer, supplier } : undefined;
}
