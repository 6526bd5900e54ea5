/**
 * Validation of UBL-TR invoices against GİB's official XSD (UBL-TR 1.2.1) and schematron.
 *
 *   const v = await createValidator();          // finds GİB's package, loads the schematron, starts workers
 *   const r = await v.validate(xml, 'efatura'); // { valid, issues, timings }
 *   const rs = await v.validateMany(docs);      // parallel over the workers, results in input order
 *   await v.close();
 *
 * XSD: libxml2 (WebAssembly, the npm package libxml2-wasm), the schema compiled once per worker.
 * Schematron: GİB's rules compiled to TypeScript checks (schematron/, generated from GİB's .sch sources and held
 * to SaxonJS's verdicts by the differential test) — about 30 times faster than SaxonJS and without its SEF in
 * memory. SaxonJS running GİB's precompiled XSLT stays the reference: it judges the rare document the compiled
 * checks hand over (a DOCTYPE, an XPath dynamic error), in one worker started on demand and stopped when idle,
 * and it runs everything when the GİB package holds a schematron release other than the compiled one.
 * Documents that are not well-formed, fail the XSD or fail the schematron give issues, never exceptions, so a batch
 * goes on; only a broken engine throws (VALIDATION_ENGINE_FAILED), and a missing package (GIB_PACKAGE_MISSING).
 */
import os from 'node:os';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import type { EngineConfig, EngineIssue, EngineResult } from './engine';
import { gibPackagePaths, locateGibPackage, readSchematronRelease, type GibPackagePaths } from './gibPackage';
import { InlineRunner, WorkerPool, type EngineRunner } from './pool';
import { buildRuleIndex, type RuleIndex } from './ruleIndex';
import { schematronSources } from './schematron/compiler/sources';
import { release as compiledRelease, sources as compiledSources } from './schematron/generated/gibSchematron';
import { ensureSef, type SefInfo } from './sefCache';
import { DOCUMENT_KINDS, type DocumentKind, type ValidationIssue, type ValidationResult } from './types';

export type { DocumentKind, ValidationIssue, ValidationResult } from './types';
export { locateGibPackage, readSchematronRelease } from './gibPackage';

/** `compiled`: GİB's rules as generated TypeScript checks; `saxon`: GİB's XSLT in SaxonJS (the reference). */
export type SchematronEngine = 'compiled' | 'saxon';

export interface DocumentValidator {
  validate(xml: string, kind: DocumentKind): Promise<ValidationResult>;
  /** Batched and parallel over the workers; results in input order. */
  validateMany(docs: { xml: string; kind: DocumentKind }[]): Promise<ValidationResult[]>;
  /** The schematron release (newest History.txt date, e.g. `20260312`) that validates documents. */
  readonly schematronRelease: string;
  /** The GİB package folder in use. */
  readonly gibPackage: string;
  /** The engine judging documents. */
  readonly schematronEngine: SchematronEngine;
  /** The reference engine's compiled stylesheet, once it was needed (always with the saxon engine). */
  readonly sef: Readonly<SefInfo> | null;
  /** Documents the compiled checks handed to the reference engine so far. */
  readonly referenceRuns: number;
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
  /**
   * The schematron engine; default `compiled` when the package's schematron is the release the checks were
   * generated from, else `saxon`. Asking for `compiled` with another release → VALIDATION_ENGINE_FAILED.
   */
  schematronEngine?: SchematronEngine;
  /** How long the on-demand reference worker stays up without work (ms); default 30 s. */
  referenceIdleMs?: number;
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(os.availableParallelism(), 4));
}

/** Do the compiled checks come from exactly the schematron sources of this package? */
export function compiledChecksMatch(paths: GibPackagePaths): boolean {
  try {
    const actual = schematronSources(paths.root, compiledSources.map((s) => s.file));
    return actual.every((a, i) => a.sha256 === compiledSources[i]!.sha256);
  } catch {
    return false;
  }
}

function startRunner(config: EngineConfig, workers: number): Promise<EngineRunner> {
  return workers === 0 ? InlineRunner.start(config) : WorkerPool.start(config, workers);
}

