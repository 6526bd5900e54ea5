// @ts-check
import { MUTATION_MODULES } from './stryker.modules.mjs';

/**
 * StrykerJS for one module of stryker.modules.mjs, named by KNK_MUTATE (scripts/mutation.mjs sets it):
 * `npm run test:mutation -- totals outbox`. Not part of `npm test` or CI: a module takes minutes.
 */
const name = process.env.KNK_MUTATE ?? '';
const module = MUTATION_MODULES[/** @type {keyof typeof MUTATION_MODULES} */ (name)];
if (!module) throw new Error(`KNK_MUTATE must name one of: ${Object.keys(MUTATION_MODULES).join(', ')} (got ${JSON.stringify(name)})`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts', related: false },
  mutate: module.mutate,
  coverageAnalysis: 'perTest',
  concurrency: Number(process.env.KNK_MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20_000,
  timeoutFactor: 3,
  checkers: [],
  ignorePatterns: ['out', 'dist', 'reports', 'coverage', '.konnektor', '*.sqlite', 'tmp-scratch'],
  tempDirName: `.stryker-tmp/${name}`,
  cleanTempDir: true,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 80, break: null },
};
