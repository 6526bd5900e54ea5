/**
 * Mutants of a document for the differential test: one change at a time — an element or attribute removed, an
 * element repeated or emptied, a text or attribute value replaced — chosen by a seeded generator, so a run is
 * reproducible from its seed document and index. Replacement values lean on what GİB's rules look for: the
 * literals of the schematron tests, members of its code lists, near misses of the current value (case, spacing,
 * one character more or less) and values that stress XPath itself (empty, numbers in odd forms, non-ASCII
 * digits, astral characters).
 */
import { DOMParser, XMLSerializer, type Attr, type Element, type Node as DomNode } from '@xmldom/xmldom';
import { readSchema } from '../../core/validation/schematron/compiler/schema';
import { parseXPath, type Expr } from '../../core/validation/schematron/compiler/xpath';
import { GIB_FILES, locateGibPackage } from '../../core/validation/gibPackage';
import path from 'node:path';
import type { CorpusDocument, SchematronType } from './corpus';

export interface Mutant extends CorpusDocument {
  /** What was changed, e.g. `text /Invoice/cbc:ID = "abc"`. */
  change: string;
}

/** mulberry32: small, fast, reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const GENERIC = [
  '',
  ' ',
  '0',
  '1',
  '-1',
  '0.00',
  '0.0',
  '100.00',
  '1.5',
  '12.345',
  '1,000.00',
  '1.000,00',
  '+5',
  '.5',
  '5.',
  '1e3',
  'INF',
  '-INF',
  'NaN',
  ' 42 ',
  '\u00a042',
  '٣٤',
  '١٢٣٤٥٦٧٨٩٠',
  'abc',
  'ABC',
  '12345678901',
  '1234567890',
  '123456789',
  '123456789012',
  '2026-03-04',
  '2004-12-31',
  '2026-13-01',
  '9999-12-31',
  'ABC2026000000001',
  'abc2026000000001',
  'ABC20260000000012',
  'AB2026000000001',
  '8f14e45f-ceea-467f-a9f2-7c1d2a3b4c5d',
  '8F14E45F-CEEA-467F-A9F2-7C1D2A3B4C5D',
  '8f14e45f-ceea-467f-a9f2-7c1d2a3b4c5',
  'TR330006100519786457841326',
  'TR33000610051978645784132',
  'SE-0000001',
  'AB1234567',
  '34394',
  '99999',
  '😀',
  'İı',
  'x'.repeat(40),
];

let literalCache: string[] | null = null;

/** String and number literals of GİB's schematron tests, plus a few members of each code list. */
export function schematronLiterals(): string[] {
  if (literalCache) return literalCache;
  const gib = locateGibPackage();
  const schema = readSchema(path.join(gib, ...GIB_FILES.schematronSources[0].split('/')));
  const out = new Set<string>();
  const walk = (e: Expr): void => {
    switch (e.t) {
      case 'str':
        if (e.v.length < 40 && !e.v.startsWith(',')) out.add(e.v);
        break;
      case 'num':
        out.add(e.text);
        break;
      case 'or':
      case 'and':
      case 'gcmp':
      case 'vcmp':
      case 'arith':
      case 'union':
        walk(e.l);
        walk(e.r);
        break;
      case 'neg':
        walk(e.e);
        break;
      case 'seq':
        e.items.forEach(walk);
        break;
      case 'call':
        e.args.forEach(walk);
        break;
      case 'path':
        for (const s of e.steps) {
          if (s.t === 'filter') walk(s.primary);
          s.preds.forEach(walk);
        }
        break;
      default:
    }
  };
  for (const p of schema.patterns) for (const r of p.rules) for (const a of r.assertions) walk(parseXPath(a.test));
  for (const l of schema.globals) {
    const v = parseXPath(l.value);
    if (v.t !== 'str' || !v.v.startsWith(',')) continue;
    const members = v.v.split(',').filter(Boolean);
    for (const m of [...members.slice(0, 3), ...members.slice(-2), members[Math.floor(members.length / 2)]!]) out.add(m);
  }
  literalCache = [...out].sort();
  return literalCache;
}

