import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { ledgerHeadersQuery, ledgerLinesQuery } from '../../connectors/logo/ledger';
import { netsisVouchersQuery } from '../../connectors/netsis/ledger';
import { mikroChartOfAccountsQuery, mikroDocumentTypeOf, mikroJournalLinesQuery, mikroLedgerDocumentsQuery, mikroUsersQuery } from '../../connectors/mikro/ledger';
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

  it('Mikro: MUHASEBE_FISLERI lines of one fiscal year in (fis_tarih, fis_yevmiye_no, fis_sira_no, fis_satir_no) order after a keyset', () => {
    const after = { date: new Date('2026-02-03T00:00:00Z'), journalNo: 30, siraNo: 31, satirNo: 2 };
    const { sql, bindings } = mikroJournalLinesQuery(mssql, 2026, { from: '2026-02-01', to: '2026-02-28' }, after, 5000, { activeOnly: true }).toSQL().toNative();
    expect(sql).toMatch(/^select top \(@p0\) \[F\]\.\[fis_tarih\], /);
    expect(sql).toContain('from [MUHASEBE_FISLERI] as [F] where [F].[fis_iptal] = @p1 and [F].[fis_maliyil] = @p2 and [F].[fis_tarih] >= @p3 and [F].[fis_tarih] < @p4');
    expect(sql).toContain('([F].[fis_aktif_pasif] = @p5 or [F].[fis_aktif_pasif] is null) and [F].[fis_yevmiye_no] > @p6');
    expect(sql).toContain(
      '([F].[fis_tarih] = @p13 and [F].[fis_yevmiye_no] = @p14 and [F].[fis_sira_no] = @p15 and [F].[fis_satir_no] > @p16)) order by [F].[fis_tarih] asc, [F].[fis_yevmiye_no] asc, [F].[fis_sira_no] asc, [F].[fis_satir_no] asc',
    );
    expect(bindings).toEqual([5000, 0, 2026, '20260201', '20260301', 0, 0, after.date, after.date, 30, after.date, 30, 31, after.date, 30, 31, 2]);
  });

  it('Mikro: the unnumbered lines (madde no 0 or NULL) by a query of their own, never dropped by the keyset', () => {
    const { sql, bindings } = mikroJournalLinesQuery(mssql, 2026, { from: '2026-02-01', to: '2026-02-28' }, undefined, 1_000_000, { unnumbered: true }).toSQL().toNative();
    expect(sql).toContain('and ([F].[fis_yevmiye_no] is null or [F].[fis_yevmiye_no] <= @p5) order by [F].[fis_tarih] asc, [F].[fis_sira_no] asc, [F].[fis_satir_no] asc');
    expect(sql).not.toContain('fis_aktif_pasif');
    expect(bindings).toEqual([1_000_000, 0, 2026, '20260201', '20260301', 0]);
  });

  it('Mikro: document rows, chart and users as plain parameterised selects', () => {
    expect(mikroLedgerDocumentsQuery(mssql, [7, 8]).toSQL().toNative()).toEqual({
      sql: 'select [mfd_ticari_tip], [mfd_evraktip], [mfd_evrak_seri], [mfd_evrak_sira], [mfd_belgeno], [mfd_belgetarihi], [mfd_satistipi], [mfd_alistipi], [mfd_tahtedtipi], [mfd_digerevrakadi] from [MUHASEBE_FIS_DETAYLARI] where [mfd_iptal] = @p0 and [mfd_evrak_sira] in (@p1, @p2) order by [mfd_evrak_sira] asc, [mfd_evraktip] asc',
      bindings: [0, 7, 8],
    });
    expect(mikroChartOfAccountsQuery(mssql).toSQL().toNative().sql).toBe('select [muh_hesap_kod], [muh_hesap_isim1] from [MUHASEBE_HESAP_PLANI] order by [muh_hesap_kod] asc');
    expect(mikroUsersQuery(mssql).toSQL().toNative().sql).toBe('select [User_no], [User_name] from [KULLANICILAR]');
  });

  it('Mikro: MUHASEBE_FIS_DETAYLARI document types map to GİB’s, “Diğer” named by mfd_digerevrakadi', () => {
    expect(mikroDocumentTypeOf({ mfd_evraktip: 1, mfd_satistipi: 0 })).toEqual({ type: 'invoice' });
    expect(mikroDocumentTypeOf({ mfd_evraktip: 2, mfd_alistipi: 3 })).toEqual({ type: 'other', description: 'Gider Pusulası' });
    expect(mikroDocumentTypeOf({ mfd_evraktip: 4, mfd_tahtedtipi: 1 })).toEqual({ type: 'check', payment: 'Çek' });
    expect(mikroDocumentTypeOf({ mfd_evraktip: 3, mfd_tahtedtipi: 3 })).toEqual({ type: 'other', description: 'Dekont', payment: 'Banka' });
    expect(mikroDocumentTypeOf({ mfd_evraktip: 1, mfd_satistipi: 7, mfd_digerevrakadi: 'Bordro' })).toEqual({ type: 'other', description: 'Bordro' });
    expect(mikroDocumentTypeOf({ mfd_evraktip: 0 })).toBeUndefined();
  });
});
