/**
 * The schematron compiler: the committed checks are what GİB's sources produce; XPath expressions compiled by it
 * evaluate as SaxonJS evaluates them (values and dynamic errors); schematron constructs GİB's files use — abstract
 * rules, abstract patterns, lets, includes, rules outside patterns — mean what the ISO skeleton makes of them; and
 * anything outside the supported subset stops generation with the rule it came from.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { GENERATED_MODULE, generateSchematronModule, saxonRegexCategories } from '../../core/validation/schematron/compiler';
import { CompileError, compileExpression, emitSchematron } from '../../core/validation/schematron/compiler/emit';
import { readSchema } from '../../core/validation/schematron/compiler/schema';
import { parseXPath, XPathSyntaxError } from '../../core/validation/schematron/compiler/xpath';
import { CompiledSchematron, svrlLocation } from '../../core/validation/schematron/engine';
import * as X from '../../core/validation/schematron/runtime';
import { parseTree, TreeUnsupported, type XNode } from '../../core/validation/schematron/tree';
import type { CompiledPattern } from '../../core/validation/schematron/types';
import { locateGibPackage, projectRoot } from '../../core/validation/gibPackage';

const require = createRequire(import.meta.url);
const SaxonJS = require('saxon-js') as {
  getPlatform(): { parseXmlFromString(xml: string): unknown };
  XPath: { evaluate(xpath: string, context: unknown, options?: Record<string, unknown>): unknown };
};
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-schc-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const CATEGORIES = saxonRegexCategories();

/** Compiles an expression and turns it into a function of the context node. */
function compiled(xpath: string, namespaces: Record<string, string>): (n: XNode) => unknown {
  const c = compileExpression({ namespaces: new Map(Object.entries(namespaces)) }, xpath, { regexCategories: CATEGORIES });
  const js = ts.transpileModule(`${c.hoisted}\nreturn (n: XNode, d: unknown) => ${c.code};`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('X', js)(X) as (n: XNode) => unknown;
}

/** A comparable form of a result: atomic values as they are, nodes by their string values. */
function plain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const n = v as { nodeType?: number; textContent?: string; value?: string; stringValue?: () => string };
    if (typeof n.stringValue === 'function') return { node: n.stringValue() };
    if (n.nodeType === 2) return { node: n.value };
    if (n.nodeType !== undefined) return { node: n.textContent };
    return String(v);
  }
  return v;
}

function outcome(f: () => unknown): unknown {
  try {
    const v = plain(f());
    return Array.isArray(v) && v.length === 1 ? v[0] : v;
  } catch (e) {
    return { error: (e as { code?: string }).code ?? String(e) };
  }
}

const PROBE_DOC = `<r xmlns:a="urn:a" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><a:x>1</a:x><a:x> 2 </a:x><b>abc</b><n>\u0663</n><n2>\u0de6</n2><s>a😀b</s><e/><m>x<!--c-->y<![CDATA[z]]></m><u k="v" a:k="w"/><w>  x \u00a0 y  </w><p>0</p><p>5.5</p><q>+INF</q><q2> 1e3 </q2><id>ABC2026000000001</id><id2>ABC2026000000001
</id2><h><k>1</k><k>2</k></h><h><k>3</k></h></r>`;

const PROBES = [
  'a:x = 1',
  'a:x = 2',
  "a:x = ' 2 '",
  'a:x != 1',
  '1 = a:x',
  'b = 0',
  'p = 0',
  'p > 5',
  'q > 1000',
  'q2 = 1000',
  'e = 0',
  'u/@k = true()',
  'count(a:x)',
  'string-length(a:x)',
  'string-length(s)',
  'substring(s, 2, 1)',
  'substring(s, 0)',
  'substring(b, 1.5, 1)',
  "translate(s, '😀b', 'X')",
  'normalize-space(w)',
  'string-length(normalize-space(w))',
  "matches(n, '^\\d$')",
  "matches(n2, '^\\d$')",
  "matches(w, '^\\s')",
  "matches(id, '^[A-Z0-9]{3}20[0-9]{2}[0-9]{9}$')",
  "matches(id2, '^[A-Z0-9]{3}20[0-9]{2}[0-9]{9}$')",
  "matches(s, '^a.b$')",
  'number(b)',
  'number(q)',
  "string(number(b)) != 'NaN'",
  'string(number(p[2]))',
  "contains(',x,abc,', concat(',', b, ','))",
  "contains(',x,', concat(',', a:x, ','))",
  'not(e)',
  'not(zz)',
  'not(a:x)',
  'string(m/text())',
  'string(m)',
  "m/text() = 'y'",
  'count(m/node())',
  'exists(u/@k)',
  "u/@k = 'v'",
  "u/@a:k = 'w'",
  'string(namespace::xsi)',
  'string-length(normalize-space(string(namespace::zz))) != 0',
  'count(a:x[1]/following-sibling::node())',
  'count(a:x[1]/following::node())',
  'count(h/k/following::k)',
  "a:x/normalize-space(.) = '2'",
  'h/k/normalize-space(.)',
  'following-sibling::node()/normalize-space(b)',
  'name(a:x[1])',
  'local-name(a:x[1])',
  'count(a:x[. = 1])',
  'count(p[. = 0])',
  'count(*[. = 0])',
  'a:x[2] = 2',
  'count(//a:x)',
  "//b = 'abc'",
  "count(//h[k = '2'])",
  'boolean(count(a:x))',
  'string-length(normalize-space(string(e))) != 0',
  "starts-with(b, 'ab')",
  "starts-with(a:x, '1')",
  "concat('a', count(a:x), number(p[2]))",
  "count(h[1]/k) or count(h[2]/k) > 5",
  "../b",
  'count(a:x/..)',
  "not(a:x = 'x') or string-length(a:x) = 1",
  'string-length(a:x) = 1 or true()',
];

