/**
 * XPath 2.0 semantics for the compiled schematron checks: axes over the tree of tree.ts, atomization, the
 * cardinality rules of function arguments, general comparisons with untypedAtomic promotion, and the string and
 * number functions GİB's rules call — with the reference engine's behaviour where XPath leaves room (SaxonJS:
 * strings are sequences of code points; an untypedAtomic compared with a number is cast to xs:double and a value
 * that is not a number is a dynamic error FORG0001; more than one item where one is allowed is XPTY0004).
 * A dynamic error stops the whole document, as it stops the XSLT transform.
 */
import type { XAttr, XChild, XDocument, XNode } from './tree';

// Node kinds (as in tree.ts), local so the hot paths compare against constants.
const ELEMENT = 1;
const ATTRIBUTE = 2;
const TEXT = 3;
const PI = 7;
const COMMENT = 8;
const DOCUMENT = 9;
const NAMESPACE = 13;

export class XPathDynamicError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the compiled checks see of the document being checked. */
export interface DocContext {
  doc: XDocument;
  /** Stylesheet parameters (e.g. `type` = efatura | earchive). */
  params: Readonly<Record<string, string>>;
  /** Global variables computed once per document, on first use. */
  cache: Map<string, unknown>;
}

export type Nodes = readonly XNode[];
const NONE: Nodes = Object.freeze([]) as Nodes;
export const EMPTY = NONE;

// ---- node tests ----------------------------------------------------------------------------------------------

export type NodeTestFn = (n: XNode) => boolean;

export const test = {
  element: (ns: string, local: string): NodeTestFn => (n) => n.kind === ELEMENT && n.local === local && n.ns === ns,
  anyElement: ((n) => n.kind === ELEMENT) as NodeTestFn,
  elementNs: (ns: string): NodeTestFn => (n) => n.kind === ELEMENT && n.ns === ns,
  elementLocal: (local: string): NodeTestFn => (n) => n.kind === ELEMENT && n.local === local,
  node: ((n) => n.kind !== ATTRIBUTE && n.kind !== NAMESPACE) as NodeTestFn,
  text: ((n) => n.kind === TEXT) as NodeTestFn,
  comment: ((n) => n.kind === COMMENT) as NodeTestFn,
  pi: (target?: string): NodeTestFn => (n) => n.kind === PI && (target === undefined || n.target === target),
};

// ---- axes ----------------------------------------------------------------------------------------------------

function childrenOf(n: XNode): readonly XChild[] {
  return n.kind === ELEMENT || n.kind === DOCUMENT ? n.children : (NONE as readonly XChild[]);
}

/** child::ns:local */
export function child(n: XNode, ns: string, local: string): Nodes {
  if (n.kind !== ELEMENT && n.kind !== DOCUMENT) return NONE;
  let out: XNode[] | null = null;
  for (const c of n.children) {
    if (c.kind === ELEMENT && c.local === local && c.ns === ns) (out ??= []).push(c);
  }
  return out ?? NONE;
}

/** child::<test> */
export function childWhere(n: XNode, t: NodeTestFn): Nodes {
  const cs = childrenOf(n);
  let out: XNode[] | null = null;
  for (const c of cs) if (t(c)) (out ??= []).push(c);
  return out ?? NONE;
}

/** attribute::ns:local */
export function attr(n: XNode, ns: string, local: string): Nodes {
  if (n.kind !== ELEMENT) return NONE;
  for (const a of n.attrs) if (a.local === local && a.ns === ns) return [a];
  return NONE;
}

/** attribute::* (and prefix:* / *:local) */
export function attrWhere(n: XNode, keep: (a: XAttr) => boolean): Nodes {
  if (n.kind !== ELEMENT) return NONE;
  const out = n.attrs.filter(keep);
  return out.length ? out : NONE;
}

export function parent(n: XNode): Nodes {
  return n.parent ? [n.parent] : NONE;
}

export function self(n: XNode, t: NodeTestFn): Nodes {
  return t(n) ? [n] : NONE;
}

