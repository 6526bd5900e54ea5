#!/usr/bin/env node
/**
 * `npm run test:mutation [-- module…]`: StrykerJS over each module of stryker.modules.mjs in turn (all when none
 * is named), one at a time, then each module's mutation score. Reports: reports/mutation/<module>.html and .json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTATION_MODULES } from '../stryker.modules.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const asked = process.argv.slice(2);
const unknown = asked.filter((m) => !(m in MUTATION_MODULES));
if (unknown.length > 0) {
  console.error(`Unknown module(s): ${unknown.join(', ')}; known: ${Object.keys(MUTATION_MODULES).join(', ')}`);
  process.exit(2);
}
const modules = asked.length > 0 ? asked : Object.keys(MUTATION_MODULES);
// Stryker runs the tests in a copy of the project (.stryker-tmp/…), where `../shared` is not the GİB package's folder.
const gibPackage = process.env.KONNEKTOR_GIB_PACKAGE ?? path.resolve(root, '..', 'shared', 'reference', 'gib');
const stryker = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');

/** Stryker's score from its JSON report: killed + timed out over all valid mutants (compile errors and ignored left out). */
function score(file) {
  const report = JSON.parse(fs.readFileSync(file, 'utf8'));
  const counts = {};
  for (const f of Object.values(report.files)) for (const m of f.mutants) counts[m.status] = (counts[m.status] ?? 0) + 1;
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const total = detected + undetected;
  return { counts, detected, total, score: total === 0 ? 100 : (100 * detected) / total };
}

const results = [];
let failed = false;
for (const m of modules) {
  console.log(`\n== mutation testing: ${m} (${MUTATION_MODULES[m].mutate.join(', ')}) ==`);
  const started = Date.now();
  const run = spawnSync(process.execPath, [stryker, 'run', 'stryker.config.mjs'], { cwd: root, stdio: 'inherit', env: { ...process.env, KNK_MUTATE: m, ...(fs.existsSync(gibPackage) ? { KONNEKTOR_GIB_PACKAGE: gibPackage } : {}) } });
  const seconds = Math.round((Date.now() - started) / 1000);
  const file = path.join(root, 'reports', 'mutation', `${m}.json`);
  if (run.status !== 0 || !fs.existsSync(file)) {
    failed = true;
    results.push({ module: m, score: 'run failed', seconds });
    continue;
  }
  const s = score(file);
  results.push({ module: m, score: `${s.score.toFixed(2)} %`, detected: s.detected, mutants: s.total, ...s.counts, seconds });
}
console.log('\nMutation score per module:');
console.table(results);
process.exit(failed ? 1 : 0);
