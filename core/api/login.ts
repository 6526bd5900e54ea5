import { kontorThresholdKey, readPreference } from '../../db/preferences';
import { saveProfile } from '../../db/profiles';
import { verifyIntegratorLogin, type Session } from '../auth';
import type { KindSummary } from '../documents/kinds';
import { redactServer, type ErpTarget } from '../erp/target';
import { KonnektorError, isKonnektorError } from '../errors';
import { incomingKindsOf } from '../incoming/kinds';
import { logger } from '../logging';
import { MODULE_TITLES, MODULES, type Module } from '../modules';
import { fiscalYearOfPeriod } from '../yearend/detect';
import { checkTarget, companyOf, erpLeftForSettings, kontorOf, latestProfile } from './connection';
import type { ApiContext } from './context';
import { connectorSummary, type ConnectorSummary } from './erp';
import { moduleOf, type ParsedInput } from './input';

/** What the login screen shows before anyone logs in. */
export interface LoginDefaults {
  module: Module;
  /** Every module with its title: each has its own login and settings. */
  modules: { id: Module; title: string }[];
  connectors: ConnectorSummary[];
  prefill: { connector: string; server: string; database?: string; firm?: string; period?: string; fiscalYear?: number; branch?: string; user?: string; integrator?: string };
  /** Present when the embedded demo runs: the sandbox login the screen offers. */
  demo?: { user: string; password: string };
  /** The desktop app saves previews as PDF itself; browser mode prints through the browser. */
  pdf: boolean;
}

export interface SessionView extends Omit<Session, 'target'> {
  target: ErpTarget;
  moduleTitle: string;
  /** The module's document kinds the session's program reads: what its screens offer. */
  documentKinds: KindSummary[];
  /** The module's incoming kinds (e-Fatura: received invoices): the Gelen Belgeler screen is offered for these. */
  incomingKinds: { id: string; labels: { tr: string; en: string } }[];
  /** The accounting program's name as users know it ("Logo Tiger / Go", "Netsis"), for the status bar. */
  connectorTitle: string;
}

/** What a login and the status bar's refresh answer. */
export interface SessionStatus {
  session: SessionView;
  kontor?: number;
  /** The balance under which the status bar warns (set in Bağlantı Ayarları); absent: never. */
  kontorThreshold?: number;
}

export interface LoginHandlers {
  'session.defaults'(input: ParsedInput<'session.defaults'>): Promise<LoginDefaults>;
  'session.login'(input: ParsedInput<'session.login'>): Promise<SessionStatus>;
  'session.get'(input: ParsedInput<'session.get'>): Promise<SessionView>;
  'session.logout'(input: ParsedInput<'session.logout'>): Promise<{ ok: true }>;
  'session.status'(input: ParsedInput<'session.status'>): Promise<SessionStatus>;
}

/** A session as the renderer sees it: the server without its password, the program's name, the kinds its screens offer. */
export function sessionView(ctx: ApiContext, s: Session): SessionView {
  const connector = ctx.connectors.list().find((c) => c.id === s.target.connector);
  return {
    ...s,
    moduleTitle: MODULE_TITLES[s.module],
    connectorTitle: connector?.title ?? s.target.connector,
    documentKinds: connector ? ctx.kinds.readableBy(connector, s.module).map((k) => ctx.kinds.summary(k)) : [],
    incomingKinds: incomingKindsOf(s.module).map((k) => ({ id: k.id, labels: k.labels })),
    target: { ...s.target, server: redactServer(s.target.server) },
  };
}

/** The session's status: kontör balance and the level under which it warns. */
export async function sessionStatus(ctx: ApiContext, session: Session): Promise<SessionStatus> {
  const kontor = await kontorOf(ctx, session);
  const threshold = await readPreference<number>(await ctx.store(), kontorThresholdKey(session.module, session.companyVkn));
  return { session: sessionView(ctx, session), ...(kontor !== undefined ? { kontor } : {}), ...(threshold ? { kontorThreshold: threshold } : {}) };
}

/**
 * Login per module: the ERP target first (local and cheap checks), then the integrator account; the profile is
 * saved without secrets (passwords go to the vault). Every call after login names its session, and the session
 * decides module, ERP target and integrator account.
 */