describe('compiled XPath = SaxonJS', () => {
  const saxonDoc = SaxonJS.getPlatform().parseXmlFromString(PROBE_DOC) as { documentElement?: unknown };
  const saxonRoot = SaxonJS.XPath.evaluate('/*', saxonDoc);
  const tree = parseTree(PROBE_DOC);
  const root = tree.elements[0]!;

  it.each(PROBES)('%s', (xpath) => {
    const reference = outcome(() => SaxonJS.XPath.evaluate(xpath, saxonRoot, { namespaceContext: { a: 'urn:a' }, resultForm: 'array' }));
    const mine = outcome(() => compiled(xpath, { a: 'urn:a' })(root));
    expect(mine).toEqual(reference);
  });

  it('casts to xs:double the way SaxonJS does', () => {
    const values = ['1', ' 1 ', '+1', '-1', '1.', '.5', '1e3', '1E+3', '-1e-2', 'INF', '-INF', '+INF', 'NaN', '-NaN', '', ' ', '.', 'e5', '1e', '+-1', '1,0', '0x10', '٣', '1_0', '\u00a01', '1\u00a0', '\t7\n'];
    for (const v of values) {
      const doc = SaxonJS.getPlatform().parseXmlFromString(`<a>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</a>`);
      const reference = outcome(() => SaxonJS.XPath.evaluate('string(/a = 1)', doc));
      const number = outcome(() => SaxonJS.XPath.evaluate('string(number(/a))', doc));
      const mine = outcome(() => String(X.gcNodesNum('=', [parseTree(`<a>${v.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</a>`).elements[0]!], 1)));
      expect([v, mine]).toEqual([v, reference]);
      expect([v, X.doubleToString(X.number(v))]).toEqual([v, number]);
    }
  });
});

describe('the generated checks', () => {
  it('are up to date with the GİB package (npm run generate:schematron)', () => {
    const committed = fs.readFileSync(path.join(projectRoot(), GENERATED_MODULE), 'utf8');
    expect(committed === generateSchematronModule(locateGibPackage())).toBe(true);
  });

  it("cover every concrete rule of GİB's patterns, and none of the rules written outside them", async () => {
    const gen = await import('../../core/validation/schematron/generated/gibSchematron');
    const contexts = gen.patterns.flatMap((p) => p.rules.map((r) => r.context));
    expect(contexts).toContain('inv:Invoice');
    expect(contexts).toContain('desp:DespatchAdvice');
    expect(contexts).toContain('recp:ReceiptAdvice');
    expect(contexts).toContain('apr:ApplicationResponse');
    expect(contexts).toContain('sh:StandardBusinessDocument');
    expect(contexts).not.toContain('//cbc:IssueDate');
    expect(gen.inactiveRules).toContain('//cbc:IssueDate');
    expect(gen.patterns.reduce((n, p) => n + p.rules.reduce((m, r) => m + r.assertions.length, 0), 0)).toBeGreaterThan(400);
  });
});

function schemaFile(name: string, body: string): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(
    file,
    `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2"><sch:ns prefix="t" uri="urn:t"/>${body}</sch:schema>`,
  );
  return file;
}

