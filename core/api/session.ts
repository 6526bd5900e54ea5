import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { ErpConnector, FirmPeriod } from '../../connectors/contract';
import { getConnector, listConnectors } from '../../connectors/registry';
import { appendAudit, listAudit, type AuditRecord } from '../../db/audit';
import { listProfiles, saveProfile, type Profile } from '../../db/profiles';
import { actorOf, creditBalanceOf, sessionsFor, verifyIntegratorLogin, type Session, type SessionRegistry, type Vault } from '../auth';
import { renderInvoiceHtml } from '../documents/preview';
import { normalizeTarget, redactServer, type ErpTarget, type ErpTargetInput } from '../erp/target';
import { KonnektorError, isKonnektorError } from '../errors';
import { logger } from '../logging';
import { MODULE_TITLES, MODULES, isModule, type Module } from '../modules';
import { entriesIn, entryByEttn as outboxEntryByEttn, transition, xmlOf, type OutboxEntry } from '../outbox/store';
import { OUTBOX_STATES, isTerminal } from '../outbox/states';
import { trLower } from '../text/turkish';
import type { ApiDeps, ConnectorSummary, KonnektorApi } from './index';
import { parseInput } from './index';
import type { sessionSchemas } from './sessionSchemas';

type In<M extends keyof typeof sessionSchemas> = z.input<(typeof sessionSchemas)[M]>;

/** What the desktop app and browser mode add to the API: where secrets and logs go, and the embedded defaults. */
export interface SessionDeps {
  vault?: Vault;
  /** Folder of the rotating log files (the staff log view reads it). */
  logDir?: string;
  /** Integrator base URL when the module has no saved settings. */
  defaultIntegrator?: string;
  /** The embedded demo: ERP coordinates and the sandbox login offered on the login screen. */
  demo?: { server: string; database: string; connector: string; user: string; password: string };
  /** Integrator calls of the document screen (default 2 s between status rounds while waiting). */
  sendOptions?: { deadlineSec?: number };
  registry?: SessionRegistry;
}

/** What the login screen shows before anyone logs in. */
export interface LoginDefaults {
  module: Module;
  /** Every module with its title: each has its own login and settings. */
  modules: { id: Module; title: string }[];
  connectors: ConnectorSummary[];
  prefill: { connector: string; server: string; database?: string; firm?: string; period?: string; user?: string; integrator?: string };
  /** Present when the embedded demo runs: the sandbox login the screen offers. */
  demo?: { user: string; password: string };
}

export interface SessionView extends Omit<Session, 'target'> {
  target: ErpTarget;
  moduleTitle: string;
  /** Ids of a staff session's customer, for the banner. */
  companyName?: string;
}

export interface DocumentRow {
  key: string;
  erpNumber: string;
  issueDate?: string;
  customer?: string;
  customerTaxId?: string;
  total?: string;
  currency?: string;
  /** `unsent` while only the ERP knows the document; otherwise the outbox state. */
  state: 'unsent' | OutboxEntry['state'];
  ettn?: string;
  number?: string;
  gibCode?: string;
  message?: string;
  resendable: boolean;
  updatedAt?: string;
}

export interface SendJobView {
  jobId: string;
  state: 'running' | 'done' | 'failed';
  total: number;
  /** Documents of the job that reached a delivered (or final) state. */
  done: number;
  documents: { key: string; erpNumber: string; state: DocumentRow['state']; gibCode?: string; message?: string }[];
  summary?: unknown;
  error?: { code: string; message: string };
}

export interface ConnectionSettings {
  module: Module;
  target: ErpTarget;
  integrator: string;
  user: string;
  connector: ConnectorSummary;
}

