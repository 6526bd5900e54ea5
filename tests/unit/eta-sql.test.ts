import knexFactory from 'knex';
import { describe, expect, it } from 'vitest';
import { isReturnType } from '../../connectors/eta/codes';
import { etaText } from '../../connectors/eta/map';
import { companiesQuery, invoiceByRefQuery, linesQuery, outgoingHeadersQuery } from '../../connectors/eta/read';
import { cp1254 } from '../../sandbox/demo/eta';

/** Every ETA query compiled for SQL Server, as production runs it; and ETA's single-byte text. */
const mssql = knexFactory({ client: 'mssql' });
const native = (q: { toSQL(): { toNative(): { sql: string; bindings: readonly unknown[] } } }) => q.toSQL().toNative();

describe('ETA queries in T-SQL', () => {
  it('lists company-years from SIRKET and reads outgoing invoices with their customer, address and identity', () => {
    expect(native(companiesQuery(mssql)).sql).toMatch(/^select \[SIRKOD\], \[SIRDONEM\], \[SIRDBNAME\], \[SIRVKNTCKN\], .* from \[SIRKET\] order by \[SIRKOD\] asc, \[SIRDONEM\] asc$/);
    const { sql, bindings } = native(outgoingHeadersQuery(mssql, { from: '2026-01-01', limit: 10 }, { helper: true }));
    expect(sql).toContain('from [FATFIS] as [F] left join [FATFISTIP] as [T] on [T].[FATFTNO] = [F].[FATFISTIPI]');
    expect(sql).toContain('left join [ADRESLER] as [A] on [A].[ADRKOD1] = [F].[FATFISCARKOD] and [A].[ADRITEMNO] = [F].[FATFISADRESNO]');
    expect(sql).toContain('left join [KIMLIKLER] as [K] on [K].[KIMKOD] = [F].[FATFISCARKOD] and [K].[KIMITEMNO] = @p');
    expect(sql).toContain('left join [KNK_EBELGE] as [E] on [E].[ERP_ANAHTAR] = CAST([F].[FATFISREFNO] AS VARCHAR(20))');
    expect(sql).toMatch(/where \[F\]\.\[FATFISGCFLAG\] = @p\d+ and \(\[E\]\.\[DURUM\] is null or \[E\]\.\[DURUM\] = @p\d+\)/);
    expect(bindings).toEqual(expect.arrayContaining([2, 'failed', '20260101']));
    expect(sql).not.toMatch(/SABITLER/i);
  });

  it('reads lines without the cancelled ones, and one header for write-back', () => {
    const { sql } = native(linesQuery(mssql, [10, 20]));
    expect(sql).toContain('from [FATHAR] as [H] where [H].[FATHARREFNO] in (@p0, @p1) and ([H].[FATHARIPTALFLAG] is null or not [H].[FATHARIPTALFLAG] = @p2)');
    expect(native(invoiceByRefQuery(mssql, 10)).sql).toBe('select [FATFISREFNO], [FATFISCARKOD], [FATFISGCFLAG] from [FATFIS] where [FATFISREFNO] = @p0');
  });

  it('decodes Windows-1254 bytes, repairs driver-decoded damage and UTF-8 written into a Windows-1254 column', () => {
    expect(etaText(cp1254('ŞİŞLİ Çağlayan İnşaat'))).toBe('ŞİŞLİ Çağlayan İnşaat');
    expect(etaText(Buffer.from('Güneş Öz', 'utf8'))).toBe('Güneş Öz');
    expect(etaText('ÞÝÞLÝ')).toBe('ŞİŞLİ');
    expect(etaText('Ä°nci Kozmetik')).toBe('İnci Kozmetik');
    // Bytes that are neither Windows-1254 nor UTF-8: refused, naming where they were read.
    expect(() => etaText(Buffer.from([0x41, 0x81, 0x8d, 0x42]), 'CARKART.CARUNVAN')).toThrow(expect.objectContaining({ code: 'ERP_VALUE_ENCODING' }));
  });

  it('tells return types by their code in the site’s own type table', () => {
    expect(['ALIM İADE', 'Satış iade', 'SATIŞ', 'ALIM'].map(isReturnType)).toEqual([true, true, false, false]);
  });
});
