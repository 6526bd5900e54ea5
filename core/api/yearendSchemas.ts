import { z } from 'zod';

/**
 * Inputs of the year-end wizard ("Veri tabanı güncelleme") and of the change during the year. The desktop app and
 * browser mode always name the session; only the CLI, acting as the local administrator, may leave it out.
 */
const sessionId = z.string().min(1).max(128).optional();
const scope = {
  sessionId,
  /** Another module of the session's company ("apply the same choice"), or any module for the CLI. */
  module: z.string().min(1).max(16).optional(),
  /** CLI only: the company (VKN/TCKN) and branch when a module has several. */
  companyVkn: z.string().min(10).max(11).optional(),
  branch: z.string().max(32).optional(),
};
/** What the user typed in the wizard; empty fields take the proposal's, then the connection settings' values. */
const choice = z
  .object({
    server: z.string().max(1024).optional(),
    database: z.string().max(128).optional(),
    firm: z.string().max(8).optional(),
    period: z.string().max(8).optional(),
    fiscalYear: z.union([z.string().max(8), z.number().int()]).optional(),
  })
  .strict();
const mode = z.enum(['yearend', 'change']).optional();

export const yearendSchemas = {
  'yearend.check': z.object(scope).strict(),
  'yearend.search': z.object({ ...scope, server: z.string().max(1024).optional() }).strict(),
  'yearend.plan': z.object({ ...scope, target: choice, mode }).strict(),
  'yearend.apply': z
    .object({
      ...scope,
      target: choice,
      mode,
      alsoModules: z.array(z.string().min(1).max(16)).max(6).optional(),
      dryRun: z.boolean().optional(),
      /** Staff sessions only. */
      integratorEndpoint: z.string().min(1).max(512).optional(),
    })
    .strict(),
  'yearend.cancel': z.object({ ...scope, mode }).strict(),
  'yearend.profiles': z.object(scope).strict(),
  /** The documents of an earlier (or the current) fiscal year of the module, through that year's profile. */
  'yearend.documents': z.object({ ...scope, fiscalYear: z.number().int().min(2000).max(2100) }).strict(),
} as const;
