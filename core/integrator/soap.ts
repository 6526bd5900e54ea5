import { DOMParser, type Element } from '@xmldom/xmldom';
import { create } from 'xmlbuilder2';

/**
 * SOAP 1.1 document/literal envelopes as QNB's JAX-WS services expect them (integrator-api.md §3, §5; QNB's SoapUI
 * samples): one wrapper element `ser:<operation>` in the service namespace, its parameters **unqualified** child
 * elements in the WSDL's order, null parameters left out (JAXB reads an absent element as null, an empty one as "").
 * Answers are parsed namespace-aware, values kept as text: ids, VKNs and amounts are never turned into numbers here.
 */
export const NS = {
  soap11: 'http://schemas.xmlsoap.org/soap/envelope/',
  soap12: 'http://www.w3.org/2003/05/soap-envelope',
  wsse: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd',
  passwordText: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText',
  connector: 'http://service.connector.uut.cs.com.tr/',
  user: 'http://service.csap.cs.com.tr/',
  earsiv: 'http://service.earsiv.uut.cs.com.tr/',
} as const;

const XMLNS = 'http://www.w3.org/2000/xmlns/';

export type FieldValue = string | number | boolean | null | undefined;
/** One parameter element: a value, or nested elements. Repeat an entry for a repeated element (`ettn`, `ettn`…). */
export type Field = readonly [name: string, value: FieldValue | readonly Field[]];

export interface EnvelopeInput {
  namespace: string;
  operation: string;
  params: readonly Field[];
  /** WS-Security UsernameToken with the password as PasswordText (integrator-api.md §3.1). */
  usernameToken?: { username: string; password: string };
}

type Builder = ReturnType<typeof create>;

/** A value XML 1.0 cannot carry (control characters, lone surrogates); xmlbuilder2 would write it unchecked. */
export class SoapBuildError extends Error {
  override readonly name = 'SoapBuildError';
  constructor(readonly field: string) {
    super(`${field} holds a character XML cannot carry`);
  }
}

const NOT_XML_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function text(name: string, value: string): string {
  if (NOT_XML_CHAR.test(value)) throw new SoapBuildError(name);
  return value;
}

function appendFields(parent: Builder, fields: readonly Field[]): void {
  for (const [name, value] of fields) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) appendFields(parent.ele(name), value as readonly Field[]);
    else parent.ele(name).txt(text(name, String(value)));
  }
}

export function buildEnvelope(input: EnvelopeInput): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const envelope = doc.ele(NS.soap11, 'soapenv:Envelope').att(XMLNS, 'xmlns:ser', input.namespace);
  const header = envelope.ele(NS.soap11, 'soapenv:Header');
  if (input.usernameToken) {
    const token = header.ele(NS.wsse, 'wsse:Security').ele(NS.wsse, 'wsse:UsernameToken');
    token.ele(NS.wsse, 'wsse:Username').txt(text('Username', input.usernameToken.username));
    token.ele(NS.wsse, 'wsse:Password').att('Type', NS.passwordText).txt(text('Password', input.usernameToken.password));
  }
  const wrapper = envelope.ele(NS.soap11, 'soapenv:Body').ele(input.namespace, `ser:${input.operation}`);
  appendFields(wrapper, input.params);
  return doc.end({ prettyPrint: false });
}

// ── answers ────────────────────────────────────────────────────────────────────────────────────────────────────

export interface SoapFaultInfo {
  faultcode: string;
  faultstring: string;
  /** Text of the fault detail (JAX-WS puts the exception message there again). */
  detail?: string;
}

export class SoapParseError extends Error {
  override readonly name = 'SoapParseError';
}

export const elementChildren = (el: Element): Element[] => {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
};

/** The Body of a SOAP 1.1 (or, leniently, 1.2) envelope; throws SoapParseError for anything else. */
export function parseEnvelope(text: string): Element {
  let doc;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new SoapParseError(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    throw e instanceof SoapParseError ? e : new SoapParseError(e instanceof Error ? e.message : String(e));
  }
  const root = doc.documentElement as Element | null;
  if (!root || root.localName !== 'Envelope' || (root.namespaceURI !== NS.soap11 && root.namespaceURI !== NS.soap12)) {
    throw new SoapParseError(`not a SOAP envelope (root element {${root?.namespaceURI ?? ''}}${root?.localName ?? ''})`);
  }
  const body = elementChildren(root).find((e) => e.localName === 'Body' && e.namespaceURI === root.namespaceURI);
  if (!body) throw new SoapParseError('the SOAP envelope has no Body');
  return body;
}

const textOf = (el: Element | undefined): string | undefined => (el ? (el.textContent ?? '') : undefined);

/** The Fault in a Body, if there is one (SOAP 1.1 faultcode/faultstring, or SOAP 1.2 Code/Reason). */
export function readFault(body: Element): SoapFaultInfo | undefined {
  const fault = elementChildren(body).find((e) => e.localName === 'Fault');
  if (!fault) return undefined;
  const parts = elementChildren(fault);
  const named = (name: string) => parts.find((e) => e.localName === name);
  const code = named('faultcode') ?? named('Code');
  const reason = named('faultstring') ?? named('Reason');
  const detailEl = named('detail') ?? named('Detail');
  const faultcode = (code && code.localName === 'Code' ? textOf(elementChildren(code).find((e) => e.localName === 'Value')) : textOf(code)) ?? '';
  const detail = textOf(detailEl)?.trim();
  return { faultcode: faultcode.trim(), faultstring: (textOf(reason) ?? '').trim(), ...(detail ? { detail } : {}) };
}

/** `<operation>Response` in the Body (any namespace prefix; the services answer with ns2:). */
export function responseElement(body: Element, operation: string): Element | undefined {
  return elementChildren(body).find((e) => e.localName === `${operation}Response`);
}

/** Child elements named `name` (JAXB writes them unqualified; a prefix is tolerated). */
export function childrenNamed(el: Element, name: string): Element[] {
  return elementChildren(el).filter((e) => e.localName === name);
}

/** Text of the first child `name`, trimmed; undefined when absent or empty. */
export function childText(el: Element, name: string): string | undefined {
  const text = childrenNamed(el, name)[0]?.textContent?.trim();
  return text ? text : undefined;
}

/** Every `entry{key, value}` under `el` (resultExtra, ekBilgiler). */
export function entries(el: Element | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!el) return out;
  for (const entry of childrenNamed(el, 'entry')) {
    const key = childText(entry, 'key');
    if (key !== undefined) out[key] = childrenNamed(entry, 'value')[0]?.textContent?.trim() ?? '';
  }
  return out;
}
