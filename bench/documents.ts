/**
 * Benchmark: export N demo invoices (Logo, both modules, every period) through the whole document pipeline and
 * print documents per second and ms per document for build, XSD and schematron separately, and peak memory.
 *   npm run bench:documents [-- --invoices N]
 * Build/XSD/schematron figures are the summed per-document costs (CPU time across validation workers); the
 * wall-clock figure is what a user waits for.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKonnektorApi } from '../core/api';
import type { ExportReport } from '../core/documents/export';
import { ErpConnections } from '../db/erp';
import { openLocalStore } from '../db/local';

const arg = process.argv.indexOf('--invoices');
const invoices = arg > 0 ? Number(process.argv[arg + 1]) : 1000;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-docs-'));
let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);

const store = await openLocalStore(':memory:');
const connections = new ErpConnections();
const api = createKonnektorApi({ connections, store: async () => store });
const demo = await api['demo.init']({ dir: path.join(root, 'demo'), invoices, seed: 7 });
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
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

const docs = reports.reduce((a, r) => a + r.summary.documents, 0);
const valid = reports.reduce((a, r) => a + r.summary.valid, 0);
const sum = (k: keyof ExportReport['timings']) => reports.reduce((a, r) => a + r.timings[k], 0);
const per = (ms: number) => (ms / Math.max(docs, 1)).toFixed(2);
console.log(`documents: ${docs} outgoing (${valid} valid) from ${invoices} demo invoices per program`);
for (const d of reports.flatMap((r) => r.documents).filter((x) => !x.valid)) {
  console.log(`  invalid ${d.erpNumber}: ${d.issues.map((i) => `${i.rule} ${i.message}`).join('; ')}`);
}
console.log(`validator start-up (SEF load, workers): ${warmup.toFixed(0)} ms`);
console.log(`read:       ${per(sum('readMs'))} ms/document`);
console.log(`build:      ${per(sum('buildMs'))} ms/document`);
console.log(`XSD:        ${per(sum('xsdMs'))} ms/document (summed over workers)`);
console.log(`schematron: ${per(sum('schematronMs'))} ms/document (summed over workers)`);
console.log(`wall clock: ${per(wallMs)} ms/document = ${((docs * 1000) / wallMs).toFixed(1)} documents/second on ${os.cpus().length} cores`);
console.log(`peak RSS:   ${(peak / 2 ** 20).toFixed(0)} MiB`);

await api.close();
await connections.closeAll();
await store.destroy();
fs.rmSync(root, { recursive: true, force: true });
