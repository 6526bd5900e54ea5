/**
 * Reads an ISO Schematron schema (GİB's UBL-TR_Main_Schematron.xml with its includes) into the rules the XSLT
 * skeleton would run: includes resolved (`href="file#id"`), abstract patterns instantiated (`is-a` + params),
 * abstract rules expanded where `sch:extends` names them, and lets sorted into stylesheet parameters (schema level),
 * global variables (pattern level) and rule variables. Rules written outside any pattern are kept apart: the
 * skeleton puts them in a mode that nothing applies, so they never fire.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DOMParser, type Element, type Node as DomNode } from '@xmldom/xmldom';

export const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';

export interface Let {
  name: string;
  /** The XPath expression. */
  value: string;
}

/** One piece of an assertion's message. */
export type MessagePart = { t: 'text'; v: string } | { t: 'value-of'; select: string } | { t: 'name'; path?: string };

export interface Assertion {
  kind: 'assert' | 'report';
  test: string;
  /** The GİB rule this assertion came from: the abstract rule's id, else the concrete rule's id or context. */
  ruleId: string;
  id?: string;
  role?: string;
  flag?: string;
  message: MessagePart[];
}

export interface ConcreteRule {
  context: string;
  id?: string;
  lets: Let[];
  assertions: Assertion[];
}

export interface Pattern {
  id: string;
  rules: ConcreteRule[];
}

export interface Schema {
  /** prefix → namespace URI, from sch:ns. */
  namespaces: Map<string, string>;
  /** Schema-level lets: stylesheet parameters, overridable by the caller. */
  params: Let[];
  /** Pattern-level lets: global variables, evaluated with the document node as context. */
  globals: Let[];
  patterns: Pattern[];
  /** Rules outside any pattern: never applied by the skeleton (listed for the record). */
  inactiveRules: string[];
  /** The files read, in order (main first). */
  files: string[];
}

export class SchemaError extends Error {}

const isSch = (n: DomNode | null, local: string): boolean =>
  !!n && n.nodeType === 1 && (n as Element).namespaceURI === SCH_NS && (n as Element).localName === local;

function childElements(el: Element): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

function schChildren(el: Element, local: string): Element[] {
  return childElements(el).filter((c) => isSch(c, local));
}

function attr(el: Element, name: string): string | undefined {
  return el.hasAttribute(name) ? el.getAttribute(name)! : undefined;
}

function parseFile(file: string): Element {
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') errors.push(msg);
    },
  }).parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
  if (errors.length || !doc.documentElement) throw new SchemaError(`${file}: ${errors.join('; ') || 'no root element'}`);
  return doc.documentElement;
}

function findById(el: Element, id: string): Element | undefined {
  if (el.getAttribute('id') === id) return el;
  for (const c of childElements(el)) {
    const f = findById(c, id);
    if (f) return f;
  }
  return undefined;
}

/** Replaces every sch:include by the element it points to (recursively, relative to the including file). */
function resolveIncludes(el: Element, file: string, files: string[], depth = 0): void {
  if (depth > 20) throw new SchemaError(`${file}: includes nested too deeply`);
  for (const c of childElements(el)) {
    if (isSch(c, 'include')) {
      const href = attr(c, 'href') ?? '';
      const [rel, fragment] = href.split('#') as [string, string | undefined];
      const target = path.resolve(path.dirname(file), decodeURI(rel));
      if (!fs.existsSync(target)) throw new SchemaError(`${file}: included file ${href} not found`);
      if (!files.includes(target)) files.push(target);
      const incRoot = parseFile(target);
      const included = fragment ? findById(incRoot, fragment) : incRoot;
      if (!included) throw new SchemaError(`${file}: ${href} has no element with id ${fragment}`);
      resolveIncludes(included, target, files, depth + 1);
      const imported = el.ownerDocument!.importNode(included, true) as Element;
      el.replaceChild(imported, c);
    } else {
      resolveIncludes(c, file, files, depth);
    }
  }
}

function messageOf(el: Element): MessagePart[] {
  const parts: MessagePart[] = [];
  const walk = (e: Element): void => {
    for (let n = e.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3 || n.nodeType === 4) {
        parts.push({ t: 'text', v: n.nodeValue ?? '' });
      } else if (n.nodeType === 1) {
        const c = n as Element;
        if (isSch(c, 'value-of')) parts.push({ t: 'value-of', select: attr(c, 'select') ?? '.' });
        else if (isSch(c, 'name')) {
          const p = attr(c, 'path');
          parts.push(p === undefined ? { t: 'name' } : { t: 'name', path: p });
        } else if (isSch(c, 'emph') || isSch(c, 'dir') || isSch(c, 'span')) walk(c);
        else throw new SchemaError(`unsupported element <${c.nodeName}> in an assertion message`);
      }
    }
  };
  walk(el);
  return parts;
}

function letsOf(el: Element): Let[] {
  return schChildren(el, 'let').map((l) => {
    const name = attr(l, 'name');
    const value = attr(l, 'value');
    if (!name || value === undefined) throw new SchemaError(`<let> without name or value (${name ?? '?'})`);
    return { name, value };
  });
}

