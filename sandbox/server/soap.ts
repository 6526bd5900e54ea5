import { DOMParser, type Element } from '@xmldom/xmldom';

/**
 * SOAP 1.1 document/literal as QNB's JAX-WS services speak it (integrator-api.md §3, §5; QNB's SoapUI samples):
 * the body holds one wrapper element `<ns:operation>` in the service namespace, its parameters are **unqualified**
 * child elements, the answer is `<ns2:operationResponse><return>…</return></ns2:operationResponse>` and errors are
 * SOAP faults with a `faultstring`.
 */
export const SOAP_ENV = 'http://schemas.xmlsoap.org/soap/envelope/';
export const WSSE = 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd';
export const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

export const NAMESPACES = {
  connector: 'http://service.connector.uut.cs.com.tr/',
  user: 'http://service.csap.cs.com.tr/',
  earsiv: 'http://service.earsiv.uut.cs.com.tr/',
  edefter: 'http://webservice.edefter.uut.cs.com.tr/',
} as const;

/** A business error that becomes a SOAP fault (HTTP 500), as eFinans reports them. */
export class SoapFault extends Error {
  constructor(
    message: string,
    readonly faultCode: 'S:Server' | 'S:Client' = 'S:Server',
  ) {
    super(message);
    this.name = 'SoapFault';
  }
}

export interface SoapRequest {
  /** Local name of the body's wrapper element: the operation. */
  operation: string;
  namespace: string;
  body: Element;
  usernameToken?: { username: string; password: string };
}

const elementChildren = (el: Element): Element[] => [...el.childNodes].filter((n): n is Element => n.nodeType === 1);

export function parseSoapRequest(xml: string): SoapRequest {
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, msg) => {
        if (level !== 'warning') throw new Error(msg);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw new SoapFault(`Couldn't create SOAP message due to exception: ${(e as Error).message}`, 'S:Client');
  }
  const envelope = doc.documentElement as unknown as Element | null;
  if (!envelope || envelope.localName !== 'Envelope' || envelope.namespaceURI !== SOAP_ENV) {
    throw new SoapFault(
      `Couldn't create SOAP message: the root element must be {${SOAP_ENV}}Envelope (SOAP 1.1), got {${envelope?.namespaceURI ?? ''}}${envelope?.localName ?? ''}`,
      'S:Client',
    );
  }
  const parts = elementChildren(envelope);
  const header = parts.find((e) => e.localName === 'Header' && e.namespaceURI === SOAP_ENV);
  const body = parts.find((e) => e.localName === 'Body' && e.namespaceURI === SOAP_ENV);
  const wrapper = body ? elementChildren(body)[0] : undefined;
  if (!wrapper) throw new SoapFault('Couldn\'t create SOAP message: the SOAP Body holds no operation element', 'S:Client');
  let usernameToken: SoapRequest['usernameToken'];
  const security = header ? elementChildren(header).find((e) => e.localName === 'Security' && e.namespaceURI === WSSE) : undefined;
  const token = security ? elementChildren(security).find((e) => e.localName === 'UsernameToken' && e.namespaceURI === WSSE) : undefined;
  if (token) {
    const part = (name: string) => elementChildren(token).find((e) => e.localName === name && e.namespaceURI === WSSE)?.textContent ?? '';
    usernameToken = { username: part('Username').trim(), password: part('Password') };
  }
  return { operation: wrapper.localName ?? '', namespace: wrapper.namespaceURI ?? '', body: wrapper, ...(usernameToken ? { usernameToken } : {}) };
}

/**
 * The unqualified child elements named `name`. JAX-WS ignores a qualified one (the field stays null); the sandbox
 * says so instead, because that mistake is easy to make with hand-written envelopes.
 */
export function childElements(parent: Element, name: string): Element[] {
  return elementChildren(parent).filter((e) => {
    if (e.localName !== name) return false;
    if (e.namespaceURI) {
      throw new SoapFault(
        `Unexpected element {${e.namespaceURI}}${name}: the parameters of eFinans operations are unqualified (no namespace prefix)`,
        'S:Client',
      );
    }
    return true;
  });
}

/** Text of the unqualified child `name`, trimmed; undefined when absent or empty. */
export function field(parent: Element, name: string): string | undefined {
  const el = childElements(parent, name)[0];
  const text = el?.textContent?.trim();
  return text ? text : undefined;
}

/** Every non-empty text of the repeated unqualified child `name`. */
export function fields(parent: Element, name: string): string[] {
  return childElements(parent, name)
    .map((e) => e.textContent?.trim() ?? '')
    .filter((t) => t !== '');
}

export function child(parent: Element, name: string): Element | undefined {
  return childElements(parent, name)[0];
}

export function requireField(parent: Element, name: string): string {
  const value = field(parent, name);
  if (value === undefined) throw new SoapFault(`${name} alanı boş olamaz.`);
  return value;
}

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

export type XmlValue = string | number | boolean | undefined | null;

/** `<name>value</name>` for each defined value, in the given order (JAXB leaves out null fields). */
export function xmlFields(values: [string, XmlValue][]): string {
  return values
    .filter(([, v]) => v !== undefined && v !== null)
    .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
    .join('');
}

const ENVELOPE_OPEN = `<?xml version='1.0' encoding='UTF-8'?><S:Envelope xmlns:S="${SOAP_ENV}"><S:Body>`;
const ENVELOPE_CLOSE = '</S:Body></S:Envelope>';

export function soapResponse(namespace: string, operation: string, inner: string): string {
  const el = `ns2:${operation}Response`;
  return `${ENVELOPE_OPEN}<${el} xmlns:ns2="${namespace}"${inner.includes('xsi:type') ? ` xmlns:xsi="${XSI}"` : ''}>${inner}</${el}>${ENVELOPE_CLOSE}`;
}

export function soapFaultXml(fault: SoapFault, namespace: string): string {
  const message = xmlEscape(fault.message);
  return (
    `${ENVELOPE_OPEN}<S:Fault><faultcode>${fault.faultCode}</faultcode><faultstring>${message}</faultstring>` +
    `<detail><ns2:Exception xmlns:ns2="${namespace}"><message>${message}</message></ns2:Exception></detail></S:Fault>${ENVELOPE_CLOSE}`
  );
}
