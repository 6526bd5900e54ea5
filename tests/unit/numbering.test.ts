import { describe, expect, it } from 'vitest';
import { GIB_ID, assignEttn, assignNumber, formatGibNumber, peekNextNumber } from '../../core/documents/numbering';
import { openLocalStore } from '../../db/local';

const key = (k: string, module = 'efatura', companyVkn = '4703101339') => ({ companyVkn, module, ref: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: k } });
const series = (year: number, prefix = 'KNF') => ({ prefix, year });
const owner = { companyVkn: '4703101339', module: 'efatura' };

describe('GİB numbering', () => {
  it('formats 3 + year + 9 digits and refuses Turkish or lower-case prefixes', () => {
    expect(formatGibNumber('KNF', 2026, 1)).toBe('KNF2026000000001');
    expect(GIB_ID.test(formatGibNumber('A1B', 2026, 999999999))).toBe(true);
    for (const bad of ['ÇNF', 'knf', 'AB', 'ABCD', 'A-B']) expect(() => formatGibNumber(bad, 2026, 1)).toThrow(expect.objectContaining({ code: 'NUMBER_PREFIX_INVALID' }));
  });

  it('keeps one ETTN per ERP document, across rebuilds', async () => {
    const db = await openLocalStore(':memory:');
    try {
      const a = await assignEttn(db, key('1'));
      expect(a.ettn).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect((await assignEttn(db, key('1'))).ettn).toBe(a.ettn);
      expect((await assignEttn(db, key('2'))).ettn).not.toBe(a.ettn);
      // The ERP's own GUID is used when it has one.
      expect((await assignEttn(db, key('3'), 'AB8CDEF0-1234-4321-8765-0123456789AB')).ettn).toBe('ab8cdef0-1234-4321-8765-0123456789ab');
    } finally {
      await db.destroy();
    }
  });

  it('numbers without gaps per series, never twice, and restarts at 1 in a new year', async () => {
    const db = await openLocalStore(':memory:');
    try {
      for (const k of ['1', '2', '3', '4']) await assignEttn(db, key(k));
      await assignEttn(db, key('1', 'earsiv'));
      expect(await peekNextNumber(db, owner, series(2026))).toBe('KNF2026000000001');
      expect(await assignNumber(db, key('1'), series(2026))).toBe('KNF2026000000001');
      expect(await assignNumber(db, key('2'), series(2026))).toBe('KNF2026000000002');
      // Asking again gives the same number and takes nothing from the series.
      expect(await assignNumber(db, key('1'), series(2026))).toBe('KNF2026000000001');
      expect(await peekNextNumber(db, owner, series(2026))).toBe('KNF2026000000003');
      // A new year starts its own series at 1; another module has its own series.
      expect(await assignNumber(db, key('3'), series(2027))).toBe('KNF2027000000001');
      expect(await assignNumber(db, key('1', 'earsiv'), series(2026, 'KNA'))).toBe('KNA2026000000001');
      // Another company has its own series under the same prefix, and may hold the same number.
      await assignEttn(db, key('1', 'efatura', '1189368801'));
      expect(await assignNumber(db, key('1', 'efatura', '1189368801'), series(2026))).toBe('KNF2026000000001');
      expect(await assignNumber(db, key('4'), series(2026))).toBe('KNF2026000000003');
      const numbers = (await db('document_identities').whereNotNull('number').select('company_vkn', 'number')).map((r: { company_vkn: string; number: string }) => `${r.company_vkn}/${r.number}`);
      expect(new Set(numbers).size).toBe(numbers.length);
    } finally {
      await db.destroy();
    }
  });

  it('gives each of many concurrent requests its own consecutive number', async () => {
    const db = await openLocalStore(':memory:');
    try {
      const keys = Array.from({ length: 50 }, (_, i) => key(String(i + 1)));
      for (const k of keys) await assignEttn(db, k);
      const numbers = await Promise.all(keys.map((k) => assignNumber(db, k, series(2026))));
      expect([...numbers].sort()).toEqual(Array.from({ length: 50 }, (_, i) => formatGibNumber('KNF', 2026, i + 1)));
    } finally {
      await db.destroy();
    }
  });
});