/** Substitutes `$param` in abstract pattern text (ISO Schematron §6.3: textual replacement of parameters). */
function substitute(text: string, params: Map<string, string>): string {
  if (params.size === 0) return text;
  return text.replace(/\$([A-Za-z_][\w.-]*)/g, (m, name: string) => params.get(name) ?? m);
}

export function readSchema(mainFile: string): Schema {
  const file = path.resolve(mainFile);
  const root = parseFile(file);
  if (!isSch(root, 'schema')) throw new SchemaError(`${file}: the root element is not sch:schema`);
  const files = [file];
  resolveIncludes(root, file, files);

  const queryBinding = (attr(root, 'queryBinding') ?? 'xslt2').toLowerCase();
  if (!['xslt2', 'xpath2', 'xslt3', 'xpath3'].includes(queryBinding)) {
    throw new SchemaError(`query binding ${queryBinding} is not supported (XPath 2.0 expected)`);
  }
  if (schChildren(root, 'phase').length > 0) throw new SchemaError('phases are not supported: every pattern is active');

  const namespaces = new Map<string, string>();
  for (const ns of schChildren(root, 'ns')) namespaces.set(attr(ns, 'prefix')!, attr(ns, 'uri')!);

  // Abstract rules, wherever they are (GİB keeps them in an included pattern).
  const abstractRules = new Map<string, Element>();
  const allRules = root.getElementsByTagNameNS(SCH_NS, 'rule');
  for (let i = 0; i < allRules.length; i++) {
    const r = allRules.item(i)!;
    if (r.getAttribute('abstract') === 'true') {
      const id = r.getAttribute('id');
      if (!id) throw new SchemaError('an abstract rule has no id');
      abstractRules.set(id, r);
    }
  }
  const abstractPatterns = new Map<string, Element>();
  for (const p of schChildren(root, 'pattern')) if (p.getAttribute('abstract') === 'true') abstractPatterns.set(p.getAttribute('id') ?? '', p);

  const expand = (rule: Element, params: Map<string, string>, ruleId: string, trail: string[]): { lets: Let[]; assertions: Assertion[] } => {
    const lets: Let[] = [];
    const assertions: Assertion[] = [];
    for (const c of childElements(rule)) {
      if (isSch(c, 'let')) {
        lets.push({ name: attr(c, 'name')!, value: substitute(attr(c, 'value')!, params) });
      } else if (isSch(c, 'assert') || isSch(c, 'report')) {
        const a: Assertion = {
          kind: c.localName as 'assert' | 'report',
          test: substitute(attr(c, 'test') ?? '', params),
          ruleId,
          message: messageOf(c).map((p) =>
            p.t === 'value-of' ? { t: 'value-of', select: substitute(p.select, params) } : p.t === 'name' && p.path ? { t: 'name', path: substitute(p.path, params) } : p,
          ),
        };
        for (const k of ['id', 'role', 'flag'] as const) {
          const v = attr(c, k);
          if (v !== undefined) a[k] = v;
        }
        assertions.push(a);
      } else if (isSch(c, 'extends')) {
        const id = attr(c, 'rule');
        const target = id ? abstractRules.get(id) : undefined;
        if (!id || !target) throw new SchemaError(`sch:extends names an unknown abstract rule: ${id}`);
        if (trail.includes(id)) throw new SchemaError(`abstract rules extend each other in a cycle: ${[...trail, id].join(' → ')}`);
        const sub = expand(target, params, id, [...trail, id]);
        lets.push(...sub.lets);
        assertions.push(...sub.assertions);
      } else if (!isSch(c, 'p') && !isSch(c, 'title')) {
        throw new SchemaError(`unsupported element <${c.nodeName}> in a rule`);
      }
    }
    return { lets, assertions };
  };

  const concrete = (rule: Element, params: Map<string, string>): ConcreteRule => {
    const context = substitute(attr(rule, 'context') ?? '', params);
    if (!context) throw new SchemaError('a rule has no context');
    const id = attr(rule, 'id');
    const body = expand(rule, params, id ?? context, []);
    return { context, ...(id ? { id } : {}), ...body };
  };

  const params = letsOf(root);
  const globals: Let[] = [];
  const patterns: Pattern[] = [];
  const inactiveRules: string[] = [];
  for (const c of childElements(root)) {
    if (isSch(c, 'rule') && c.getAttribute('abstract') !== 'true') inactiveRules.push(attr(c, 'context') ?? '');
    if (!isSch(c, 'pattern') || c.getAttribute('abstract') === 'true') continue;
    let body = c;
    const subst = new Map<string, string>();
    const isA = attr(c, 'is-a');
    if (isA) {
      const base = abstractPatterns.get(isA);
      if (!base) throw new SchemaError(`pattern ${attr(c, 'id')} is-a unknown abstract pattern ${isA}`);
      for (const p of schChildren(c, 'param')) subst.set(attr(p, 'name')!, attr(p, 'value')!);
      body = base;
    }
    globals.push(...letsOf(body).map((l) => ({ name: l.name, value: substitute(l.value, subst) })));
    const rules = schChildren(body, 'rule')
      .filter((r) => r.getAttribute('abstract') !== 'true')
      .map((r) => concrete(r, subst));
    patterns.push({ id: attr(c, 'id') ?? `pattern-${patterns.length + 1}`, rules });
  }
  return { namespaces, params, globals, patterns, inactiveRules, files };
}
