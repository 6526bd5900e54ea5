import { z } from 'zod';
import { KonnektorError } from '../errors';
import { redactUrl } from '../secrets';
import { assertFirmCode, assertPeriodCode, normalizeBranchCode, padFirmCode, padPeriodCode, parseFiscalYear, validateDatabaseName } from './codes';

/**
 * Where a module's documents live in the accounting program. `server` is `mssql://user:pass@host:port/instance?…`
 * in production or `sqlite:<folder>` for the bundled demo databases and tests.
 */
export interface ErpTarget {
  connector: string;
  server: string;
  database?: string;
  firm?: string;
  period?: string;
  /** Programs that keep every fiscal year inside one company database (Mikro): the year read. */
  fiscalYear?: number;
  /** The branch (şube) whose documents are read, as digits ("0" head office); absent: every branch. */
  branch?: string;
}

export const erpTargetInputSchema = z.object({
  connector: z.string().min(1),
  server: z.string().min(1),
  database: z.string().optional(),
  firm: z.string().optional(),
  period: z.string().optional(),
  fiscalYear: z.union([z.string(), z.number()]).optional(),
  branch: z.string().optional(),
});
export type ErpTargetInput = z.infer<typeof erpTargetInputSchema>;

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/** Normalises what the user typed: "2" → "002", "1" → "01", trims the database name; rejects anything else. */
export function normalizeTarget(input: ErpTargetInput): ErpTarget {
  const target: ErpTarget = { connector: input.connector.trim(), server: input.server.trim() };
  if (!blank(input.database)) target.database = validateDatabaseName(input.database);
  if (!blank(input.firm)) target.firm = padFirmCode(input.firm);
  if (!blank(input.period)) target.period = padPeriodCode(input.period);
  if (input.fiscalYear !== undefined && String(input.fiscalYear).trim() !== '') target.fiscalYear = parseFiscalYear(input.fiscalYear);
  if (!blank(input.branch)) target.branch = normalizeBranchCode(input.branch);
  return target;
}

export function requireDatabase(target: ErpTarget): string {
  if (!target.database) throw new KonnektorError('ERP_DATABASE_REQUIRED', 'This operation needs a database name');
  return target.database;
}

export function requireFirm(target: ErpTarget): string {
  if (!target.firm) throw new KonnektorError('ERP_FIRM_REQUIRED', 'This connector needs a firm code');
  // Connectors may be called without normalizeTarget (CLI, tests): the code is checked before any SQL is built.
  return assertFirmCode(target.firm);
}

export function requirePeriod(target: ErpTarget): string {
  if (!target.period) throw new KonnektorError('ERP_PERIOD_REQUIRED', 'This connector needs a period code');
  return assertPeriodCode(target.period);
}

export function requireFiscalYear(target: ErpTarget): number {
  if (target.fiscalYear === undefined) throw new KonnektorError('ERP_FISCAL_YEAR_REQUIRED', 'This connector needs the fiscal year');
  return target.fiscalYear;
}

/**
 * Server URLs carry a password: this is what may be shown, logged or saved. Its credentials are found the way the
 * connection finds them (core/secrets.ts), so a password with `@` or other URL characters is hidden whole.
 */
export function redactServer(server: string): string {
  return redactUrl(server);
}
