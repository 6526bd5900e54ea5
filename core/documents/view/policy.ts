/**
 * What a view stylesheet may contain. An invoice's embedded stylesheet (and a company's own one) is foreign code, and
 * an XSLT 3.0 processor offers many ways out of the invoice: static parameters and `use-when` evaluated while the
 * stylesheet compiles, shadow attributes, `document()`, `unparsed-text()`, `collection()`, `json-doc()`,
 * `transform()`, `xsl:evaluate`, `xsl:result-document`, extension functions and instructions… Instead of listing
 * those, this accepts only what invoice and despatch views are written with — the XSLT 1.0 instructions with their
 * 1.0 attributes, XPath 1.0 syntax, and a fixed set of functions that read nothing but the document being shown —
 * checked on the parsed stylesheet before anything compiles it. GİB's own views (general.xslt, irsaliye.xslt,
 * irsaliyeyaniti.xslt, appResponse.xslt) declare version 2.0 and also use `exists()` and a character map; those are
 * accepted too, since they reach nothing.
 */
import { DOMParser, type Element } from '@xmldom/xmldom';
import { XPathSyntaxError, avtExpressions, parseXPath1 } from './xpath1';

const XSL_NS = 'http://www.w3.org/1999/XSL/Transform';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/** How an attribute's value is read: an expression, a pattern, an attribute value template, or plain text. */
type AttrKind = 'expr' | 'pattern' | 'avt' | 'text';

const DECIMAL_FORMAT_ATTRS = ['name', 'decimal-separator', 'grouping-separator', 'infinity', 'minus-sign', 'NaN', 'percent', 'per-mille', 'zero-digit', 'digit', 'pattern-separator'];

/** Every XSLT element a view may use, with the attributes it may carry (XSLT 1.0, plus GİB's character maps). */
const XSL_ELEMENTS: Record<string, Record<string, AttrKind>> = {
  stylesheet: { version: 'text', id: 'text', 'exclude-result-prefixes': 'text' },
  transform: { version: 'text', id: 'text', 'exclude-result-prefixes': 'text' },
  output: {
    method: 'text',
    version: 'text',
    encoding: 'text',
    'omit-xml-declaration': 'text',
    standalone: 'text',
    'doctype-public': 'text',
    'doctype-system': 'text',
    'cdata-section-elements': 'text',
    indent: 'text',
    'media-type': 'text',
    'use-character-maps': 'text',
  },
  'character-map': { name: 'text', 'use-character-maps': 'text' },
  'output-character': { character: 'text', string: 'text' },
  'decimal-format': Object.fromEntries(DECIMAL_FORMAT_ATTRS.map((a) => [a, 'text'])),
  key: { name: 'text', match: 'pattern', use: 'expr' },
  'attribute-set': { name: 'text', 'use-attribute-sets': 'text' },
  'strip-space': { elements: 'text' },
  'preserve-space': { elements: 'text' },
  'namespace-alias': { 'stylesheet-prefix': 'text', 'result-prefix': 'text' },
  template: { match: 'pattern', name: 'text', priority: 'text', mode: 'text' },
  param: { name: 'text', select: 'expr' },
  variable: { name: 'text', select: 'expr' },
  'with-param': { name: 'text', select: 'expr' },
  'apply-templates': { select: 'expr', mode: 'text' },
  'call-template': { name: 'text' },
  'for-each': { select: 'expr' },
  sort: { select: 'expr', lang: 'avt', 'data-type': 'avt', order: 'avt', 'case-order': 'avt' },
  if: { test: 'expr' },
  choose: {},
  when: { test: 'expr' },
  otherwise: {},
  'value-of': { select: 'expr', 'disable-output-escaping': 'text' },
  text: { 'disable-output-escaping': 'text' },
  'copy-of': { select: 'expr' },
  copy: { 'use-attribute-sets': 'text' },
  element: { name: 'avt', namespace: 'avt', 'use-attribute-sets': 'text' },
  attribute: { name: 'avt', namespace: 'avt' },
  comment: {},
  'processing-instruction': { name: 'avt' },
  number: {
    level: 'text',
    count: 'pattern',
    from: 'pattern',
    value: 'expr',
    format: 'avt',
    lang: 'avt',
    'letter-value': 'avt',
    'grouping-separator': 'avt',
    'grouping-size': 'avt',
  },
  message: { terminate: 'text' },
  fallback: {},
};

/** xsl:-prefixed attributes a literal result element may carry. */
const LRE_XSL_ATTRIBUTES = new Set(['exclude-result-prefixes', 'use-attribute-sets']);

/**
 * The functions a view may call: XPath 1.0's core library, XSLT 1.0's additions except `document()` and
 * `unparsed-entity-uri()`, and a few XPath 2.0 functions of strings and numbers that views use (GİB's `exists()`).
 * None of them reads anything but the document being shown.
 */