async function checksOf(file: string): Promise<CompiledSchematron> {
  const code = emitSchematron(readSchema(file), {
    externalParams: ['type'],
    regexCategories: CATEGORIES,
    header: [],
    exports: {},
    runtimeImport: 'X',
    treeImport: 'X',
    typesImport: 'X',
  });
  const body = code.replace(/^import .*$/gm, '').replace(/^export const /gm, 'const ');
  const js = ts.transpileModule(`${body}\nreturn patterns;`, { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const patterns = new Function('X', js)(X) as CompiledPattern[];
  return new CompiledSchematron(patterns, ['type']);
}

describe('schematron constructs', () => {
  it('abstract rules, abstract patterns with parameters, pattern lets and includes; the first matching rule of a pattern fires', async () => {
    fs.writeFileSync(
      path.join(tmp, 'lists.xml'),
      `<sch:schema xmlns:sch="http://purl.oclc.org/dsdl/schematron"><sch:pattern id="codes"><sch:let name="Codes" value="',A,B,'"/></sch:pattern></sch:schema>`,
    );
    const file = schemaFile(
      'main.xml',
      `<sch:include href="lists.xml#codes"/>
       <sch:let name="type" value="efatura"/>
       <sch:rule context="t:orphan"><sch:assert test="false()">never applied</sch:assert></sch:rule>
       <sch:pattern id="abstracts"><sch:rule abstract="true" id="CodeCheck"><sch:assert test="contains($Codes, concat(',', ., ','))">Bad <sch:name/>: <sch:value-of select="."/></sch:assert></sch:rule></sch:pattern>
       <sch:pattern abstract="true" id="required"><sch:rule context="$parent"><sch:assert test="$child">a required child is missing</sch:assert></sch:rule></sch:pattern>
       <sch:pattern id="p1">
         <sch:rule context="t:doc/t:code"><sch:extends rule="CodeCheck"/></sch:rule>
         <sch:rule context="t:code"><sch:assert test="false()">shadowed by the rule above for t:doc/t:code</sch:assert></sch:rule>
       </sch:pattern>
       <sch:pattern id="p2" is-a="required"><sch:param name="parent" value="t:doc"/><sch:param name="child" value="t:name"/></sch:pattern>
       <sch:pattern id="p3"><sch:rule context="t:doc"><sch:assert test="$type = 'efatura'">type is <sch:value-of select="$type"/></sch:assert></sch:rule></sch:pattern>`,
    );
    const checks = await checksOf(file);
    const run = (xml: string, type = 'efatura') => checks.run(parseTree(xml), { type }).map((f) => `${f.ruleId}@${f.location}: ${f.message}`);
    expect(run('<doc xmlns="urn:t"><code>A</code><name/><orphan/></doc>')).toEqual([]);
    expect(run('<doc xmlns="urn:t"><code>C</code><code>B</code><other><code>A</code></other></doc>', 'earchive')).toEqual([
      "CodeCheck@/*[local-name()='doc']/*[local-name()='code'][1]: Bad code: C",
      "t:code@/*[local-name()='doc']/*[local-name()='other']/*[local-name()='code']: shadowed by the rule above for t:doc/t:code",
      "t:doc@/*[local-name()='doc']: a required child is missing",
      "t:doc@/*[local-name()='doc']: type is earchive",
    ]);
  });

  it('stops generation on what it does not support, naming the rule', () => {
    for (const [test, message] of [
      ["xs:date(.) le current-date()", /value comparison 'le' is not supported|function xs:date\(\) is not supported/],
      ['for $x in t:a return $x', /not supported/],
      ['unknown-function(.)', /function unknown-function\(\) is not supported/],
      ["matches(., $dynamic)", /unknown variable \$dynamic|must be a literal string/],
      ['t:a + 1', /arithmetic is not supported/],
      ["'a' = 1", /cannot compare string with integer/],
    ] as const) {
      const file = schemaFile('bad.xml', `<sch:pattern id="p"><sch:rule context="t:doc" id="R"><sch:assert test="${test.replace(/</g, '&lt;')}">x</sch:assert></sch:rule></sch:pattern>`);
      const attempt = () =>
        emitSchematron(readSchema(file), { externalParams: [], regexCategories: CATEGORIES, header: [], exports: {}, runtimeImport: '', treeImport: '', typesImport: '' });
      expect(attempt).toThrow(message);
      expect(attempt).toThrow(/rule t:doc/);
    }
    expect(() => parseXPath("concat('a'")).toThrow(XPathSyntaxError);
    expect(CompileError).toBeDefined();
  });
});

describe('the tree', () => {
  it('keeps whitespace and comments, merges CDATA into text, leaves namespace declarations out of the attributes', () => {
    const doc = parseTree('\uFEFF<?xml version="1.0"?>\n<!-- before --><a xmlns="urn:x" xmlns:p="urn:p" p:q="1" r="2"> <b>x<![CDATA[<y>]]>z</b><?pi data?></a>');
    const a = doc.elements[0]!;
    expect(a.attrs.map((x) => x.qname)).toEqual(['p:q', 'r']);
    expect(a.children.map((c) => c.kind)).toEqual([3, 1, 7]);
    expect(doc.elements[1]!.stringValue()).toBe('x<y>z');
    expect(doc.children.map((c) => c.kind)).toEqual([8, 1]);
    expect(a.namespaces().map((n) => `${n.prefix}=${n.uri}`)).toEqual(['xml=http://www.w3.org/XML/1998/namespace', '=urn:x', 'p=urn:p']);
    expect(svrlLocation(doc.elements[1]!)).toBe("/*[local-name()='a']/*[local-name()='b']");
  });

  it('refuses what the reference engine must judge: a DOCTYPE, text that is not XML', () => {
    expect(() => parseTree('<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')).toThrow(TreeUnsupported);
    expect(() => parseTree('<a><b></a>')).toThrow(TreeUnsupported);
    expect(() => parseTree('')).toThrow(TreeUnsupported);
  });
});
