import type { ConnectorShape, DatabaseInfo, FirmPeriod } from '../../connectors/contract';
import { listProfiles, type Profile } from '../../db/profiles';
import type { Session } from '../auth';
import { redactServer } from '../erp/target';
import { KonnektorError } from '../errors';
import type { Module } from '../modules';
import { fiscalYearOfPeriod } from '../yearend/detect';
import {
  applyYearEnd,
  cancelYearEnd,
  checkYearEnd,
  listYearDocuments,
  listYearProfiles,
  planYearEnd,
  type YearEndActor,
  type YearEndApplyResult,
  type YearEndCheck,
  type YearEndContext,
  type YearEndPlan,
  type YearEndScope,
  type YearDocuments,
} from '../yearend';
import type { ApiContext } from './context';
import { moduleOf, type ParsedInput } from './input';

export interface YearEndCheckView extends YearEndCheck {
  /** The session's module: the wizard starts with it. */
  module?: Module;
  /** A staff session may also change the integrator endpoint. */
  staff: boolean;
}

/** "Firma/Dönem Ara" and "Veri tabanı Ara" inside the wizard, on the module's saved server. */
export interface YearEndSearch {
  connector: string;
  shape: ConnectorShape;
  periods: (FirmPeriod & { fiscalYear?: number })[];
  databases: DatabaseInfo[];
}

export interface YearEndHandlers {
  'yearend.check'(input: ParsedInput<'yearend.check'>): Promise<YearEndCheckView>;
  'yearend.search'(input: ParsedInput<'yearend.search'>): Promise<YearEndSearch>;
  'yearend.plan'(input: ParsedInput<'yearend.plan'>): Promise<YearEndPlan>;
  'yearend.apply'(input: ParsedInput<'yearend.apply'>): Promise<YearEndApplyResult>;
  'yearend.cancel'(input: ParsedInput<'yearend.cancel'>): Promise<{ cancelled: true; module: Module; profileId: number; fiscalYear: number }>;
  'yearend.profiles'(input: ParsedInput<'yearend.profiles'>): Promise<Profile[]>;
  'yearend.documents'(input: ParsedInput<'yearend.documents'>): Promise<YearDocuments>;
}

interface Caller {
  actor: YearEndActor;
  session?: Session;
  scope: YearEndScope;
}

/**
 * The year-end wizard over core/yearend. A call names its session, which fixes the company and branch (a user
 * updates only their own company's modules) and the actor of the audit entry. Without a session only the CLI's local
 * administrator (`ApiDeps.localActor`) may act; the desktop app and browser mode never set it.
 */
