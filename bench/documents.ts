/**
 * Benchmark: export N demo invoices (Logo, both modules, every period) through the whole document pipeline and
 * print documents per second and ms per document for build, XSD and schematron separately, and peak memory.
 *   npm run bench:documents [-- --invoices N] [--json]
 * Build/XSD/schematron figures are the summed per-document costs (CPU time across validation workers); the
 * wall-clock figure is what a user waits for. The store is a file, as in the app. The peak RSS is sampled during
 * the export itself (creating the demo databases is not the product's work). --json: the figures as one JSON
 * line, last.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKonnektorApi } from '../core/api';
import type { ExportReport } from '../core/documents/export';
import { ErpConnections } from '../db/erp';
import { openLocalStore } from '../db/local';
import { SHIPPED } from '../runtime/shipped';

const arg = process.argv.indexOf('--invoices');
const invoices = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const json = process.argv.includes('--json');
const log = json ? (line: string) => process.stderr.write(`${line}\n`) : (line: string) => console.log(line);
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-docs-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

// The demo databases are created by the CLI in a process of their own: generating them is not the export's memory.
const demoOut = execFileSync(process.execPath, [path.join(import.meta.dirname, '..', 'bin', 'konnektor.js'), 'demo', 'init', '--dir', path.join(root, 'demo'), '--invoices', String(invoices), '--seed', '7', '--json'], {
  encoding: 'utf8',
  maxBuffer: 64 * 2 ** 20,
});
const demo = JSON.parse(demoOut) as { server: string; userList: string };
const store = await openLocalStore(path.join(root, 'konnektor.sqlite'));
const connections = new ErpConnections();
const api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
await api['registry.import']({ file: demo.userList });
for (const row of (await store('registered_users').select('identifier').count({ n: '*' }).groupBy('identifier')) as { identifier: string; n: number }[]) {
  if (Number(row.n) < 2) continue;
  const [first] = (await store('registered_users').where('identifier', row.identifier).orderBy('alias').select('alias')) as { alias: string }[];
  await api['registry.chooseAlias']({ identifier: row.identifier, alias: first!.alias, actor: 'bench' });
}

const validatorStart = performance.now();
await api['documents.validate']({ files: [path.resolve('tests/fixtures/golden/01-TEMELFATURA-SATIS.xml')] });
const warmup = performance.now() - validatorStart;

const reports: ExportReport[] = [];
peak = process.memoryUsage().rss;
const setupPeak = process.resourceUsage().maxRSS / 1024;
const cpu0 = process.cpuUsage();
const wall = performance.now();
for (const firm of ['1', '2']) {
  for (const period of ['1', '2']) {
    for (const module of ['efatura', 'earsiv']) {
      reports.push(
        await api['documents.export']({
          target: { connector: 'logo', server: demo.server, database: 'LOGODB', firm, period },
          module,
          outDir: path.join(root, 'out', `${firm}-${period}-${module}`),
          iban: 'TR330006100519786457841326',
        }),
      );
    }
  }
}
const wallMs = performance.now() - wall;
const cpu = process.cpuUsage(cpu0);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

const docs = reports.reduce((a, r) => a + r.summary.documents, 0);
const valid = reports.reduce((a, r) => a + r.summary.valid, 0);
const sum = (k: keyof ExportReport['timings']) => reports.reduce((a, r) => a + r.timings[k], 0);
const per = (ms: number) => (ms / Math.max(docs, 1)).toFixed(2);
log(`documents: ${docs} outgoing (${valid} valid) from ${invoices} demo invoices per program`);
for (const d of reports.flatMap((r) => r.documents).filter((x) => !x.valid).slice(0, 20)) {
  log(`  invalid ${d.erpNumber}: ${d.issues.map((i) => `${i.rule} ${i.message}`).join('; ')}`);
}
log(`validator start-up (workers): ${warmup.toFixed(0)} ms`);
log(`read:       ${per(sum('readMs'))} ms/document`);
log(`build:      ${per(sum('buildMs'))} ms/document`);
log(`XSD:        ${per(sum('xsdMs'))} ms/document (summed over workers)`);
log(`schematron: ${per(sum('schematronMs'))} ms/document (summed over workers)`);
log(`wall clock: ${per(wallMs)} ms/document = ${((docs * 1000) / wallMs).toFixed(1)} documents/second on ${os.cpus().length} cores; CPU ${per((cpu.user + cpu.system) / 1000)} ms/document`);
log(`peak RSS:   ${(peak / 2 ** 20).toFixed(0)} MiB during the export (${setupPeak.toFixed(0)} MiB before it: opening the store, starting the validator)`);
if (json) {
  console.log(
    JSON.stringify({
      documents: docs,
      valid,
      documentsPerSec: Number(((docs * 1000) / wallMs).toFixed(1)),
      cpuMsPerDoc: Number(per((cpu.user + cpu.system) / 1000)),
      readMsPerDoc: Number(per(sum('readMs'))),
      buildMsPerDoc: Number(per(sum('buildMs'))),
      xsdMsPerDoc: Number(per(sum('xsdMs'))),
      schematronMsPerDoc: Number(per(sum('schematronMs'))),
      peakRssMb: Math.round(peak / 2 ** 20),
      setupPeakRssMb: Math.round(setupPeak),
    }),
  );
}

await api.close();
await connections.closeAll();
await store.destroy();
fs.rmSync(root, { recursive: true, force: true });
