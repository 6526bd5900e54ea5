import { appendAudit } from '../../db/audit';
import { applyErpMigrations } from '../../db/erpMigrate';
import { listProfiles, saveProfile, type Profile } from '../../db/profiles';
import { redactServer, requireDatabase } from '../erp/target';
import { KonnektorError, errorSummary } from '../errors';
import type { Module } from '../modules';
import { currentProfiles, differentYearWarnings, shownTarget } from './detect';
import { planChange, resolveProfile, type PlannedChange } from './plan';
import type { YearEndActor, YearEndApplyRequest, YearEndApplyResult, YearEndContext, YearEndModuleResult, YearEndMode, YearEndRequest } from './types';

const ACTION: Record<YearEndMode, string> = { yearend: 'yearend.apply', change: 'yearend.change' };

function actorOf(actor: YearEndActor): { actor: string; staff: boolean } {
  return { actor: actor.staff && actor.staffUser ? actor.staffUser : actor.user, staff: actor.staff };
}

const mappingOf = (p: Profile) => ({ fiscalYear: p.fiscalYear, target: shownTarget(p.target), integrator: p.integrator.endpoint ?? null });

function checkEndpoint(actor: YearEndActor, endpoint: string | undefined): void {
  if (endpoint === undefined) return;
  if (!actor.staff) throw new KonnektorError('YEAREND_STAFF_ONLY', 'Only staff sessions may change the integrator endpoint', { value: endpoint });
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new KonnektorError('INPUT_INVALID', `Integrator endpoint is not an http(s) URL: ${endpoint}`, { value: endpoint });
  }
}

/** A refused or failed attempt is audited with what was tried and why it failed; the mapping stays as it was. */
async function auditFailure(ctx: YearEndContext, actor: YearEndActor, req: YearEndRequest, e: unknown, tried?: PlannedChange): Promise<void> {
  let before: unknown;
  try {
    before = tried ? mappingOf(tried.profile) : mappingOf(await resolveProfile(ctx, req));
  } catch {
    before = undefined;
  }
  const err = errorSummary(e);
  await appendAudit(
    ctx.store,
    {
      ...actorOf(actor),
      action: ACTION[req.mode ?? 'yearend'],
      module: req.module,
      before,
      after: tried ? { fiscalYear: tried.plan.to.fiscalYear, target: tried.plan.to.target, test: tried.plan.test } : { choice: req.target },
      outcome: 'failed',
      detail: `${err.code}: ${err.detail}`,
    },
    ctx.now,
  );
}

/** Installs the helper objects in one transaction (nothing half-applied), then saves the profile and its audit entry together. */
async function commit(ctx: YearEndContext, actor: YearEndActor, req: YearEndRequest, change: PlannedChange): Promise<YearEndModuleResult> {
  const { plan, profile, connector, live } = change;
  let appliedSteps: string[];
  try {
    const erp = await ctx.connections.database(live.server, requireDatabase(live));
    appliedSteps = await applyErpMigrations(erp, connector.erpMigrations);
  } catch (e) {
    const cause = errorSummary(e);
    const failure = new KonnektorError('YEAREND_APPLY_FAILED', `Helper objects could not be installed in ${live.database}: ${cause.detail}`, {
      database: live.database,
      erpCode: cause.code,
    }, { cause: e });
    await auditFailure(ctx, actor, req, failure, change);
    throw failure;
  }
  // A server typed with its password goes to the vault under the new year's profile; otherwise the old reference stays.
  let erpSecretRef = profile.erpSecretRef;
  if (ctx.vault && redactServer(live.server) !== live.server) {
    erpSecretRef = `erp:${profile.module}:${profile.companyVkn}:${plan.to.fiscalYear}`;
    await ctx.vault.put(erpSecretRef, live.server);
  }
  const saved = await ctx.store.transaction(async (trx) => {
    const next = await saveProfile(
      trx,
      {
        module: profile.module,
        companyVkn: profile.companyVkn,
        fiscalYear: plan.to.fiscalYear,
        branch: profile.branch,
        target: live,
        integrator: { ...profile.integrator, ...(req.integratorEndpoint ? { endpoint: req.integratorEndpoint } : {}) },
        ...(erpSecretRef ? { erpSecretRef } : {}),
      },
      ctx.now,
    );
    await appendAudit(
      trx,
      {
        ...actorOf(actor),
        action: ACTION[plan.mode],
        module: profile.module,
        before: mappingOf(profile),
        after: { ...mappingOf(next), test: plan.test, steps: appliedSteps },
        outcome: 'ok',
      },
      ctx.now,
    );
    return next;
  });
  return { module: profile.module, outcome: 'applied', plan, appliedSteps, profile: { ...saved, target: shownTarget(saved.target) } };
}

