import { describe, expect, it } from 'vitest';
import type { FirmPeriod } from '../../connectors/contract';
import { logoConnector } from '../../connectors/logo';
import { netsisConnector } from '../../connectors/netsis';
import { assignEttn, assignNumber, peekNextNumber } from '../../core/documents/numbering';
import { chooseTarget, currentProfiles, differentYearWarnings, laterPeriods } from '../../core/yearend';
import { openLocalStore } from '../../db/local';
import type { Profile } from '../../db/profiles';

const fp = (firm: string, period: string, begin: string, end: string, firmName = `Firma ${firm}`, database?: string): FirmPeriod => ({
  firm,
  firmName,
  period,
  periodBegin: begin,
  periodEnd: end,
  active: false,
  ...(database ? { database } : {}),
});

describe('later periods of a company', () => {
  it('finds the next Logo period of the same firm, earliest first', () => {
    const all = [fp('001', '01', '2025-01-01', '2025-12-31'), fp('001', '03', '2027-01-01', '2027-12-31'), fp('001', '02', '2026-01-01', '2026-12-31'), fp('002', '02', '2026-01-01', '2026-12-31')];
    expect(laterPeriods(all, all[0]!).map((p) => `${p.firm}/${p.period}`)).toEqual(['001/02', '001/03']);
    expect(laterPeriods(all, all[1]!)).toEqual([]);
  });

  it('finds the yearly copy of a firm under a new firm number by its title (Türkçe casing)', () => {
    const all = [fp('005', '01', '2025-01-01', '2025-12-31', 'Örnek İnşaat A.Ş.'), fp('006', '01', '2026-01-01', '2026-12-31', 'ÖRNEK İNŞAAT A.Ş.'), fp('007', '01', '2026-01-01', '2026-12-31', 'Başka Firma')];
    expect(laterPeriods(all, all[0]!).map((p) => p.firm)).toEqual(['006']);
  });

  it('prefers the firm’s own new period over a copy starting the same day', () => {
    const all = [fp('009', '01', '2025-01-01', '2025-12-31', 'A'), fp('004', '01', '2026-01-01', '2026-12-31', 'A'), fp('009', '02', '2026-01-01', '2026-12-31', 'A')];
    expect(laterPeriods(all, all[0]!).map((p) => `${p.firm}/${p.period}`)).toEqual(['009/02', '004/01']);
  });

  it('ignores periods without dates rather than guessing their year', () => {
    const all = [fp('001', '01', '2025-01-01', '2025-12-31'), fp('001', '02', '', '')];
    expect(laterPeriods(all, all[0]!)).toEqual([]);
  });
});

const profile = (module: Profile['module'], fiscalYear: number, extra: Partial<Profile> = {}): Profile => ({
  id: Math.floor(Math.random() * 1e6),
  module,
  companyVkn: '4703101339',
  fiscalYear,
  branch: '',
  target: { connector: 'logo', server: 'sqlite:/x', database: 'LOGODB', firm: '001', period: '01' },
  integrator: {},
  createdAt: '',
  updatedAt: '',
  ...extra,
});

describe('current profiles and year warnings', () => {
  it('keeps the latest year per module × company × branch', () => {
    const list = [profile('efatura', 2025), profile('efatura', 2026), profile('efatura', 2024, { branch: 'IST' }), profile('earsiv', 2025)];
    expect(currentProfiles(list).map((p) => [p.module, p.branch, p.fiscalYear])).toEqual([['efatura', '', 2026], ['efatura', 'IST', 2024], ['earsiv', '', 2025]]);
    expect(currentProfiles(list, { module: 'earsiv' })).toHaveLength(1);
  });

  it('warns once per company and branch when its modules point at different years', () => {
    const list = currentProfiles([profile('efatura', 2026), profile('earsiv', 2025), profile('eirsaliye', 2026), profile('efatura', 2025, { companyVkn: '1189368801' })]);
    const warnings = differentYearWarnings(list);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'YEAREND_MODULES_DIFFERENT_YEARS', companyVkn: '4703101339', years: { efatura: 2026, earsiv: 2025, eirsaliye: 2026 } });
    expect(warnings[0]!.message).toContain('e-İrsaliye 2026');
    expect(differentYearWarnings(currentProfiles([profile('efatura', 2026), profile('earsiv', 2026)]))).toEqual([]);
  });
});

