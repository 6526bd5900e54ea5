import { DOMParser, type Element } from '@xmldom/xmldom';
import { NAMESPACES, SOAP_ENV, WSSE } from './soap';

/**
 * Raw SOAP over HTTP for tests and benchmarks of the sandbox: wraps a hand-written body in an envelope (with a
 * WS-Security UsernameToken or a session cookie) and reads answers by element name. Deliberately not the
 * integrator client of core/, so the sandbox is tested on the wire.
 */
export type SoapAuth = { user: string; password: string } | { cookie: string };

export interface SoapAnswer {
  status: number;
  text: string;
  setCookie?: string;
}

export function soapEnvelope(namespace: string, body: string, auth?: SoapAuth): string {
  const header =
    auth && 'user' in auth
      ? `<soapenv:Header><wsse:Security xmlns:wsse="${WSSE}"><wsse:UsernameToken><wsse:Username>${auth.user}</wsse:Username><wsse:Password>${auth.password}</wsse:Password></wsse:UsernameToken></wsse:Security></soapenv:Header>`
      : '<soapenv:Header/>';
  return `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_ENV}" xmlns:ser="${namespace}">${header}<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;
}

export async function soapPost(url: string, namespace: string, body: string, auth?: SoapAuth, init: { contentType?: string } = {}): Promise<SoapAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': init.contentType ?? 'text/xml; charset=utf-8',
      SOAPAction: '""',
      ...(auth && 'cookie' in auth ? { Cookie: auth.cookie } : {}),
    },
    body: soapEnvelope(namespace, body, auth),
  });
  const setCookie = res.headers.get('set-cookie');
  return { status: res.status, text: await res.text(), ...(setCookie ? { setCookie } : {}) };
}

export const connectorCall = (url: string, body: string, auth?: SoapAuth) => soapPost(url, NAMESPACES.connector, body, auth);
export const earsivCall = (url: string, body: string, auth?: SoapAuth) => soapPost(url, NAMESPACES.earsiv, body, auth);
export const userCall = (url: string, body: string, auth?: SoapAuth) => soapPost(url, NAMESPACES.user, body, auth);

function parse(xml: string): Element {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement as unknown as Element;
}

function descendants(el: Element, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (e: Element) => {
    for (const n of [...e.childNodes]) {
      if (n.nodeType !== 1) continue;
      const c = n as Element;
      if (c.localName === localName) out.push(c);
      walk(c);
    }
  };
  walk(el);
  return out;
}

/** Text of every element named `localName`, in document order. */
export function valuesOf(xml: string, localName: string): string[] {
  return descendants(parse(xml), localName).map((e) => e.textContent ?? '');
}

export function valueOf(xml: string, localName: string): string | undefined {
  return valuesOf(xml, localName)[0];
}

/** Each `<return>` of an answer as a flat record of its child elements (repeated names keep the last). */
export function returnRecords(xml: string): Record<string, string>[] {
  return descendants(parse(xml), 'return').map((r) =>
    Object.fromEntries(
      [...r.childNodes]
        .filter((n): n is Element => n.nodeType === 1)
        .map((c) => [c.localName ?? '', c.textContent ?? '']),
    ),
  );
}

export function faultString(xml: string): string | undefined {
  return valueOf(xml, 'faultstring');
}