export interface SessionApi {
  'session.defaults'(input: In<'session.defaults'>): Promise<LoginDefaults>;
  'session.login'(input: In<'session.login'>): Promise<{ session: SessionView; kontor?: number }>;
  'session.get'(input: In<'session.get'>): Promise<SessionView>;
  'session.logout'(input: In<'session.logout'>): Promise<{ ok: true }>;
  'session.status'(input: In<'session.status'>): Promise<{ session: SessionView; kontor?: number }>;
  'session.documents'(input: In<'session.documents'>): Promise<DocumentRow[]>;
  'session.send'(input: In<'session.send'>): Promise<{ jobId: string; total: number }>;
  'session.resend'(input: In<'session.resend'>): Promise<{ jobId: string; total: number }>;
  'session.job'(input: In<'session.job'>): Promise<SendJobView>;
  'session.history'(input: In<'session.history'>): Promise<{ at: string; from?: string; to: string; detail?: string }[]>;
  'session.preview'(input: In<'session.preview'>): Promise<{ html: string }>;
  'session.exportXml'(input: In<'session.exportXml'>): Promise<{ fileName: string; xml: string }>;
  'settings.get'(input: In<'settings.get'>): Promise<ConnectionSettings>;
  'settings.test'(input: In<'settings.test'>): Promise<{ ok: true; checks: { name: string; ok: boolean; detail?: string }[]; tables: string[] }>;
  'settings.save'(input: In<'settings.save'>): Promise<ConnectionSettings>;
  'diagnostics.logs'(input: In<'diagnostics.logs'>): Promise<{ file?: string; lines: string[] }>;
  'diagnostics.audit'(input: In<'diagnostics.audit'>): Promise<AuditRecord[]>;
}

/** A connector that reads only the given ERP documents: the multi-select of the document screen. */
export function onlyDocuments(connector: ErpConnector, keys: readonly string[]): ErpConnector {
  const wanted = new Set(keys);
  return {
    ...connector,
    listDatabases: connector.listDatabases.bind(connector),
    listFirmPeriods: connector.listFirmPeriods.bind(connector),
    testConnection: connector.testConnection.bind(connector),
    writeBack: connector.writeBack.bind(connector),
    async readOutgoing(ctx, target, module, filter) {
      if (wanted.size === 0) return [];
      const { limit: _l, offset: _o, ...rest } = filter ?? {};
      return (await connector.readOutgoing(ctx, target, module, rest)).filter((d) => wanted.has(d.ref.key));
    },
  };
}

const blank = (v: string | undefined) => v === undefined || v.trim() === '';

function moduleOf(value: string): Module {
  const m = value.trim().toLowerCase();
  if (!isModule(m)) throw new KonnektorError('MODULE_UNKNOWN', `Unknown module ${JSON.stringify(value)}`, { value });
  return m;
}

/** Which ERP documents an outbox entry belongs to: same program, database, firm and period as the session. */
function sameTarget(e: OutboxEntry, module: Module, t: ErpTarget): boolean {
  return (
    e.module === module &&
    e.ref.connector === t.connector &&
    e.ref.database.toLowerCase() === (t.database ?? '').toLowerCase() &&
    (e.ref.firm ?? '') === (t.firm ?? '') &&
    (e.ref.period ?? '') === (t.period ?? '')
  );
}

/** Display fields of a built document, read from its UBL (sent documents no longer appear in the ERP's list). */
function ublSummary(xml: string | undefined): Pick<DocumentRow, 'issueDate' | 'customer' | 'customerTaxId' | 'total' | 'currency'> {
  if (!xml) return {};
  const pick = (re: RegExp) => re.exec(xml)?.[1];
  const customerPart = /<cac:AccountingCustomerParty>([\s\S]*?)<\/cac:AccountingCustomerParty>/.exec(xml)?.[1] ?? '';
  const name = /<cac:PartyName>\s*<cbc:Name>([^<]*)<\/cbc:Name>/.exec(customerPart)?.[1];
  const person = /<cbc:FirstName>([^<]*)<\/cbc:FirstName>\s*<cbc:FamilyName>([^<]*)<\/cbc:FamilyName>/.exec(customerPart);
  const taxId = /<cbc:ID schemeID="(?:VKN|TCKN)">([^<]*)<\/cbc:ID>/.exec(customerPart)?.[1];
  const payable = /<cbc:PayableAmount currencyID="([A-Z]{3})">([^<]*)<\/cbc:PayableAmount>/.exec(xml);
  const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  const issueDate = pick(/<cbc:IssueDate>([^<]*)<\/cbc:IssueDate>/);
  const customer = name ? unescape(name) : person ? unescape(`${person[1]} ${person[2]}`) : undefined;
  return {
    ...(issueDate ? { issueDate } : {}),
    ...(customer ? { customer } : {}),
    ...(taxId ? { customerTaxId: taxId } : {}),
    ...(payable ? { total: payable[2]!, currency: payable[1]! } : {}),
  };
}

/** A failed document may go again (outbox: failed → queued); GİB's own rejections and invalid ones may not. */
function isResendable(e: OutboxEntry): boolean {
  return e.state === 'failed';
}

