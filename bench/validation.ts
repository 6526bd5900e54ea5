/**
 * Benchmark: GİB XSD + schematron validation of N copies of a clean official sample (default 200).
 * Prints the one-time SEF compile (cold, in a fresh cache folder, and cached), start-up, one-at-a-time latency (after a warm-up),
 * and validateMany throughput inline (0 workers) and with the worker pool; ms/document for XSD and schematron
 * separately, documents/second and peak RSS. Asserts nothing.
 *   npx tsx bench/validation.ts [N] [--workers K] [--skip-cold]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createValidator, defaultWorkerCount, type ValidationResult } from '../core/validation';
import { gibPackagePaths, locateGibPackage } from '../core/validation/gibPackage';
import { defaultCacheDir, ensureSef } from '../core/validation/sefCache';

const args = process.argv.slice(2);
const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 200);
const wi = args.indexOf('--workers');
const poolSize = wi >= 0 ? Number(args[wi + 1]) : defaultWorkerCount();
const skipCold = args.includes('--skip-cold');

const root = locateGibPackage();
const paths = gibPackagePaths(root);
const sample = path.join(root, 'UBL-TR1.2.1_Paketi', 'xml', 'TicariFaturaOrnegi.xml');
const xml = fs.readFileSync(sample, 'utf8');
console.log(`GİB package ${root}`);
console.log(`sample ${path.basename(sample)} (${(xml.length / 1024).toFixed(1)} KiB), ${n} copies; ${os.availableParallelism()} cores`);

const rss = (): string => `${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
let cacheDir = defaultCacheDir();
if (!skipCold) {
  cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-sef-'));
  const cold = await ensureSef(paths.schematronXslt, cacheDir);
  const cached = await ensureSef(paths.schematronXslt, cacheDir);
  console.log(`SEF compile: cold ${(cold.ms / 1000).toFixed(1)} s (${cold.origin}), cached ${cached.ms.toFixed(0)} ms (${cached.origin}); RSS now ${rss()}`);
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / Math.max(xs.length, 1);
function perDoc(label: string, results: ValidationResult[], wallMs: number): void {
  const invalid = results.filter((r) => !r.valid).length;
  console.log(
    `${label}: ${wallMs.toFixed(0)} ms wall = ${(wallMs / results.length).toFixed(2)} ms/document, ${((results.length * 1000) / wallMs).toFixed(1)} documents/s; ` +
      `per document XSD ${mean(results.map((r) => r.timings.xsdMs)).toFixed(2)} ms, schematron ${mean(results.map((r) => r.timings.schematronMs)).toFixed(2)} ms` +
      (invalid ? `; ${invalid} INVALID` : ''),
  );
}

const docs = Array.from({ length: n }, () => ({ xml, kind: 'efatura' as const }));
for (const workers of [0, poolSize]) {
  const t0 = performance.now();
  const v = await createValidator({ workers, cacheDir });
  console.log(`\n${workers === 0 ? 'inline (0 workers)' : `${workers} workers`}: start-up ${(performance.now() - t0).toFixed(0)} ms (${v.schematronEngine} schematron, SEF ${v.sef?.origin ?? "not loaded"}), schematron release ${v.schematronRelease}`);
  for (let i = 0; i < 10; i++) await v.validate(xml, 'efatura'); // JIT warm-up, not counted
  const single: ValidationResult[] = [];
  const ts = performance.now();
  for (let i = 0; i < Math.min(20, n); i++) single.push(await v.validate(xml, 'efatura'));
  perDoc('  one at a time (validate)', single, performance.now() - ts);
  const tb = performance.now();
  const batch = await v.validateMany(docs);
  perDoc(`  batch of ${n} (validateMany)`, batch, performance.now() - tb);
  console.log(`  RSS with this validator open ${rss()}`);
  await v.close();
}
console.log(`\npeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (all threads)`);
if (!skipCold) fs.rmSync(cacheDir, { recursive: true, force: true });