export const VIEW_FUNCTIONS = new Set([
  // XPath 1.0
  'last', 'position', 'count', 'id', 'local-name', 'namespace-uri', 'name', 'string', 'concat', 'starts-with', 'contains',
  'substring-before', 'substring-after', 'substring', 'string-length', 'normalize-space', 'translate', 'boolean', 'not', 'true',
  'false', 'lang', 'number', 'sum', 'floor', 'ceiling', 'round',
  // XSLT 1.0
  'key', 'format-number', 'current', 'generate-id', 'system-property', 'element-available', 'function-available',
  // XPath 2.0, strings and numbers only
  'exists', 'empty', 'upper-case', 'lower-case', 'ends-with', 'string-join', 'replace', 'matches', 'tokenize', 'abs',
  'distinct-values', 'min', 'max', 'avg', 'round-half-to-even',
]);

const ACCEPTED_VERSIONS = new Set(['1.0', '2.0']);

export interface ViewPolicyVerdict {
  /** Empty when the stylesheet is accepted; otherwise what it uses that a view may not (English, for logs). */
  refused: string[];
}

/**
 * Checks a view stylesheet against the whitelist. Throws only when the text is not XML at all (the caller reports
 * that as a stylesheet that does not compile); everything else comes back as reasons in `refused`.
 */
export function checkViewStylesheet(text: string): ViewPolicyVerdict {
  // A DTD could declare entities that a parser resolves from files: refused before any parser sees it.
  if (/<!DOCTYPE/i.test(text)) return { refused: ['a DOCTYPE (entity declarations)'] };
  const refused = new Set<string>();
  let error: string | undefined;
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level === 'warning') return;
      error ??= msg.split('\n')[0];
      throw new Error(msg);
    },
  }).parseFromString(text, 'application/xml');
  if (error !== undefined) throw new Error(`not well-formed XML (${error})`);
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== XSL_NS) throw new Error('not an XSLT stylesheet (the root must be xsl:stylesheet or xsl:transform)');
  if (root.localName !== 'stylesheet' && root.localName !== 'transform') refused.add(`${root.tagName} as the root (views are xsl:stylesheet or xsl:transform)`);
  const version = root.getAttribute('version') ?? '';
  if (!ACCEPTED_VERSIONS.has(version.trim())) refused.add(`version="${version}" (views are XSLT 1.0; GİB's declare 2.0)`);

  const checkExpression = (expr: string, where: string): void => {
    try {
      for (const fn of parseXPath1(expr).functions) {
        if (!VIEW_FUNCTIONS.has(fn)) refused.add(`function ${fn}() in ${where}`);
      }
    } catch (e) {
      if (!(e instanceof XPathSyntaxError)) throw e;
      refused.add(`an expression outside XPath 1.0 in ${where}: ${e.message}`);
    }
  };
  const checkAvt = (value: string, where: string): void => {
    try {
      for (const expr of avtExpressions(value)) checkExpression(expr, where);
    } catch (e) {
      if (!(e instanceof XPathSyntaxError)) throw e;
      refused.add(`an attribute value template outside XSLT 1.0 in ${where}: ${e.message}`);
    }
  };

  const visit = (el: Element, depth: number): void => {
    const name = el.tagName;
    if (el.namespaceURI === XSL_NS) {
      const allowed = XSL_ELEMENTS[el.localName ?? ''];
      const misplaced = (el.localName === 'stylesheet' || el.localName === 'transform') && depth > 0;
      if (!allowed || misplaced) {
        refused.add(`the instruction ${name}`);
      } else {
        for (let i = 0; i < el.attributes.length; i++) {
          const a = el.attributes.item(i)!;
          if (a.namespaceURI === XMLNS_NS || a.namespaceURI === XML_NS || a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
          const kind = a.namespaceURI ? undefined : allowed[a.localName ?? a.name];
          const where = `@${a.name} of ${name}`;
          if (kind === undefined) refused.add(`the attribute ${a.name} on ${name}`);
          else if (kind === 'expr' || kind === 'pattern') checkExpression(a.value, where);
          else if (kind === 'avt') checkAvt(a.value, where);
        }
      }
    } else {
      // A literal result element; at the top level, a foreign declaration (data or a processor's extension).
      if (depth === 1) refused.add(`the top-level element ${name}`);
      for (let i = 0; i < el.attributes.length; i++) {
        const a = el.attributes.item(i)!;
        if (a.namespaceURI === XMLNS_NS || a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
        if (a.namespaceURI === XSL_NS) {
          if (!LRE_XSL_ATTRIBUTES.has(a.localName ?? '')) refused.add(`the attribute ${a.name} on ${name}`);
          continue;
        }
        checkAvt(a.value, `@${a.name} of ${name}`);
      }
    }
    for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) visit(n as Element, depth + 1);
  };
  visit(root, 0);
  return { refused: [...refused] };
}
