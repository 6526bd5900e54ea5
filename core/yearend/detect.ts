import type { ErpConnector, FirmPeriod } from '../../connectors/contract';
import { listProfiles, type Profile } from '../../db/profiles';
import { redactServer, type ErpTarget } from '../erp/target';
import { isKonnektorError } from '../errors';
import { MODULES, MODULE_TITLES, type Module } from '../modules';
import { turkeyDateTime } from '../time';
import type { YearEndCheck, YearEndContext, YearEndItem, YearEndProposal, YearEndReason, YearEndScope, YearEndWarning } from './types';

export function connectorFor(ctx: YearEndContext, id: string): ErpConnector {
  return ctx.connectors.get(id);
}

/** The profile's target as a connection can use it: the store keeps the server URL without its password. */
export async function liveTarget(ctx: YearEndContext, profile: Profile): Promise<ErpTarget> {
  const known = ctx.serverOf?.(profile);
  if (known) return { ...profile.target, server: known };
  const secret = profile.erpSecretRef && ctx.vault ? await ctx.vault.get(profile.erpSecretRef) : undefined;
  return { ...profile.target, server: secret ?? profile.target.server };
}

export function shownTarget(target: ErpTarget): ErpTarget {
  return { ...target, server: redactServer(target.server) };
}

const groupKey = (p: { module: string; companyVkn: string; branch: string }) => `${p.module}\u0000${p.companyVkn}\u0000${p.branch}`;

/**
 * The mapping each module × company × branch uses today: its latest fiscal year. Older years stay in the store so
 * last year's documents remain listable; they are not candidates for the wizard.
 */
export function currentProfiles(profiles: readonly Profile[], scope: YearEndScope = {}): Profile[] {
  const latest = new Map<string, Profile>();
  for (const p of profiles) {
    if (scope.module && p.module !== scope.module) continue;
    if (scope.companyVkn !== undefined && p.companyVkn !== scope.companyVkn) continue;
    if (scope.branch !== undefined && p.branch !== scope.branch) continue;
    const seen = latest.get(groupKey(p));
    if (!seen || p.fiscalYear > seen.fiscalYear) latest.set(groupKey(p), p);
  }
  return [...latest.values()].sort(
    (a, b) => MODULES.indexOf(a.module) - MODULES.indexOf(b.module) || a.companyVkn.localeCompare(b.companyVkn) || a.branch.localeCompare(b.branch),
  );
}

const sameName = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.trim().toUpperCase() === b.trim().toUpperCase();

/** Is this row of "Firma/Dönem Ara" the one the target points at? */
export function isPeriodOf(connector: ErpConnector, fp: FirmPeriod, target: ErpTarget): boolean {
  switch (connector.shape) {
    case 'database-per-year':
      return sameName(fp.database, target.database);
    case 'database-per-company':
      return sameName(fp.database, target.database) && fp.fiscalYear === target.fiscalYear;
    default:
      return fp.firm === target.firm && fp.period === target.period;
  }
}

/** The target that reads the given firm/period (Logo), company database (Netsis, ETA) or company-year (Mikro). */
export function targetOfPeriod(connector: ErpConnector, base: ErpTarget, fp: FirmPeriod): ErpTarget {
  const branch = base.branch ? { branch: base.branch } : {};
  const database = fp.database ? { database: fp.database } : {};
  switch (connector.shape) {
    case 'database-per-year':
      return { connector: base.connector, server: base.server, ...database, ...branch };
    case 'database-per-company':
      return { connector: base.connector, server: base.server, ...database, ...(fp.fiscalYear !== undefined ? { fiscalYear: fp.fiscalYear } : {}), ...branch };
    default:
      return { connector: base.connector, server: base.server, ...(base.database ? { database: base.database } : {}), firm: fp.firm, period: fp.period, ...branch };
  }
}

