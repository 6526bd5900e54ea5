import { describe, expect, it } from 'vitest';
import { padFirmCode, padPeriodCode, validateDatabaseName } from '../../core/erp/codes';
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
