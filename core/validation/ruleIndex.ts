/**
 * Names the GİB rule behind each schematron failure. The compiled XSLT expands GİB's abstract rules
 * (`<sch:rule abstract="true" id="InvoiceIDCheck">` pulled in by `<sch:extends>`), so its SVRL only says which
 * context fired and which test failed. Reading GİB's schematron sources gives back the rule id for each
 * (context, test) pair, e.g. `InvoiceIDCheck` for `matches(cbc:ID, …)` under `inv:Invoice`.
 */
import fs from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { logger } from '../logging';

const SCH_NS = 'http://purl.oclc.org/dsdl/schematron';

/**
 * The SVRL writes `test` through an attribute value template, so `{3}` comes out as `3` and `{0,16}` as `0 16`.
 * Keys are built from that form, without whitespace.
 */
export function svrlTestForm(test: string): string {
  return test.replace(/\{([^{}]*)\}/g, (_m, inner: string) => inner.split(',').map((s) => s.trim()).join(' '));
}

export function ruleKey(context: string, svrlTest: string): string {
  return `${context.replace(/\s+/g, '')}|${svrlTest.replace(/\s+/g, '')}`;
}

export interface RuleIndex {
  /** The GİB rule id for a failed assert, or undefined when the sources do not name it. */
  lookup(context: string, svrlTest: string): string | undefined;
  readonly size: number;
}

/** (context, raw test as written in the schematron) for every assert/report, with the rule that holds it. */
export interface SchematronAssert {
  context: string;
  test: string;
  rule: string;
}

function children(el: Element, localName: string): Element[] {
  const out: Element[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === SCH_NS && (n as Element).localName === localName) out.push(n as Element);
  }
  return out;
}

/** Every assert of every concrete rule in GİB's schematron sources, with abstract rules expanded. */
export function readSchematronAsserts(files: readonly string[]): SchematronAssert[] {
  const abstract = new Map<string, string[]>();
  const concrete: { context: string; id: string | null; tests: string[]; extendsIds: string[] }[] = [];
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    const doc = new DOMParser().parseFromString(fs.readFileSync(file, 'utf8'), 'text/xml');
    const rules = doc.getElementsByTagNameNS(SCH_NS, 'rule');
    for (let i = 0; i < rules.length; i++) {
      const r = rules.item(i)!;
      const tests = [...children(r, 'assert'), ...children(r, 'report')].map((a) => a.getAttribute('test') ?? '');
      if (r.getAttribute('abstract') === 'true') {
        abstract.set(r.getAttribute('id') ?? '', tests);
      } else {
        concrete.push({
          context: r.getAttribute('context') ?? '',
          id: r.getAttribute('id'),
          tests,
          extendsIds: children(r, 'extends').map((e) => e.getAttribute('rule') ?? ''),
        });
      }
    }
  }
  const out: SchematronAssert[] = [];
  for (const r of concrete) {
    for (const test of r.tests) out.push({ context: r.context, test, rule: r.id || r.context });
    for (const id of r.extendsIds) for (const test of abstract.get(id) ?? []) out.push({ context: r.context, test, rule: id });
  }
  return out;
}

export function buildRuleIndex(files: readonly string[]): RuleIndex {
  const map = new Map<string, string>();
  try {
    for (const a of readSchematronAsserts(files)) {
      const key = ruleKey(a.context, svrlTestForm(a.test));
      if (!map.has(key)) map.set(key, a.rule);
    }
  } catch (e) {
    // Rule names are a convenience: without them issues carry the rule context instead.
    logger.warn('could not read the GİB schematron sources; issues name the rule context only', { error: String(e) });
    map.clear();
  }
  return {
    lookup: (context, svrlTest) => map.get(ruleKey(context, svrlTest)),
    size: map.size,
  };
}