/**
 * "GÜNCELLE": tests the chosen target for the module (and for each module the same choice is applied to), installs
 * Konnektör's helper objects there and saves the mapping — a new year's profile for a year-end (last year's stays,
 * so its documents remain listable), the same profile updated for a change during the year. The first module's
 * failure changes nothing and is thrown; another module's failure leaves that module as it was and is reported.
 */
export async function applyYearEnd(ctx: YearEndContext, actor: YearEndActor, req: YearEndApplyRequest): Promise<YearEndApplyResult> {
  checkEndpoint(actor, req.integratorEndpoint);
  const dryRun = req.dryRun === true;
  let first: PlannedChange;
  try {
    first = await planChange(ctx, req);
  } catch (e) {
    if (!dryRun) await auditFailure(ctx, actor, req, e);
    throw e;
  }
  const changes: { req: YearEndRequest; change?: PlannedChange; error?: unknown }[] = [{ req, change: first }];
  const chosen = first.plan.to.target;
  const others = [...new Set(req.alsoModules ?? [])].filter((m): m is Module => m !== req.module);
  for (const module of others) {
    // The same choice, as resolved for the first module; each module is still tested on its own.
    const sub: YearEndRequest = {
      module,
      companyVkn: first.profile.companyVkn,
      branch: first.profile.branch,
      mode: first.plan.mode,
      target: { server: first.live.server, ...(chosen.database ? { database: chosen.database } : {}), ...(chosen.firm ? { firm: chosen.firm } : {}), ...(chosen.period ? { period: chosen.period } : {}), ...(chosen.fiscalYear !== undefined ? { fiscalYear: chosen.fiscalYear } : {}) },
      ...(req.integratorEndpoint ? { integratorEndpoint: req.integratorEndpoint } : {}),
    };
    try {
      changes.push({ req: sub, change: await planChange(ctx, sub) });
    } catch (e) {
      if (!dryRun) await auditFailure(ctx, actor, sub, e);
      changes.push({ req: sub, error: e });
    }
  }

  const results: YearEndModuleResult[] = [];
  for (const [i, c] of changes.entries()) {
    if (!c.change) {
      results.push({ module: c.req.module, outcome: 'failed', error: errorSummary(c.error) });
      continue;
    }
    if (dryRun) {
      results.push({ module: c.req.module, outcome: 'planned', plan: c.change.plan });
      continue;
    }
    try {
      results.push(await commit(ctx, actor, c.req, c.change));
    } catch (e) {
      if (i === 0) throw e;
      results.push({ module: c.req.module, outcome: 'failed', plan: c.change.plan, error: errorSummary(e) });
    }
  }

  const company = currentProfiles(await listProfiles(ctx.store, { companyVkn: first.profile.companyVkn }), { companyVkn: first.profile.companyVkn, branch: first.profile.branch });
  const years = dryRun
    ? company.map((p) => {
        const planned = results.find((r) => r.plan?.profileId === p.id);
        return planned?.plan ? { ...p, fiscalYear: planned.plan.to.fiscalYear } : p;
      })
    : company;
  return { dryRun, results, warnings: differentYearWarnings(years) };
}

/** The wizard closed without "GÜNCELLE": audited, and the mapping stays exactly as it was. */
export async function cancelYearEnd(
  ctx: YearEndContext,
  actor: YearEndActor,
  req: Pick<YearEndRequest, 'module' | 'companyVkn' | 'branch' | 'mode'>,
): Promise<{ cancelled: true; module: Module; profileId: number; fiscalYear: number }> {
  const profile = await resolveProfile(ctx, req);
  await appendAudit(ctx.store, { ...actorOf(actor), action: 'yearend.cancel', module: req.module, before: mappingOf(profile), outcome: 'cancelled', detail: req.mode ?? 'yearend' }, ctx.now);
  return { cancelled: true, module: profile.module, profileId: profile.id, fiscalYear: profile.fiscalYear };
}

/** Every year's mapping of a module, newest first: last year's stays readable after a year-end. */
export async function listYearProfiles(ctx: YearEndContext, scope: { module: Module; companyVkn?: string; branch?: string }): Promise<Profile[]> {
  const all = await listProfiles(ctx.store, { module: scope.module, ...(scope.companyVkn ? { companyVkn: scope.companyVkn } : {}) });
  return all
    .filter((p) => (scope.companyVkn === undefined || p.companyVkn === scope.companyVkn) && (scope.branch === undefined || p.branch === scope.branch)).map((p) => ({ ...p, target: shownTarget(p.target) }));
}
