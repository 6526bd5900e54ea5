import fs from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import path from 'node:path';
import type { ZodError } from 'zod';
import { chooseAlias, replaceRegistry } from '../../db/registry';
import type { LocalStore } from '../../db/local';
import { exportInvoices, type ExportReport } from '../documents/export';
import { loadGibCodelists, type GibCodelists } from '../documents/gibCodelists';
import type { DocumentIssue } from '../documents/issues';
import { validatePrefix } from '../documents/numbering';
import { readDefaultInvoiceXslt, renderInvoiceHtml } from '../documents/preview';
import { parseUserList } from '../documents/userList';
import { createValidator, type DocumentKind, type DocumentValidator } from '../validation';
import { createIntegratorClients } from '../integrator';
import { endpointsFromBase } from '../integrator/types';
import { runSend, type SendRunOptions, type SendRunSummary } from '../outbox';
import { locateGibPackage } from '../validation/gibPackage';
import { listConnectors, getConnector } from '../../connectors/registry';
import type { ConnectionTestResult, ConnectorShape, DatabaseInfo, FirmPeriod } from '../../connectors/contract';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases, type DemoSummary } from '../../sandbox/demo';
import type { CanonicalDocument } from '../documents/model';
import { normalizeTarget, redactServer } from '../erp/target';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import { isModule, type Module } from '../modules';
import { apiSchemas, isoDate, type ApiInput, type ApiMethod } from './schemas';
import { createYearEndHandlers, type YearEndApi } from './yearend';
import { createSessionHandlers, onlyDocuments, type SessionApi, type SessionDeps } from './session';

export interface ConnectorSummary {
  id: string;
  title: string;
  shape: ConnectorShape;
  modules: readonly Module[];
}

export interface OutboxStatusReport {
  counts: Record<string, number>;
  documents: { module: string; erpNumber: string; number?: string; ettn: string; state: string; gibCode?: string; message?: string; updatedAt: string }[];
}

export interface FileValidation {
  file: string;
  kind: DocumentKind;
  valid: boolean;
  issues: DocumentIssue[];
}

export interface KonnektorApi extends SessionApi, YearEndApi {
  'connectors.list'(input: ApiInput<'connectors.list'>): Promise<ConnectorSummary[]>;
  'erp.listDatabases'(input: ApiInput<'erp.listDatabases'>): Promise<DatabaseInfo[]>;
  'erp.listFirmPeriods'(input: ApiInput<'erp.listFirmPeriods'>): Promise<FirmPeriod[]>;
  'erp.testConnection'(input: ApiInput<'erp.testConnection'>): Promise<ConnectionTestResult>;
  'documents.listOutgoing'(input: ApiInput<'documents.listOutgoing'>): Promise<CanonicalDocument[]>;
  'demo.init'(input: ApiInput<'demo.init'>): Promise<DemoSummary>;
  'documents.export'(input: ApiInput<'documents.export'>): Promise<ExportReport>;
  'documents.validate'(input: ApiInput<'documents.validate'>): Promise<FileValidation[]>;
  'documents.preview'(input: ApiInput<'documents.preview'>): Promise<{ html: string }>;
  'documents.send'(input: ApiInput<'documents.send'>): Promise<SendRunSummary>;
  'outbox.status'(input: ApiInput<'outbox.status'>): Promise<OutboxStatusReport>;
  'registry.import'(input: ApiInput<'registry.import'>): Promise<{ users: number; source: string }>;
  'registry.chooseAlias'(input: ApiInput<'registry.chooseAlias'>): Promise<{ identifier: string; alias: string }>;
}

/** The API plus its life cycle: `close` releases validation workers. */
export type KonnektorService = KonnektorApi & { close(): Promise<void> };