export function createYearEndHandlers(ctx: ApiContext): YearEndHandlers {
  const { deps, now } = ctx;
  const sessions = () => ctx.sessions;

  const callerOf = async (input: { sessionId?: string | undefined; companyVkn?: string | undefined; branch?: string | undefined }): Promise<Caller> => {
    if (input.sessionId !== undefined) {
      const session = sessions().require(input.sessionId);
      let companyVkn = session.companyVkn;
      if (!companyVkn && session.profileId !== undefined) {
        companyVkn = (await listProfiles(await deps.store(), { module: session.module })).find((p) => p.id === session.profileId)?.companyVkn;
      }
      // A session never sees other companies: without a known VKN it is scoped to profiles saved without one.
      companyVkn ??= '';
      return {
        actor: { user: session.user, staff: session.staff, ...(session.staffUser ? { staffUser: session.staffUser } : {}) },
        session,
        scope: { companyVkn, branch: session.target.branch ?? '' },
      };
    }
    if (!deps.localActor) throw new KonnektorError('YEAREND_SESSION_REQUIRED', 'Year-end calls need a session');
    return {
      actor: deps.localActor,
      scope: { ...(input.companyVkn ? { companyVkn: input.companyVkn } : {}), ...(input.branch !== undefined ? { branch: input.branch } : {}) },
    };
  };

  const contextOf = async (caller: Caller): Promise<YearEndContext> => {
    const session = caller.session;
    return {
      store: await deps.store(),
      connections: deps.connections,
      now: now(),
      connectors: ctx.connectors,
      kinds: ctx.kinds,
      ...(deps.session?.vault ? { vault: deps.session.vault } : {}),
      // The session holds the server with its password; profiles on that server use it.
      ...(session ? { serverOf: (p: Profile) => (p.target.server === redactServer(session.target.server) ? session.target.server : undefined) } : {}),
    };
  };

  const moduleFor = (caller: Caller, module: string | undefined): Module => {
    if (module) return moduleOf(module);
    if (caller.session) return caller.session.module;
    throw new KonnektorError('INPUT_INVALID', 'module is required without a session', { fields: ['module'] });
  };

  return {
    async 'yearend.check'(input) {
      const caller = await callerOf(input);
      const check = await checkYearEnd(await contextOf(caller), { ...caller.scope, ...(input.module ? { module: moduleOf(input.module) } : {}) });
      return { ...check, ...(caller.session ? { module: caller.session.module } : {}), staff: caller.actor.staff };
    },

    async 'yearend.search'(input) {
      const caller = await callerOf(input);
      const yctx = await contextOf(caller);
      const module = moduleFor(caller, input.module);
      const profile = (await listYearProfiles(yctx, { module, ...caller.scope }))[0];
      if (!profile) throw new KonnektorError('YEAREND_PROFILE_NOT_FOUND', `No profile for ${module}`, { value: module });
      const connector = ctx.connectors.get(profile.target.connector);
      const stored = (await listProfiles(yctx.store, { module })).find((p) => p.id === profile.id)!;
      const typed = input.server?.trim();
      const server = typed || yctx.serverOf?.(stored) || (stored.erpSecretRef && yctx.vault ? await yctx.vault.get(stored.erpSecretRef) : undefined) || stored.target.server;
      const cctx = { connections: deps.connections };
      // Logo lists the firms of its one database; the other programs list every company (and year) on the server.
      const periods =
        connector.shape === 'firm-period' && !profile.target.database
          ? []
          : await connector.listFirmPeriods(cctx, { connector: connector.id, server, ...(connector.shape === 'firm-period' ? { database: profile.target.database! } : {}) });
      const databases = await connector.listDatabases(cctx, server);
      return {
        connector: connector.id,
        shape: connector.shape,
        periods: periods.map((p) => {
          const year = fiscalYearOfPeriod(p);
          return { ...p, ...(year !== undefined ? { fiscalYear: year } : {}) };
        }),
        databases,
      };
    },

    async 'yearend.plan'(input) {
      const caller = await callerOf(input);
      return planYearEnd(await contextOf(caller), { module: moduleFor(caller, input.module), ...caller.scope, target: input.target, ...(input.mode ? { mode: input.mode } : {}) });
    },

    async 'yearend.apply'(input) {
      const caller = await callerOf(input);
      const module = moduleFor(caller, input.module);
      const result = await applyYearEnd(await contextOf(caller), caller.actor, {
        module,
        ...caller.scope,
        target: input.target,
        ...(input.mode ? { mode: input.mode } : {}),
        ...(input.alsoModules ? { alsoModules: input.alsoModules.map(moduleOf) } : {}),
        ...(input.dryRun ? { dryRun: true } : {}),
        ...(input.integratorEndpoint ? { integratorEndpoint: input.integratorEndpoint } : {}),
      });
      // The logged-in module goes on working on the new year without logging in again.
      const session = caller.session;
      const mine = session ? result.results.find((r) => r.module === session.module && r.outcome === 'applied' && r.profile) : undefined;
      if (session && mine?.profile) {
        const server = input.target.server?.trim() || session.target.server;
        sessions().update(session.id, {
          target: { ...mine.profile.target, server },
          profileId: mine.profile.id,
          fiscalYear: mine.profile.fiscalYear,
          ...(input.integratorEndpoint ? { integrator: input.integratorEndpoint } : {}),
        });
      }
      return result;
    },

    async 'yearend.cancel'(input) {
      const caller = await callerOf(input);
      return cancelYearEnd(await contextOf(caller), caller.actor, { module: moduleFor(caller, input.module), ...caller.scope, ...(input.mode ? { mode: input.mode } : {}) });
    },

    async 'yearend.profiles'(input) {
      const caller = await callerOf(input);
      return listYearProfiles(await contextOf(caller), { module: moduleFor(caller, input.module), ...caller.scope });
    },

    async 'yearend.documents'(input) {
      const caller = await callerOf(input);
      return listYearDocuments(await contextOf(caller), { module: moduleFor(caller, input.module), ...caller.scope, fiscalYear: input.fiscalYear });
    },
  };
}

export type { YearEndApplyResult, YearEndCheck, YearEndItem, YearEndModuleResult, YearEndPlan, YearEndWarning, YearDocuments, YearDocument } from '../yearend';
