import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import {
  companiesQuery,
  currenciesQuery,
  invoiceByKeyQuery,
  linesQuery,
  outgoingHeadersQuery,
  recordedEttnsQuery,
  setGibNumberQuery,
} from '../../connectors/netsis/read';

/** Every Netsis query compiled for SQL Server, as production runs it. */
const mssql = knexFactory({ client: 'mssql' });
const sqlite = knexFactory({ client: 'better-sqlite3', useNullAsDefault: true });
const native = (q: { toSQL(): { toNative(): { sql: string; bindings: readonly unknown[] } } }) => q.toSQL().toNative();

const HOSTILE = "2026-01-31'; DROP TABLE TBLFATUIRS;--";

describe('Netsis queries in T-SQL', () => {
  it('reads the company and currency lists of NETSIS', () => {
    expect(native(companiesQuery(mssql)).sql).toBe('select [SIRKET], [SIRKETYILI] from [SIRKETLER30] order by [SIRKET] asc');
    // Optional identity columns are selected only when the site's SIRKETLER30 has them, in a fixed order.
    expect(native(companiesQuery(mssql, ['VERGI_NUMARASI', 'UNVAN'])).sql).toBe(
      'select [SIRKET], [SIRKETYILI], [UNVAN], [VERGI_NUMARASI] from [SIRKETLER30] order by [SIRKET] asc',
    );
    expect(native(currenciesQuery(mssql)).sql).toBe('select [SIRA], [ISIM] from [KUR]');
  });

  it('selects unsent sales invoices of a module with bracket-quoted names and every value bound', () => {
    const { sql, bindings } = native(outgoingHeadersQuery(mssql, 'earsiv', { from: '2026-01-01', to: HOSTILE }));
    expect(sql).toContain('from [TBLFATUIRS] as [F] left join [TBLCASABIT] as [C] on [C].[CARI_KOD] = [F].[CARI_KODU]');
    expect(sql).toContain('left join [TBLCASABITEK] as [CE] on [CE].[CARI_KOD] = [F].[CARI_KODU]');
    expect(sql).toContain(
      'left join [TBLFATUEK] as [X] on [X].[FATIRSNO] = [F].[FATIRS_NO] and [X].[FKOD] = [F].[FTIRSIP] and [X].[CKOD] = [F].[CARI_KODU] and [X].[SUBE_KODU] = [F].[SUBE_KODU]',
    );
    expect(sql).toContain('where [F].[FTIRSIP] = @p0 and [F].[EBELGE] = @p1 and ([F].[GIB_FATIRS_NO] is null or [F].[GIB_FATIRS_NO] = @p2)');
    expect(sql).toContain('[F].[TARIH] >= @p3 and [F].[TARIH] <= @p4');
    expect(sql).toContain('order by [F].[TARIH] asc, [F].[FATIRS_NO] asc, [F].[CARI_KODU] asc, [F].[SUBE_KODU] asc');
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("'");
    // Dates go to SQL Server as YYYYMMDD, which DATETIME reads the same under every login language.
    expect(bindings).toEqual(['1', 2, '', '20260101', HOSTILE.replaceAll('-', '')]);
    // SQLite keeps the ISO text the demo stores.
    expect(native(outgoingHeadersQuery(sqlite, 'earsiv', { from: '2026-01-01' })).bindings).toContain('2026-01-01');
  });

  it('pages with TOP alone and with OFFSET … FETCH NEXT after the total order', () => {
    const top = native(outgoingHeadersQuery(mssql, 'efatura', { limit: 50 }));
    expect(top.sql).toMatch(/^select top \(@p0\) \[F\]\.\[SUBE_KODU\]/);
    expect(top.bindings[0]).toBe(50);
    const page = native(outgoingHeadersQuery(mssql, 'efatura', { limit: 50, offset: 100 }, { extension: false }));
    expect(page.sql).toMatch(/\[F\]\.\[SUBE_KODU\] asc offset @p3 rows fetch next @p4 rows only$/);
    expect(page.bindings.slice(-2)).toEqual([100, 50]);
    expect(page.sql).not.toContain('TBLFATUEK');
  });

  it('reads the lines of many invoices with their item card, filtered to invoice movements', () => {
    const { sql, bindings } = native(linesQuery(mssql, ['SAT1', "SAT'2"]));
    expect(sql).toContain('from [TBLSTHAR] as [S] left join [TBLSTSABIT] as [T] on [T].[STOK_KODU] = [S].[STOK_KODU]');
    expect(sql).toContain(
      'where [S].[FISNO] in (@p0, @p1) and [S].[STHAR_FTIRSIP] = @p2 and [S].[STHAR_HTUR] = @p3 and [S].[STHAR_GCKOD] in (@p4, @p5)',
    );
    expect(sql).toContain('order by [S].[FISNO] asc, [S].[SIRA] asc, [S].[INCKEYNO] asc');
    expect(bindings).toEqual(['SAT1', "SAT'2", '1', 'J', 'C', 'G']);
  });

  it('finds and updates one header by its four-part key, as bindings only', () => {
    const key = { sube: 0, ftirsip: '1', fatirsNo: "SAT'1", cariKodu: '120.01.001; DELETE' };
    const find = native(invoiceByKeyQuery(mssql, key));
    expect(find.sql).toBe(
      'select [FATIRS_NO], [GIB_FATIRS_NO], [EBELGE] from [TBLFATUIRS] where [SUBE_KODU] = @p0 and [FTIRSIP] = @p1 and [FATIRS_NO] = @p2 and [CARI_KODU] = @p3',
    );
    expect(find.bindings).toEqual([0, '1', "SAT'1", '120.01.001; DELETE']);
    const update = native(setGibNumberQuery(mssql, key, 'ORN2026000000001'));
    expect(update.sql).toMatch(
      /^update \[TBLFATUIRS\] set \[GIB_FATIRS_NO\] = @p0 where \[SUBE_KODU\] = @p1 and \[FTIRSIP\] = @p2 and \[FATIRS_NO\] = @p3 and \[CARI_KODU\] = @p4/,
    );
    expect(update.bindings).toEqual(['ORN2026000000001', 0, '1', "SAT'1", '120.01.001; DELETE']);
  });

  it('looks up recorded ETTNs in KNK_EBELGE by module and key', () => {
    const { sql, bindings } = native(recordedEttnsQuery(mssql, 'efatura', ['[0,"1","A","B"]']));
    expect(sql).toBe('select [ERP_ANAHTAR], [ETTN] from [KNK_EBELGE] where [FIRMA] = @p0 and [DONEM] = @p1 and [MODUL] = @p2 and [ERP_ANAHTAR] in (@p3)');
    expect(bindings).toEqual(['', '', 'efatura', '[0,"1","A","B"]']);
  });
});
