/**
 * The differential test of the schematron engines: GİB's rules compiled to TypeScript (what Konnektör runs) must
 * give exactly the verdicts of SaxonJS running GİB's compiled XSLT (the reference) — the same failed assertions at
 * the same locations with the same messages, in the same order — on every GİB sample (every root the schematron
 * covers), every golden file, the demo's documents and generated mutants (one change each).
 * In the normal suite a fast subset runs (a small demo, 3 mutants per document); `npm run test:differential`
 * runs the full set (the default demo and ≥ 10 000 mutants).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDocuments, gibSamples, goldenFiles, type CorpusDocument } from './corpus';
import { EnginePair, describeTally, newTally, type Tally } from './engines';
import { mutants } from './mutate';

const FULL = process.env.KONNEKTOR_DIFFERENTIAL === 'full';
const WORKERS = Number(process.env.KONNEKTOR_DIFFERENTIAL_WORKERS ?? 2);
const MUTANTS_TOTAL = FULL ? Number(process.env.KONNEKTOR_DIFFERENTIAL_MUTANTS ?? 12_000) : 0;
const MUTANTS_PER_DOCUMENT_FAST = 3;
const DEMO_INVOICES = FULL ? 60 : 12;

let pair: EnginePair;
const seeds: CorpusDocument[] = [];
const tallies: [string, Tally][] = [];

beforeAll(async () => {
  pair = await EnginePair.start(WORKERS);
}, 600_000);

afterAll(async () => {
  for (const [label, t] of tallies) console.log(describeTally(label, t));
  await pair?.close();
});

async function run(label: string, docs: CorpusDocument[]): Promise<Tally> {
  const t = newTally();
  await pair.compare(docs, t);
  tallies.push([label, t]);
  return t;
}

function expectSame(t: Tally): void {
  expect(t.differences.slice(0, 5)).toEqual([]);
  expect(t.differences).toHaveLength(0);
  expect(t.handedOver).toEqual([]);
  expect(t.same + t.bothStopped + t.notWellFormed).toBe(t.documents);
}

describe('compiled schematron checks = SaxonJS on GİB’s XSLT', () => {
  it('every GİB sample: invoices, despatch and receipt advices, application responses, envelopes, user accounts', async () => {
    const docs = gibSamples();
    seeds.push(...docs);
    const t = await run('GİB samples', docs);
    expectSame(t);
    // The samples include known-bad documents: the comparison must see failures, not only clean documents.
    expect(t.failingDocuments).toBeGreaterThan(10);
    expect(t.bothStopped).toBeGreaterThan(0);
  }, 600_000);

  it('every golden file', async () => {
    const docs = goldenFiles();
    seeds.push(...docs);
    const t = await run('golden files', docs);
    expectSame(t);
    expect(t.documents).toBe(16);
  }, 600_000);

  it(`every document Konnektör builds from the demo (${DEMO_INVOICES} invoices per program)`, async () => {
    const docs = await demoDocuments(DEMO_INVOICES);
    expect(docs.length).toBeGreaterThan(5);
    seeds.push(...docs);
    expectSame(await run('demo documents', docs));
  }, 900_000);

  it(FULL ? `${MUTANTS_TOTAL} mutants (one change each)` : `${MUTANTS_PER_DOCUMENT_FAST} mutants of each document`, async () => {
    const usable = seeds.filter((s) => !s.name.includes('7_UYGULAMA_YANITI_IADE.xml'));
    const per = FULL ? Math.ceil(MUTANTS_TOTAL / usable.length) : MUTANTS_PER_DOCUMENT_FAST;
    const t = newTally();
    tallies.push(['mutants', t]);
    // Generated and compared seed by seed: memory stays flat whatever the count.
    for (const s of usable) await pair.compare(mutants(s, per), t);
    expectSame(t);
    expect(t.documents).toBeGreaterThanOrEqual(FULL ? MUTANTS_TOTAL : usable.length * MUTANTS_PER_DOCUMENT_FAST * 0.9);
    expect(t.failingDocuments).toBeGreaterThan(t.documents / 4);
  }, 3_600_000);
});