export function namespaceAxis(n: XNode, prefix: string | null): Nodes {
  if (n.kind !== ELEMENT) return NONE;
  const all = n.namespaces();
  return prefix === null ? all : all.filter((x) => x.prefix === prefix);
}

function pushDescendants(n: XNode, t: NodeTestFn, out: XNode[]): void {
  for (const c of childrenOf(n)) {
    if (t(c)) out.push(c);
    if (c.kind === ELEMENT) pushDescendants(c, t, out);
  }
}

export function descendant(n: XNode, t: NodeTestFn): Nodes {
  const out: XNode[] = [];
  pushDescendants(n, t, out);
  return out.length ? out : NONE;
}

export function descendantOrSelf(n: XNode, t: NodeTestFn): Nodes {
  const out: XNode[] = t(n) ? [n] : [];
  pushDescendants(n, t, out);
  return out.length ? out : NONE;
}

export function ancestor(n: XNode, t: NodeTestFn, orSelf: boolean): Nodes {
  const out: XNode[] = [];
  for (let a: XNode | null = orSelf ? n : n.parent; a; a = a.parent) if (t(a)) out.push(a);
  return out.reverse();
}

export function followingSibling(n: XNode, t: NodeTestFn): Nodes {
  if (n.kind === ATTRIBUTE || n.kind === NAMESPACE || !n.parent) return NONE;
  const sibs = n.parent.children as readonly XNode[];
  const out: XNode[] = [];
  for (let i = sibs.indexOf(n) + 1; i < sibs.length; i++) if (t(sibs[i]!)) out.push(sibs[i]!);
  return out.length ? out : NONE;
}

export function precedingSibling(n: XNode, t: NodeTestFn): Nodes {
  if (n.kind === ATTRIBUTE || n.kind === NAMESPACE || !n.parent) return NONE;
  const sibs = n.parent.children as readonly XNode[];
  const out: XNode[] = [];
  for (let i = 0, end = sibs.indexOf(n); i < end; i++) if (t(sibs[i]!)) out.push(sibs[i]!);
  return out.length ? out : NONE;
}

/** following::<test>: every node after n in document order that is not its descendant (nor an attribute). */
export function following(n: XNode, t: NodeTestFn): Nodes {
  const out: XNode[] = [];
  let at: XNode = n;
  if (n.kind === ATTRIBUTE || n.kind === NAMESPACE) {
    // The element's own content follows its attributes.
    pushDescendants(n.parent, t, out);
    at = n.parent;
  }
  for (let cur: XNode = at; cur.parent; cur = cur.parent) {
    const sibs = cur.parent.children as readonly XNode[];
    for (let i = sibs.indexOf(cur) + 1; i < sibs.length; i++) {
      const s = sibs[i]!;
      if (t(s)) out.push(s);
      if (s.kind === ELEMENT) pushDescendants(s, t, out);
    }
  }
  return out.length ? out : NONE;
}

/** preceding::<test>: every node before n in document order that is not its ancestor (nor an attribute). */
export function preceding(n: XNode, t: NodeTestFn): Nodes {
  const doc = root(n);
  const start = n.kind === ATTRIBUTE || n.kind === NAMESPACE ? n.parent! : n;
  const ancestors = new Set<XNode>();
  for (let a: XNode | null = start.parent; a; a = a.parent) ancestors.add(a);
  const out: XNode[] = [];
  const walk = (x: XNode): boolean => {
    for (const c of childrenOf(x)) {
      if (c === start) return true;
      if (!ancestors.has(c) && t(c)) out.push(c);
      if (c.kind === ELEMENT && walk(c)) return true;
    }
    return false;
  };
  walk(doc);
  return out.length ? out : NONE;
}

export function root(n: XNode): XDocument {
  let r: XNode = n;
  while (r.parent) r = r.parent;
  if (r.kind !== DOCUMENT) throw new XPathDynamicError('XPDY0050', 'the root of the tree containing the context item is not a document node');
  return r;
}

