import type { ConnectionTestResult, ErpConnector } from '../../connectors/contract';
import { planErpMigrations } from '../../db/erpMigrate';
import { listProfiles, type Profile } from '../../db/profiles';
import { documentKinds } from '../documents/kinds';
import { MODULE_TITLES } from '../modules';
import { normalizeTarget, requireDatabase, type ErpTarget } from '../erp/target';
import { KonnektorError, isKonnektorError, type ErrorCode } from '../errors';
import {
  allPeriodsOf,
  connectorFor,
  currentProfiles,
  differentYearWarnings,
  fiscalYearOfPeriod,
  inspectProfile,
  isPeriodOf,
  labelOfPeriod,
  liveTarget,
  shownTarget,
} from './detect';
import type { YearEndContext, YearEndPlan, YearEndRequest, YearEndWarning } from './types';

/** The profile a wizard step is about: the module's current mapping for the company and branch. */
export async function resolveProfile(ctx: YearEndContext, req: Pick<YearEndRequest, 'module' | 'companyVkn' | 'branch'>): Promise<Profile> {
  const stored = await listProfiles(ctx.store, { module: req.module, ...(req.companyVkn ? { companyVkn: req.companyVkn } : {}) });
  const found = currentProfiles(stored, {
    module: req.module,
    ...(req.companyVkn !== undefined ? { companyVkn: req.companyVkn } : {}),
    ...(req.branch !== undefined ? { branch: req.branch } : {}),
  });
  if (found.length === 0) {
    throw new KonnektorError('YEAREND_PROFILE_NOT_FOUND', `No profile for ${req.module}${req.companyVkn ? ` of ${req.companyVkn}` : ''}`, {
      value: MODULE_TITLES[req.module],
    });
  }
  if (found.length > 1) {
    throw new KonnektorError('YEAREND_PROFILE_AMBIGUOUS', `${req.module} has profiles of several companies or branches; name the company VKN (and branch)`, {
      companies: found.map((p) => ({ companyVkn: p.companyVkn, branch: p.branch })),
    });
  }
  return found[0]!;
}

const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

/**
 * The new target from what the user typed. Empty fields keep the connection settings' values — for a year-end the
 * proposal's (next period, next year's database), otherwise the current mapping's. Codes are padded and checked
 * by normalizeTarget before anything can reach a table name.
 */
export function chooseTarget(connector: ErpConnector, current: ErpTarget, choice: YearEndRequest['target'], proposal?: ErpTarget): ErpTarget {
  const base = proposal ?? current;
  const pick = (typed: string | undefined, ...fallbacks: (string | undefined)[]) => (blank(typed) ? fallbacks.find((f) => !blank(f)) : typed);
  const text = (v: string | number | undefined) => (v === undefined ? undefined : String(v));
  const server = pick(choice.server, current.server)!;
  const input =
    connector.shape === 'database-per-year'
      ? { connector: current.connector, server, database: pick(choice.database, base.database, current.database) }
      : connector.shape === 'database-per-company'
        ? {
            connector: current.connector,
            server,
            database: pick(choice.database, base.database, current.database),
            fiscalYear: pick(text(choice.fiscalYear), text(base.fiscalYear), text(current.fiscalYear)),
          }
        : {
            connector: current.connector,
            server,
            database: pick(choice.database, current.database),
            firm: pick(choice.firm, base.firm, current.firm),
            period: pick(choice.period, base.period, current.period),
          };
  const target = normalizeTarget({ ...input, ...(current.branch ? { branch: current.branch } : {}) });
  return target;
}

async function databaseOwner(ctx: YearEndContext, connector: ErpConnector, target: ErpTarget): Promise<ErpConnector | undefined> {
  for (const other of ctx.connectors.list()) {
    if (other.id === connector.id) continue;
    try {
      const list = await other.listDatabases({ connections: ctx.connections }, target.server);
      if (list.some((d) => d.recognised && d.name.toUpperCase() === (target.database ?? '').toUpperCase())) return other;
    } catch {
      // A program that cannot list the server does not own the database.
    }
  }
  return undefined;
}

/**
 * Says in year-end terms what went wrong with the chosen target. The connector's own codes are precise about the
 * database; the wizard needs to tell "that period does not exist" from "that is another program's database".
 */
export async function yearEndErrorOf(ctx: YearEndContext, connector: ErpConnector, target: ErpTarget, e: unknown): Promise<unknown> {
  if (!isKonnektorError(e)) return e;
  const rename = (code: ErrorCode, extra: Record<string, unknown> = {}) =>
    new KonnektorError(code, e.message, { ...e.details, ...extra, erpCode: e.code }, { cause: e });
  switch (e.code) {
    case 'ERP_PERIOD_NOT_FOUND':
      return rename('YEAREND_PERIOD_NOT_FOUND', { value: target.period });
    case 'ERP_FIRM_NOT_FOUND':
      return rename('YEAREND_FIRM_NOT_FOUND', { value: target.firm });
    case 'ERP_DATABASE_NOT_FOUND':
      return rename('YEAREND_DATABASE_NOT_FOUND', { value: target.database });
    case 'ERP_FISCAL_YEAR_NOT_FOUND':
      return rename('YEAREND_PERIOD_NOT_FOUND', { value: String(target.fiscalYear ?? '') });
    case 'ERP_COMPANY_NOT_FOUND': {
      // Not in the program's company list: another program's database, or one the program does not know.
      const owner = await databaseOwner(ctx, connector, target);
      return rename('YEAREND_DATABASE_OTHER_PROGRAM', { value: target.database, ...(owner ? { owner: owner.title, company: `${owner.title} veri tabanı` } : { company: undefined }) });
    }
    case 'ERP_TABLES_MISSING':
    case 'ERP_COLUMN_MISSING': {
      const owner = await databaseOwner(ctx, connector, target);
      if (owner) return rename('YEAREND_DATABASE_OTHER_PROGRAM', { value: target.database, owner: owner.title, company: `${owner.title} veri tabanı`, tables: undefined });
      return rename('YEAREND_TABLES_MISSING');
    }
    default:
      return e;
  }
}