export function labelOfPeriod(connector: ErpConnector, fp: FirmPeriod): string {
  const span = fp.periodBegin ? ` (${fp.periodBegin} – ${fp.periodEnd})` : '';
  switch (connector.shape) {
    case 'database-per-year':
      return `${fp.database ?? ''}${span}`;
    case 'database-per-company':
      return `${fp.database ?? ''} / ${fp.fiscalYear ?? ''}${span}`;
    default:
      return `${fp.firm} / ${fp.period}${span}`;
  }
}

/**
 * The fiscal year a period belongs to: the program's own fiscal year when it names one (Mikro), else the year it
 * begins in (Logo firms may start their year in another month).
 */
export function fiscalYearOfPeriod(fp: FirmPeriod): number | undefined {
  if (fp.fiscalYear !== undefined) return fp.fiscalYear;
  const year = Number(fp.periodBegin.slice(0, 4));
  return Number.isInteger(year) && year > 1900 ? year : undefined;
}

/**
 * The company's periods after the current one, earliest first: later periods of the same firm, or — for sites that
 * copy the company into a new firm number each year (erp-schemas.md §2.1) — of a firm with the same title. Netsis
 * rows of one company share their firm label, so the same rule finds its later company databases.
 */
export function laterPeriods(all: readonly FirmPeriod[], current: FirmPeriod): FirmPeriod[] {
  const title = current.firmName.trim().toLocaleUpperCase('tr-TR');
  return all
    .filter((fp) => fp !== current && (fp.firm === current.firm || (title !== '' && fp.firmName.trim().toLocaleUpperCase('tr-TR') === title)))
    .filter((fp) => fp.periodBegin !== '' && current.periodEnd !== '' && fp.periodBegin > current.periodEnd)
    // Same start: the firm's own period before a copy's.
    .sort((a, b) => a.periodBegin.localeCompare(b.periodBegin) || Number(b.firm === current.firm) - Number(a.firm === current.firm) || a.firm.localeCompare(b.firm));
}

/** Every firm/period (or company database) on the target's server, for all firms. */
export async function allPeriodsOf(ctx: YearEndContext, connector: ErpConnector, target: ErpTarget): Promise<FirmPeriod[]> {
  const { firm: _firm, period: _period, ...rest } = target;
  return connector.listFirmPeriods({ connections: ctx.connections }, rest);
}

export function proposalOf(connector: ErpConnector, base: ErpTarget, fp: FirmPeriod, fallbackYear: number): YearEndProposal {
  return { target: targetOfPeriod(connector, base, fp), fiscalYear: fiscalYearOfPeriod(fp) ?? fallbackYear, label: labelOfPeriod(connector, fp) };
}