/** `//ns:local` from the root: every element of that name, in document order (found once per document and name). */
export function byName(doc: XDocument, ns: string, local: string): Nodes {
  const key = `${ns}|${local}`;
  const cache = (doc.byName ??= new Map());
  let found = cache.get(key);
  if (!found) {
    found = [];
    for (const e of doc.elements) if (e.local === local && e.ns === ns) found.push(e);
    cache.set(key, found);
  }
  return found;
}

/** A path step applied to every node of a sequence: results in document order without duplicates. */
export function stepMany(nodes: Nodes, step: (n: XNode) => Nodes): Nodes {
  if (nodes.length === 0) return NONE;
  if (nodes.length === 1) return step(nodes[0]!);
  const out: XNode[] = [];
  for (const n of nodes) for (const r of step(n)) out.push(r);
  return docOrder(out);
}

/** A step whose result is atomic (e.g. `a/normalize-space(b)`): one result per node, in the nodes' order. */
export function mapAtomic<T>(nodes: Nodes, f: (n: XNode) => T): T[] {
  return nodes.map(f);
}

export function docOrder(nodes: XNode[]): Nodes {
  if (nodes.length < 2) return nodes;
  let sorted = true;
  for (let i = 1; i < nodes.length; i++) {
    if (nodes[i - 1]!.order >= nodes[i]!.order) {
      sorted = false;
      break;
    }
  }
  if (sorted) return nodes;
  nodes.sort((a, b) => a.order - b.order);
  const out: XNode[] = [nodes[0]!];
  for (let i = 1; i < nodes.length; i++) if (nodes[i] !== nodes[i - 1]) out.push(nodes[i]!);
  return out;
}

export function filter(nodes: Nodes, keep: (n: XNode) => boolean): Nodes {
  if (nodes.length === 0) return NONE;
  // Every item is tested: SaxonJS evaluates a filter eagerly, so a dynamic error in any item surfaces.
  const out: XNode[] = [];
  for (const n of nodes) if (keep(n)) out.push(n);
  return out.length ? out : NONE;
}

/** A positional predicate `[n]` on one step's result. */
export function at(nodes: Nodes, pos: number): Nodes {
  return Number.isInteger(pos) && pos >= 1 && pos <= nodes.length ? [nodes[pos - 1]!] : NONE;
}

// ---- atomization and cardinality -----------------------------------------------------------------------------

export function sv(n: XNode): string {
  return n.kind === ELEMENT ? n.stringValue() : n.kind === DOCUMENT ? docString(n) : n.stringValue();
}

function docString(d: XDocument): string {
  let s = '';
  for (const c of d.children) if (c.kind === ELEMENT) s += c.stringValue();
  return s;
}

function tooMany(fn: string, arg: number, count: number): XPathDynamicError {
  const ordinal = ['first', 'second', 'third', 'fourth', 'fifth'][arg - 1] ?? `#${arg}`;
  return new XPathDynamicError(
    'XPTY0004',
    `Required cardinality of ${ordinal} argument of ${fn}() is zero or one; supplied value contains ${count} items`,
  );
}

/** A node sequence as an `xs:string?` argument: '' when empty (the functions used treat () as ''). */
export function str1(nodes: Nodes, fn: string, arg: number): string {
  if (nodes.length === 0) return '';
  if (nodes.length > 1) throw tooMany(fn, arg, nodes.length);
  return sv(nodes[0]!);
}

/** A node sequence as an optional atomic argument: undefined when empty. */
export function opt1(nodes: Nodes, fn: string, arg: number): string | undefined {
  if (nodes.length === 0) return undefined;
  if (nodes.length > 1) throw tooMany(fn, arg, nodes.length);
  return sv(nodes[0]!);
}

/** An atomic sequence as an `xs:string?` argument. */
export function strs1(items: readonly string[], fn: string, arg: number): string {
  if (items.length === 0) return '';
  if (items.length > 1) throw tooMany(fn, arg, items.length);
  return items[0]!;
}

export function strsOpt1(items: readonly string[], fn: string, arg: number): string | undefined {
  if (items.length === 0) return undefined;
  if (items.length > 1) throw tooMany(fn, arg, items.length);
  return items[0]!;
}

// ---- effective boolean value ---------------------------------------------------------------------------------

