import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { firmPeriodsQuery, invoiceByRefQuery, linesQuery, outgoingHeadersQuery } from '../../connectors/logo/read';
import { listDatabasesQuery } from '../../db/erp';
import { KonnektorError } from '../../core/errors';

// Compiling with the mssql dialect exercises the production path without a SQL Server.
const mssql = knexFactory({ client: 'mssql' });

describe('Logo connector T-SQL', () => {
  it('quotes period tables of firm 002, period 01 with brackets', () => {
    const { sql, bindings } = outgoingHeadersQuery(mssql, '002', '01', 'efatura').toSQL().toNative();
    expect(sql).toContain('from [LG_002_01_INVOICE] as [I]');
    expect(sql).toContain('inner join [LG_002_CLCARD] as [C] on [C].[LOGICALREF] = [I].[CLIENTREF]');
    expect(sql).toMatch(/\[I\]\.\[TRCODE\] in \(@p0, @p1, @p2, @p3, @p4\)/);
    expect(bindings).toEqual([6, 7, 8, 9, 14, 0, 0, 1]);
    expect(sql).toContain('order by [I].[LOGICALREF] asc');
  });

  it('pages with TOP, and with OFFSET … FETCH NEXT', () => {
    const top = outgoingHeadersQuery(mssql, '001', '02', 'earsiv', { limit: 50 }).toSQL().toNative();
    expect(top.sql).toMatch(/^select top \(@p0\) /);
    expect(top.bindings[0]).toBe(50);
    const page = outgoingHeadersQuery(mssql, '001', '02', 'earsiv', { limit: 50, offset: 100, from: '2026-01-01', to: '2026-01-31' }).toSQL().toNative();
    expect(page.sql).toMatch(/offset @p\d+ rows fetch next @p\d+ rows only$/);
    // SQL Server reads 'YYYYMMDD' the same under every login language.
    expect(page.bindings.slice(-4)).toEqual(['20260101', '20260131', 100, 50]);
  });

  it('passes user values only as parameters', () => {
    const { sql, bindings } = outgoingHeadersQuery(mssql, '001', '02', 'efatura', { from: "2026-01-01'; DROP TABLE x--" }).toSQL().toNative();
    expect(sql).not.toContain('DROP');
    expect(bindings.some((b) => String(b).includes("'; DROP TABLE x"))).toBe(true);
  });

  it('joins lines with item, service and unit cards of the firm', () => {
    const { sql } = linesQuery(mssql, '002', '01', [1, 2, 3]).toSQL().toNative();
    expect(sql).toContain('from [LG_002_01_STLINE] as [L]');
    expect(sql).toContain('left join [LG_002_ITEMS] as [IT]');
    expect(sql).toContain('left join [LG_002_SRVCARD] as [S]');
    expect(sql).toContain('left join [LG_002_UNITSETL] as [U]');
    expect(sql).toContain('[L].[INVOICEREF] in (@p2, @p3, @p4)');
  });

  it('lists firms and periods from L_CAPIFIRM and L_CAPIPERIOD', () => {
    const { sql } = firmPeriodsQuery(mssql).toSQL().toNative();
    expect(sql).toContain('from [L_CAPIFIRM] as [F] inner join [L_CAPIPERIOD] as [P] on [P].[FIRMNR] = [F].[NR]');
    expect(invoiceByRefQuery(mssql, '001', '01', 5).toSQL().toNative().sql).toContain('from [LG_001_01_INVOICE] where [LOGICALREF] = @p0');
  });

  it('lists online user databases from sys.databases', () => {
    expect(listDatabasesQuery(mssql).toSQL().toNative().sql).toBe(
      'select [name] from [sys].[databases] where [state] = @p0 and [database_id] > @p1 order by [name] asc',
    );
  });

  it('refuses to build a table name from a code that is not 3/2 digits', () => {
    for (const [firm, period] of [['2', '01'], ['002', '1'], ['0021', '01'], ['00a', '01'], ["001]; DROP TABLE x; --", '01']]) {
      expect(() => outgoingHeadersQuery(mssql, firm!, period!, 'efatura')).toThrow(KonnektorError);
    }
  });
});
