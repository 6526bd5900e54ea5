import { isCalendarDate } from '../../core/time';
import type { Knex } from 'knex';
import Decimal from 'decimal.js';
import { invalidValue } from './rows';

/**
 * Row values as drivers return them: SQL Server FLOAT/MONEY/DECIMAL arrive as JS numbers or strings, dates as Date
 * (tedious reads them as UTC) or ISO text (SQLite). These helpers turn them into exact decimals and Türkiye dates.
 */
export function decimalOf(value: unknown): Decimal {
  if (value === null || value === undefined || value === '') return new Decimal(0);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidValue(value, 'a number');
    // Logo keeps amounts in FLOAT columns: 15 significant digits drop the binary noise (0.1 + 0.2).
    return new Decimal(value.toPrecision(15));
  }
  const text = String(value).trim().replace(',', '.');
  // Decimal.js would also take hex, binary, "Infinity" and throw a bare DecimalError on the rest.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text)) throw invalidValue(value, 'a number');
  return new Decimal(text);
}

export function intOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined || value === '') return 0;
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

export function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  return String(value).trim();
}

export function optionalText(value: unknown): string | undefined {
  const t = textOf(value);
  return t === '' ? undefined : t;
}

/** YYYY-MM-DD of a date column. */
export function dateOf(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const text = textOf(value);
  if (text === '') return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const date = m ? `${m[1]}-${m[2]}-${m[3]}` : undefined;
  // Text that is no day of the calendar ("dün", 2026-02-30) is the row's ERP_VALUE_INVALID, never a document date.
  if (!date || !isCalendarDate(date)) throw invalidValue(value, 'a date');
  return date;
}

/** Splits a list into chunks: SQL Server accepts at most 2100 parameters per statement. */
export function chunks<T>(items: readonly T[], size = 1000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * A YYYY-MM-DD filter date as a binding. SQL Server reads 'YYYY-MM-DD' into DATETIME by the login's DATEFORMAT
 * (a Turkish login is dmy: 2026-02-13 fails, 2026-02-03 becomes 2 March), but 'YYYYMMDD' always as year-month-day.
 */
export function dateBinding(db: Knex, date: string): string {
  return (db.client as { dialect?: string }).dialect === 'mssql' ? date.replaceAll('-', '') : date;
}