export function ebvStrings(items: readonly string[]): boolean {
  if (items.length === 0) return false;
  if (items.length > 1) throw new XPathDynamicError('FORG0006', 'effective boolean value is not defined for a sequence of two or more atomic values');
  return items[0] !== '';
}

export function ebvNumber(x: number): boolean {
  return x !== 0 && !Number.isNaN(x);
}

// ---- strings (code points) -----------------------------------------------------------------------------------

const SURROGATE = /[\uD800-\uDFFF]/;

export function stringLength(s: string): number {
  if (!SURROGATE.test(s)) return s.length;
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const XML_SPACE_RUN = /[ \t\n\r]+/g;
const XML_SPACE_EDGE = /^[ \t\n\r]+|[ \t\n\r]+$/g;

export function normalizeSpace(s: string): string {
  return s.replace(XML_SPACE_EDGE, '').replace(XML_SPACE_RUN, ' ');
}

function xpathRound(x: number): number {
  return Math.floor(x + 0.5);
}

/** fn:substring($s, $start, $length?) on code points, with XPath's rounding. */
export function substring(s: string, start: number, length?: number): string {
  const chars = SURROGATE.test(s) ? Array.from(s) : null;
  const n = chars ? chars.length : s.length;
  const first = xpathRound(start);
  const end = length === undefined ? Infinity : first + xpathRound(length);
  let from = Number.isNaN(first) ? Infinity : Math.max(first, 1);
  let to = Number.isNaN(end) ? 1 : Math.min(end, n + 1);
  if (!(from < to)) return '';
  from -= 1;
  to -= 1;
  return chars ? chars.slice(from, to).join('') : s.slice(from, to);
}

export function translate(s: string, from: string, to: string): string {
  const map = Array.from(from);
  const rep = Array.from(to);
  let out = '';
  for (const ch of s) {
    const i = map.indexOf(ch);
    if (i < 0) out += ch;
    else if (i < rep.length) out += rep[i];
  }
  return out;
}

/** Code point order, for < and > on strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// ---- numbers -------------------------------------------------------------------------------------------------

const DOUBLE_LEXICAL = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/** The xs:double a string casts to (SaxonJS: XML whitespace trimmed, XSD 1.1 lexical forms incl. +INF); NaN if none. */
export function parseDouble(s: string): number {
  const t = s.replace(XML_SPACE_EDGE, '');
  if (DOUBLE_LEXICAL.test(t)) return Number(t);
  if (t === 'INF' || t === '+INF') return Infinity;
  if (t === '-INF') return -Infinity;
  if (t === 'NaN') return NaN;
  return Number.NaN;
}

function isDoubleLexical(s: string): boolean {
  const t = s.replace(XML_SPACE_EDGE, '');
  return DOUBLE_LEXICAL.test(t) || t === 'INF' || t === '+INF' || t === '-INF' || t === 'NaN';
}

/** untypedAtomic → xs:double as a comparison with a number casts it: not a number → FORG0001. */
export function castDouble(s: string): number {
  if (!isDoubleLexical(s)) {
    throw new XPathDynamicError('FORG0001', `Supplied value "${s.replace(XML_SPACE_EDGE, '')}" is not a valid xs:double`);
  }
  return parseDouble(s);
}

/** fn:number of an optional atomic string. */
export function number(s: string | undefined): number {
  return s === undefined ? NaN : parseDouble(s);
}

/** xs:double → xs:string (XPath 2.0 canonical form). */
export function doubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'INF';
  if (d === -Infinity) return '-INF';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const a = Math.abs(d);
  if (a >= 1e-6 && a < 1e6) return decimalString(d);
  const [mant, exp] = d.toExponential().split('e') as [string, string];
  const m = mant.includes('.') ? mant : `${mant}.0`;
  return `${m}E${Number(exp)}`;
}

function decimalString(d: number): string {
  let s = String(d);
  if (/e/i.test(s)) {
    // small magnitudes still print with an exponent in JS: expand them
    const [mant, exp] = d.toExponential().split('e') as [string, string];
    const e = Number(exp);
    const digits = mant.replace('-', '').replace('.', '');
    const sign = d < 0 ? '-' : '';
    s = e < 0 ? `${sign}0.${'0'.repeat(-e - 1)}${digits}` : `${sign}${digits}${'0'.repeat(Math.max(0, e - digits.length + 1))}`;
  }
  return s;
}

