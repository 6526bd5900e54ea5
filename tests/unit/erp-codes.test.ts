import { describe, expect, it } from 'vitest';
import { assertFirmCode, assertPeriodCode, padFirmCode, padPeriodCode, parseFiscalYear, validateDatabaseName } from '../../core/erp/codes';
import { normalizeTarget } from '../../core/erp/target';
import { KonnektorError } from '../../core/errors';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof KonnektorError ? e.code : 'NOT_A_KONNEKTOR_ERROR';
  }
  return undefined;
}

describe('firm and period codes', () => {
  it('pads firm code 2 to 002 and keeps 3-digit codes', () => {
    expect(padFirmCode('2')).toBe('002');
    expect(padFirmCode('12')).toBe('012');
    expect(padFirmCode('125')).toBe('125');
    expect(padFirmCode(' 7 ')).toBe('007');
  });

  it('pads period code 1 to 01', () => {
    expect(padPeriodCode('1')).toBe('01');
    expect(padPeriodCode('12')).toBe('12');
  });

  it.each(['2a', '0001', '1;DROP TABLE x', "1'", '1 2', '', ' ', '0', '000', '-1', '١', '2.0', 'LG_001'])('rejects firm %j', (input) => {
    expect(codeOf(() => padFirmCode(input))).toBe('ERP_FIRM_CODE_INVALID');
  });

  it.each(['13a', '001', '0', '1;', 'ab', '1 ', '--'].filter((x) => x !== '1 '))('rejects period %j', (input) => {
    expect(codeOf(() => padPeriodCode(input))).toBe('ERP_PERIOD_CODE_INVALID');
  });

  it('carries the offending value and a Turkish message', () => {
    try {
      padFirmCode('2a');
      expect.unreachable();
    } catch (e) {
      const err = e as KonnektorError;
      expect(err.kind).toBe('input');
      expect(err.userMessage).toContain('Firma kodu');
      expect(err.userMessage).toContain('2a');
      expect(err.message).toMatch(/Firm code/);
    }
  });

  it('normalises a whole target and leaves empty fields out', () => {
    expect(normalizeTarget({ connector: 'logo', server: 'sqlite:/x', database: ' LOGODB ', firm: '2', period: '1' })).toEqual({
      connector: 'logo',
      server: 'sqlite:/x',
      database: 'LOGODB',
      firm: '002',
      period: '01',
    });
    expect(normalizeTarget({ connector: 'netsis', server: 'sqlite:/x', database: 'ORNEK2026', firm: '', period: ' ' })).toEqual({
      connector: 'netsis',
      server: 'sqlite:/x',
      database: 'ORNEK2026',
    });
  });

  it('accepts real database names and refuses paths', () => {
    expect(validateDatabaseName('LOGODB')).toBe('LOGODB');
    expect(validateDatabaseName('ÖRNEK_TEKSTİL 2026')).toBe('ÖRNEK_TEKSTİL 2026');
    for (const bad of ['../LOGODB', 'a/b', 'a\\b', '', "x'; DROP DATABASE y--", '.hidden']) {
      expect(codeOf(() => validateDatabaseName(bad))).toBe('ERP_DATABASE_NAME_INVALID');
    }
  });
});

