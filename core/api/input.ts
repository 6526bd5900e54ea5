import type { z, ZodError } from 'zod';
import { KonnektorError } from '../errors';
import { isModule, type Module } from '../modules';
import { isCalendarDate } from '../time';
import { apiSchemas, type ApiMethod } from './schemas';

/** What a handler receives: the input after its schema parsed it (defaults applied, unknown keys refused). */
export type ParsedInput<M extends ApiMethod> = z.output<(typeof apiSchemas)[M]>;

function describeZod(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}

/**
 * Validates the raw input of one method with its schema; a failure is INPUT_INVALID naming the fields. The API's
 * wrapper calls it once per call, before the handler runs; handlers never parse again.
 */
export function parseInput<M extends ApiMethod>(method: M, input: unknown): ParsedInput<M> {
  const result = apiSchemas[method].safeParse(input ?? {});
  if (!result.success) {
    // A field whose schema names its own code (a date that is no calendar day) fails with that code and its value.
    for (const issue of result.error.issues) {
      const code = issue.code === 'custom' ? (issue.params as { konnektorCode?: unknown } | undefined)?.konnektorCode : undefined;
      if (code === 'ERP_DATE_INVALID') {
        const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k as PropertyKey], input);
        throw new KonnektorError('ERP_DATE_INVALID', `${method}: ${issue.path.join('.')} is not a calendar date: ${JSON.stringify(value)}`, { value: String(value) });
      }
    }
    throw new KonnektorError('INPUT_INVALID', `${method}: ${describeZod(result.error)}`, { fields: result.error.issues.map((i) => i.path.join('.')) });
  }
  return result.data as ParsedInput<M>;
}

/** A module name as typed ("eFatura " → efatura); MODULE_UNKNOWN for anything else. */
export function moduleOf(value: string): Module {
  const m = value.trim().toLowerCase();
  if (!isModule(m)) throw new KonnektorError('MODULE_UNKNOWN', `Unknown module ${JSON.stringify(value)}`, { value });
  return m;
}

/** An optional YYYY-MM-DD filter date; empty means none. */
export function dateOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isCalendarDate(value)) {
    throw new KonnektorError('ERP_DATE_INVALID', `Not a YYYY-MM-DD date: ${JSON.stringify(value)}`, { value });
  }
  return value;
}