// ---- general comparisons -------------------------------------------------------------------------------------

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=';

function cmpNum(op: Op, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

export function cmpStr(op: Op, a: string, b: string): boolean {
  if (op === '=') return a === b;
  if (op === '!=') return a !== b;
  const c = compareStrings(a, b);
  return cmpNum(op, c, 0);
}

/** Untyped (node) values against one string. */
export function gcNodesStr(op: Op, nodes: Nodes, s: string): boolean {
  for (const n of nodes) if (cmpStr(op, sv(n), s)) return true;
  return false;
}

/** One string against untyped (node) values. */
export function gcStrNodes(op: Op, s: string, nodes: Nodes): boolean {
  for (const n of nodes) if (cmpStr(op, s, sv(n))) return true;
  return false;
}

/** Untyped (node) values against one number: each value cast to xs:double, in order, until one compares true. */
export function gcNodesNum(op: Op, nodes: Nodes, x: number): boolean {
  for (const n of nodes) if (cmpNum(op, castDouble(sv(n)), x)) return true;
  return false;
}

export function gcNumNodes(op: Op, x: number, nodes: Nodes): boolean {
  for (const n of nodes) if (cmpNum(op, x, castDouble(sv(n)))) return true;
  return false;
}

export function gcNodesNodes(op: Op, a: Nodes, b: Nodes): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const bs = b.map(sv);
  for (const x of a) {
    const s = sv(x);
    for (const y of bs) if (cmpStr(op, s, y)) return true;
  }
  return false;
}

/** Sequences of strings (or untyped values already atomized to strings) compared as strings. */
export function gcStrsStrs(op: Op, a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) for (const y of b) if (cmpStr(op, x, y)) return true;
  return false;
}

export function gcNum(op: Op, a: number, b: number): boolean {
  return cmpNum(op, a, b);
}

export function gcBool(op: Op, a: boolean, b: boolean): boolean {
  return cmpNum(op, Number(a), Number(b));
}

/** untypedAtomic → xs:boolean, as compared with a boolean. */
export function castBoolean(s: string): boolean {
  const t = s.replace(XML_SPACE_EDGE, '');
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new XPathDynamicError('FORG0001', `Supplied value "${t}" is not a valid xs:boolean`);
}

export function gcNodesBool(op: Op, nodes: Nodes, b: boolean): boolean {
  for (const n of nodes) if (gcBool(op, castBoolean(sv(n)), b)) return true;
  return false;
}

// ---- names ---------------------------------------------------------------------------------------------------

export function nodeName(n: XNode | undefined): string {
  if (!n) return '';
  switch (n.kind) {
    case ELEMENT:
    case ATTRIBUTE:
      return n.qname;
    case PI:
      return n.target;
    case NAMESPACE:
      return n.prefix;
    default:
      return '';
  }
}

export function localName(n: XNode | undefined): string {
  if (!n) return '';
  switch (n.kind) {
    case ELEMENT:
    case ATTRIBUTE:
      return n.local;
    case PI:
      return n.target;
    case NAMESPACE:
      return n.prefix;
    default:
      return '';
  }
}

export function namespaceUri(n: XNode | undefined): string {
  return n && (n.kind === ELEMENT || n.kind === ATTRIBUTE) ? n.ns : '';
}

export function one(nodes: Nodes, fn: string, arg: number): XNode | undefined {
  if (nodes.length > 1) throw tooMany(fn, arg, nodes.length);
  return nodes[0];
}

/** The value, once the other expressions were evaluated for their errors (e.g. count() of one item). */
export function evaluatedThen<T>(value: T, ..._evaluated: unknown[]): T {
  return value;
}

/** xsl:value-of: the items' string values joined by single spaces. */
export function joinValues(items: readonly (XNode | string)[]): string {
  return items.map((i) => (typeof i === 'string' ? i : sv(i))).join(' ');
}