export interface ApiDeps {
  connections: ErpConnections;
  /** Konnektör's local store, opened on first use. */
  store: () => Promise<LocalStore>;
  /** Settings: the GİB package folder (default: located by core/validation), series prefixes per module. */
  settings?: { gibPackage?: string; prefixes?: Partial<Record<'efatura' | 'earsiv', string>> };
  now?: () => Date;
  /** Progress of `documents.send` (the CLI draws its progress bar from it). */
  onSendEvent?: SendRunOptions['onEvent'];
  /** The CLI's administrator (OS user) for year-end calls without a session; the app and browser mode never set it. */
  localActor?: { user: string; staff: false };
  /** Login, sessions, vault and the desktop app's defaults (core/api/session.ts). */
  session?: SessionDeps;
}

/** Default series prefixes until the company sets its own (3 of A-Z/0-9, separate per module). */
export const DEFAULT_PREFIXES = { efatura: 'KNF', earsiv: 'KNA' } as const;

function describeZod(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}

/** Validates the raw input of one method with its schema; a failure is INPUT_INVALID naming the fields. */
export function parseInput<M extends ApiMethod>(method: M, input: unknown): ApiInput<M> {
  const result = apiSchemas[method].safeParse(input ?? {});
  if (!result.success) {
    throw new KonnektorError('INPUT_INVALID', `${method}: ${describeZod(result.error)}`, { fields: result.error.issues.map((i) => i.path.join('.')) });
  }
  return result.data as ApiInput<M>;
}

function moduleOf(value: string): Module {
  const m = value.trim().toLowerCase();
  if (!isModule(m)) throw new KonnektorError('MODULE_UNKNOWN', `Unknown module ${JSON.stringify(value)}`, { value });
  return m;
}

function dateOf(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!isoDate.safeParse(value).success || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new KonnektorError('ERP_DATE_INVALID', `Not a YYYY-MM-DD date: ${JSON.stringify(value)}`, { value });
  }
  return value;
}

/**
 * The single entry point of every user action. Electron IPC, the browser bridge and the CLI are thin adapters
 * over this object: each method validates its input with the schema of the same name, then delegates.
 */
