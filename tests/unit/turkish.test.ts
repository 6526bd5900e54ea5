import { describe, expect, it } from 'vitest';
import { trCompare, trEquals, trLower, trSortKey, trUpper } from '../../core/text/turkish';
import { repairCp1254, damageToCp1252 } from '../../connectors/shared/encoding';
import { openLocalStore } from '../../db/local';

describe('Turkish text', () => {
  it('cases dotted and dotless i the Turkish way', () => {
    expect(trUpper('istanbul ılgaz şişli ğ')).toBe('İSTANBUL ILGAZ ŞİŞLİ Ğ');
    expect(trLower('İSTANBUL IŞIK ÇĞÖÜ')).toBe('istanbul ışık çğöü');
    expect(trEquals('IŞIK', 'ışık')).toBe(true);
    expect(trEquals('ISIK', 'ışık')).toBe(false);
  });

  it('sorts in the Turkish alphabet, case-insensitively', () => {
    const words = ['Zeytin', 'çam', 'Ilık', 'cam', 'İnci', 'ğ', 'gaz', 'şeker', 'Sabun', 'Öykü', 'ozon', 'ütü', 'Uzun'];
    const expected = ['cam', 'çam', 'gaz', 'ğ', 'Ilık', 'İnci', 'ozon', 'Öykü', 'Sabun', 'şeker', 'Uzun', 'ütü', 'Zeytin'];
    expect([...words].sort(trCompare)).toEqual(expected);
    expect([...words].sort((a, b) => (trSortKey(a) < trSortKey(b) ? -1 : trSortKey(a) > trSortKey(b) ? 1 : 0))).toEqual(expected);
  });

  it('repairs Windows-1254 text read as Latin-1 and leaves other letters alone', () => {
    expect(repairCp1254('ÝSTANBUL ÞÝÞLÝ DAÐ ýþð')).toBe('İSTANBUL ŞİŞLİ DAĞ ışğ');
    expect(repairCp1254('Çöğüş é')).toBe('Çöğüş é');
    expect(repairCp1254(damageToCp1252('Iğdır Şahin İpek ışık'))).toBe('Iğdır Şahin İpek ışık');
  });

  it('registers tr_upper, tr_lower and tr_sort_key on every local store connection', async () => {
    const db = await openLocalStore(':memory:');
    try {
      const row = (await db.raw("select tr_upper('istanbul') as u, tr_lower('IŞIK') as l, upper('istanbul') as plain"))[0];
      expect(row).toEqual({ u: 'İSTANBUL', l: 'ışık', plain: 'ISTANBUL' });
      await db.schema.createTable('t', (t) => t.string('name'));
      await db('t').insert(['şeker', 'Zeytin', 'çam', 'cam', 'İnci', 'ılık'].map((name) => ({ name })));
      const sorted = (await db('t').select('name').orderByRaw('tr_sort_key(name)')).map((r: { name: string }) => r.name);
      expect(sorted).toEqual(['cam', 'çam', 'ılık', 'İnci', 'şeker', 'Zeytin']);
    } finally {
      await db.destroy();
    }
  });
});
