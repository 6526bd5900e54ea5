import { KonnektorError } from '../errors';

/**
 * Firm and period codes reach table names (Logo `LG_002_01_INVOICE`), so they are the only user input that ever
 * does, and only after passing these checks. Users type "2" and mean "002"; "1" means period "01".
 */
const FIRM_INPUT = /^\d{1,3}$/;
const PERIOD_INPUT = /^\d{1,2}$/;
export const FIRM_CODE = /^\d{3}$/;
export const PERIOD_CODE = /^\d{2}$/;

export function padFirmCode(input: string): string {
  const value = input.trim();
  if (!FIRM_INPUT.test(value) || Number(value) === 0) {
    throw new KonnektorError('ERP_FIRM_CODE_INVALID', `Firm code must be 1 to 3 digits and not zero, got ${JSON.stringify(input)}`, {
      value: input,
    });
  }
  return value.padStart(3, '0');
}

export function padPeriodCode(input: string): string {
  const value = input.trim();
  if (!PERIOD_INPUT.test(value) || Number(value) === 0) {
    throw new KonnektorError('ERP_PERIOD_CODE_INVALID', `Period code must be 1 or 2 digits and not zero, got ${JSON.stringify(input)}`, {
      value: input,
    });
  }
  return value.padStart(2, '0');
}

/** Re-checks an already normalised code right where a table name is built. */
export function assertFirmCode(code: string): string {
  if (!FIRM_CODE.test(code)) throw new KonnektorError('ERP_FIRM_CODE_INVALID', `Not a 3-digit firm code: ${JSON.stringify(code)}`, { value: code });
  return code;
}

export function assertPeriodCode(code: string): string {
  if (!PERIOD_CODE.test(code)) {
    throw new KonnektorError('ERP_PERIOD_CODE_INVALID', `Not a 2-digit period code: ${JSON.stringify(code)}`, { value: code });
  }
  return code;
}

/**
 * A branch (şube) of the company in the accounting program: Logo `BRANCH`, Netsis `SUBE_KODU`, Mikro `cha_subeno`
 * are small integers (0 is the head office). Users type "1" or "01"; both mean branch 1, so the code is kept as the
 * number it names ("007" → "7"). Letters, signs or more than four digits are refused: the value filters documents.
 */
const BRANCH_INPUT = /^\d{1,4}$/;

export function normalizeBranchCode(input: string): string {
  const value = input.trim();
  if (!BRANCH_INPUT.test(value)) {
    throw new KonnektorError('ERP_BRANCH_CODE_INVALID', `Branch code must be 1 to 4 digits, got ${JSON.stringify(input)}`, { value: input });
  }
  return String(Number(value));
}

/** The branch number a connector filters by, re-checked where the query is built (CLI and tests skip normalizing). */
export function branchNumberOf(code: string | undefined): number | undefined {
  if (code === undefined || code.trim() === '') return undefined;
  return Number(normalizeBranchCode(code));
}

/**
 * A fiscal year inside a company database (Mikro): four digits. It never reaches a table name, only a binding, but
 * a typo ("226", "2O26") is refused here with its own message rather than reading nothing.
 */
export function parseFiscalYear(input: string | number): number {
  const text = String(input).trim();
  const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(year) || year < 1990 || year > 2999) {
    throw new KonnektorError('ERP_FISCAL_YEAR_INVALID', `Fiscal year must be four digits (e.g. 2026), got ${JSON.stringify(input)}`, { value: String(input) });
  }
  return year;
}

/**
 * Database names go into connection settings, never into SQL text; on the demo server they also become file names,
 * so path separators and dot-dot are refused. SQL Server allows letters, digits, `_`, `-`, `.`, `@`, `#`, `$` and
 * spaces in practice.
 */
const DATABASE_NAME = /^[\p{L}\p{N}_@#$][\p{L}\p{N}_@#$ .-]{0,127}$/u;

export function validateDatabaseName(input: string): string {
  const value = input.trim();
  if (!DATABASE_NAME.test(value) || value.includes('..')) {
    throw new KonnektorError('ERP_DATABASE_NAME_INVALID', `Invalid database name ${JSON.stringify(input)}`, { value: input });
  }
  return value;
}