interface SendJob {
  id: string;
  sessionId: string;
  keys: string[];
  ettns: string[];
  state: SendJobView['state'];
  summary?: unknown;
  error?: { code: string; message: string };
}

const RUNNING_STATES = new Set<string>(['pending', 'built', 'validated', 'queued', 'sent', 'processing']);

/**
 * Login, the document screens, connection settings and diagnostics: every call after login names its session, and
 * the session decides module, ERP target and integrator account. Passwords stay in the registry's memory and the
 * vault; the renderer never gets them back.
 */
export function createSessionHandlers(deps: ApiDeps, api: () => KonnektorApi): SessionApi {
  const sd: SessionDeps = deps.session ?? {};
  const sessions = sessionsFor(deps);
  const now = () => (deps.now ? deps.now() : new Date());
  const jobs = new Map<string, SendJob>();

  const view = (s: Session): SessionView => ({ ...s, moduleTitle: MODULE_TITLES[s.module], target: { ...s.target, server: redactServer(s.target.server) } });

  const audit = async (session: Pick<Session, 'user' | 'staff' | 'staffUser' | 'module'>, action: string, outcome: 'ok' | 'failed', extra: { after?: unknown; detail?: string } = {}) => {
    const who = session.staff ? { actor: session.staffUser ?? session.user, staff: true } : { actor: session.user, staff: false };
    await appendAudit(await deps.store(), { ...who, action, module: session.module, outcome, ...extra }, now());
  };

  /** Staff sessions leave a trace of everything they do; customers' reads are not audited. */
  const staffAudit = async (session: Session, action: string, extra: { after?: unknown; detail?: string } = {}) => {
    if (session.staff) await audit(session, action, 'ok', extra);
  };

  const connectorSummary = (c: ErpConnector): ConnectorSummary => ({ id: c.id, title: c.title, shape: c.shape, modules: c.modules });

  const latestProfile = async (module: Module): Promise<Profile | undefined> =>
    (await listProfiles(await deps.store(), { module })).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];

  /** The server as typed, or the saved one (with its password from the vault) when the form shows the redacted form. */
  const resolveServer = async (server: string, profile: Profile | undefined): Promise<string> => {
    if (profile && server === profile.target.server && profile.erpSecretRef && sd.vault) {
      return (await sd.vault.get(profile.erpSecretRef)) ?? server;
    }
    return server;
  };

  /** Which other program's database this is ("Logo" chosen, a Netsis company database typed), if any. */
  const otherProgramOf = async (chosen: string, server: string, database: string): Promise<string | undefined> => {
    for (const c of listConnectors().filter((x) => x.id !== chosen)) {
      const dbs = await api()['erp.listDatabases']({ connector: c.id, server }).catch(() => []);
      if (dbs.some((d) => d.recognised && d.name.toLowerCase() === database.toLowerCase())) return c.title;
    }
    return undefined;
  };

  /** The ERP half of a login or a connection test: complete the target from the saved settings, then test it. */
  const checkTarget = async (module: Module, raw: Partial<ErpTargetInput>, profile: Profile | undefined) => {
    const connectorId = raw.connector?.trim() || profile?.target.connector || sd.demo?.connector || '';
    if (!connectorId) throw new KonnektorError('AUTH_CONNECTOR_REQUIRED', 'No accounting program chosen');
    const connector = getConnector(connectorId);
    const sameProgram = profile?.target.connector === connector.id;
    const serverInput = raw.server?.trim() || (sameProgram ? profile!.target.server : '') || '';
    if (!serverInput) throw new KonnektorError('AUTH_SERVER_REQUIRED', 'No accounting server given');
    const server = await resolveServer(serverInput, sameProgram ? profile : undefined);
    // Firm and period may be left empty when the saved connection settings already carry them.
    const carried = sameProgram && profile!.target.server === serverInput ? profile!.target : undefined;
    const input: ErpTargetInput = {
      connector: connector.id,
      server,
      ...(!blank(raw.database) ? { database: raw.database } : carried?.database ? { database: carried.database } : {}),
      ...(!blank(raw.firm) ? { firm: raw.firm } : carried?.firm ? { firm: carried.firm } : {}),
      ...(!blank(raw.period) ? { period: raw.period } : carried?.period ? { period: carried.period } : {}),
      ...(!blank(raw.branch) ? { branch: raw.branch } : {}),
    };
    const target = normalizeTarget(input);
    if (connector.shape === 'firm-period') {
      if (!target.database) throw new KonnektorError('ERP_DATABASE_REQUIRED', `${connector.title} needs the database that holds its firms`);
      if (!target.firm) throw new KonnektorError('ERP_FIRM_REQUIRED', `${connector.title} needs a firm code`);
      if (!target.period) throw new KonnektorError('ERP_PERIOD_REQUIRED', `${connector.title} needs a period code`);
    } else if (!target.database) {
      throw new KonnektorError('ERP_DATABASE_REQUIRED', `${connector.title} keeps each company-year in its own database`);
    }
    const test = await api()['erp.testConnection']({ target, module }).catch(async (e: unknown) => {
      if (isKonnektorError(e) && e.code === 'ERP_TABLES_MISSING' && target.database) {
        const owner = await otherProgramOf(connector.id, target.server, target.database);
        if (owner) throw new KonnektorError('ERP_DATABASE_OTHER_PROGRAM', `${target.database} is a ${owner} database, not ${connector.title}`, { value: owner }, { cause: e });
      }
      throw e;
    });
    const periods: FirmPeriod[] = await api()['erp.listFirmPeriods']({ target }).catch(() => []);
    const period =
      connector.shape === 'firm-period'
        ? periods.find((p) => p.firm === target.firm && p.period === target.period)
        : periods.find((p) => (p.database ?? '').toLowerCase() === (target.database ?? '').toLowerCase());
    if (connector.shape === 'firm-period' && periods.length > 0 && !period) {
      throw new KonnektorError(periods.some((p) => p.firm === target.firm) ? 'ERP_PERIOD_NOT_FOUND' : 'ERP_FIRM_NOT_FOUND', `No firm ${target.firm} period ${target.period}`, {
        value: periods.some((p) => p.firm === target.firm) ? String(target.period) : String(target.firm),
      });
    }
    return { connector, target, test, period };
  };

  // The company's own record in the program (L_CAPIFIRM, SIRKETLER30) names its VKN; the supplier of an unsent
  // document is the fallback for a program that keeps none there.
  const companyVknOf = async (module: Module, target: ErpTarget): Promise<string | undefined> => {
    const connector = getConnector(target.connector);
    const own = await connector.companyOf?.({ connections: deps.connections }, target).catch(() => undefined);
    if (own?.taxId) return own.taxId;
    if (module !== 'efatura' && module !== 'earsiv') return undefined;
    const docs = await api()['documents.listOutgoing']({ target, module, limit: 1 }).catch(() => []);
    return docs[0]?.supplier?.taxId.value;
  };

  const kontorOf = async (session: Session): Promise<number | undefined> => {
    if (!session.companyVkn || (session.module !== 'efatura' && session.module !== 'earsiv')) return undefined;
    const c = sessions.credentials(session.id);
    return creditBalanceOf(session.integrator, c.user, c.password, session.companyVkn, session.module);
  };

  const sentSummaries = new Map<string, ReturnType<typeof ublSummary>>();
  const rowsOf = async (session: Session): Promise<DocumentRow[]> => {
    const module = session.module;
    if (module !== 'efatura' && module !== 'earsiv') return [];
    const store = await deps.store();
    const [docs, entries] = await Promise.all([
      api()['documents.listOutgoing']({ target: session.target, module, limit: 100_000 }),
      entriesIn(store, OUTBOX_STATES, module, { withXml: false }),
    ]);
    const byKey = new Map<string, OutboxEntry>();
    for (const e of entries) if (sameTarget(e, module, session.target)) byKey.set(e.ref.key, e);
    const rows: DocumentRow[] = [];
    const fromEntry = (e: OutboxEntry, base: Partial<DocumentRow>): DocumentRow => ({
      key: e.ref.key,
      erpNumber: e.erpNumber,
      ...base,
      state: e.state,
      ettn: e.ettn,
      ...(e.number ? { number: e.number } : {}),
      ...(e.gibCode ? { gibCode: e.gibCode } : {}),
      ...(e.gibMessage || e.errorDetail ? { message: e.gibMessage ?? e.errorDetail! } : {}),
      resendable: isResendable(e),
      updatedAt: e.updatedAt,
    });
    for (const d of docs) {
      const base: Partial<DocumentRow> = {
        issueDate: d.issueDate,
        customer: d.customer.name,
        customerTaxId: d.customer.taxId.value,
        ...(d.erpTotals ? { total: d.erpTotals.taxInclusive.toFixed(2) } : {}),
        currency: d.currency,
      };
      const e = byKey.get(d.ref.key);
      if (e) {
        rows.push(fromEntry(e, base));
        byKey.delete(d.ref.key);
      } else {
        rows.push({ key: d.ref.key, erpNumber: d.erpNumber, ...base, state: 'unsent', resendable: false } as DocumentRow);
      }
    }
    // Sent documents the ERP no longer lists unsent: their party and total come from the queued UBL, which never
    // changes once queued, so each is read and summarised once.
    for (const e of byKey.values()) {
      let summary = sentSummaries.get(e.ettn);
      if (!summary) {
        summary = ublSummary(await xmlOf(store, e.id));
        sentSummaries.set(e.ettn, summary);
      }
      rows.push(fromEntry(e, summary));
    }
    return rows;
  };

  /** A new integrator address must answer the session's own login before it is tested ok or saved. */
  const checkIntegrator = async (session: Session, typed: string | undefined): Promise<string> => {
    const integrator = typed?.trim() || session.integrator;
    const c = sessions.credentials(session.id);
    await verifyIntegratorLogin({ integrator, user: c.user, password: c.password, staff: session.staff });
    return integrator;
  };

  const entryByEttn = async (session: Session, ettn: string): Promise<OutboxEntry> => {
    const found = await outboxEntryByEttn(await deps.store(), ettn);
    const e = found && found.module === session.module && sameTarget(found, session.module, session.target) ? found : undefined;
    if (!e) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No document ${ettn} for this session`, { value: ettn });
    return e;
  };

  const startJob = (session: Session, keys: string[], ettns: string[]): { jobId: string; total: number } => {
    const module = session.module;
    if (module !== 'efatura' && module !== 'earsiv') throw new KonnektorError('MODULE_NOT_SUPPORTED', `Sending ${module} documents is not built yet`, { value: module });
    const job: SendJob = { id: crypto.randomBytes(9).toString('base64url'), sessionId: session.id, keys, ettns, state: 'running' };
    jobs.set(job.id, job);
    const c = sessions.credentials(session.id);
    void api()
      ['documents.send']({
        target: session.target,
        module,
        integrator: session.integrator,
        user: c.user,
        password: c.password,
        refs: keys,
        wait: true,
        deadlineSec: sd.sendOptions?.deadlineSec ?? 120,
      })
      .then(
        (summary) => {
          job.summary = summary;
          job.state = 'done';
        },
        (e: unknown) => {
          job.state = 'failed';
          job.error = isKonnektorError(e) ? { code: e.code, message: e.userMessage } : { code: 'UNEXPECTED', message: 'Beklenmeyen bir hata oluştu.' };
        },
      )
      .finally(() => void staffAudit(session, 'documents.send', { after: { documents: keys.length + ettns.length, state: job.state } }).catch(() => undefined));
    return { jobId: job.id, total: keys.length + ettns.length };
  };

  return {
    async 'session.defaults'(raw) {
      const input = parseInput('session.defaults', raw);
      const module = moduleOf(input.module);
      const connectors = listConnectors().filter((c) => c.modules.includes(module)).map(connectorSummary);
      const profile = await latestProfile(module);
      const demo = sd.demo;
      const prefill: LoginDefaults['prefill'] = profile
        ? {
            connector: profile.target.connector,
            server: profile.target.server,
            ...(profile.target.database ? { database: profile.target.database } : {}),
            ...(profile.target.firm ? { firm: profile.target.firm } : {}),
            ...(profile.target.period ? { period: profile.target.period } : {}),
            ...(profile.integrator.user ? { user: profile.integrator.user } : {}),
            ...(profile.integrator.endpoint ? { integrator: profile.integrator.endpoint } : {}),
          }
        : demo
          ? { connector: demo.connector, server: demo.server, database: demo.database, ...(sd.defaultIntegrator ? { integrator: sd.defaultIntegrator } : {}) }
          : { connector: connectors[0]?.id ?? '', server: '', ...(sd.defaultIntegrator ? { integrator: sd.defaultIntegrator } : {}) };
      return { module, modules: MODULES.map((id) => ({ id, title: MODULE_TITLES[id] })), connectors, prefill, ...(demo ? { demo: { user: demo.user, password: demo.password } } : {}) };
    },

    async 'session.login'(raw) {
      const input = parseInput('session.login', raw);
      const module = moduleOf(input.module);
      const staff = input.staff === true;
      const user = input.user.trim();
      const attempt = { user, staff, ...(staff ? { staffUser: user } : {}), module };
      try {
        if (!user) throw new KonnektorError('AUTH_USER_REQUIRED', 'Integrator user name is empty');
        if (!input.password) throw new KonnektorError('AUTH_PASSWORD_REQUIRED', 'Integrator password is empty');
        const profile = await latestProfile(module);
        // The embedded demo's sandbox wins over a saved endpoint: its port may differ from the last run's.
        const integrator = input.integrator?.trim() || (sd.demo ? sd.defaultIntegrator : undefined) || profile?.integrator.endpoint || sd.defaultIntegrator || '';
        if (!integrator) throw new KonnektorError('AUTH_INTEGRATOR_REQUIRED', 'No integrator address configured');
        // The ERP first: its checks are local and cheap, and a wrong firm code should not cost an integrator login.
        const { target, period } = await checkTarget(module, input.target, profile);
        await verifyIntegratorLogin({ integrator, user, password: input.password, staff });
        const companyVkn = await companyVknOf(module, target);
        const fiscalYear = period ? Number(period.periodBegin.slice(0, 4)) : now().getFullYear();
        let profileId: number | undefined;
        // A support login reads the customer's settings but does not overwrite them with staff credentials.
        if (!staff) {
          const db = await deps.store();
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
            now(),
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
          },
          { user, password: input.password },
        );
        logger.info('session.login', { module, user: session.user, staff, ...(staff ? { staffUser: user } : {}), expiresAt: session.expiresAt });
        await audit(session, 'session.login', 'ok', { after: { target: { ...target, server: redactServer(target.server) }, integrator } });
        const kontor = await kontorOf(session);
        return { session: view(session), ...(kontor !== undefined ? { kontor } : {}) };
      } catch (e) {
        // A failed staff attempt is worth a trace; a customer's typo is not an audit event.
        if (staff) await audit(attempt, 'session.login', 'failed', { detail: isKonnektorError(e) ? e.code : 'UNEXPECTED' }).catch(() => undefined);
        throw e;
      }
    },

    async 'session.get'(raw) {
      const input = parseInput('session.get', raw);
      return view(sessions.require(input.sessionId));
    },

    async 'session.logout'(raw) {
      const input = parseInput('session.logout', raw);
      const session = sessions.require(input.sessionId);
      await staffAudit(session, 'session.logout');
      sessions.end(session.id);
      return { ok: true };
    },

    async 'session.status'(raw) {
      const input = parseInput('session.status', raw);
      const session = sessions.require(input.sessionId);
      const kontor = await kontorOf(session);
      return { session: view(session), ...(kontor !== undefined ? { kontor } : {}) };
    },

    async 'session.documents'(raw) {
      const input = parseInput('session.documents', raw);
      const session = sessions.require(input.sessionId);
      const from = input.from || undefined;
      const to = input.to || undefined;
      for (const d of [from, to]) {
        if (d !== undefined && (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`)))) {
          throw new KonnektorError('ERP_DATE_INVALID', `Not a YYYY-MM-DD date: ${d}`, { value: d });
        }
      }
      const needle = input.customer?.trim() ? trLower(input.customer.trim()) : undefined;
      const status = input.status ?? 'all';
      const rows = (await rowsOf(session)).filter((r) => {
        if (from && r.issueDate && r.issueDate < from) return false;
        if (to && r.issueDate && r.issueDate > to) return false;
        if (needle && !trLower(`${r.customer ?? ''} ${r.customerTaxId ?? ''}`).includes(needle)) return false;
        if (status === 'unsent') return r.state === 'unsent';
        if (status === 'inProgress') return RUNNING_STATES.has(r.state);
        if (status === 'delivered') return r.state === 'delivered' || r.state === 'accepted';
        if (status === 'failed') return r.state === 'failed' || r.state === 'rejected' || r.state === 'invalid';
        return true;
      });
      await staffAudit(session, 'documents.list', { after: { rows: rows.length } });
      return rows;
    },

    async 'session.send'(raw) {
      const input = parseInput('session.send', raw);
      const session = sessions.require(input.sessionId);
      if (input.keys.length === 0) throw new KonnektorError('DOCUMENT_NOT_SELECTED', 'No documents selected');
      return startJob(session, input.keys, []);
    },

    async 'session.resend'(raw) {
      const input = parseInput('session.resend', raw);
      const session = sessions.require(input.sessionId);
      const db = await deps.store();
      const entries = await Promise.all(input.ettns.map((ettn) => entryByEttn(session, ettn)));
      const refused = entries.find((e) => !isResendable(e));
      if (refused) throw new KonnektorError('DOCUMENT_NOT_RESENDABLE', `${refused.erpNumber} is ${refused.state}`, { value: refused.erpNumber });
      for (const e of entries) await transition(db, e.id, 'failed', 'queued', { attempts: 0, next_attempt_at: null }, `resend by ${actorOf(session).actor}`, now());
      return startJob(session, [], input.ettns);
    },

    async 'session.job'(raw) {
      const input = parseInput('session.job', raw);
      const session = sessions.require(input.sessionId);
      const job = jobs.get(input.jobId);
      if (!job || job.sessionId !== session.id) throw new KonnektorError('SEND_JOB_NOT_FOUND', `No job ${input.jobId}`);
      const keys = new Set(job.keys);
      const ettns = new Set(job.ettns);
      // Progress is polled often: read the outbox only, not the ERP's whole list; a key not there yet is unsent.
      const entries = (await entriesIn(await deps.store(), OUTBOX_STATES, session.module, { withXml: false })).filter(
        (e) => sameTarget(e, session.module, session.target) && (keys.has(e.ref.key) || ettns.has(e.ettn)),
      );
      const seen = new Set(entries.map((e) => e.ref.key));
      const rows: Pick<DocumentRow, 'key' | 'erpNumber' | 'state' | 'gibCode' | 'message'>[] = [
        ...entries.map((e) => ({
          key: e.ref.key,
          erpNumber: e.erpNumber,
          state: e.state,
          ...(e.gibCode ? { gibCode: e.gibCode } : {}),
          ...(e.gibMessage || e.errorDetail ? { message: e.gibMessage ?? e.errorDetail! } : {}),
        })),
        ...job.keys.filter((k) => !seen.has(k)).map((k) => ({ key: k, erpNumber: '', state: 'unsent' as const })),
      ];
      const finished = (r: Pick<DocumentRow, 'state'>) => r.state !== 'unsent' && (r.state === 'delivered' || isTerminal(r.state));
      return {
        jobId: job.id,
        state: job.state,
        total: job.keys.length + job.ettns.length,
        done: rows.filter(finished).length,
        documents: rows.map((r) => ({
          key: r.key,
          erpNumber: r.erpNumber,
          state: r.state,
          ...(r.gibCode ? { gibCode: r.gibCode } : {}),
          ...(r.message ? { message: r.message } : {}),
        })),
        ...(job.summary ? { summary: job.summary } : {}),
        ...(job.error ? { error: job.error } : {}),
      };
    },

    async 'session.history'(raw) {
      const input = parseInput('session.history', raw);
      const session = sessions.require(input.sessionId);
      const e = await entryByEttn(session, input.ettn);
      const rows = (await (await deps.store())('outbox_history').where({ outbox_id: e.id }).orderBy('id')) as Record<string, unknown>[];
      await staffAudit(session, 'documents.history', { after: { ettn: e.ettn } });
      return rows.map((r) => ({
        at: String(r.at),
        ...(r.from_state ? { from: String(r.from_state) } : {}),
        to: String(r.to_state),
        ...(r.detail ? { detail: String(r.detail) } : {}),
      }));
    },

    async 'session.preview'(raw) {
      const input = parseInput('session.preview', raw);
      const session = sessions.require(input.sessionId);
      const e = await entryByEttn(session, input.ettn);
      if (!e.xml) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Document ${e.ettn} has no XML yet`, { value: e.erpNumber });
      await staffAudit(session, 'documents.preview', { after: { ettn: e.ettn } });
      return { html: await renderInvoiceHtml(e.xml) };
    },

    async 'session.exportXml'(raw) {
      const input = parseInput('session.exportXml', raw);
      const session = sessions.require(input.sessionId);
      const e = await entryByEttn(session, input.ettn);
      if (!e.xml) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Document ${e.ettn} has no XML yet`, { value: e.erpNumber });
      await staffAudit(session, 'documents.exportXml', { after: { ettn: e.ettn } });
      return { fileName: `${e.number ?? e.erpNumber}_${e.ettn}.xml`.replace(/[^A-Za-z0-9_.-]/g, '_'), xml: e.xml };
    },

    async 'settings.get'(raw) {
      const input = parseInput('settings.get', raw);
      const session = sessions.require(input.sessionId);
      await staffAudit(session, 'settings.open');
      return {
        module: session.module,
        target: view(session).target,
        integrator: session.integrator,
        user: session.user,
        connector: connectorSummary(getConnector(session.target.connector)),
      };
    },

    async 'settings.test'(raw) {
      const input = parseInput('settings.test', raw);
      const session = sessions.require(input.sessionId);
      const profile = await latestProfile(session.module);
      const target = { ...input.target, ...(input.target.server === redactServer(session.target.server) ? { server: session.target.server } : {}) };
      try {
        const { test } = await checkTarget(session.module, target, profile);
        const integrator = await checkIntegrator(session, input.integrator);
        await staffAudit(session, 'settings.test', { after: { ok: true } });
        return { ok: true, checks: [...test.checks, { name: 'integrator', ok: true, detail: integrator }], tables: test.tables };
      } catch (e) {
        if (session.staff) await audit(session, 'settings.test', 'failed', { detail: isKonnektorError(e) ? e.code : 'UNEXPECTED' });
        throw e;
      }
    },

    async 'settings.save'(raw) {
      const input = parseInput('settings.save', raw);
      const session = sessions.require(input.sessionId);
      const profile = await latestProfile(session.module);
      const typed = { ...input.target, ...(input.target.server === redactServer(session.target.server) ? { server: session.target.server } : {}) };
      const { target, period } = await checkTarget(session.module, typed, profile);
      const integrator = await checkIntegrator(session, input.integrator);
      const companyVkn = (await companyVknOf(session.module, target)) ?? session.companyVkn ?? '';
      const fiscalYear = period ? Number(period.periodBegin.slice(0, 4)) : (session.fiscalYear ?? now().getFullYear());
      const secretKey = `${session.module}:${companyVkn}:${fiscalYear}`;
      const hasErpSecret = redactServer(target.server) !== target.server;
      if (hasErpSecret && sd.vault) await sd.vault.put(`erp:${secretKey}`, target.server);
      const before = profile ? { target: profile.target, integrator: profile.integrator.endpoint } : undefined;
      const saved = await saveProfile(
        await deps.store(),
        {
          module: session.module,
          companyVkn,
          fiscalYear,
          branch: target.branch ?? '',
          target,
          integrator: { endpoint: integrator, user: session.user, ...(profile?.integrator.secretRef ? { secretRef: profile.integrator.secretRef } : {}) },
          ...(hasErpSecret && sd.vault ? { erpSecretRef: `erp:${secretKey}` } : {}),
        },
        now(),
      );
      sessions.update(session.id, { target, integrator, profileId: saved.id, fiscalYear, ...(companyVkn ? { companyVkn } : {}) });
      const who = actorOf(session);
      await appendAudit(
        await deps.store(),
        { ...who, action: 'settings.save', module: session.module, before, after: { target: saved.target, integrator }, outcome: 'ok' },
        now(),
      );
      return {
        module: session.module,
        target: { ...target, server: redactServer(target.server) },
        integrator,
        user: session.user,
        connector: connectorSummary(getConnector(target.connector)),
      };
    },

    async 'diagnostics.logs'(raw) {
      const input = parseInput('diagnostics.logs', raw);
      const session = sessions.requireStaff(input.sessionId);
      await staffAudit(session, 'diagnostics.logs');
      const dir = sd.logDir;
      if (!dir || !fs.existsSync(dir)) return { lines: [] };
      const files = fs.readdirSync(dir).filter((f) => /^konnektor-.*\.log$/.test(f)).sort();
      const last = files.at(-1);
      if (!last) return { lines: [] };
      const text = fs.readFileSync(path.join(dir, last), 'utf8');
      const lines = text.split('\n').filter(Boolean).slice(-(input.lines ?? 500));
      return { file: last, lines };
    },

    async 'diagnostics.audit'(raw) {
      const input = parseInput('diagnostics.audit', raw);
      const session = sessions.requireStaff(input.sessionId);
      await staffAudit(session, 'diagnostics.audit');
      return listAudit(await deps.store(), input.limit ?? 200);
    },
  };
}
