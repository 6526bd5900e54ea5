import type { ZodError } from 'zod';
import { listConnectors, getConnector } from '../../connectors/registry';
import type { ConnectionTestResult, DatabaseInfo, FirmPeriod } from '../../connectors/contract';
import { ErpConnections } from '../../db/erp';
import { createDemoDatabases, type DemoSummary } from '../../sandbox/demo';
import type { CanonicalDocument } from '../documents/model';
import { normalizeTarget, redactServer } from '../erp/target';
import { KonnektorError } from '../errors';
import { logger } from '../logging';
import { isModule, type Module } from '../modules';
import { apiSchemas, isoDate, type ApiInput, type ApiMethod } from './schemas';

export interface ConnectorSummary {
  id: string;
  title: string;
  shape: 'firm-period' | 'database-per-year';
  modules: readonly Module[];
}

export interface KonnektorApi {
  'connectors.list'(input: ApiInput<'connectors.list'>): Promise<ConnectorSummary[]>;
  'erp.listDatabases'(input: ApiInput<'erp.listDatabases'>): Promise<DatabaseInfo[]>;
  'erp.listFirmPeriods'(input: ApiInput<'erp.listFirmPeriods'>): Promise<FirmPeriod[]>;
  'erp.testConnection'(input: ApiInput<'erp.testConnection'>): Promise<ConnectionTestResult>;
  'documents.listOutgoing'(input: ApiInput<'documents.listOutgoing'>): Promise<CanonicalDocument[]>;
  'demo.init'(input: ApiInput<'demo.init'>): Promise<DemoSummary>;
}

export interface ApiDeps {
  connections: ErpConnections;
}

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
export function createKonnektorApi(deps: ApiDeps): KonnektorApi {
  const ctx = { connections: deps.connections };
  const handlers: KonnektorApi = {
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
  };
  // Every call is logged without secrets; failures keep their English detail in the log.
  return Object.fromEntries(
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
}