/** Runs connector work on the chosen target and reports failures in year-end terms. */
export async function onTarget<T>(ctx: YearEndContext, connector: ErpConnector, target: ErpTarget, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    throw await yearEndErrorOf(ctx, connector, target, e);
  }
}

export interface PlannedChange {
  plan: YearEndPlan;
  profile: Profile;
  connector: ErpConnector;
  /** The new target with the server's secret, for the connection; never shown or stored. */
  live: ErpTarget;
}

/**
 * Everything "Bağlantınızı Test Edin" shows before "GÜNCELLE": the new target, the connection test, the company
 * check, the fiscal year and the helper objects still to install. Changes nothing.
 */
export async function planChange(ctx: YearEndContext, req: YearEndRequest): Promise<PlannedChange> {
  const mode = req.mode ?? 'yearend';
  const profile = await resolveProfile(ctx, req);
  const connector = connectorFor(ctx, profile.target.connector);
  (ctx.kinds ?? documentKinds).requireServed(connector, req.module);
  const inspected = mode === 'yearend' ? await inspectProfile(ctx, profile) : undefined;
  const proposal = inspected?.proposal ? { ...inspected.proposal.target, server: inspected.live.server } : undefined;
  const current = inspected?.live ?? (await liveTarget(ctx, profile));
  const live = chooseTarget(connector, current, req.target, proposal);
  const cctx = { connections: ctx.connections };

  const test: ConnectionTestResult = await onTarget(ctx, connector, live, () => connector.testConnection(cctx, live, req.module));
  const company = connector.companyOf ? await onTarget(ctx, connector, live, () => connector.companyOf!(cctx, live)) : { name: '' };
  if (company.taxId && profile.companyVkn && company.taxId !== profile.companyVkn) {
    throw new KonnektorError('YEAREND_DATABASE_OTHER_COMPANY', `${live.database}/${live.firm ?? ''} belongs to ${company.taxId}, the profile to ${profile.companyVkn}`, {
      value:
        connector.shape === 'firm-period'
          ? `${live.firm ?? ''}/${live.period ?? ''}`
          : connector.shape === 'database-per-company'
            ? `${live.database ?? ''}/${live.fiscalYear ?? ''}`
            : (live.database ?? ''),
      company: company.name,
      taxId: company.taxId,
    });
  }

  const periods = await onTarget(ctx, connector, live, () => allPeriodsOf(ctx, connector, live));
  const chosen = periods.find((fp) => isPeriodOf(connector, fp, live));
  // Saved as the program's catalogue spells it, whatever case the user typed.
  if (connector.shape !== 'firm-period' && chosen?.database) live.database = chosen.database;
  const targetYear = (chosen ? fiscalYearOfPeriod(chosen) : undefined) ?? (mode === 'yearend' ? profile.fiscalYear + 1 : profile.fiscalYear);
  const warnings: YearEndWarning[] = [];
  if (mode === 'yearend' && targetYear <= profile.fiscalYear) {
    throw new KonnektorError('YEAREND_TARGET_NOT_NEWER', `Chosen target is fiscal year ${targetYear}, the profile already ${profile.fiscalYear}`, {
      value: chosen ? labelOfPeriod(connector, chosen) : (live.database ?? ''),
      fiscalYear: targetYear,
    });
  }
  // A change during the year keeps the profile's fiscal year; a database of another year is allowed but said.
  const fiscalYear = mode === 'yearend' ? targetYear : profile.fiscalYear;
  if (mode === 'change' && targetYear !== profile.fiscalYear) {
    warnings.push({
      code: 'YEAREND_TARGET_YEAR_DIFFERS',
      message: `Seçilen veri tabanı ${targetYear} yılına ait; bu bağlantı ${profile.fiscalYear} mali yılı için kayıtlı.`,
      companyVkn: profile.companyVkn,
      branch: profile.branch,
      years: { [req.module]: targetYear },
    });
  }

  const erp = await onTarget(ctx, connector, live, () => ctx.connections.database(live.server, requireDatabase(live)));
  const pending = await planErpMigrations(erp, connector.erpMigrations);
  const pendingNames = new Set(pending.map((m) => m.name));

  const others = currentProfiles(await listProfiles(ctx.store, { companyVkn: profile.companyVkn }), { companyVkn: profile.companyVkn, branch: profile.branch });
  warnings.push(...differentYearWarnings(others.map((p) => (p.id === profile.id ? { ...p, fiscalYear } : p))));

  return {
    profile,
    connector,
    live,
    plan: {
      module: req.module,
      mode,
      profileId: profile.id,
      companyVkn: profile.companyVkn,
      branch: profile.branch,
      from: { target: shownTarget(profile.target), fiscalYear: profile.fiscalYear },
      to: { target: shownTarget(live), fiscalYear, targetYear },
      company,
      test: { ok: true, checks: test.checks, tables: test.tables, warnings: test.warnings },
      steps: pending.map((m) => ({ name: m.name, description: m.description })),
      installed: connector.erpMigrations.filter((m) => !pendingNames.has(m.name)).map((m) => m.name),
      warnings,
    },
  };
}

export async function planYearEnd(ctx: YearEndContext, req: YearEndRequest): Promise<YearEndPlan> {
  return (await planChange(ctx, req)).plan;
}
