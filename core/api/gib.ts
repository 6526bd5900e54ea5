import os from 'node:os';
import path from 'node:path';
import { installGibPackage, type GibInstallResult } from '../validation/gibInstall';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';

export interface GibHandlers {
  'gib.install'(input: ParsedInput<'gib.install'>): Promise<GibInstallResult>;
}

/** GİB's packages in Konnektör's data folder, found there first by the validator. */
export function createGibHandlers(ctx: ApiContext): GibHandlers {
  return {
    async 'gib.install'(input) {
      const dataDir = ctx.deps.settings?.dataDir ?? process.env.KONNEKTOR_HOME ?? path.join(os.homedir(), '.konnektor');
      const result = await installGibPackage({ dataDir, ...(input.sources ? { sources: input.sources } : {}) });
      // A validator already running keeps the package it started with; the next one takes the new package.
      await ctx.close();
      return result;
    },
  };
}
