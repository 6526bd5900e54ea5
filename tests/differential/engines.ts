/**
 * Runs the compiled schematron checks and the reference (SaxonJS on GİB's compiled XSLT) on the same documents and
 * compares, per document, the failed rules with their locations and messages, in SVRL order.
 */
import { ValidationEngine, type EngineResult } from '../../core/validation/engine';
import { gibPackagePaths, locateGibPackage } from '../../core/validation/gibPackage';
import { WorkerPool } from '../../core/validation/pool';
import { ensureSef } from '../../core/validation/sefCache';
import type { CorpusDocument } from './corpus';

export interface Difference {
  name: string;
  change?: string;
  reference: string[];
  compiled: string[];
}

export interface Tally {
  documents: number;
  /** Not well-formed: neither engine runs the schematron. */
  notWellFormed: number;
  same: number;
  /** The reference stopped on a dynamic error and the compiled checks handed the document over: same outcome. */
  bothStopped: number;
  /** The compiled checks handed the document over although the reference judged it (the reference's verdict stands). */
  handedOver: string[];
  differences: Difference[];
  /** Distinct assertions (context|test) seen failing, over the reference results. */
  assertionsSeenFailing: Set<string>;
  /** Documents with at least one schematron failure. */
  failingDocuments: number;
}

export function newTally(): Tally {
  return { documents: 0, notWellFormed: 0, same: 0, bothStopped: 0, handedOver: [], differences: [], assertionsSeenFailing: new Set(), failingDocuments: 0 };
}

const STOPPED = 'SCHEMATRON_RUNTIME_ERROR';

function verdict(r: EngineResult): string[] {
  if (r.reference !== undefined) return ['HANDED_OVER'];
  return r.issues
    .filter((i) => i.source === 'schematron')
    .map((i) => (i.rule === STOPPED ? STOPPED : `${i.context}|${i.test}|${i.xpath ?? ''}|${i.line ?? ''}|${i.message}`));
}

export class EnginePair {
  private constructor(
    private readonly reference: WorkerPool,
    private readonly compiled: ValidationEngine,
  ) {}

  static async start(workers: number): Promise<EnginePair> {
    const paths = gibPackagePaths(locateGibPackage());
    const sef = await ensureSef(paths.schematronXslt);
    const xsd = { xsdRoot: paths.xsdRoot, invoiceXsd: paths.invoiceXsd };
    const reference = await WorkerPool.start({ ...xsd, schematron: { engine: 'saxon', sefPath: sef.sefPath } }, workers, 600_000);
    return new EnginePair(reference, new ValidationEngine({ ...xsd, schematron: { engine: 'compiled' } }));
  }

  /** Both engines on every document; the reference runs in the workers, the compiled checks in this thread. */
  async compare(docs: readonly (CorpusDocument & { change?: string })[], tally: Tally, batch = 32): Promise<void> {
    for (let i = 0; i < docs.length; i += batch) {
      const chunk = docs.slice(i, i + batch);
      const refs = await Promise.all(chunk.map((d) => this.reference.run(d.xml, d.type)));
      for (const [j, d] of chunk.entries()) {
        tally.documents++;
        const ref = refs[j]!;
        if (ref.issues.some((x) => x.source === 'xml')) {
          tally.notWellFormed++;
          continue;
        }
        const mine = this.compiled.validate(d.xml, d.type);
        const a = verdict(ref);
        const b = verdict(mine);
        for (const x of ref.issues) if (x.source === 'schematron' && x.context) tally.assertionsSeenFailing.add(`${x.context}|${x.test}`);
        if (a.length && a[0] !== STOPPED) tally.failingDocuments++;
        if (JSON.stringify(a) === JSON.stringify(b)) tally.same++;
        else if (b[0] === 'HANDED_OVER' && a[0] === STOPPED) tally.bothStopped++;
        else if (b[0] === 'HANDED_OVER') tally.handedOver.push(`${d.name}${d.change ? ` (${d.change})` : ''}: ${mine.reference}`);
        else tally.differences.push({ name: d.name, ...(d.change ? { change: d.change } : {}), reference: a, compiled: b });
      }
    }
  }

  async close(): Promise<void> {
    this.compiled.dispose();
    await this.reference.close();
  }
}

export function describeTally(label: string, t: Tally): string {
  return (
    `${label}: ${t.documents} documents (${t.notWellFormed} not well-formed), ${t.same} same, ${t.bothStopped} stopped in both, ` +
    `${t.handedOver.length} handed over, ${t.differences.length} differences; ${t.failingDocuments} documents failing ` +
    `${t.assertionsSeenFailing.size} distinct assertions`
  );
}
