/**
 * `npm run bench`: Konnektör's performance figures in one run, on the same documents, as ratios where it matters.
 *   npm run bench [-- --invoices N] [--reference-docs K] [--export-invoices E] [--send-documents S] [--rounds R]
 *
 * 1. The documents: a demo (N invoices per program) exported through the API — what Konnektör builds.
 * 2. Building: every canonical document of the demo built R times (UBL-TR writer), CPU time of this thread.
 * 3. Schematron, engine against engine, in this thread on the same K documents: the compiled checks against SaxonJS
 *    on GİB's XSLT (the reference) — CPU per document and the ratio; their verdicts are compared on the way.
 * 4. Validation as the product runs it (XSD + schematron, worker pool): all documents with the compiled checks,
 *    the K documents with SaxonJS; documents per second, CPU, p50/p95 per document.
 * 5. Export (child process, bench/documents.ts): E invoices per program read, built, checked and written; its peak RSS.
 * 6. Send (child process, bench/send.ts): S documents to the loopback sandbox with the sandbox's own checks off, so
 *    the figures are the client's; p50/p95 per call, sender and sandbox peak RSS.
 * 7. The desktop app's process in browser mode, idle after start-up: its RSS.
 * Every figure comes with wall and CPU time; the machine's load average is recorded, since other work on the
 * same cores changes wall times. Results go to bench/results/<date>.json; the last stdout line is that JSON.
 * Nothing here asserts: benchmarks report, tests check verdicts.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConnectors } from '../connectors/registry';
import { createKonnektorApi } from '../core/api';
import type { InvoiceDocument } from '../core/documents/model';
import { readDefaultInvoiceXslt } from '../core/documents/preview';
import { buildInvoiceUbl, type InvoiceProfile } from '../core/documents/ubl/invoice';
import type { ErpTarget } from '../core/erp/target';
import { logger } from '../core/logging';
import { createValidator, type DocumentKind, type ValidationResult } from '../core/validation';
import { compiledSchematron } from '../core/validation/engine';
import { gibPackagePaths, locateGibPackage } from '../core/validation/gibPackage';
import { SaxonSchematron, SchematronStopped } from '../core/validation/saxonSchematron';
import { XPathDynamicError } from '../core/validation/schematron/engine';
import { parseTree, TreeUnsupported } from '../core/validation/schematron/tree';
import { ensureSef } from '../core/validation/sefCache';
import { ErpConnections } from '../db/erp';
import { openLocalStore } from '../db/local';
import { recipientDirectory } from '../db/registry';
import { SHIPPED } from '../runtime/shipped';
import type { InvoiceModule } from '../core/documents/kinds/types';

if (!process.env.KONNEKTOR_LOG_LEVEL) logger.level = 'error';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}
const invoices = option('invoices', 400);
const referenceDocs = option('reference-docs', 150);
const exportInvoices = option('export-invoices', 2000);
const sendDocuments = option('send-documents', 500);
const rounds = option('rounds', 3);

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-'));
const say = (line: string): void => void process.stderr.write(`${line}\n`);
const load = (): number[] => os.loadavg().map((x) => Number(x.toFixed(2)));
const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const r1 = (x: number): number => Number(x.toFixed(1));
const r2 = (x: number): number => Number(x.toFixed(2));

const loadStart = load();
say(`npm run bench — ${os.cpus().length} cores, load average ${loadStart.join(' / ')} (1/5/15 min)`);

// ---- 1. the documents --------------------------------------------------------------------------------------

interface Doc {
  xml: string;
  kind: DocumentKind;
}
const docs: Doc[] = [];
const canonical: { doc: InvoiceDocument; module: InvoiceModule }[] = [];
{
  const store = await openLocalStore(':memory:');
  const connections = new ErpConnections();
  const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const demo = await api['demo.init']({ dir: path.join(tmp, 'demo'), invoices, seed: 7 });
  await api['registry.import']({ file: demo.userList });
  for (const row of (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[]) {
    if (Number(row.n) < 2) continue;
    const [first] = (await store('registered_users').where('identifier', row.identifier).orderBy('alias').select('alias')) as { alias: string }[];
    await api['registry.chooseAlias']({ identifier: row.identifier, alias: first!.alias, actor: 'bench' });
  }
  for (const connector of listConnectors()) {
    const periods = await connector.listFirmPeriods(
      { connections },
      connector.shape === 'firm-period' ? { connector: connector.id, server: demo.server, database: 'LOGODB' } : { connector: connector.id, server: demo.server },
    );
    for (const fp of periods) {
      const target: ErpTarget =
        connector.shape === 'firm-period'
          ? { connector: connector.id, server: demo.server, database: 'LOGODB', firm: fp.firm, period: fp.period }
          : {
              connector: connector.id,
              server: demo.server,
              database: fp.database!,
              // Mikro: the fiscal year lives inside the company database.
              ...(connector.shape === 'database-per-company' && fp.fiscalYear !== undefined ? { fiscalYear: fp.fiscalYear } : {}),
            };
      for (const module of ['efatura', 'earsiv'] as const) {
        // ETA records neither e-Fatura nor e-Arşiv on the invoice: it splits them by the registered-user list.
        const ctx = { connections, recipients: recipientDirectory(() => store) };
        for (const doc of (await connector.readOutgoing(ctx, target, module)) as InvoiceDocument[]) canonical.push({ doc, module });
        const outDir = path.join(tmp, 'out', `${docs.length}`);
        const report = await api['documents.export']({ target, module, outDir, iban: 'TR330006100519786457841326' });
        for (const d of report.documents) {
          if (d.file) docs.push({ xml: fs.readFileSync(path.join(outDir, d.file), 'utf8'), kind: d.module === 'earsiv' ? 'earchive' : 'efatura' });
        }
      }
    }
  }
  await api.close();
  await connections.closeAll();
  await store.destroy();
}
const meanKb = docs.reduce((a, d) => a + d.xml.length, 0) / Math.max(docs.length, 1) / 1024;
say(`documents: ${docs.length} built from a demo of ${invoices} invoices per program (mean ${meanKb.toFixed(1)} k characters), ${canonical.length} canonical documents`);

// ---- 2. building -------------------------------------------------------------------------------------------

const view = { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() };
const profileOf = (doc: InvoiceDocument, module: InvoiceModule): InvoiceProfile => {
  if (module === 'earsiv') return 'EARSIVFATURA';
  const hint = doc.profileHint as InvoiceProfile | undefined;
  return hint === 'TICARIFATURA' || hint === 'KAMU' || (hint === 'IHRACAT' && doc.exportInfo) ? hint : 'TEMELFATURA';
};
const buildOne = (c: (typeof canonical)[number], i: number): number =>
  buildInvoiceUbl({
    doc: c.module === 'earsiv' && !c.doc.earsiv ? { ...c.doc, earsiv: { sendingType: 'ELEKTRONIK' } } : c.doc,
    id: `KNF2026${String(i).padStart(9, '0')}`,
    uuid: '3f2504e0-4f89-41d3-9a0c-0305e82c3300',
    profile: profileOf(c.doc, c.module),
    supplier: c.doc.supplier!,
    issueTime: '10:00:00',
    view,
  }).xml.length;
const buildable = canonical.filter((c) => {
  try {
    buildOne(c, 0);
    return true;
  } catch {
    return false;
  }
});
const buildCpu0 = process.cpuUsage();
const buildWall0 = performance.now();
for (let r = 0; r < rounds; r++) buildable.forEach(buildOne);
const buildCpu = cpuMs(process.cpuUsage(buildCpu0));
const buildWall = performance.now() - buildWall0;
const built = buildable.length * rounds;
const build = { documents: built, cpuMsPerDoc: r2(buildCpu / built), wallMsPerDoc: r2(buildWall / built), perSecCpu: Math.round((built * 1000) / buildCpu), perSecWall: Math.round((built * 1000) / buildWall) };
say(`build: ${built} documents, ${build.cpuMsPerDoc} ms CPU each → ${build.perSecCpu}/s on one core (wall ${build.perSecWall}/s)`);

// ---- 3. schematron engine against engine -------------------------------------------------------------------

const paths = gibPackagePaths(locateGibPackage());
const sef = await ensureSef(paths.schematronXslt);
const sample = docs.slice(0, referenceDocs);
const compiled = compiledSchematron();
const saxon = new SaxonSchematron(sef.sefPath);
type Verdict = string;
const compiledVerdict = (d: Doc): Verdict => {
  try {
    return JSON.stringify(compiled.run(parseTree(d.xml), { type: d.kind }).map((f) => [f.context, f.test, f.location, f.message]));
  } catch (e) {
    if (e instanceof XPathDynamicError || e instanceof TreeUnsupported) return 'stopped';
    throw e;
  }
};
const saxonVerdict = (d: Doc): Verdict => {
  try {
    return JSON.stringify(saxon.run(d.xml, { type: d.kind }).map((f) => [f.context, f.test, f.location, f.message]));
  } catch (e) {
    if (e instanceof SchematronStopped) return 'stopped';
    throw e;
  }
};
for (const d of sample.slice(0, 10)) {
  compiledVerdict(d);
  saxonVerdict(d);
}
function timeEngine(f: (d: Doc) => Verdict, times: number): { cpuMsPerDoc: number; wallMsPerDoc: number; verdicts: Verdict[] } {
  const verdicts: Verdict[] = [];
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  for (let r = 0; r < times; r++) for (const d of sample) verdicts.push(f(d));
  const n = sample.length * times;
  return { cpuMsPerDoc: r2(cpuMs(process.cpuUsage(c0)) / n), wallMsPerDoc: r2((performance.now() - w0) / n), verdicts: verdicts.slice(0, sample.length) };
}
const compiledTimes = timeEngine(compiledVerdict, rounds);
const saxonTimes = timeEngine(saxonVerdict, 1);
const verdictDifferences = sample.filter((_, i) => compiledTimes.verdicts[i] !== saxonTimes.verdicts[i]).length;
const schematron = {
  documents: sample.length,
  compiledCpuMsPerDoc: compiledTimes.cpuMsPerDoc,
  compiledWallMsPerDoc: compiledTimes.wallMsPerDoc,
  saxonCpuMsPerDoc: saxonTimes.cpuMsPerDoc,
  saxonWallMsPerDoc: saxonTimes.wallMsPerDoc,
  ratioCpu: r1(saxonTimes.cpuMsPerDoc / compiledTimes.cpuMsPerDoc),
  ratioWall: r1(saxonTimes.wallMsPerDoc / compiledTimes.wallMsPerDoc),
  verdictDifferences,
};
say(
  `schematron, one thread, same ${sample.length} documents: compiled ${schematron.compiledCpuMsPerDoc} ms CPU/document, SaxonJS ${schematron.saxonCpuMsPerDoc} ms → ${schematron.ratioCpu}× (wall ${schematron.ratioWall}×); verdicts differing: ${verdictDifferences}`,
);

// ---- 4. validation as the product runs it ------------------------------------------------------------------

async function validateAll(engine: 'compiled' | 'saxon', batch: Doc[]): Promise<{ documents: number; perSec: number; cpuMsPerDoc: number; p50Ms: number; p95Ms: number; workers: number; invalid: number }> {
  const v = await createValidator({ schematronEngine: engine });
  await v.validateMany(batch.slice(0, 2 * v.workers)); // every worker warm
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const results: ValidationResult[] = await v.validateMany(batch);
  const wall = performance.now() - w0;
  const cpu = cpuMs(process.cpuUsage(c0));
  await v.close();
  const per = results.map((r) => r.timings.xsdMs + r.timings.schematronMs);
  return {
    documents: batch.length,
    perSec: r1((batch.length * 1000) / wall),
    cpuMsPerDoc: r2(cpu / batch.length),
    p50Ms: r2(pct(per, 50)),
    p95Ms: r2(pct(per, 95)),
    workers: v.workers,
    invalid: results.filter((r) => !r.valid).length,
  };
}
const validateCompiled = await validateAll('compiled', docs);
const validateCompiledSample = await validateAll('compiled', sample);
const validateSaxon = await validateAll('saxon', sample);
say(
  `validation (XSD + schematron, ${validateCompiled.workers} workers): compiled ${validateCompiled.perSec} documents/s over ${docs.length} (${validateCompiledSample.perSec}/s over the ${sample.length}), ` +
    `SaxonJS ${validateSaxon.perSec}/s over the same ${sample.length}; p50/p95 per document ${validateCompiled.p50Ms}/${validateCompiled.p95Ms} ms vs ${validateSaxon.p50Ms}/${validateSaxon.p95Ms} ms`,
);

// ---- 5–7. child processes: export, send, the idle app ------------------------------------------------------

function child(args: string[], env: Record<string, string> = {}): Promise<{ json: Record<string, unknown>; peakMb: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}: ${last}`));
      try {
        resolve({ json: JSON.parse(last) as Record<string, unknown>, peakMb: null });
      } catch {
        reject(new Error(`${args.join(' ')}: no JSON on its last line: ${last}`));
      }
    });
  });
}

const exportRun = (await child(['bench/documents.ts', '--invoices', String(exportInvoices), '--json'])).json;
say(`export: ${JSON.stringify(exportRun)}`);
const sendRun = (await child(['bench/send.ts', '--documents', String(sendDocuments), '--json'])).json;
say(`send: ${JSON.stringify(sendRun)}`);
const appIdle = await idleAppRss();
say(`desktop app (browser mode) idle: ${appIdle === null ? 'n/a' : `${appIdle} MiB`}`);

/** Starts `konnektor start --browser` in a fresh home, waits until it serves and then 5 s idle, reads its RSS. */
async function idleAppRss(): Promise<number | null> {
  const home = path.join(tmp, 'app-home');
  const p = spawn(process.execPath, [path.join(ROOT, 'bin/konnektor.js'), 'start', '--browser', '--port', '0'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KONNEKTOR_HOME: home, KONNEKTOR_NO_OPEN: '1', BROWSER: 'none' },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('the app did not start within 120 s')), 120_000);
      p.stdout.on('data', (d) => {
        out += d;
        if (/http:\/\/127\.0\.0\.1:\d+/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      p.on('exit', (code) => reject(new Error(`the app exited with ${code}: ${out}`)));
    });
    await new Promise((r) => setTimeout(r, 5000));
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${p.pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : null;
  } catch (e) {
    say(`desktop app idle RSS not measured: ${(e as Error).message}`);
    return null;
  } finally {
    p.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (p.exitCode === null) p.kill('SIGKILL');
  }
}

