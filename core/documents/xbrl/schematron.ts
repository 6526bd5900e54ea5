/**
 * GİB's e-Defter schematrons (`edefter_{yevmiye,kebir,berat}.sch`, `queryBinding="xslt2"`) run under SaxonJS.
 *
 * No npm package ships an ISO schematron skeleton, so the .sch is compiled here to an XSLT 2.0 stylesheet with ISO
 * semantics for the subset GİB uses (schema- and rule-level `let`, `ns`, `pattern`/`rule`/`assert`, `value-of` in
 * messages, foreign `xsl:function`s): one mode per pattern, and within a pattern the first rule whose context
 * matches a node fires (priorities by document order). The stylesheet is then compiled to a SEF by the project's
 * xslt3 compiler and cached on disk like the UBL-TR schematron (core/validation/sefCache.ts), keyed by the hash of
 * the generated XSLT, so a new GİB release compiles afresh.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { KonnektorError } from '../../errors';
import { defaultCacheDir, ensureSef } from '../../validation/sefCache';
import { locateGibPackage } from '../../validation/gibPackage';

const require = createRequire(import.meta.url);
const SCH = 'http://purl.oclc.org/dsdl/schematron';
const XSL = 'http://www.w3.org/1999/XSL/Transform';

export type EdefterSchematron = 'yevmiye' | 'kebir' | 'berat';

/** GİB's schematron files inside the reference package. */
export function edefterSchematronPath(kind: EdefterSchematron, gibRoot: string = locateGibPackage()): string {
  return path.join(gibRoot, 'e-Defter', 'schematron', `edefter_${kind}.sch`);
}

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
const text = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function children(node: Node): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** Assert/report message content: text, and `value-of` as xsl:value-of. */
function messageOf(node: Node): string {
  let out = '';
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3 || c.nodeType === 4) out += text(c.nodeValue ?? '');
    else if (c.nodeType === 1) {
      const el = c as Element;
      if (el.localName === 'value-of') out += `<xsl:value-of select="${attr(el.getAttribute('select') ?? '.')}"/>`;
      else if (el.localName === 'name') out += `<xsl:value-of select="name(${attr(el.getAttribute('path') ?? '.')})"/>`;
      else out += messageOf(el);
    }
  }
  return out.replace(/\s+/g, ' ');
}

/** The XSLT 2.0 text for a schematron source. */
export function compileSchematron(schText: string): string {
  const doc = new DOMParser().parseFromString(schText, 'text/xml');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SCH || root.localName !== 'schema') throw new Error('not an ISO schematron schema');
  const ns = new Map<string, string>();
  for (let i = 0; i < root.attributes.length; i++) {
    const a = root.attributes.item(i)!;
    if (a.name.startsWith('xmlns:')) ns.set(a.name.slice(6), a.value);
  }
  const top = children(root);
  for (const el of top.filter((e) => e.localName === 'ns' && e.namespaceURI === SCH)) ns.set(el.getAttribute('prefix')!, el.getAttribute('uri')!);
  ns.delete('sch');
  ns.set('xsl', XSL);
  ns.set('svrl', 'http://purl.oclc.org/dsdl/svrl');
  ns.set('xs', 'http://www.w3.org/2001/XMLSchema');
  const decls = [...ns.entries()].map(([p, u]) => `xmlns:${p}="${attr(u)}"`).join(' ');

  const parts: string[] = [];
  parts.push(`<xsl:stylesheet version="2.0" ${decls}>`);
  parts.push('<xsl:output method="xml" indent="no"/>');
  for (const el of top) {
    if (el.namespaceURI === XSL) parts.push(el.toString());
  }
  for (const el of top.filter((e) => e.localName === 'let' && e.namespaceURI === SCH)) {
    parts.push(`<xsl:variable name="${attr(el.getAttribute('name')!)}" select="${attr(el.getAttribute('value')!)}"/>`);
  }
  const patterns = top.filter((e) => e.localName === 'pattern' && e.namespaceURI === SCH);
  parts.push('<xsl:template match="/"><svrl:schematron-output>');
  patterns.forEach((p, i) => parts.push(`<svrl:active-pattern id="${attr(p.getAttribute('id') ?? `p${i}`)}"/><xsl:apply-templates select="/" mode="M${i}"/>`));
  parts.push('</svrl:schematron-output></xsl:template>');
  patterns.forEach((p, i) => {
    const rules = children(p).filter((e) => e.localName === 'rule' && e.namespaceURI === SCH);
    rules.forEach((r, j) => {
      const context = r.getAttribute('context')!;
      parts.push(`<xsl:template match="${attr(context)}" mode="M${i}" priority="${1000 - j}">`);
      parts.push(`<svrl:fired-rule context="${attr(context)}"/>`);
      for (const item of children(r)) {
        if (item.localName === 'let') {
          parts.push(`<xsl:variable name="${attr(item.getAttribute('name')!)}" select="${attr(item.getAttribute('value')!)}"/>`);
        } else if (item.localName === 'assert' || item.localName === 'report') {
          const test = item.getAttribute('test')!;
          const cond = item.localName === 'assert' ? `not(${test})` : test;
          const tag = item.localName === 'assert' ? 'svrl:failed-assert' : 'svrl:successful-report';
          parts.push(
            `<xsl:if test="${attr(cond)}"><${tag} test="${attr(test)}" context="${attr(context)}"><xsl:attribute name="location" select="path()"/><svrl:text>${messageOf(item)}</svrl:text></${tag}></xsl:if>`,
          );
        }
      }
      parts.push(`<xsl:apply-templates select="*" mode="M${i}"/></xsl:template>`);
    });
    parts.push(`<xsl:template match="/" mode="M${i}" priority="-2"><xsl:apply-templates select="*" mode="M${i}"/></xsl:template>`);
    parts.push(`<xsl:template match="*" mode="M${i}" priority="-2"><xsl:apply-templates select="*" mode="M${i}"/></xsl:template>`);
  });
  parts.push('</xsl:stylesheet>');
  return parts.join('\n');
}