describe('codes where a table name is built', () => {
  it('takes exactly a 3-digit firm code and a 2-digit period code, nothing padded or trimmed there', () => {
    expect(assertFirmCode('002')).toBe('002');
    expect(assertPeriodCode('01')).toBe('01');
    for (const bad of ['2', '02', '0002', 'a02', '02a', '00a', ' 002', '002 ', '', '0_2']) {
      expect({ bad, code: codeOf(() => assertFirmCode(bad)) }).toEqual({ bad, code: 'ERP_FIRM_CODE_INVALID' });
    }
    for (const bad of ['1', '001', 'a1', '1a', 'ab', ' 01', '01 ', '']) {
      expect({ bad, code: codeOf(() => assertPeriodCode(bad)) }).toEqual({ bad, code: 'ERP_PERIOD_CODE_INVALID' });
    }
  });

  it('says which code was refused, in the error and in its details', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as KonnektorError;
      }
      throw new Error('no error');
    };
    expect(err(() => assertFirmCode('0021'))).toMatchObject({ code: 'ERP_FIRM_CODE_INVALID', details: { value: '0021' }, message: 'Not a 3-digit firm code: "0021"' });
    expect(err(() => assertPeriodCode('1'))).toMatchObject({ code: 'ERP_PERIOD_CODE_INVALID', details: { value: '1' }, message: 'Not a 2-digit period code: "1"' });
    // The value as typed, spaces included, so the user recognises it.
    expect(err(() => padFirmCode(' 2a '))).toMatchObject({ details: { value: ' 2a ' }, message: 'Firm code must be 1 to 3 digits and not zero, got " 2a "' });
    expect(err(() => padPeriodCode(' 0 '))).toMatchObject({ details: { value: ' 0 ' }, message: 'Period code must be 1 or 2 digits and not zero, got " 0 "' });
    expect(err(() => parseFiscalYear(' 26 '))).toMatchObject({ code: 'ERP_FISCAL_YEAR_INVALID', details: { value: ' 26 ' }, message: 'Fiscal year must be four digits (e.g. 2026), got " 26 "' });
    expect(err(() => parseFiscalYear(26))).toMatchObject({ details: { value: '26' } });
    expect(err(() => validateDatabaseName('a/b'))).toMatchObject({ code: 'ERP_DATABASE_NAME_INVALID', details: { value: 'a/b' }, message: 'Invalid database name "a/b"' });
  });

  it('pads periods typed with spaces and refuses 0 and 00', () => {
    expect(padPeriodCode(' 3 ')).toBe('03');
    expect(padPeriodCode('07')).toBe('07');
    for (const bad of ['00', ' ', '', '100', '1.', '+1']) expect(codeOf(() => padPeriodCode(bad))).toBe('ERP_PERIOD_CODE_INVALID');
    for (const bad of ['00', '+1', '1e2']) expect(codeOf(() => padFirmCode(bad))).toBe('ERP_FIRM_CODE_INVALID');
    expect(padFirmCode('010')).toBe('010');
  });
});

describe('fiscal years (Mikro)', () => {
  it('reads four digits from text or a number, spaces around allowed', () => {
    expect(parseFiscalYear('2026')).toBe(2026);
    expect(parseFiscalYear(' 2027 ')).toBe(2027);
    expect(parseFiscalYear(2025)).toBe(2025);
    expect(parseFiscalYear('1990')).toBe(1990);
    expect(parseFiscalYear('2999')).toBe(2999);
  });

  it.each(['226', '20266', '2O26', '', ' ', '1989', '3000', '0000', '2026.0', '2026a', 'a2026', '+2026', '-2026', '2 026'])('refuses %j', (input) => {
    expect(codeOf(() => parseFiscalYear(input))).toBe('ERP_FISCAL_YEAR_INVALID');
  });

  it('refuses numbers that are not whole four-digit years', () => {
    for (const n of [2026.5, 1989, 3000, Number.NaN, 0, -2026]) expect(codeOf(() => parseFiscalYear(n))).toBe('ERP_FISCAL_YEAR_INVALID');
  });
});

describe('database names', () => {
  it('accepts the characters SQL Server names use in practice and trims around them', () => {
    for (const ok of ['A', 'LOGO-2026', 'ŞİRKET.2026', '_x', '@db', '#tmp', '$db', '2026', 'a b c', 'x'.repeat(128)]) expect(validateDatabaseName(ok)).toBe(ok);
    expect(validateDatabaseName('  LOGODB  ')).toBe('LOGODB');
  });

  it('refuses separators, dot-dot anywhere, a leading dot, dash or space, and over-long names', () => {
    for (const bad of ['a..b', 'a/../b', '-x', ' ', 'x'.repeat(129), 'a;b', 'a\u0000b', 'a"b', 'a*b', 'a:b', 'x\ny']) {
      expect({ bad, code: codeOf(() => validateDatabaseName(bad)) }).toEqual({ bad, code: 'ERP_DATABASE_NAME_INVALID' });
    }
  });
});
