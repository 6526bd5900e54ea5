import { describe, expect, it } from 'vitest';
import { currencyWord, formatAmount, formatCount, formatDate, formatDateTime, formatTime, parseTurkishDate, turkeyToday } from '../../renderer/format';

describe('Turkish formats of every screen (renderer/format.ts)', () => {
  it('writes amounts as 53.446,26 TL from exact decimal text, rounding half up', () => {
    expect(formatAmount('53446.26', 'TRY')).toBe('53.446,26 TL');
    expect(formatAmount('1234567890123456789.5', 'TRY')).toBe('1.234.567.890.123.456.789,50 TL');
    expect(formatAmount('0.005', 'TRY')).toBe('0,01 TL');
    expect(formatAmount('-12.5', 'USD')).toBe('-12,50 USD');
    expect(formatAmount('100', 'EUR')).toBe('100,00 EUR');
    expect(formatAmount(1200, 'TRY')).toBe('1.200,00 TL');
    expect(formatAmount(undefined, 'TRY')).toBe('');
    expect(currencyWord('try')).toBe('TL');
  });

  it('writes dates gg.aa.yyyy and reads what a user types the same way', () => {
    expect(formatDate('2026-01-19')).toBe('19.01.2026');
    expect(formatDate('2026-01-19T21:30:00.000Z')).toBe('19.01.2026');
    expect(parseTurkishDate('19.01.2026')).toBe('2026-01-19');
    expect(parseTurkishDate('9/1/26')).toBe('2026-01-09');
    expect(parseTurkishDate('31.02.2026')).toBeUndefined();
    expect(parseTurkishDate('2026-01-19')).toBeUndefined();
    expect(parseTurkishDate(' ')).toBe('');
  });

  it('gives times on Türkiye’s clock whatever the machine’s zone, 24-hour, no AM/PM', () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    try {
      // 21:30 UTC is 00:30 the next day in İstanbul (UTC+3).
      expect(formatDateTime('2026-01-19T21:30:05.000Z')).toBe('20.01.2026 00:30');
      expect(formatDateTime('2026-01-19T21:30:05.000Z', { seconds: true })).toBe('20.01.2026 00:30:05');
      expect(formatTime('2026-07-01T11:05:00.000Z')).toBe('14:05');
      expect(turkeyToday(new Date('2026-12-31T22:00:00.000Z'))).toBe('2027-01-01');
      expect(formatDateTime('not a date')).toBe('not a date');
    } finally {
      process.env.TZ = before;
    }
  });

  it('groups counts with dots', () => {
    expect(formatCount(12500)).toBe('12.500');
    expect(formatCount(undefined)).toBe('');
  });
});