describe('the wizard’s choice of target', () => {
  const current = { connector: 'logo', server: 'sqlite:/x', database: 'LOGODB', firm: '001', period: '01' };
  it('pads typed codes and fills empty fields from the proposal, then from the connection settings', () => {
    expect(chooseTarget(logoConnector, current, { firm: '2', period: '3' })).toEqual({ ...current, firm: '002', period: '03' });
    expect(chooseTarget(logoConnector, current, { firm: ' ', period: '' }, { ...current, period: '02' })).toEqual({ ...current, period: '02' });
    expect(chooseTarget(logoConnector, current, {})).toEqual(current);
  });

  it('refuses codes that are not digits', () => {
    expect(() => chooseTarget(logoConnector, current, { firm: '2a' })).toThrow(expect.objectContaining({ code: 'ERP_FIRM_CODE_INVALID' }));
    expect(() => chooseTarget(logoConnector, current, { period: '123' })).toThrow(expect.objectContaining({ code: 'ERP_PERIOD_CODE_INVALID' }));
    expect(() => chooseTarget(netsisConnector, { connector: 'netsis', server: 'sqlite:/x', database: 'A2025' }, { database: '../etc' })).toThrow(
      expect.objectContaining({ code: 'ERP_DATABASE_NAME_INVALID' }),
    );
  });

  it('takes only the database for a database-per-year program', () => {
    const netsis = { connector: 'netsis', server: 'sqlite:/x', database: 'ORNEKTEKSTIL2025' };
    expect(chooseTarget(netsisConnector, netsis, { firm: '7' }, { ...netsis, database: 'ORNEKTEKSTIL2026' })).toEqual({ ...netsis, database: 'ORNEKTEKSTIL2026' });
  });
});

describe('number series across the year switch', () => {
  it('starts every series at 1 in the new year while last year’s late documents continue last year’s series', async () => {
    const db = await openLocalStore(':memory:');
    try {
      const owner = { companyVkn: '4703101339', module: 'efatura' };
      const key = (k: string, period: string, module = 'efatura') => ({ companyVkn: owner.companyVkn, module, ref: { connector: 'logo', database: 'LOGODB', firm: '001', period, key: k } });
      for (const k of ['1', '2', '3']) await assignEttn(db, key(k, '01'));
      expect(await assignNumber(db, key('1', '01'), { prefix: 'KNF', year: 2025 })).toBe('KNF2025000000001');
      expect(await assignNumber(db, key('2', '01'), { prefix: 'KNF', year: 2025 })).toBe('KNF2025000000002');
      // After the year-end the module reads period 02: its first document of 2026 is number 1.
      for (const k of ['1', '2']) await assignEttn(db, key(k, '02'));
      await assignEttn(db, key('1', '02', 'earsiv'));
      expect(await peekNextNumber(db, owner, { prefix: 'KNF', year: 2026 })).toBe('KNF2026000000001');
      expect(await assignNumber(db, key('1', '02'), { prefix: 'KNF', year: 2026 })).toBe('KNF2026000000001');
      expect(await assignNumber(db, key('1', '02', 'earsiv'), { prefix: 'KNA', year: 2026 })).toBe('KNA2026000000001');
      // A December invoice sent in January keeps its own year's series.
      expect(await assignNumber(db, key('3', '01'), { prefix: 'KNF', year: 2025 })).toBe('KNF2025000000003');
      expect(await assignNumber(db, key('2', '02'), { prefix: 'KNF', year: 2026 })).toBe('KNF2026000000002');
    } finally {
      await db.destroy();
    }
  });
});