export function createLoginHandlers(ctx: ApiContext): LoginHandlers {
  const { sd, sessions } = ctx;
  return {
    async 'session.defaults'(input) {
      const module = moduleOf(input.module);
      const connectors = ctx.connectors.list().filter((c) => ctx.kinds.serves(c, module)).map((c) => connectorSummary(ctx, c));
      const profile = await latestProfile(ctx, module);
      const demo = sd.demo;
      const prefill: LoginDefaults['prefill'] = profile
        ? {
            connector: profile.target.connector,
            server: profile.target.server,
            ...(profile.target.database ? { database: profile.target.database } : {}),
            ...(profile.target.firm ? { firm: profile.target.firm } : {}),
            ...(profile.target.period ? { period: profile.target.period } : {}),
            ...(profile.target.fiscalYear !== undefined ? { fiscalYear: profile.target.fiscalYear } : {}),
            ...(profile.target.branch ? { branch: profile.target.branch } : {}),
            ...(profile.integrator.user ? { user: profile.integrator.user } : {}),
            ...(profile.integrator.endpoint ? { integrator: profile.integrator.endpoint } : {}),
          }
        : demo
          ? { connector: demo.connector, server: demo.server, database: demo.database, ...(sd.defaultIntegrator ? { integrator: sd.defaultIntegrator } : {}) }
          : { connector: connectors[0]?.id ?? '', server: '', ...(sd.defaultIntegrator ? { integrator: sd.defaultIntegrator } : {}) };
      return {
        module,
        modules: MODULES.map((id) => ({ id, title: MODULE_TITLES[id] })),
        connectors,
        prefill,
        ...(demo ? { demo: { user: demo.user, password: demo.password } } : {}),
        pdf: sd.printToPdf !== undefined,
      };
    },

    async 'session.login'(input) {
      const module = moduleOf(input.module);
      const staff = input.staff === true;
      const user = input.user.trim();
      const attempt = { user, staff, ...(staff ? { staffUser: user } : {}), module };
      try {
        if (!user) throw new KonnektorError('AUTH_USER_REQUIRED', 'Integrator user name is empty');
        if (!input.password) throw new KonnektorError('AUTH_PASSWORD_REQUIRED', 'Integrator password is empty');
        const profile = await latestProfile(ctx, module);
        // The embedded demo's sandbox wins over a saved endpoint: its port may differ from the last run's.
        const integrator = input.integrator?.trim() || (sd.demo ? sd.defaultIntegrator : undefined) || profile?.integrator.endpoint || sd.defaultIntegrator || '';
        if (!integrator) throw new KonnektorError('AUTH_INTEGRATOR_REQUIRED', 'No integrator address configured');
        if (!staff && erpLeftForSettings(ctx, input.target, profile, sd.demo?.connector)) {
          // The guide lets the firm/period stay empty at login: the integrator login alone opens the session, and
          // the screen goes straight to Bağlantı Ayarları to finish the ERP side. Nothing is saved yet.
          await verifyIntegratorLogin({ integrator, user, password: input.password, staff });
          const connector = ctx.connectors.get(input.target.connector?.trim() || profile?.target.connector || sd.demo?.connector || '');
          const session = sessions.create(
            { module, user, staff, target: { connector: connector.id, server: input.target.server?.trim() ?? '', ...(input.target.database?.trim() ? { database: input.target.database.trim() } : {}) }, integrator, erpPending: true },
            { user, password: input.password },
          );
          logger.info('session.login (integrator only)', { module, user });
          return { session: sessionView(ctx, session) };
        }
        // The ERP first: its checks are local and cheap, and a wrong firm code should not cost an integrator login.
        const { target, period } = await checkTarget(ctx, module, input.target, profile);
        await verifyIntegratorLogin({ integrator, user, password: input.password, staff });
        const company = await companyOf(ctx, module, target);
        const companyVkn = company?.taxId;
        const fiscalYear = (period ? fiscalYearOfPeriod(period) : undefined) ?? target.fiscalYear ?? ctx.now().getFullYear();
        let profileId: number | undefined;
        // A support login reads the customer's settings but does not overwrite them with staff credentials.
        if (!staff) {
          const db = await ctx.store();
          const vkn = companyVkn ?? profile?.companyVkn ?? '';
          const secretKey = `${module}:${vkn}:${fiscalYear}`;
          const hasErpSecret = redactServer(target.server) !== target.server;
          if (sd.vault) {
            await sd.vault.put(`integrator:${secretKey}`, input.password);
            if (hasErpSecret) await sd.vault.put(`erp:${secretKey}`, target.server);
          }
          const saved = await saveProfile(
            db,
            {
              module,
              companyVkn: vkn,
              fiscalYear,
              branch: target.branch ?? '',
              target,
              integrator: { endpoint: integrator, user, ...(sd.vault ? { secretRef: `integrator:${secretKey}` } : {}) },
              ...(sd.vault && hasErpSecret ? { erpSecretRef: `erp:${secretKey}` } : {}),
            },
            ctx.now(),
          );
          profileId = saved.id;
        } else if (profile) {
          profileId = profile.id;
        }
        const session = sessions.create(
          {
            module,
            user: staff ? (profile?.integrator.user ?? user) : user,
            staff,
            ...(staff ? { staffUser: user } : {}),
            target,
            integrator,
            fiscalYear,
            ...(profileId !== undefined ? { profileId } : {}),
            ...(companyVkn ? { companyVkn } : {}),
            ...(company?.name ? { companyName: company.name } : {}),
          },
          { user, password: input.password },
        );
        logger.info('session.login', { module, user: session.user, staff, ...(staff ? { staffUser: user } : {}), expiresAt: session.expiresAt });
        await ctx.audit(session, 'session.login', 'ok', { after: { target: { ...target, server: redactServer(target.server) }, integrator } });
        return await sessionStatus(ctx, session);
      } catch (e) {
        // A failed staff attempt is worth a trace; a customer's typo is not an audit event.
        if (staff) await ctx.audit(attempt, 'session.login', 'failed', { detail: isKonnektorError(e) ? e.code : 'UNEXPECTED' }).catch(() => undefined);
        throw e;
      }
    },

    async 'session.get'(input) {
      return sessionView(ctx, sessions.require(input.sessionId));
    },

    async 'session.logout'(input) {
      const session = sessions.require(input.sessionId);
      await ctx.staffAudit(session, 'session.logout');
      sessions.end(session.id);
      return { ok: true };
    },

    async 'session.status'(input) {
      return sessionStatus(ctx, sessions.require(input.sessionId));
    },
  };
}