interface SaxonJSApi {
  transform(options: Record<string, unknown>, mode: 'sync'): { principalResult: unknown };
  XPath: { evaluate(xpath: string, context: unknown, options?: Record<string, unknown>): unknown };
}

/** The SEF of GİB's schematron `kind`, compiled once per release and cached. */
export async function edefterSef(kind: EdefterSchematron, cacheDir: string = defaultCacheDir(), gibRoot?: string): Promise<string> {
  const sch = edefterSchematronPath(kind, gibRoot);
  let source: string;
  try {
    source = fs.readFileSync(sch, 'utf8');
  } catch (e) {
    throw new KonnektorError('GIB_PACKAGE_MISSING', `GİB e-Defter schematron not found: ${sch}`, { file: sch }, { cause: e });
  }
  const xslt = compileSchematron(source);
  const hash = crypto.createHash('sha256').update(xslt).digest('hex').slice(0, 16);
  fs.mkdirSync(cacheDir, { recursive: true });
  const xsltPath = path.join(cacheDir, `edefter-${kind}-${hash}.xslt`);
  if (!fs.existsSync(xsltPath)) {
    const tmp = `${xsltPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, xslt);
    fs.renameSync(tmp, xsltPath);
  }
  return (await ensureSef(xsltPath, cacheDir, `GİB e-Defter ${kind} şematron kuralları`)).sefPath;
}

export interface SchematronIssue {
  /** The rule's context and test, as GİB wrote them. */
  context: string;
  test: string;
  /** GİB's own Turkish message. */
  message: string;
  location: string;
}

/**
 * Runs GİB's schematron `kind` on a file. The file is read under its own name: GİB's rules compare the VKN and
 * period in the file name (`base-uri()`) with the content.
 */
export async function runEdefterSchematron(kind: EdefterSchematron, file: string, options: { cacheDir?: string; gibRoot?: string } = {}): Promise<SchematronIssue[]> {
  const sef = await edefterSef(kind, options.cacheDir, options.gibRoot);
  const saxon = require('saxon-js') as SaxonJSApi;
  let svrl: unknown;
  try {
    svrl = saxon.transform(
      { stylesheetFileName: sef, sourceText: fs.readFileSync(file, 'utf8'), sourceBaseURI: pathToFileURL(path.resolve(file)).href, destination: 'raw' },
      'sync',
    ).principalResult;
  } catch (e) {
    throw new KonnektorError('VALIDATION_ENGINE_FAILED', `e-Defter schematron ${kind} failed on ${path.basename(file)}: ${(e as Error).message}`, { file }, { cause: e });
  }
  const found = saxon.XPath.evaluate(
    "descendant-or-self::svrl:failed-assert ! map{'context': string(@context), 'test': string(@test), 'location': string(@location), 'message': normalize-space(svrl:text)}",
    svrl,
    { namespaceContext: { svrl: 'http://purl.oclc.org/dsdl/svrl' }, resultForm: 'array' },
  ) as SchematronIssue[];
  return found;
}
