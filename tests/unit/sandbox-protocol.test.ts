/** Building blocks of the eFinans sandbox: its ZIP writer, eFinans' timestamp format, fault rules. */
import { describe, expect, it } from 'vitest';
import { parseQnbDate, qnbDate, qnbTimestamp } from '../../sandbox/server/clock';
import { FaultInjector } from '../../sandbox/server/faults';
import { readZip, writeZip } from '../../sandbox/server/zip';

describe('zip', () => {
  it('writes deflated entries with UTF-8 names that read back byte for byte', () => {
    const entries = [
      { name: 'Gelen_Fatura_İçerik_ğüşöç.xml', data: Buffer.from('<?xml version="1.0"?><Invoice>Şişli &amp; Üsküdar</Invoice>'.repeat(50)) },
      { name: 'empty.txt', data: Buffer.alloc(0) },
    ];
    const zip = writeZip(entries);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.length).toBeLessThan(entries[0]!.data.length);
    expect(readZip(zip)).toEqual(entries);
  });

  it('refuses what is not a ZIP', () => {
    expect(() => readZip(Buffer.from('not a zip at all, not even close'))).toThrow(/not a ZIP/);
  });
});

describe('eFinans timestamps', () => {
  it('formats yyyyMMddHHmmssSSS in Türkiye time (UTC+3)', () => {
    const ms = Date.parse('2022-06-17T18:46:36.473Z');
    expect(qnbTimestamp(ms)).toBe('20220617214636473');
    expect(qnbDate(Date.parse('2026-12-31T21:30:00Z'))).toBe('20270101');
  });

  it('reads 8, 14 and 17 digit date filters, the end of a day rounded up', () => {
    expect(parseQnbDate('20220617')).toBe(Date.parse('2022-06-16T21:00:00.000Z'));
    expect(parseQnbDate('20220617', true)).toBe(Date.parse('2022-06-17T20:59:59.999Z'));
    expect(parseQnbDate('20220617214636')).toBe(Date.parse('2022-06-17T18:46:36.000Z'));
    expect(parseQnbDate('20220617214636473')).toBe(Date.parse('2022-06-17T18:46:36.473Z'));
    expect(parseQnbDate('2022-06-17')).toBeUndefined();
    expect(parseQnbDate('20221317')).toBeUndefined();
  });
});

describe('fault rules', () => {
  it('fires a counted rule for the next N matching calls only', () => {
    const f = new FaultInjector(1);
    f.apply({ rules: [{ kind: 'http', status: 503, count: 2, operation: 'belgeGonderExt' }] });
    expect(f.actionFor('kontorBilgisiGetir')).toBeUndefined();
    expect(f.actionFor('belgeGonderExt')).toEqual({ kind: 'http', status: 503 });
    expect(f.actionFor('belgeGonderExt')).toEqual({ kind: 'http', status: 503 });
    expect(f.actionFor('belgeGonderExt')).toBeUndefined();
    expect(f.current().rules).toEqual([]);
  });

  it('fires a share rule for about that share of calls, the same way for the same seed', () => {
    const run = () => {
      const f = new FaultInjector(7);
      f.apply({ rules: [{ kind: 'drop', share: 0.3 }] });
      return Array.from({ length: 1000 }, () => f.actionFor('x') !== undefined);
    };
    const a = run();
    expect(a).toEqual(run());
    expect(a.filter(Boolean).length).toBeGreaterThan(250);
    expect(a.filter(Boolean).length).toBeLessThan(350);
  });

  it('consumes a forced outcome per envelope and matches the ETTN case-insensitively', () => {
    const f = new FaultInjector(1);
    f.apply({ outcomes: [{ ettn: 'ABC-1', code: 1230, times: 2 }] });
    expect(f.takeOutcome({ ettn: 'abc-1' })).toBe(1230);
    expect(f.takeOutcome({ ettn: 'abc-1' })).toBe(1230);
    expect(f.takeOutcome({ ettn: 'abc-1' })).toBeUndefined();
  });

  it('rejects invalid fault JSON', () => {
    const f = new FaultInjector(1);
    expect(() => f.apply({ rules: [{ kind: 'http', status: 404 }] })).toThrow();
    expect(() => f.apply({ outcomes: [{ code: 1215 }] })).toThrow(/ettn or invoiceId/);
  });
});