// ---- results -----------------------------------------------------------------------------------------------

const loadEnd = load();
const peaks = {
  exportProcessMb: Number(exportRun.peakRssMb ?? NaN),
  senderMb: Number(sendRun.senderPeakRssMb ?? NaN),
  sandboxMb: Number(sendRun.sandboxPeakRssMb ?? NaN),
  appIdleMb: appIdle ?? NaN,
};
const result = {
  date: new Date().toISOString(),
  machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', node: process.version, loadAverageStart: loadStart, loadAverageEnd: loadEnd },
  inputs: { invoices, documents: docs.length, referenceDocs: sample.length, exportInvoices, sendDocuments, rounds },
  validatePerSec: validateCompiled.perSec,
  schematronRatioVsSaxon: schematron.ratioCpu,
  buildPerSec: build.perSecCpu,
  sendPerSec: Number(sendRun.sendPerSec ?? NaN),
  peakRssMb: Math.max(...Object.values(peaks).filter((x) => Number.isFinite(x))),
  build,
  schematron,
  validation: { compiled: validateCompiled, compiledSameDocs: validateCompiledSample, saxonSameDocs: validateSaxon },
  export: exportRun,
  send: sendRun,
  peaks,
};

const rows: [string, string][] = [
  ['validation, compiled checks (XSD + schematron, pool)', `${validateCompiled.perSec} documents/s, ${validateCompiled.cpuMsPerDoc} ms CPU/document, p50/p95 ${validateCompiled.p50Ms}/${validateCompiled.p95Ms} ms`],
  ['validation, SaxonJS (same pool, same documents)', `${validateSaxon.perSec} documents/s, ${validateSaxon.cpuMsPerDoc} ms CPU/document, p50/p95 ${validateSaxon.p50Ms}/${validateSaxon.p95Ms} ms`],
  ['schematron alone, compiled vs SaxonJS', `${schematron.compiledCpuMsPerDoc} vs ${schematron.saxonCpuMsPerDoc} ms CPU/document = ${schematron.ratioCpu}× faster`],
  ['UBL build (one core)', `${build.perSecCpu} documents/s (${build.cpuMsPerDoc} ms CPU each)`],
  ['export pipeline (read, build, check, write)', `${exportRun.documentsPerSec ?? '?'} documents/s over ${exportRun.documents ?? '?'}, peak RSS ${exportRun.peakRssMb ?? '?'} MiB`],
  ['send to loopback sandbox (client cost)', `${sendRun.sendPerSec ?? '?'} documents/s, call p50/p95 ${sendRun.callP50Ms ?? '?'}/${sendRun.callP95Ms ?? '?'} ms`],
  ['peak RSS per process', `export ${peaks.exportProcessMb}, sender ${peaks.senderMb}, sandbox ${peaks.sandboxMb}, idle app ${peaks.appIdleMb} MiB`],
  ['load average at start / end', `${loadStart.join(' ')} / ${loadEnd.join(' ')}`],
];
const width = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(width)}  ${v}`);

const resultsDir = path.join(ROOT, 'bench', 'results');
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, `${result.date.slice(0, 19).replace(/:/g, '-')}.json`);
fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
say(`written to ${path.relative(ROOT, file)}`);
fs.rmSync(tmp, { recursive: true, force: true });
console.log(JSON.stringify(result));
