/**
 * Konnektör writes every e-Defter XML already in its canonical form (Canonical XML 1.0, REC-xml-c14n-20010315,
 * without comments): namespace declarations sorted by prefix before the attributes, attributes sorted, empty
 * elements as start/end pairs, C14N escaping, no CR. So the bytes on disk after the XML declaration *are* the
 * canonical form the enveloped signature's digest covers, and a 200 MB part is digested by streaming its bytes
 * instead of loading a DOM (erp-despatch-ledger-edefter.md §6.4).
 */

export const NS = {
  edefter: 'http://www.edefter.gov.tr',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  xades: 'http://uri.etsi.org/01903/v1.3.2#',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xbrli: 'http://www.xbrl.org/2003/instance',
  'gl-cor': 'http://www.xbrl.org/int/gl/cor/2006-10-25',
  'gl-bus': 'http://www.xbrl.org/int/gl/bus/2006-10-25',
  'gl-muc': 'http://www.xbrl.org/int/gl/muc/2006-10-25',
  'gl-plt': 'http://www.xbrl.org/int/gl/plt/2006-10-25',
  iso4217: 'http://www.xbrl.org/2003/iso4217',
  iso639: 'http://www.xbrl.org/2005/iso639',
  link: 'http://www.xbrl.org/2003/linkbase',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

/** The namespaces declared on the root (`edefter:defter` / `edefter:berat`), in canonical (prefix) order. */
export const ROOT_NAMESPACES: readonly (keyof typeof NS)[] = ['ds', 'edefter', 'xades', 'xsi'];

/** C14N text escaping: & < > and CR. */
export function escText(value: string): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    let rep: string | undefined;
    if (c === 38) rep = '&amp;';
    else if (c === 60) rep = '&lt;';
    else if (c === 62) rep = '&gt;';
    else if (c === 13) rep = '&#xD;';
    else if (c < 32 && c !== 9 && c !== 10) rep = ' '; // not allowed in XML 1.0 at all
    if (rep !== undefined) {
      out += value.slice(last, i) + rep;
      last = i + 1;
    }
  }
  return last === 0 ? value : out + value.slice(last);
}

/** C14N attribute escaping: & < " TAB LF CR. */
export function escAttr(value: string): string {
  return value.replace(/[&<"\t\n\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!);
}

/** xmlns declarations for the given prefixes, canonical order. */
export function nsDecls(prefixes: readonly (keyof typeof NS)[]): string {
  return [...prefixes]
    .sort()
    .map((p) => ` xmlns:${p}="${NS[p]}"`)
    .join('');
}

/** The XML declaration: outside the canonical form (C14N drops it), so it is written but never digested. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n';
