import type { ConnectionWarning, DatabaseInfo, FirmPeriod } from '../../connectors/contract';
import { appendAudit } from '../../db/audit';
import { earsivPlaceKey, kontorThresholdKey, readPreference, writePreference } from '../../db/preferences';
import { normalizeEarsivPlace } from '../integrator/earsivPlace';
import type { EarsivPlace } from '../integrator/types';
import { earsivPlaceOf, usesEarsivPlace } from './earsivPlace';
import { checkSenderAlias, ownMailboxesOf, saveSenderAlias, type OwnMailboxes } from './ownAliases';
import { listProfiles, saveProfile } from '../../db/profiles';
import { actorOf, type Session } from '../auth';
import { normalizeTarget, redactServer, type ErpTarget } from '../erp/target';
import { KonnektorError, isKonnektorError } from '../errors';
import type { Module } from '../modules';
import { fiscalYearOfPeriod } from '../yearend/detect';
import { checkIntegrator, checkTarget, companyOf, latestProfile } from './connection';
import type { ApiContext } from './context';
import { connectorSummary, listDatabases, listFirmPeriods, type ConnectorSummary } from './erp';
import { sessionView } from './login';
import type { ParsedInput } from './input';

export interface ConnectionSettings {
  module: Module;
  target: ErpTarget;
  integrator: string;
  user: string;
  connector: ConnectorSummary;
  /** The kontör balance under which the status bar warns; absent: never. */
  kontorThreshold?: number;
  /**
   * e-Arşiv and e-MM: the `sube` / `kasa` of QNB's portal record the documents are made under (DFLT until the
   * company saves its own). Absent for modules without one.
   */
  earsivPlace?: EarsivPlace;
  /**
   * e-Fatura / e-İrsaliye: the company's own mailboxes on GİB's list — GB (sender) candidates, PK shown — and the GB
   * alias chosen to send from.
   */
  ownMailboxes?: OwnMailboxes;
  /** The ERP side is still to be chosen (an integrator-only first login). */
  erpPending?: boolean;
  /** Whether this session may change the integrator address (staff only). */
  integratorEditable: boolean;
}

/** One line of "Bağlantınızı Test Edin": a check with its outcome, named by a stable id the screen words. */
export interface SettingsCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface SettingsHandlers {
  'settings.get'(input: ParsedInput<'settings.get'>): Promise<ConnectionSettings>;
  'settings.test'(input: ParsedInput<'settings.test'>): Promise<{ ok: true; checks: SettingsCheck[]; tables: string[]; warnings: ConnectionWarning[]; company?: { name?: string; taxId?: string } }>;
  'settings.save'(input: ParsedInput<'settings.save'>): Promise<ConnectionSettings>;
  'settings.search'(input: ParsedInput<'settings.search'>): Promise<{ periods: FirmPeriod[]; databases: DatabaseInfo[] }>;
}

/**
 * "Bağlantı Ayarları": the session's ERP target and integrator address, tested before anything is saved. A setting
 * belongs to one company: a target of another company (another VKN) is refused, never saved over that company's
 * profile. The integrator address is eFinans staff's to change.
 */
