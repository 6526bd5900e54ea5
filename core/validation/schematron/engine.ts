/**
 * Runs compiled schematron checks over one parsed document the way GİB's XSLT (ISO skeleton) does: every pattern
 * walks the whole document in document order; on each element the first rule of the pattern whose context
 * matches fires (the skeleton gives rules falling priorities in written order); its assertions run in order.
 * Failures come out pattern by pattern, in document order within a pattern — the order of the SVRL.
 * One walk serves all patterns: rules are indexed by the name their context ends with.
 */
import { XPathDynamicError, normalizeSpace, type DocContext } from './runtime';
import type { XAttr, XDocument, XElement, XNode } from './tree';

// Node kinds, as in tree.ts.
const ELEMENT = 1;
const ATTRIBUTE = 2;
const DOCUMENT = 9;
import type { CompiledAssertion, CompiledPattern, CompiledRule, MatchStep } from './types';

export { XPathDynamicError };

/** A failed assert (or a successful report), as the SVRL would carry it. */
export interface SchematronFailure {
  kind: 'assert' | 'report';
  /** The fired rule's context as written. */
  context: string;
  /** The test as the SVRL writes it. */
  test: string;
  /** GİB's rule id (abstract rule) behind the assertion. */
  ruleId: string;
  role?: string;
  flag?: string;
  /** The message, whitespace-normalised. */
  message: string;
  /** The SVRL location (`/*[local-name()='Invoice']/*[local-name()='InvoiceLine'][2]`). */
  location: string;
}

interface Candidate {
  pattern: number;
  rules: CompiledRule[];
}

function stepMatches(n: XNode, s: MatchStep): boolean {
  if (s.axis === 'attribute' ? n.kind !== ATTRIBUTE : n.kind !== ELEMENT) return false;
  const x = n as XElement | XAttr;
  return (s.local === undefined || x.local === s.local) && (s.ns === undefined || x.ns === s.ns);
}

/** Does the rule context match n? Steps are read from n upward; '//' may skip any number of ancestors. */
function matches(rule: CompiledRule, n: XNode): boolean {
  return matchFrom(rule, n, 0);
}

function matchFrom(rule: CompiledRule, n: XNode, i: number): boolean {
  const steps = rule.match;
  let node: XNode = n;
  for (; ; i++) {
    const step = steps[i]!;
    if (!stepMatches(node, step)) return false;
    if (i === steps.length - 1) {
      // An absolute context: the top step's parent is the document (after a leading '//', any ancestry will do).
      return !rule.absolute || step.sep === '//' || node.parent?.kind === DOCUMENT;
    }
    const up = node.parent;
    if (!up || up.kind !== ELEMENT) return false;
    if (step.sep === '//') {
      for (let a: XNode | null = up; a && a.kind === ELEMENT; a = a.parent) if (matchFrom(rule, a, i + 1)) return true;
      return false;
    }
    node = up;
  }
}

/** The SVRL location of a node: schematron-select-full-path of the ISO skeleton. */
export function svrlLocation(n: XNode): string {
  if (n.kind === ATTRIBUTE) return n.value; // the skeleton has no template for attributes here: their text is copied
  if (n.kind !== ELEMENT) return '';
  const parts: string[] = [];
  for (let e: XNode | null = n; e && e.kind === ELEMENT; e = e.parent) {
    const sibs = e.parent!.children;
    const sameName = (x: XNode): boolean => x.kind === ELEMENT && (e.ns === '' ? x.qname === e.qname : x.local === e.local);
    let pos = 1;
    let after = false;
    const i = sibs.indexOf(e);
    for (let j = 0; j < i; j++) if (sameName(sibs[j]!)) pos++;
    for (let j = i + 1; j < sibs.length && !after; j++) if (sameName(sibs[j]!)) after = true;
    const index = pos > 1 || after ? `[${pos}]` : '';
    parts.push(e.ns === '' ? `/${e.qname}${index}` : `/*[local-name()='${e.local}']${index}`);
  }
  return parts.reverse().join('');
}

export class CompiledSchematron {
  private readonly elementCandidates = new Map<string, Candidate[]>();
  private readonly attributeCandidates = new Map<string, Candidate[]>();
  private readonly hasAttributeRules: boolean;

  constructor(
    readonly patterns: readonly CompiledPattern[],
    /** Parameters every run must supply (e.g. `type`). */
    readonly requiredParams: readonly string[],
  ) {
    this.hasAttributeRules = patterns.some((p) => p.rules.some((r) => r.match[0]!.axis === 'attribute'));
  }

  /** Rules of each pattern that may fire on a node of this kind and name, in priority order. */
  private candidates(n: XElement | XAttr): Candidate[] {
    const attribute = n.kind === ATTRIBUTE;
    const cache = attribute ? this.attributeCandidates : this.elementCandidates;
    const key = `${n.ns}|${n.local}`;
    let found = cache.get(key);
    if (!found) {
      found = [];
      for (const [i, p] of this.patterns.entries()) {
        const rules = p.rules.filter((r) => stepMatches(n, r.match[0]!));
        if (rules.length) found.push({ pattern: i, rules });
      }
      cache.set(key, found);
    }
    return found;
  }

  /**
   * Every failed assert and successful report for the document. `params` must hold the required parameters.
   * A dynamic XPath error (e.g. two values where one is allowed) stops the run: XPathDynamicError.
   */
  run(doc: XDocument, params: Readonly<Record<string, string>>): SchematronFailure[] {
    for (const p of this.requiredParams) if (params[p] === undefined) throw new Error(`schematron parameter ${p} is required`);
    const d: DocContext = { doc, params, cache: new Map() };
    const buckets: SchematronFailure[][] = this.patterns.map(() => []);
    const fire = (node: XElement | XAttr): void => {
      for (const c of this.candidates(node)) {
        const rule = c.rules.find((r) => matches(r, node));
        if (!rule) continue;
        for (const a of rule.assertions) {
          const holds = a.check(node, d);
          if (a.kind === 'assert' ? !holds : holds) buckets[c.pattern]!.push(failure(rule, a, node, d));
        }
      }
    };
    for (const e of doc.elements) {
      fire(e);
      if (this.hasAttributeRules) for (const at of e.attrs) fire(at);
    }
    return buckets.flat();
  }
}

function failure(rule: CompiledRule, a: CompiledAssertion, node: XNode, d: DocContext): SchematronFailure {
  const f: SchematronFailure = {
    kind: a.kind,
    context: rule.context,
    test: a.test,
    ruleId: a.ruleId,
    message: normalizeSpace(a.message(node, d)),
    location: svrlLocation(node),
  };
  if (a.role !== undefined) f.role = a.role;
  if (a.flag !== undefined) f.flag = a.flag;
  return f;
}