export async function createValidator(options: ValidatorOptions = {}): Promise<DocumentValidator> {
  const root = locateGibPackage(options.gibPackage);
  const paths = gibPackagePaths(root);
  const schematronRelease = readSchematronRelease(root);
  const workers = options.workers ?? defaultWorkerCount();
  if (!Number.isInteger(workers) || workers < 0) {
    throw new KonnektorError('INPUT_INVALID', `workers must be a whole number ≥ 0, got ${workers}`, { value: String(workers) });
  }
  const matching = compiledChecksMatch(paths);
  const engine = options.schematronEngine ?? (matching ? 'compiled' : 'saxon');
  if (engine === 'compiled' && !matching) {
    throw new KonnektorError(
      'VALIDATION_ENGINE_FAILED',
      `the compiled schematron checks are release ${compiledRelease}; the GİB package at ${root} holds other schematron sources (release ${schematronRelease})`,
      { gibPackage: root, compiledRelease, schematronRelease },
    );
  }
  if (engine === 'saxon' && !matching && !options.schematronEngine) {
    logger.warn('GİB package holds a schematron other than the compiled checks; validating with SaxonJS (slower)', {
      gibPackage: root,
      compiledRelease,
      schematronRelease,
    });
  }
  const rules = buildRuleIndex(paths.schematronSources);
  const xsd = { xsdRoot: paths.xsdRoot, invoiceXsd: paths.invoiceXsd };
  const sefFor = (): Promise<SefInfo> => ensureSef(paths.schematronXslt, options.cacheDir);
  let sef: SefInfo | null = null;
  let runner: EngineRunner;
  if (engine === 'saxon') {
    sef = await sefFor();
    runner = await startRunner({ ...xsd, schematron: { engine: 'saxon', sefPath: sef.sefPath } }, workers);
  } else {
    runner = await startRunner({ ...xsd, schematron: { engine: 'compiled' } }, workers);
  }
  const reference = new ReferenceEngine(async () => {
    sef ??= await sefFor();
    return startRunner({ ...xsd, schematron: { engine: 'saxon', sefPath: sef.sefPath } }, workers === 0 ? 0 : 1);
  }, options.referenceIdleMs ?? 30_000);
  return new Validator(runner, reference, rules, schematronRelease, root, engine, () => sef);
}

/** The SaxonJS engine for documents the compiled checks hand over: started on first need, stopped when idle. */
class ReferenceEngine {
  private runner: Promise<EngineRunner> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busy = 0;
  runs = 0;

  constructor(
    private readonly start: () => Promise<EngineRunner>,
    private readonly idleMs: number,
  ) {}

  async run(xml: string, kind: DocumentKind): Promise<EngineResult> {
    this.runs++;
    this.busy++;
    if (this.timer) clearTimeout(this.timer);
    try {
      this.runner ??= this.start().catch((e: unknown) => {
        this.runner = null;
        throw e;
      });
      return await (await this.runner).run(xml, kind);
    } finally {
      if (--this.busy === 0) {
        this.timer = setTimeout(() => void this.close(), this.idleMs);
        this.timer.unref();
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const r = this.runner;
    this.runner = null;
    if (r) await (await r.catch(() => null))?.close();
  }
}

class Validator implements DocumentValidator {
  private closed = false;

  constructor(
    private readonly runner: EngineRunner,
    private readonly reference: ReferenceEngine,
    private readonly rules: RuleIndex,
    readonly schematronRelease: string,
    readonly gibPackage: string,
    readonly schematronEngine: SchematronEngine,
    private readonly sefInfo: () => SefInfo | null,
  ) {}

  get workers(): number {
    return this.runner.size;
  }

  get sef(): SefInfo | null {
    return this.sefInfo();
  }

  get referenceRuns(): number {
    return this.reference.runs;
  }

  async validate(xml: string, kind: DocumentKind): Promise<ValidationResult> {
    checkInput(xml, kind);
    return this.toResult(await this.judge(xml, kind));
  }

  async validateMany(docs: { xml: string; kind: DocumentKind }[]): Promise<ValidationResult[]> {
    for (const d of docs) checkInput(d.xml, d.kind);
    const raw = await Promise.all(docs.map((d) => this.judge(d.xml, d.kind)));
    return raw.map((r) => this.toResult(r));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([this.runner.close(), this.reference.close()]);
  }

  /** The engine's result; a document the compiled checks hand over gets its schematron issues from the reference. */
  private async judge(xml: string, kind: DocumentKind): Promise<EngineResult> {
    const r = await this.runner.run(xml, kind);
    if (r.reference === undefined) return r;
    if (this.closed) throw new KonnektorError('VALIDATION_ENGINE_FAILED', 'the validator is closed');
    logger.debug('schematron: document handed to the reference engine', { reason: r.reference });
    const ref = await this.reference.run(xml, kind);
    const schematron: EngineIssue[] = ref.issues.filter((i) => i.source === 'schematron');
    return { issues: [...r.issues, ...schematron], timings: { xsdMs: r.timings.xsdMs, schematronMs: r.timings.schematronMs + ref.timings.schematronMs } };
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

function checkInput(xml: unknown, kind: unknown): void {
  if (typeof xml !== 'string') {
    throw new KonnektorError('INPUT_INVALID', `the document must be XML text, got ${typeof xml}`);
  }
  if (!DOCUMENT_KINDS.includes(kind as DocumentKind)) {
    throw new KonnektorError('INPUT_INVALID', `document kind must be efatura or earchive, got ${String(kind)}`, { value: String(kind) });
  }
}