function elementsOf(root: Element): Element[] {
  const out: Element[] = [];
  const walk = (e: Element): void => {
    for (let n = e.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 1) {
        out.push(n as Element);
        walk(n as Element);
      }
    }
  };
  walk(root);
  return out;
}

function isLeaf(e: Element): boolean {
  for (let n = e.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) return false;
  return true;
}

function attrsOf(e: Element): Attr[] {
  const out: Attr[] = [];
  for (let i = 0; i < e.attributes.length; i++) {
    const a = e.attributes.item(i)!;
    if (a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) out.push(a);
  }
  return out;
}

function where(n: DomNode): string {
  const parts: string[] = [];
  for (let e: DomNode | null = n; e && e.nodeType === 1; e = e.parentNode) {
    const el = e as Element;
    let i = 1;
    for (let s = el.previousSibling; s; s = s.previousSibling) if (s.nodeType === 1 && (s as Element).nodeName === el.nodeName) i++;
    parts.unshift(i > 1 ? `${el.nodeName}[${i}]` : el.nodeName);
  }
  return `/${parts.join('/')}`;
}

function nearMiss(value: string, rnd: () => number): string {
  const options = [
    `${value} `,
    ` ${value}`,
    value.toLowerCase(),
    value.toUpperCase(),
    value.slice(0, -1),
    `${value}0`,
    `${value}A`,
    value.replace(/[0-9]/, '٣'),
    value.replace(/\./, ','),
    `${value}\n`,
  ];
  return options[Math.floor(rnd() * options.length)]!;
}

/** `count` mutants of a document (fewer when it has nothing to mutate); deterministic for a given document. */
export function mutants(doc: CorpusDocument, count: number): Mutant[] {
  const rnd = prng(hash(doc.name));
  const literals = schematronLiterals();
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const value = (current: string): string => {
    const r = rnd();
    if (r < 0.45) return pick(literals);
    if (r < 0.75) return nearMiss(current, rnd);
    return pick(GENERIC);
  };
  const out: Mutant[] = [];
  const flipped: SchematronType = doc.type === 'efatura' ? 'earchive' : 'efatura';
  if (count > 0) out.push({ ...doc, name: `${doc.name} #type`, type: flipped, change: `type=${flipped}` });
  for (let i = out.length; i < count; i++) {
    const dom = new DOMParser({ onError: () => undefined }).parseFromString(doc.xml.charCodeAt(0) === 0xfeff ? doc.xml.slice(1) : doc.xml, 'text/xml');
    const root = dom.documentElement;
    if (!root) return out;
    const elements = elementsOf(root);
    if (elements.length === 0) return out;
    const leaves = elements.filter(isLeaf);
    const withAttrs = elements.filter((e) => attrsOf(e).length > 0);
    const r = rnd();
    let change: string;
    if (r < 0.35 && leaves.length) {
      const e = pick(leaves);
      const v = value(e.textContent ?? '');
      while (e.firstChild) e.removeChild(e.firstChild);
      if (v !== '') e.appendChild(dom.createTextNode(v));
      change = `text ${where(e)} = ${JSON.stringify(v)}`;
    } else if (r < 0.52) {
      const e = pick(elements);
      change = `remove ${where(e)}`;
      e.parentNode!.removeChild(e);
    } else if (r < 0.64) {
      const e = pick(elements);
      e.parentNode!.insertBefore(e.cloneNode(true), e.nextSibling);
      change = `repeat ${where(e)}`;
    } else if (r < 0.78 && withAttrs.length) {
      const e = pick(withAttrs);
      const a = pick(attrsOf(e));
      const v = value(a.value);
      a.value = v;
      change = `attribute ${where(e)}/@${a.name} = ${JSON.stringify(v)}`;
    } else if (r < 0.88 && withAttrs.length) {
      const e = pick(withAttrs);
      const a = pick(attrsOf(e));
      e.removeAttributeNode(a);
      change = `remove ${where(e)}/@${a.name}`;
    } else {
      const e = pick(elements.filter((x) => !isLeaf(x)).concat(leaves.slice(0, 1)));
      while (e.firstChild) e.removeChild(e.firstChild);
      change = `empty ${where(e)}`;
    }
    out.push({ name: `${doc.name} #${i}`, xml: new XMLSerializer().serializeToString(dom), type: doc.type, change });
  }
  return out;
}