/** Looks at one module's current profile: has its period ended, does the program have a newer one, what comes next. */
export async function inspectProfile(ctx: YearEndContext, profile: Profile, periods?: Map<string, Promise<FirmPeriod[]>>): Promise<YearEndItem & { live: ErpTarget }> {
  const { date: today, year } = turkeyDateTime(ctx.now);
  const live = await liveTarget(ctx, profile);
  const item: YearEndItem & { live: ErpTarget } = {
    module: profile.module,
    companyVkn: profile.companyVkn,
    branch: profile.branch,
    profileId: profile.id,
    fiscalYear: profile.fiscalYear,
    current: shownTarget(profile.target),
    needed: false,
    reasons: [],
    live,
  };
  try {
    const connector = connectorFor(ctx, profile.target.connector);
    const key = `${connector.id}\u0000${live.server}\u0000${connector.shape === 'firm-period' ? (live.database ?? '') : ''}`;
    let pending = periods?.get(key);
    if (!pending) {
      pending = allPeriodsOf(ctx, connector, live);
      periods?.set(key, pending);
    }
    const all = await pending;
    const current = all.find((fp) => isPeriodOf(connector, fp, live));
    const reasons: YearEndReason[] = [];
    if (!current) {
      // The mapped period or database is gone from the program: the module cannot work until it is remapped.
      item.error =
        connector.shape === 'firm-period'
          ? { code: 'YEAREND_PERIOD_NOT_FOUND', message: 'Kayıtlı dönem muhasebe programında bulunamadı.' }
          : connector.shape === 'database-per-company'
            ? { code: 'YEAREND_PERIOD_NOT_FOUND', message: 'Kayıtlı şirket ve mali yıl muhasebe programında bulunamadı.' }
            : { code: 'YEAREND_DATABASE_NOT_FOUND', message: 'Kayıtlı veri tabanı muhasebe programında bulunamadı.' };
      item.needed = true;
      if (profile.fiscalYear < year) reasons.push('year-ended');
      item.reasons = reasons;
      return item;
    }
    item.currentPeriod = { begin: current.periodBegin, end: current.periodEnd };
    if (current.periodEnd !== '' && current.periodEnd < today) reasons.push('period-ended');
    const later = laterPeriods(all, current);
    if (later.length > 0) {
      reasons.push(connector.shape === 'database-per-year' ? 'newer-database' : 'newer-period');
      item.proposal = proposalOf(connector, live, later[0]!, profile.fiscalYear + 1);
      item.proposal = { ...item.proposal, target: shownTarget(item.proposal.target) };
    }
    item.reasons = reasons;
    item.needed = reasons.length > 0;
  } catch (e) {
    // Unreachable server, changed password…: the wizard still opens when the year is over, and says why it cannot look.
    item.error = isKonnektorError(e) ? { code: e.code, message: e.userMessage } : { code: 'UNEXPECTED', message: String(e) };
    if (profile.fiscalYear < year) {
      item.needed = true;
      item.reasons = ['year-ended'];
    }
  }
  return item;
}

/** One warning per company × branch whose modules point at different fiscal years. */
export function differentYearWarnings(profiles: readonly Pick<Profile, 'module' | 'companyVkn' | 'branch' | 'fiscalYear'>[]): YearEndWarning[] {
  const byCompany = new Map<string, { companyVkn: string; branch: string; years: Partial<Record<Module, number>> }>();
  for (const p of profiles) {
    const k = `${p.companyVkn}\u0000${p.branch}`;
    let g = byCompany.get(k);
    if (!g) byCompany.set(k, (g = { companyVkn: p.companyVkn, branch: p.branch, years: {} }));
    g.years[p.module] = Math.max(g.years[p.module] ?? 0, p.fiscalYear);
  }
  const out: YearEndWarning[] = [];
  for (const g of byCompany.values()) {
    const distinct = new Set(Object.values(g.years));
    if (distinct.size < 2) continue;
    const list = (Object.entries(g.years) as [Module, number][]).map(([m, y]) => `${MODULE_TITLES[m]} ${y}`).join(', ');
    out.push({
      code: 'YEAREND_MODULES_DIFFERENT_YEARS',
      message: `Modüller farklı mali yıllara bağlı: ${list}. Diğer modülleri de yeni yıla geçirin.`,
      companyVkn: g.companyVkn,
      branch: g.branch,
      years: g.years,
    });
  }
  return out;
}

/**
 * "Which modules need their database updated": run at every login (with the session's company) and by
 * `konnektor yearend check`. Nothing is changed.
 */
export async function checkYearEnd(ctx: YearEndContext, scope: YearEndScope = {}): Promise<YearEndCheck> {
  const stored = await listProfiles(ctx.store, scope.companyVkn ? { companyVkn: scope.companyVkn } : {});
  const company = currentProfiles(stored, { ...(scope.companyVkn !== undefined ? { companyVkn: scope.companyVkn } : {}), ...(scope.branch !== undefined ? { branch: scope.branch } : {}) });
  const chosen = scope.module ? company.filter((p) => p.module === scope.module) : company;
  const periods = new Map<string, Promise<FirmPeriod[]>>();
  const items: YearEndItem[] = [];
  for (const p of chosen) {
    const { live: _live, ...item } = await inspectProfile(ctx, p, periods);
    items.push(item);
  }
  return { today: turkeyDateTime(ctx.now).date, items, warnings: differentYearWarnings(company) };
}
