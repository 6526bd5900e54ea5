/**
 * Validation of UBL-TR invoices against GİB's official XSD (UBL-TR 1.2.1) and schematron.
 *
 *   const v = await createValidator();          // finds GİB's package, compiles/loads the schematron, starts workers
 *   const r = await v.validate(xml, 'efatura'); // { valid, issues, timings }
 *   const rs = await v.validateMany(docs);      // parallel over the workers, results in input order
 *   await v.close();
 *
 * XSD: libxml2 (WebAssembly, the npm package libxml2-wasm), the schema compiled once per worker.
 * Schematron: GİB's compiled XSLT run by SaxonJS from a SEF compiled once and cached on disk (sefCache.ts).
 * Documents that are not well-formed, fail the XSD or fail the schematron give issues, never exceptions, so a batch
 * goes on; only a broken engine throws (VALIDATION_ENGINE_FAILED), and a missing package (GIB_PACKAGE_MISSING).
 */
import os from 'node:os';
import { KonnektorError } from '../errors';
import type { EngineResult } from './engine';
import { gibPackagePaths, locateGibPackage, readSchematronRelease } from './gibPackage';
import { InlineRunner, WorkerPool, type EngineRunner } from './pool';
import { buildRuleIndex, type RuleIndex } from './ruleIndex';
import { ensureSef, type SefInfo } from './sefCache';
import { DOCUMENT_KINDS, type DocumentKind, type ValidationIssue, type ValidationResult } from './types';

export type { DocumentKind, ValidationIssue, ValidationResult } from './types';
export { locateGibPackage, readSchematronRelease } from './gibPackage';

export interface DocumentValidator {
  validate(xml: string, kind: DocumentKind): Promise<ValidationResult>;
  /** Batched and parallel over the workers; results in input order. */
  validateMany(docs: { xml: string; kind: DocumentKind }[]): Promise<ValidationResult[]>;
  /** The schematron release (newest History.txt date, e.g. `20260312`) that validates documents. */
  readonly schematronRelease: string;
  /** The GİB package folder in use. */
  readonly gibPackage: string;
  /** How the compiled schematron was obtained for this validator (compiled now or taken from the cache). */
  readonly sef: Readonly<SefInfo>;
  /** Worker threads in use (0 = inline). */
  readonly workers: number;
  close(): Promise<void>;
}

export interface ValidatorOptions {
  /** The GİB package folder; otherwise env KONNEKTOR_GIB_PACKAGE, the app's resources, ../shared/reference/gib. */
  gibPackage?: string;
  /** Worker threads; default one per core (at most 4); 0 validates in the calling thread. */
  workers?: number;
  /** Where the compiled schematron is cached; default env KONNEKTOR_CACHE or ~/.konnektor/cache. */
  cacheDir?: string;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

export async function createValidator(options: ValidatorOptions = {}): Promise<DocumentValidator> {
  const root = locateGibPackage(options.gibPackage);
  const paths = gibPackagePaths(root);
  const schematronRelease = readSchematronRelease(root);
  const sef = await ensureSef(paths.schematronXslt, options.cacheDir);
  const rules = buildRuleIndex(paths.schematronSources);
  const config = { xsdRoot: paths.xsdRoot, invoiceXsd: paths.invoiceXsd, sefPath: sef.sefPath };
  const workers = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new KonnektorError('INPUT_INVALID', `workers must be a whole number ≥ 0, got ${workers}`, { value: String(workers) });
  }
  const runner: EngineRunner = workers === 0 ? await InlineRunner.start(config) : await WorkerPool.start(config, workers);
  return new Validator(runner, rules, schematronRelease, root, sef);
}

class Validator implements DocumentValidator {
  constructor(
    private readonly runner: EngineRunner,
    private readonly rules: RuleIndex,
    readonly schematronRelease: string,
    readonly gibPackage: string,
    readonly sef: SefInfo,
  ) {}

  get workers(): number {
    return this.runner.size;
  }

  async validate(xml: string, kind: DocumentKind): Promise<ValidationResult> {
    checkInput(xml, kind);
    if (hasDoctype(xml)) return doctypeRefused();
    return this.toResult(await this.runner.run(xml, kind));
  }

  /** Each document gets its own result: one that the engine cannot take fails alone, the rest of the batch goes on. */
  async validateMany(docs: { xml: string; kind: DocumentKind }[]): Promise<ValidationResult[]> {
    for (const d of docs) checkInput(d.xml, d.kind);
    const raw = await Promise.allSettled(docs.map((d) => (hasDoctype(d.xml) ? Promise.resolve(undefined) : this.runner.run(d.xml, d.kind))));
    return raw.map((r) => {
      if (r.status === 'rejected') return engineRefused(r.reason);
      return r.value === undefined ? doctypeRefused() : this.toResult(r.value);
    });
  }

  close(): Promise<void> {
    return this.runner.close();
  }

  private toResult(r: EngineResult): ValidationResult {
    const issues: ValidationIssue[] = r.issues.map(({ context, test, ...issue }) => {
      if (issue.source === 'schematron' && context !== undefined && test !== undefined) {
        issue.rule = this.rules.lookup(context, test) ?? context;
      }
      return issue;
    });
    return { valid: issues.length === 0, issues, timings: r.timings };
  }
}

/**
 * A DOCTYPE in the prolog. UBL documents have none; one with entity declarations could make a parser read files or
 * expand without end, so such a document is refused before any engine parses it.
 */
export function hasDoctype(xml: string): boolean {
  return /^\uFEFF?\s*(?:<\?[\s\S]*?\?>\s*|<!--[\s\S]*?-->\s*)*<!DOCTYPE/i.test(xml);
}

function doctypeRefused(): ValidationResult {
  return {
    valid: false,
    issues: [{ source: 'xml', rule: 'XML_DOCTYPE_FORBIDDEN', message: 'Belge DOCTYPE (varlık tanımı) içeriyor; e-belgelerde bulunmaz ve güvenlik nedeniyle işlenmez.' }],
    timings: { xsdMs: 0, schematronMs: 0 },
  };
}

function engineRefused(reason: unknown): ValidationResult {
  const detail = reason instanceof Error ? reason.message.split('\n')[0] : String(reason);
  return {
    valid: false,
    issues: [{ source: 'xml', rule: 'VALIDATION_ENGINE_FAILED', message: `Belge doğrulanamadı (doğrulama motoru bu belgede durdu): ${detail}` }],
    timings: { xsdMs: 0, schematronMs: 0 },
  };
}

function checkInput(xml: unknown, kind: unknown): void {
  if (typeof xml !== 'string') {
    throw new KonnektorError('INPUT_INVALID', `the document must be XML text, got ${typeof xml}`);
  }
  if (!DOCUMENT_KINDS.includes(kind as DocumentKind)) {
    throw new KonnektorError('INPUT_INVALID', `document kind must be efatura or earchive, got ${String(kind)}`, { value: String(kind) });
  }
}
