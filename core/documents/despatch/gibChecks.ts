import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';
import type { DocumentValidator, ValidationIssue, ValidationResult } from '../../validation';
import { UBL_NS } from '../ubl/read';

/**
 * GİB's checks (XSD + schematron, through the validation API) for the despatch family, with one correction.
 *
 * GİB's DespatchCarrierDriverCheck reads `string(cac:Shipment/cac:ShipmentStage/cac:DriverPerson/cbc:FirstName)`
 * (likewise FamilyName and NationalityID). GİB's schematron declares no query binding, so GİB reads it with
 * XSLT 1.0 semantics, where `string()` of several nodes is the first one's value — and GİB's own despatch sample
 * Irsaliye-Ornek2 carries two drivers, as Logo (DRIVERNAME1..3) and Netsis (SHIP_DPERSON1..3) let a despatch
 * carry up to three. An XPath 2.0 engine (the precompiled XSLT 2.0 package, the compiled checks) stops on such a
 * document with XPTY0004 instead of judging it (ubl-tr.md §13). A despatch whose check stopped that way is checked
 * once more with its first driver only — what GİB's rule reads — keeping the XSD verdict of the whole document;
 * every further driver's names and TCKN are checked by Konnektör itself (this file and the pre-checks), so no
 * driver goes unchecked. [I] that GİB's production validator reads the rule this way; everything else is [C].
 */
export const DRIVER_RULE_STOP = 'XPTY0004';

const DESPATCH_SCHEMATRON = 'efatura' as const;

function parse(xml: string): Element | undefined {
  try {
    const doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml');
    return (doc.documentElement as unknown as Element | null) ?? undefined;
  } catch {
    return undefined;
  }
}

const children = (el: Element, ns: string, name: string): Element[] =>
  [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);
const text = (el: Element, name: string) => children(el, UBL_NS.cbc, name)[0]?.textContent?.trim() ?? '';

/** Every DriverPerson of the despatch's shipment stages, in document order. */
function driversOf(root: Element): Element[] {
  return children(root, UBL_NS.cac, 'Shipment').flatMap((s) => children(s, UBL_NS.cac, 'ShipmentStage')).flatMap((st) => children(st, UBL_NS.cac, 'DriverPerson'));
}

const stoppedOnDrivers = (r: ValidationResult) => r.issues.some((i) => i.source === 'schematron' && i.rule === 'SCHEMATRON_RUNTIME_ERROR' && i.message.includes(DRIVER_RULE_STOP));

/** The drivers after the first, each needing first name, family name and an 11-digit TCKN (what GİB asks of the first). */
function furtherDriverIssues(drivers: Element[]): ValidationIssue[] {
  return drivers.slice(1).flatMap((d, i) => {
    const no = i + 2;
    const out: ValidationIssue[] = [];
    if (!text(d, 'FirstName') || !text(d, 'FamilyName')) out.push({ source: 'schematron', rule: 'DespatchCarrierDriverCheck', message: `${no}. şoförün cbc:FirstName ve cbc:FamilyName alanları dolu olmalıdır.` });
    if (!/^\d{11}$/.test(text(d, 'NationalityID'))) out.push({ source: 'schematron', rule: 'DespatchCarrierDriverCheck', message: `${no}. şoförün cbc:NationalityID alanı 11 haneli TCKN olmalıdır.` });
    return out;
  });
}

/** The despatch with its first driver only: what GİB's driver rule reads. */
function firstDriverOnly(root: Element, drivers: Element[]): string {
  for (const d of drivers.slice(1)) d.parentNode?.removeChild(d);
  return new XMLSerializer().serializeToString(root.ownerDocument!);
}

/** GİB's checks of despatch advices and receipt advices, results in input order. */
export async function checkDespatchFamily(validator: DocumentValidator, xmls: readonly string[]): Promise<ValidationResult[]> {
  const results = await validator.validateMany(xmls.map((xml) => ({ xml, kind: DESPATCH_SCHEMATRON })));
  const again: { index: number; xml: string; extra: ValidationIssue[] }[] = [];
  results.forEach((r, index) => {
    if (!stoppedOnDrivers(r)) return;
    const root = parse(xmls[index]!);
    const drivers = root ? driversOf(root) : [];
    if (!root || drivers.length < 2) return;
    const extra = furtherDriverIssues(drivers);
    again.push({ index, xml: firstDriverOnly(root, drivers), extra });
  });
  if (again.length === 0) return results;
  const rechecked = await validator.validateMany(again.map((a) => ({ xml: a.xml, kind: DESPATCH_SCHEMATRON })));
  for (const [k, a] of again.entries()) {
    const first = results[a.index]!;
    const second = rechecked[k]!;
    const issues = [...first.issues.filter((i) => i.source !== 'schematron'), ...second.issues.filter((i) => i.source === 'schematron'), ...a.extra];
    results[a.index] = { valid: issues.length === 0, issues, timings: { xsdMs: first.timings.xsdMs, schematronMs: first.timings.schematronMs + second.timings.schematronMs } };
  }
  return results;
}
