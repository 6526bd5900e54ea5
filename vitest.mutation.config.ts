import { defineConfig } from 'vitest/config';
import { MUTATION_MODULES } from './stryker.modules.mjs';

/** The tests of the module Stryker mutates (KNK_MUTATE): nothing else runs, and no renderer build. */
const name = process.env.KNK_MUTATE as keyof typeof MUTATION_MODULES | undefined;
const module = name ? MUTATION_MODULES[name] : undefined;
if (!module) throw new Error(`KNK_MUTATE must name one of: ${Object.keys(MUTATION_MODULES).join(', ')}`);

/** KNK_MUTATE_TESTS (comma-separated) runs other test files instead, e.g. to compare with an earlier set. */
const include = process.env.KNK_MUTATE_TESTS ? process.env.KNK_MUTATE_TESTS.split(',') : module.tests;

export default defineConfig({
  test: {
    include,
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
