import { KonnektorError } from '../../core/errors';
import { describeColumns, mapErpError, type ErpDatabase } from '../../db/erp';
import type { ConnectionCheck } from '../contract';

/** A table a connector reads and the columns it relies on. */
export interface TableNeed {
  table: string;
  columns: readonly string[];
}

/**
 * Checks that every needed table exists with every needed column, then that each can be read (SELECT of zero rows).
 * Tables missing altogether → ERP_TABLES_MISSING (all names); a missing column → ERP_COLUMN_MISSING (which one).
 */
export async function checkTables(erp: ErpDatabase, needs: readonly TableNeed[]): Promise<ConnectionCheck[]> {
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
  }
  for (const need of needs) {
    try {
      await erp.db.from(need.table).select(need.columns[0] ?? '*').limit(0);
    } catch (e) {
      throw mapErpError(e, { server: erp.server, database: erp.name });
    }
  }
  return [
    { name: 'tables', ok: true, detail: needs.map((n) => n.table).join(', ') },
    { name: 'columns', ok: true },
    { name: 'read', ok: true },
  ];
}