export function createKonnektorApi(deps: ApiDeps): KonnektorService {
  const ctx = { connections: deps.connections };
  let validator: Promise<DocumentValidator> | undefined;
  const getValidator = () => (validator ??= createValidator(deps.settings?.gibPackage ? { gibPackage: deps.settings.gibPackage } : {}));
  /** A company's own view stylesheet: an XSLT 1.0 document, embedded under its file name. */
  const companyView = (file: string) => {
    const content = readFile(file);
    let root: Element | null = null;
    try {
      root = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(content, 'text/xml').documentElement;
    } catch (e) {
      throw new KonnektorError('INVOICE_VIEW_FAILED', `${file} is not well-formed XML: ${(e as Error).message}`, { value: file });
    }
    const XSL = 'http://www.w3.org/1999/XSL/Transform';
    if (!root || root.namespaceURI !== XSL || !['stylesheet', 'transform'].includes(root.localName ?? '') || root.getAttribute('version') !== '1.0') {
      throw new KonnektorError('INVOICE_VIEW_FAILED', `${file} is not an XSLT 1.0 stylesheet (recipients' viewers run XSLT 1.0)`, { value: file });
    }
    const name = path.basename(file).replace(/\.xslt?$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'fatura';
    return { name, content };
  };
  const readFile = (file: string): string => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new KonnektorError('FILE_NOT_FOUND', `Cannot read ${file}: ${(e as Error).message}`, { value: file });
    }
  };
  let codelists: GibCodelists | undefined;
  /**
   * What an export and a send share: the invoice module, the normalised target and its connector, and the document
   * layer's options (dates, series prefix, validator, GİB code lists read once, Konnektör's view stylesheet).
   */
  const invoiceRun = async (
    input: { module: string; target: ApiInput<'documents.export'>['target']; from?: string; to?: string; prefix?: string; iban?: string },
    verb: 'Export' | 'Sending',
  ) => {
    const module = moduleOf(input.module);
    if (module !== 'efatura' && module !== 'earsiv') {
      throw new KonnektorError('MODULE_NOT_SUPPORTED', `${verb} of ${module} documents is not built yet`, { value: module });
    }
    const target = normalizeTarget(input.target);
    const from = dateOf(input.from);
    const to = dateOf(input.to);
    const connector = getConnector(target.connector);
    const prefix = validatePrefix(input.prefix ?? deps.settings?.prefixes?.[module] ?? DEFAULT_PREFIXES[module]);
    const validator = await getValidator();
    codelists ??= loadGibCodelists(locateGibPackage(deps.settings?.gibPackage));
    return {
      module,
      target,
      connector,
      export: {
        filter: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
        prefix,
        validator,
        codelists,
        view: { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() },
        ...(input.iban ? { iban: input.iban } : {}),
        ...(deps.now ? { now: deps.now() } : {}),
      },
    };
  };
  const handlers: KonnektorApi = {
    ...createYearEndHandlers(deps),
    ...createSessionHandlers(deps, () => wrapped),
    async 'connectors.list'() {
      return listConnectors().map((c) => ({ id: c.id, title: c.title, shape: c.shape, modules: c.modules }));
    },
    async 'erp.listDatabases'(raw) {
      const input = parseInput('erp.listDatabases', raw);
      return getConnector(input.connector).listDatabases(ctx, input.server);
    },
    async 'erp.listFirmPeriods'(raw) {
      const input = parseInput('erp.listFirmPeriods', raw);
      const target = normalizeTarget(input.target);
      return getConnector(target.connector).listFirmPeriods(ctx, target);
    },
    async 'erp.testConnection'(raw) {
      const input = parseInput('erp.testConnection', raw);
      const module = moduleOf(input.module);
      const target = normalizeTarget(input.target);
      const connector = getConnector(target.connector);
      if (!connector.modules.includes(module)) {
        throw new KonnektorError('MODULE_NOT_SUPPORTED', `${connector.title} does not support ${module}`, { value: module });
      }
      return connector.testConnection(ctx, target, module);
    },
    async 'documents.listOutgoing'(raw) {
      const input = parseInput('documents.listOutgoing', raw);
      const module = moduleOf(input.module);
      const target = normalizeTarget(input.target);
      const from = dateOf(input.from);
      const to = dateOf(input.to);
      const connector = getConnector(target.connector);
      if (!connector.modules.includes(module)) {
        throw new KonnektorError('MODULE_NOT_SUPPORTED', `${connector.title} does not support ${module}`, { value: module });
      }
      return connector.readOutgoing(ctx, target, module, {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(input.limit !== undefined ? { limit: input.limit } : {}),
        ...(input.offset !== undefined ? { offset: input.offset } : {}),
      });
    },
    async 'demo.init'(raw) {
      const input = parseInput('demo.init', raw);
      return createDemoDatabases(input);
    },
    async 'documents.export'(raw) {
      const input = parseInput('documents.export', raw);
      const run = await invoiceRun(input, 'Export');
      return exportInvoices({
        ...run.export,
        store: await deps.store(),
        connections: deps.connections,
        connector: run.connector,
        target: run.target,
        module: run.module,
        outDir: path.resolve(input.outDir),
        ...(input.viewXslt ? { view: companyView(input.viewXslt) } : {}),
      });
    },
    async 'documents.send'(raw) {
      const input = parseInput('documents.send', raw);
      const { module, target, connector, export: exportOptions } = await invoiceRun(input, 'Sending');
      const clients = createIntegratorClients({
        endpoints: endpointsFromBase(input.integrator),
        credentials: { user: input.user, password: input.password, ...(input.auth ? { auth: input.auth } : {}) },
        erpCode: input.erpCode ?? 'KONNEKTOR',
        ...(input.timeoutSec ? { timeoutMs: Math.round(input.timeoutSec * 1000) } : {}),
        ...(input.ratePerMinute ? { ratePerMinute: input.ratePerMinute } : {}),
      });
      try {
        return await runSend({
          store: await deps.store(),
          ctx,
          connector: input.refs ? onlyDocuments(connector, input.refs) : connector,
          target,
          module,
          efatura: clients.efatura,
          earsiv: clients.earsiv,
          export: exportOptions,
          ...(input.wait ? { wait: true } : {}),
          ...(input.concurrency ? { concurrency: input.concurrency } : {}),
          ...(input.deadlineSec ? { deadlineMs: input.deadlineSec * 1000 } : {}),
          ...(input.pollIntervalMs ? { pollIntervalMs: input.pollIntervalMs } : {}),
          ...(input.retryBaseMs ? { backoffMs: input.retryBaseMs } : {}),
          ...(deps.onSendEvent ? { onEvent: deps.onSendEvent } : {}),
        });
      } finally {
        await clients.close();
      }
    },
    async 'outbox.status'(raw) {
      const input = parseInput('outbox.status', raw);
      const module = input.module ? moduleOf(input.module) : undefined;
      const db = await deps.store();
      const q = db('outbox').orderBy('id', 'desc').limit(input.limit ?? 1000);
      if (module) q.where('module', module);
      const rows = (await q) as Record<string, unknown>[];
      const counts: Record<string, number> = {};
      const countRows = (await db('outbox').modify((b) => { if (module) b.where('module', module); }).select('state').count({ n: '*' }).groupBy('state')) as { state: string; n: number }[];
      for (const r of countRows) counts[r.state] = Number(r.n);
      return {
        counts,
        documents: rows.map((r) => ({
          module: String(r.module),
          erpNumber: String(r.erp_number),
          ...(r.number ? { number: String(r.number) } : {}),
          ettn: String(r.ettn),
          state: String(r.state),
          ...(r.gib_code ? { gibCode: String(r.gib_code) } : {}),
          ...(r.error_detail ?? r.gib_message ? { message: String(r.error_detail ?? r.gib_message) } : {}),
          updatedAt: String(r.updated_at),
        })),
      };
    },
    async 'documents.validate'(raw) {
      const input = parseInput('documents.validate', raw);
      const docs = input.files.map((file) => {
        const xml = readFile(file);
        // e-Arşiv invoices carry ProfileID EARSIVFATURA and need the schematron's earchive mode.
        const kind: DocumentKind = input.type ?? (/<(?:\w+:)?ProfileID>\s*EARSIVFATURA\s*</.test(xml) ? 'earchive' : 'efatura');
        return { file, xml, kind };
      });
      const results = await (await getValidator()).validateMany(docs.map(({ xml, kind }) => ({ xml, kind })));
      return docs.map((d, i) => ({ file: d.file, kind: d.kind, valid: results[i]!.valid, issues: results[i]!.issues }));
    },
    async 'documents.preview'(raw) {
      const input = parseInput('documents.preview', raw);
      return { html: await renderInvoiceHtml(readFile(input.file), input.defaultView ? { useEmbedded: false } : {}) };
    },
    async 'registry.import'(raw) {
      const input = parseInput('registry.import', raw);
      const users = parseUserList(readFile(input.file));
      const count = await replaceRegistry(await deps.store(), users, path.basename(input.file));
      return { users: count, source: input.file };
    },
    async 'registry.chooseAlias'(raw) {
      const input = parseInput('registry.chooseAlias', raw);
      await chooseAlias(await deps.store(), input.identifier, input.alias, input.actor);
      return { identifier: input.identifier, alias: input.alias };
    },
  };
  // Every call is logged without secrets; failures keep their English detail in the log.
  const wrapped = Object.fromEntries(
    Object.entries(handlers).map(([name, fn]) => [
      name,
      async (input: unknown) => {
        try {
          return await (fn as (i: unknown) => Promise<unknown>)(input);
        } catch (e) {
          const server = (input as { server?: unknown; target?: { server?: unknown } })?.target?.server ?? (input as { server?: unknown })?.server;
          logger.warn('api call failed', {
            method: name,
            code: e instanceof KonnektorError ? e.code : 'UNEXPECTED',
            detail: e instanceof Error ? e.message : String(e),
            ...(typeof server === 'string' ? { server: redactServer(server) } : {}),
          });
          throw e;
        }
      },
    ]),
  ) as unknown as KonnektorApi;
  return Object.assign(wrapped, {
    async close() {
      const v = validator;
      validator = undefined;
      if (v) await (await v.catch(() => undefined))?.close();
    },
  });
}
