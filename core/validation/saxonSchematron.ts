/**
 * GİB's compiled schematron (XSLT 2.0 → SaxonJS SEF) run by SaxonJS: the reference engine. Konnektör judges
 * documents with the compiled checks of schematron/ and turns to this engine only for a document those checks
 * cannot judge themselves (a DOCTYPE, an XPath dynamic error), for a GİB package whose schematron differs from the
 * compiled one, and in the differential test that holds the two engines to the same verdicts.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { SchematronFailure } from './schematron/engine';

const require = createRequire(import.meta.url);

interface SaxonJSApi {
  transform(options: Record<string, unknown>, mode: 'sync'): { principalResult: unknown };
  XPath: { evaluate(xpath: string, context: unknown, options?: Record<string, unknown>): unknown };
}

const SVRL_FAILURES = `for $a in descendant-or-self::*[self::svrl:failed-assert or self::svrl:successful-report]
  return map{ 'kind': local-name($a), 'test': string($a/@test), 'location': string($a/@location),
              'role': string($a/@role), 'flag': string($a/@flag),
              'context': string($a/preceding-sibling::svrl:fired-rule[1]/@context), 'text': normalize-space(string($a/svrl:text)) }`;

/** The transform stopped on a dynamic error (e.g. XPTY0004): the document's rules could not be checked. */
export class SchematronStopped extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export class SaxonSchematron {
  private readonly saxon: SaxonJSApi;
  private readonly sef: unknown;

  constructor(sefPath: string) {
    this.saxon = require('saxon-js') as SaxonJSApi;
    this.sef = JSON.parse(fs.readFileSync(sefPath, 'utf8'));
  }

  /**
   * Every failed assert and successful report, in SVRL order. Throws SchematronStopped when SaxonJS stops with an
   * error code (a dynamic error of the stylesheet, or a source it cannot parse); anything else is thrown as it is.
   */
  run(xml: string, params: Readonly<Record<string, string>>): SchematronFailure[] {
    let svrl: unknown;
    try {
      svrl = this.saxon.transform(
        { stylesheetInternal: this.sef, sourceText: xml.charCodeAt(0) === 0xfeff ? xml.slice(1) : xml, destination: 'raw', stylesheetParams: params },
        'sync',
      ).principalResult;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code === 'string') throw new SchematronStopped(code, (e as Error).message);
      throw e;
    }
    const found = this.saxon.XPath.evaluate(SVRL_FAILURES, svrl, {
      namespaceContext: { svrl: 'http://purl.oclc.org/dsdl/svrl' },
      resultForm: 'array',
    }) as { kind: string; test: string; location: string; role: string; flag: string; context: string; text: string }[];
    return found.map((f) => {
      const out: SchematronFailure = {
        kind: f.kind === 'failed-assert' ? 'assert' : 'report',
        context: f.context,
        test: f.test,
        ruleId: '',
        message: f.text,
        location: f.location,
      };
      if (f.role) out.role = f.role;
      if (f.flag) out.flag = f.flag;
      return out;
    });
  }
}

/** Does a failure count against the document? Failed asserts always; reports only when flagged as errors. */
export function isError(f: Pick<SchematronFailure, 'kind' | 'role' | 'flag'>): boolean {
  if (f.kind === 'assert') return true;
  return ['error', 'fatal', 'ERROR', 'FATAL'].includes(f.role ?? '') || ['error', 'fatal', 'ERROR', 'FATAL'].includes(f.flag ?? '');
}
