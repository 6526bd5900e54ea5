import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { ledgerHeadersQuery, ledgerLinesQuery } from '../../connectors/logo/ledger';
import { netsisVouchersQuery } from '../../connectors/netsis/ledger';
import { KonnektorError } from '../../core/errors';

// Compiling with the mssql dialect exercises the production path without a SQL Server.
const mssql = knexFactory({ client: 'mssql' });

describe('journal reading T-SQL', () => {
  it('Logo: vouchers of firm 002 period 01 in book order, a TOP page after a (date, madde no, ref) keyset', () => {
    const after = { date: new Date('2026-01-31T00:00:00Z'), journalNo: 41, ref: 977 };
    const { sql, bindings } = ledgerHeadersQuery(mssql, '002', '01', { from: '2026-02-01', to: '2026-02-28' }, after, 1000, {
      ebook: { DOCTYPE: 'EBOOK_DOCTYPE', DOCNR: 'EBOOKDOCNR' },
    }).toSQL().toNative();
    expect(sql).toMatch(/^select top \(@p0\) /);
    expect(sql).toContain('from [LG_002_01_EMFICHE] as [H]');
    expect(sql).toContain('left join [L_CAPIUSER] as [U] on [U].[NR] = [H].[CAPIBLOCK_CREATEDBY]');
    expect(sql).toContain('[H].[EBOOK_DOCTYPE] as [H_DOCTYPE]');
    expect(sql).toContain('[H].[EBOOKDOCNR] as [H_DOCNR]');
    expect(sql).toContain('order by [H].[DATE_] asc, [H].[JOURNALNO] asc, [H].[LOGICALREF] asc');
    expect(sql).toContain('[H].[JOURNALNO] is not null');
    // Dates as YYYYMMDD (login-language proof); the month's end is exclusive of the next day.
    expect(bindings).toEqual(expect.arrayContaining([1000, 0, '20260201', '20260301', after.date, 41, 977]));
  });

  it('Logo: lines of a page of vouchers, as parameters only', () => {
    const { sql, bindings } = ledgerLinesQuery(mssql, '001', '02', [5, 6, 7]).toSQL().toNative();
    expect(sql).toContain('from [LG_001_02_EMFLINE] as [L] left join [LG_001_EMUHACC] as [A] on [A].[LOGICALREF] = [L].[ACCOUNTREF]');
    expect(sql).toContain('[L].[ACCFICHEREF] in (@p0, @p1, @p2)');
    expect(bindings).toEqual([5, 6, 7, 0]);
  });

  it('Logo: a firm code that is not three digits never reaches a table name', () => {
    expect(() => ledgerHeadersQuery(mssql, '1;DROP', '01', { from: '2026-01-01', to: '2026-01-31' }, undefined, 10)).toThrow(KonnektorError);
  });

  it('Netsis: TBLMUHMAS in (TARIH, RESM_YEVMNO, FISNO) order after a keyset', () => {
    const { sql, bindings } = netsisVouchersQuery(mssql, { from: '2026-03-01', to: '2026-03-31' }, { date: '2026-03-02', journalNo: 7, fisNo: "MF'1" }, 500)
      .toSQL()
      .toNative();
    expect(sql).toContain('from [TBLMUHMAS] as [M]');
    expect(sql).toContain('order by [M].[TARIH] asc, [M].[RESM_YEVMNO] asc, [M].[FISNO] asc');
    expect(bindings).toEqual(expect.arrayContaining([500, '20260301', '20260401', "MF'1"]));
    expect(sql).not.toContain("MF'1");
  });
});
