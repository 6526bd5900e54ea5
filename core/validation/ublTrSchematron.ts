/**
 * GİB's UBL-TR schematron (`e-FaturaPaketi/schematron/UBL-TR_Main_Schematron.xml` with its included code list and
 * abstract rules) compiled to the XSLT 2.0 stylesheet the validator runs. GİB publishes only the .sch sources; a
 * package installed from GİB's zips (`konnektor gib install`) gets its `compiled/UBL-TR_Main_Schematron.xslt` from
 * here. The sources are first made self-contained the way ISO schematron defines it — `include` resolved
 * (`href="file#id"` takes that element), abstract rules inlined where a rule `extends` them, the code list's
 * pattern-level `let`s made global — and then compiled by the same ISO-subset compiler as e-Defter's schematrons.
 * GİB's `type` switch (efatura | earchive | goruntuleme) stays a stylesheet parameter, as in GİB's own compiled
 * package, so the validator passes it per document.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { compileSchematron } from '../documents/xbrl/schematron';

const SCH = 'http://purl.oclc.org/dsdl/schematron';
const XSL = 'http://www.w3.org/1999/XSL/Transform';
/** Top-level `let`s that are stylesheet parameters in GİB's compiled package. */
const PARAMETERS = new Set(['type']);

const elements = (node: Node): Element[] => {
  const out: Element[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
};
const isSch = (e: Element, name: string) => e.namespaceURI === SCH && e.localName === name;

function parse(file: string): Document {
  return new DOMParser().parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
}

function byId(root: Element, id: string): Element | undefined {
  if (root.getAttribute('id') === id) return root;
  for (const c of elements(root)) {
    const found = byId(c, id);
    if (found) return found;
  }
  return undefined;
}

/** The schema with includes resolved and abstract rules inlined: one self-contained .sch text. */
export function flattenSchematron(mainFile: string): string {
  const doc = parse(mainFile);
  const root = doc.documentElement!;
  const abstracts = new Map<string, Element>();
  const hoisted: Element[] = [];

  for (const inc of elements(root).filter((e) => isSch(e, 'include'))) {
    const [file, id] = (inc.getAttribute('href') ?? '').split('#');
    const included = parse(path.join(path.dirname(mainFile), file!)).documentElement!;
    const target = id ? byId(included, id) : included;
    if (!target) throw new Error(`schematron include ${inc.getAttribute('href')} not found`);
    for (const rule of [target, ...elements(target)].filter((e) => isSch(e, 'rule') && e.getAttribute('abstract') === 'true')) {
      abstracts.set(rule.getAttribute('id')!, rule);
    }
    // Pattern-level lets of an included pattern (the code list) are global variables.
    for (const l of elements(target).filter((e) => isSch(e, 'let'))) hoisted.push(doc.importNode(l, true) as Element);
    root.removeChild(inc);
  }
  const firstPattern = elements(root).find((e) => isSch(e, 'pattern')) ?? null;
  for (const l of hoisted) root.insertBefore(l, firstPattern);
  for (const rule of elements(root).filter((e) => isSch(e, 'pattern')).flatMap(elements).filter((e) => isSch(e, 'rule'))) {
    if (rule.getAttribute('abstract') === 'true') {
      abstracts.set(rule.getAttribute('id')!, rule);
      rule.parentNode!.removeChild(rule);
    }
  }

  const expand = (rule: Element, seen: Set<string>) => {
    for (const ext of elements(rule).filter((e) => isSch(e, 'extends'))) {
      const id = ext.getAttribute('rule')!;
      const abstract = abstracts.get(id);
      if (!abstract) throw new Error(`schematron rule extends unknown abstract rule ${id}`);
      if (seen.has(id)) throw new Error(`schematron abstract rule ${id} extends itself`);
      const copy = doc.importNode(abstract, true) as Element;
      expand(copy, new Set([...seen, id]));
      for (const item of elements(copy)) rule.insertBefore(item, ext);
      rule.removeChild(ext);
    }
  };
  for (const rule of elements(root).filter((e) => isSch(e, 'pattern')).flatMap(elements).filter((e) => isSch(e, 'rule'))) expand(rule, new Set());

  for (const l of elements(root).filter((e) => isSch(e, 'let') && PARAMETERS.has(e.getAttribute('name') ?? ''))) {
    const param = doc.createElementNS(XSL, 'xsl:param');
    param.setAttribute('name', l.getAttribute('name')!);
    param.setAttribute('select', l.getAttribute('value')!);
    root.replaceChild(param, l);
  }
  return new XMLSerializer().serializeToString(doc);
}

/** GİB's UBL-TR schematron of a package folder as XSLT 2.0 text. */
export function compileUblTrSchematron(mainFile: string): string {
  return compileSchematron(flattenSchematron(mainFile));
}
