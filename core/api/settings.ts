import type { ConnectionWarning } from '../../connectors/contract';
import { appendAudit } from '../../db/audit';
import { saveProfile } from '../../db/profiles';
import { actorOf } from '../auth';
import { redactServer, type ErpTarget } from '../erp/target';
import { isKonnektorError } from '../errors';
import type { Module } from '../modules';
import { fiscalYearOfPeriod } from '../yearend/detect';
import { checkIntegrator, checkTarget, companyVknOf, latestProfile } from './connection';
import type { ApiContext } from './context';
import { connectorSummary, type ConnectorSummary } from './erp';
import { sessionView } from './login';
import type { ParsedInput } from './input';

export interface ConnectionSettings {
  module: Module;
  target: ErpTarget;
  integrator: string;
  user: string;
  connector: ConnectorSummary;
}

export interface SettingsHandlers {
  'settings.get'(input: ParsedInput<'settings.get'>): Promise<ConnectionSettings>;
  'settings.test'(input: ParsedInput<'settings.test'>): Promise<{ ok: true; checks: { name: string; ok: boolean; detail?: string }[]; tables: string[]; warnings: ConnectionWarning[] }>;
  'settings.save'(input: ParsedInput<'settings.save'>): Promise<ConnectionSettings>;
}

/** "Bağlantı Ayarları": the session's ERP target and integrator address, tested before anything is saved. */
export function createSettingsHandlers(ctx: ApiContext): SettingsHandlers {
  const { sd, sessions } = ctx;
  return {
    async 'settings.get'(input) {
      const session = sessions.require(input.sessionId);
      await ctx.staffAudit(session, 'settings.open');
      return {
        module: session.module,
        target: sessionView(ctx, session).target,
        integrator: session.integrator,
        user: session.user,
        connector: connectorSummary(ctx, ctx.connectors.get(session.target.connector)),
      };
    },

    async 'settings.test'(input) {
      const session = sessions.require(input.sessionId);
      const profile = await latestProfile(ctx, session.module);
      const target = { ...input.target, ...(input.target.server === redactServer(session.target.server) ? { server: session.target.server } : {}) };
      try {
        const { test } = await checkTarget(ctx, session.module, target, profile);
        const integrator = await checkIntegrator(ctx, session, input.integrator);
        await ctx.staffAudit(session, 'settings.test', { after: { ok: true } });
        return { ok: true, checks: [...test.checks, { name: 'integrator', ok: true, detail: integrator }], tables: test.tables, warnings: test.warnings };
      } catch (e) {
        if (session.staff) await ctx.audit(session, 'settings.test', 'failed', { detail: isKonnektorError(e) ? e.code : 'UNEXPECTED' });
        throw e;
      }
    },

    async 'settings.save'(input) {
      const session = sessions.require(input.sessionId);
      const profile = await latestProfile(ctx, session.module);
      const typed = { ...input.target, ...(input.target.server === redactServer(session.target.server) ? { server: session.target.server } : {}) };
      const { target, period } = await checkTarget(ctx, session.module, typed, profile);
      const integrator = await checkIntegrator(ctx, session, input.integrator);
      const companyVkn = (await companyVknOf(ctx, session.module, target)) ?? session.companyVkn ?? '';
      const fiscalYear = (period ? fiscalYearOfPeriod(period) : undefined) ?? target.fiscalYear ?? session.fiscalYear ?? ctx.now().getFullYear();
      const secretKey = `${session.module}:${companyVkn}:${fiscalYear}`;
      const hasErpSecret = redactServer(target.server) !== target.server;
      if (hasErpSecret && sd.vault) await sd.vault.put(`erp:${secretKey}`, target.server);
      const before = profile ? { target: profile.target, integrator: profile.integrator.endpoint } : undefined;
      const saved = await saveProfile(
        await ctx.store(),
        {
          module: session.module,
          companyVkn,
          fiscalYear,
          branch: target.branch ?? '',
          target,
          integrator: { endpoint: integrator, user: session.user, ...(profile?.integrator.secretRef ? { secretRef: profile.integrator.secretRef } : {}) },
          ...(hasErpSecret && sd.vault ? { erpSecretRef: `erp:${secretKey}` } : {}),
        },
        ctx.now(),
      );
      sessions.update(session.id, { target, integrator, profileId: saved.id, fiscalYear, ...(companyVkn ? { companyVkn } : {}) });
      const who = actorOf(session);
      await appendAudit(
        await ctx.store(),
        { ...who, action: 'settings.save', module: session.module, before, after: { target: saved.target, integrator }, outcome: 'ok' },
        ctx.now(),
      );
      return {
        module: session.module,
        target: { ...target, server: redactServer(target.server) },
        integrator,
        user: session.user,
        connector: connectorSummary(ctx, ctx.connectors.get(target.connector)),
      };
    },
  };
}
