import type Database from 'better-sqlite3';
import { trLower, trSortKey, trUpper } from '../core/text/turkish';

/**
 * Registers Turkish-aware text functions on a SQLite connection: `tr_lower`, `tr_upper` and `tr_sort_key`
 * (use `ORDER BY tr_sort_key(name)` for Turkish alphabetical order; better-sqlite3 cannot register collations).
 */
export function registerTurkishFunctions(db: Database.Database): void {
  const opts = { deterministic: true } as const;
  db.function('tr_lower', opts, (s: unknown) => (typeof s === 'string' ? trLower(s) : s) as string | null);
  db.function('tr_upper', opts, (s: unknown) => (typeof s === 'string' ? trUpper(s) : s) as string | null);
  db.function('tr_sort_key', opts, (s: unknown) => (typeof s === 'string' ? trSortKey(s) : s) as string | null);
}