export function createSettingsHandlers(ctx: ApiContext): SettingsHandlers {
  const { sd, sessions } = ctx;

  /** The typed server, or the session's own (with its password) when the form shows it redacted. */
  const serverOf = (session: Session, typed: string | undefined) =>
    typed === undefined || typed.trim() === '' || typed === redactServer(session.target.server) ? session.target.server : typed.trim();

  const integratorOf = (session: Session, typed: string | undefined): string | undefined => {
    const wanted = typed?.trim();
    if (!wanted || wanted === session.integrator) return undefined;
    if (!session.staff) throw new KonnektorError('SETTINGS_INTEGRATOR_STAFF_ONLY', `Only staff sessions change the integrator address (to ${wanted})`, { value: wanted });
    return wanted;
  };

  /** The company a target belongs to must be the session's own (when both are known). */
  const sameCompany = async (session: Session, target: ErpTarget) => {
    const company = await companyOf(ctx, session.module, target);
    if (company?.taxId && session.companyVkn && company.taxId !== session.companyVkn) {
      throw new KonnektorError('SETTINGS_OTHER_COMPANY', `${target.database ?? ''} ${target.firm ?? ''}/${target.period ?? ''} belongs to ${company.taxId}, the session to ${session.companyVkn}`, {
        value: [target.database, target.firm && target.period ? `${target.firm}/${target.period}` : target.firm].filter(Boolean).join(' '),
        ...(company.name ? { company: company.name } : {}),
        taxId: company.taxId,
      });
    }
    return company;
  };

  const view = async (session: Session): Promise<ConnectionSettings> => {
    const threshold = await readPreference<number>(await ctx.store(), kontorThresholdKey(session.module, session.companyVkn));
    const place = usesEarsivPlace(ctx.kinds.find(session.module)) ? ((await earsivPlaceOf(ctx, session.module, session.companyVkn)) ?? normalizeEarsivPlace({})) : undefined;
    const mailboxes = await ownMailboxesOf(ctx, session.module, session.companyVkn);
    return {
      module: session.module,
      target: sessionView(ctx, session).target,
      integrator: session.integrator,
      user: session.user,
      connector: connectorSummary(ctx, ctx.connectors.get(session.target.connector)),
      ...(threshold ? { kontorThreshold: threshold } : {}),
      ...(place ? { earsivPlace: place } : {}),
      ...(mailboxes ? { ownMailboxes: mailboxes } : {}),
      ...(session.erpPending ? { erpPending: true } : {}),
      integratorEditable: session.staff,
    };
  };

  return {
    async 'settings.get'(input) {
      const session = sessions.require(input.sessionId);
      await ctx.staffAudit(session, 'settings.open');
      return view(session);
    },

    async 'settings.search'(input) {
      const session = sessions.require(input.sessionId);
      const connector = ctx.connectors.get(input.target.connector?.trim() || session.target.connector);
      const server = serverOf(session, input.target.server);
      if (!server) throw new KonnektorError('AUTH_SERVER_REQUIRED', 'No accounting server given');
      await ctx.staffAudit(session, 'settings.search', { after: { kind: input.kind } });
      if (input.kind === 'database') return { periods: [], databases: await listDatabases(ctx, connector.id, server) };
      const database = input.target.database?.trim();
      const periods = await listFirmPeriods(ctx, normalizeTarget({ connector: connector.id, server, ...(database ? { database } : {}) }));
      return { periods, databases: [] };
    },

    async 'settings.test'(input) {
      const session = sessions.require(input.sessionId);
      const profile = await latestProfile(ctx, session.module);
      const target = { ...input.target, server: serverOf(session, input.target.server) };
      try {
        integratorOf(session, input.integrator);
        const { test, target: checked } = await checkTarget(ctx, session.module, target, profile);
        const company = await sameCompany(session, checked);
        const integrator = await checkIntegrator(ctx, session, input.integrator);
        await ctx.staffAudit(session, 'settings.test', { after: { ok: true } });
        return {
          ok: true,
          checks: [...test.checks, ...(company?.taxId ? [{ name: 'company', ok: true, detail: company.name ?? company.taxId }] : []), { name: 'integrator', ok: true, detail: integrator }],
          tables: test.tables,
          warnings: test.warnings,
          ...(company ? { company } : {}),
        };
      } catch (e) {
        if (session.staff) await ctx.audit(session, 'settings.test', 'failed', { detail: isKonnektorError(e) ? e.code : 'UNEXPECTED' });
        throw e;
      }
    },

    async 'settings.save'(input) {
      const session = sessions.require(input.sessionId);
      const store = await ctx.store();
      const changedIntegrator = integratorOf(session, input.integrator);
      // Checked before anything is tested or saved: a bad code changes nothing.
      if (input.earsivPlace && !usesEarsivPlace(ctx.kinds.find(session.module))) {
        throw new KonnektorError('INPUT_INVALID', `${session.module} documents are not made under an e-Arşiv sube/kasa`, { field: 'earsivPlace' });
      }
      const place = input.earsivPlace ? normalizeEarsivPlace(input.earsivPlace) : undefined;
      const senderAlias = input.senderAlias?.trim() ? await checkSenderAlias(ctx, session.module, session.companyVkn, input.senderAlias) : undefined;
      const profile = await latestProfile(ctx, session.module);
      const typed = { ...input.target, server: serverOf(session, input.target.server) };
      const { target, period } = await checkTarget(ctx, session.module, typed, profile);
      const company = await sameCompany(session, target);
      const integrator = await checkIntegrator(ctx, session, changedIntegrator);
      const companyVkn = company?.taxId ?? session.companyVkn ?? '';
      const fiscalYear = (period ? fiscalYearOfPeriod(period) : undefined) ?? target.fiscalYear ?? session.fiscalYear ?? ctx.now().getFullYear();
      // The profile saved is this company's own (module × company × year): never another company's.
      const own = (await listProfiles(store, { module: session.module, companyVkn })).find((p) => p.fiscalYear === fiscalYear && p.branch === (target.branch ?? ''));
      const secretKey = `${session.module}:${companyVkn}:${fiscalYear}`;
      const hasErpSecret = redactServer(target.server) !== target.server;
      if (hasErpSecret && sd.vault) await sd.vault.put(`erp:${secretKey}`, target.server);
      let secretRef = own?.integrator.secretRef ?? (profile?.companyVkn === companyVkn ? profile.integrator.secretRef : undefined);
      if (!secretRef && sd.vault && !session.staff) {
        // The first save after an integrator-only login: the password the session logged in with goes to the vault.
        secretRef = `integrator:${secretKey}`;
        await sd.vault.put(secretRef, ctx.sessions.credentials(session.id).password);
      }
      const before = own ? { target: own.target, integrator: own.integrator.endpoint } : undefined;
      const saved = await saveProfile(
        store,
        {
          module: session.module,
          companyVkn,
          fiscalYear,
          branch: target.branch ?? '',
          target,
          integrator: { endpoint: integrator, user: session.user, ...(secretRef ? { secretRef } : {}) },
          ...(hasErpSecret && sd.vault ? { erpSecretRef: `erp:${secretKey}` } : {}),
        },
        ctx.now(),
      );
      sessions.update(session.id, {
        target,
        integrator,
        profileId: saved.id,
        fiscalYear,
        erpPending: false,
        ...(companyVkn ? { companyVkn } : {}),
        ...(company?.name ? { companyName: company.name } : {}),
      });
      if (input.kontorThreshold !== undefined) await writePreference(store, kontorThresholdKey(session.module, companyVkn), input.kontorThreshold || undefined);
      if (place) await writePreference(store, earsivPlaceKey(session.module, companyVkn), place);
      if (senderAlias && companyVkn) await saveSenderAlias(ctx, session.module, companyVkn, senderAlias);
      const who = actorOf(session);
      await appendAudit(store, { ...who, action: 'settings.save', module: session.module, before, after: { target: saved.target, integrator, ...(place ? { earsivPlace: place } : {}), ...(senderAlias ? { senderAlias } : {}) }, outcome: 'ok' }, ctx.now());
      return view(sessions.require(session.id));
    },
  };
}
