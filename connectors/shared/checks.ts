import { KonnektorError } from '../../core/errors';
import { describeColumns, mapErpError, type ErpDatabase } from '../../db/erp';
import type { ConnectionCheck, ConnectionWarning } from '../contract';

/**
 * A column the connector reads when the database has it: newer releases of the program added it, older ones lack
 * it. Without it reading goes on with the feature off; `lost` says (in Turkish, for the connection test) what the
 * documents lose.
 */
export interface OptionalColumn {
  column: string;
  lost: string;
}

/** A table a connector reads: the columns every supported release has, and those only newer releases have. */
export interface TableNeed {
  table: string;
  columns: readonly string[];
  optional?: readonly OptionalColumn[];
}

/** Which optional columns this database has, by table: what the query builders select. */
export class ColumnSet {
  constructor(private readonly byTable: ReadonlyMap<string, ReadonlySet<string>>) {}

  has(table: string, column: string): boolean {
    return this.byTable.get(table.toUpperCase())?.has(column.toUpperCase()) ?? false;
  }

  /** The subset of `columns` that `table` has, in the given order. */
  pick<T extends string>(table: string, columns: readonly T[]): T[] {
    return columns.filter((c) => this.has(table, c));
  }

  /** One set over the tables of several inspections. */
  static merge(...sets: readonly ColumnSet[]): ColumnSet {
    const byTable = new Map<string, Set<string>>();
    for (const set of sets) {
      for (const [table, cols] of set.byTable) {
        const into = byTable.get(table) ?? new Set<string>();
        for (const c of cols) into.add(c);
        byTable.set(table, into);
      }
    }
    return new ColumnSet(byTable);
  }

  /** Every column of every table: what tests and the demo use to read as the newest release. */
  static everything(needs: readonly TableNeed[]): ColumnSet {
    return new ColumnSet(
      new Map(needs.map((n) => [n.table.toUpperCase(), new Set([...n.columns, ...(n.optional ?? []).map((o) => o.column)].map((c) => c.toUpperCase()))])),
    );
  }
}

export interface TableInspection {
  checks: ConnectionCheck[];
  /** One per missing optional column. */
  warnings: ConnectionWarning[];
  columns: ColumnSet;
}

/**
 * Checks that every needed table exists with every required column, notes which optional columns are missing, then
 * that each table can be read (SELECT of zero rows). Tables missing altogether → ERP_TABLES_MISSING (all names); a
 * missing required column → ERP_COLUMN_MISSING (which one); a missing optional column → a warning, reading goes on.
 */
export async function inspectTables(erp: ErpDatabase, needs: readonly TableNeed[]): Promise<TableInspection> {
  let described: Map<string, Set<string>>;
  try {
    described = await describeColumns(erp, needs.map((n) => n.table));
  } catch (e) {
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
  const missingTables = needs.filter((n) => !described.has(n.table.toUpperCase())).map((n) => n.table);
  if (missingTables.length > 0) {
    throw new KonnektorError('ERP_TABLES_MISSING', `Database ${erp.name} lacks tables: ${missingTables.join(', ')}`, {
      database: erp.name,
      tables: missingTables,
    });
  }
  const warnings: ConnectionWarning[] = [];
  for (const need of needs) {
    const have = described.get(need.table.toUpperCase()) ?? new Set();
    const missing = need.columns.find((c) => !have.has(c.toUpperCase()));
    if (missing) {
      throw new KonnektorError('ERP_COLUMN_MISSING', `Table ${need.table} in ${erp.name} has no column ${missing}`, {
        database: erp.name,
        table: need.table,
        column: missing,
      });
    }
    for (const o of need.optional ?? []) {
      if (have.has(o.column.toUpperCase()) || warnings.some((w) => w.table === need.table && w.column === o.column)) continue;
      warnings.push({
        code: 'ERP_COLUMN_OPTIONAL_MISSING',
        table: need.table,
        column: o.column,
        lost: o.lost,
        message: `${need.table}.${o.column} alanı bu veri tabanında yok (programın eski bir sürümü): ${o.lost}`,
      });
    }
  }
  for (const need of needs) {
    try {
      await erp.db.from(need.table).select(need.columns[0] ?? '*').limit(0);
    } catch (e) {
      throw mapErpError(e, { server: erp.server, database: erp.name });
    }
  }
  const checks: ConnectionCheck[] = [
    { name: 'tables', ok: true, detail: needs.map((n) => n.table).join(', ') },
    { name: 'columns', ok: true, ...(warnings.length > 0 ? { detail: `${warnings.length} isteğe bağlı alan eksik` } : {}) },
    { name: 'read', ok: true },
  ];
  return { checks, warnings, columns: new ColumnSet(described) };
}

/** inspectTables for callers that need only the checks. */
export async function checkTables(erp: ErpDatabase, needs: readonly TableNeed[]): Promise<ConnectionCheck[]> {
  return (await inspectTables(erp, needs)).checks;
}

/** Merges the check lists of several databases into one list by check name (details joined). */
export function mergeChecks(...lists: ConnectionCheck[][]): ConnectionCheck[] {
  const out: ConnectionCheck[] = [];
  for (const check of lists.flat()) {
    const same = out.find((c) => c.name === check.name);
    if (!same) out.push({ ...check });
    else if (check.detail) same.detail = same.detail ? `${same.detail}, ${check.detail}` : check.detail;
  }
  return out;
}
