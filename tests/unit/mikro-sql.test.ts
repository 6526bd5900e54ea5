import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { fiscalYearSpan, profileOfEbelgeTuru, splitGibNumber } from '../../connectors/mikro/codes';
import { companiesQuery, fiscalYearsQuery, invoiceByGuidQuery, linesQuery, outgoingHeadersQuery, setEDocumentQuery, vatRatesQuery } from '../../connectors/mikro/read';

/** Every Mikro query compiled for SQL Server, as production runs it. */
const mssql = knexFactory({ client: 'mssql' });
const native = (q: { toSQL(): { toNative(): { sql: string; bindings: readonly unknown[] } } }) => q.toSQL().toNative();
const HOSTILE = "2026-01-31'; DROP TABLE CARI_HESAP_HAREKETLERI;--";
const SPAN = { begin: '2026-01-01', end: '2026-12-31' };

describe('Mikro queries in T-SQL', () => {
  it('lists the companies of VERI_TABANLARI and the fiscal years of a company database', () => {
    expect(native(companiesQuery(mssql)).sql).toBe(
      'select [DB_kod], [DB_isim], [DB_maliyil_baslangic_ayi], [DB_maliyil_baslangic_gunu], [DB_maliyil_takvim_bitisyili] from [VERI_TABANLARI] where ([DB_iptal] = @p0 or [DB_iptal] is null) order by [DB_kod] asc',
    );
    expect(native(fiscalYearsQuery(mssql)).sql).toBe(
      'select distinct [fmy_maliyil] from [FIRMA_MALIYIL_BILGILERI] where ([fmy_iptal] = @p0 or [fmy_iptal] is null) order by [fmy_maliyil] asc',
    );
  });

  it('selects unsent sales invoices of a module and fiscal year with every value bound', () => {
    const { sql, bindings } = native(outgoingHeadersQuery(mssql, 'earsiv', SPAN, { to: HOSTILE }, { helper: true, eInvoiceOps: true, notes: true, ebelge: true }));
    expect(sql).toContain('from [CARI_HESAP_HAREKETLERI] as [H] left join [CARI_HESAPLAR] as [C] on [C].[cari_kod] = [H].[cha_kod]');
    expect(sql).toContain('left join [CARI_HESAP_ADRESLERI] as [A] on [A].[adr_cari_kod] = [H].[cha_kod] and [A].[adr_adres_no] = [C].[cari_fatura_adres_no]');
    expect(sql).toMatch(/where \[H\]\.\[cha_evrak_tip\] = @p\d+ and \[H\]\.\[cha_satir_no\] = @p\d+ and \[H\]\.\[cha_iptal\] = @p\d+ and \[H\]\.\[cha_cari_cins\] = @p\d+ and \[H\]\.\[cha_e_islem_turu\] = @p\d+/);
    expect(sql).toContain('([H].[cha_ebelgeno_sira] is null or [H].[cha_ebelgeno_sira] = @p');
    expect(sql).toMatch(/not exists \(select 1 from \[E_FATURA_ISLEMLERI\] as \[E\] where \[E\]\.\[efi_evrakno_seri\] = \[H\]\.\[cha_evrakno_seri\]/);
    expect(sql).toMatch(/not exists \(select 1 from \[KNK_EBELGE\] as \[K\] where \[K\]\.\[MODUL\] = @p\d+ and \[K\]\.\[ERP_ANAHTAR\] = \[H\]\.\[cha_Guid\] and not \[K\]\.\[DURUM\] = @p\d+\)/);
    expect(sql).toContain('order by [H].[cha_tarihi] asc, [H].[cha_evrakno_seri] asc, [H].[cha_evrakno_sira] asc, [H].[cha_Guid] asc');
    expect(sql).not.toContain('DROP');
    expect(sql).not.toContain("'");
    // The fiscal year's span and the filter reach SQL Server as YYYYMMDD bindings.
    expect(bindings).toEqual(expect.arrayContaining([63, 0, 2, '20260101', '20261231', 'earsiv', 'failed', HOSTILE.replaceAll('-', '')]));
  });

  it('pages with OFFSET … FETCH NEXT after the total order', () => {
    const page = native(outgoingHeadersQuery(mssql, 'efatura', SPAN, { limit: 50, offset: 100 }));
    expect(page.sql).toMatch(/\[H\]\.\[cha_Guid\] asc offset @p\d+ rows fetch next @p\d+ rows only$/);
    expect(page.bindings.slice(-2)).toEqual([100, 50]);
  });

  it('reads lines by sth_fat_uid, VAT rates through dbo.fn_VergiYuzde, and writes back only the header e-document fields', () => {
    const lines = native(linesQuery(mssql, ['a2c4e6f8-0000-4000-a000-000000000001'], { lineExt: true }));
    expect(lines.sql).toContain('from [STOK_HAREKETLERI] as [L] left join [STOKLAR] as [S] on [S].[sto_kod] = [L].[sth_stok_kod]');
    expect(lines.sql).toContain('left join [STOK_HAREKETLERI_EK] as [X] on [X].[sthek_related_uid] = [L].[sth_Guid]');
    expect(lines.sql).toContain('where [L].[sth_fat_uid] in (@p0) and [L].[sth_iptal] = @p1');
    const rates = (vatRatesQuery(mssql) as unknown as { toSQL(): { sql: string; bindings: unknown[] } }).toSQL();
    expect(rates.sql).toContain('dbo.fn_VergiYuzde(?)');
    expect(rates.bindings).toHaveLength(42);
    expect(native(invoiceByGuidQuery(mssql, 'x')).sql).toBe(
      'select [cha_Guid], [cha_uuid], [cha_e_islem_turu], [cha_ebelgeno_seri], [cha_ebelgeno_sira] from [CARI_HESAP_HAREKETLERI] where [cha_Guid] = @p0 and [cha_evrak_tip] = @p1 and [cha_satir_no] = @p2',
    );
    expect(native(setEDocumentQuery(mssql, 'x', { cha_uuid: 'U', cha_ebelgeno_seri: 'KNF2026', cha_ebelgeno_sira: 7 })).sql).toBe(
      'update [CARI_HESAP_HAREKETLERI] set [cha_uuid] = @p0, [cha_ebelgeno_seri] = @p1, [cha_ebelgeno_sira] = @p2 where [cha_Guid] = @p3 and [cha_evrak_tip] = @p4 and [cha_satir_no] = @p5;select @@rowcount',
    );
  });

  it('decodes Mikro’s codes: scenario, GİB number parts, fiscal years starting mid-year', () => {
    expect([0, 1, 3, 6, undefined].map(profileOfEbelgeTuru)).toEqual(['TICARIFATURA', 'TEMELFATURA', 'IHRACAT', 'KAMU', 'TEMELFATURA']);
    expect(splitGibNumber('KNF2026000000042')).toEqual({ seri: 'KNF2026', sira: 42 });
    expect(splitGibNumber('KNF26-1')).toBeUndefined();
    expect(fiscalYearSpan(2026, 1, 1, false)).toEqual({ begin: '2026-01-01', end: '2026-12-31' });
    expect(fiscalYearSpan(2026, 7, 1, false)).toEqual({ begin: '2026-07-01', end: '2027-06-30' });
    expect(fiscalYearSpan(2026, 7, 1, true)).toEqual({ begin: '2025-07-01', end: '2026-06-30' });
  });
});
