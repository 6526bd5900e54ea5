import type { ConnectionTestResult, ConnectorShape, DatabaseInfo, ErpConnector, FirmPeriod, OutgoingFilter } from '../../connectors/contract';
import type { KindSummary } from '../documents/kinds';
import type { CanonicalDocument } from '../documents/model';
import { normalizeTarget, type ErpTarget } from '../erp/target';
import { MODULES, type Module } from '../modules';
import type { ApiContext } from './context';
import { moduleOf, type ParsedInput } from './input';

/** An accounting program as the screens list it, with what it can serve. */
export interface ConnectorSummary {
  id: string;
  title: string;
  shape: ConnectorShape;
  /** Whether the program's documents carry a branch (şube) the login and settings may name. */
  branches: boolean;
  /** The modules a user of this program can log into (registry + the program's capability map). */
  modules: readonly Module[];
  /** Per document kind the program reads: the kind, and what it writes back. */
  documentKinds: (KindSummary & { writeBack: readonly string[] })[];
}

export interface ErpHandlers {
  'connectors.list'(input: ParsedInput<'connectors.list'>): Promise<ConnectorSummary[]>;
  'erp.listDatabases'(input: ParsedInput<'erp.listDatabases'>): Promise<DatabaseInfo[]>;
  'erp.listFirmPeriods'(input: ParsedInput<'erp.listFirmPeriods'>): Promise<FirmPeriod[]>;
  'erp.testConnection'(input: ParsedInput<'erp.testConnection'>): Promise<ConnectionTestResult>;
}

export function connectorSummary(ctx: ApiContext, c: ErpConnector): ConnectorSummary {
  return {
    id: c.id,
    title: c.title,
    shape: c.shape,
    branches: c.branchColumn !== undefined,
    modules: MODULES.filter((m) => ctx.kinds.serves(c, m)),
    documentKinds: ctx.kinds
      .list()
      .filter((k) => c.documentKinds[k.id]?.read)
      .map((k) => ({ ...ctx.kinds.summary(k), writeBack: c.documentKinds[k.id]!.writeBack })),
  };
}

/**
 * The program of a target, when it can serve the module; otherwise CONNECTOR_MODULE_NOT_SUPPORTED naming both
 * (e.g. "e-Defter modülü Logo Tiger / Go ile henüz kullanılamıyor").
 */
export function connectorFor(ctx: ApiContext, target: ErpTarget, module: Module): ErpConnector {
  const connector = ctx.connectors.get(target.connector);
  ctx.kinds.requireServed(connector, module);
  return connector;
}

/** "Bağlantıyı Test Et": reachable, logged in, the module's tables and columns there. */
export function testConnection(ctx: ApiContext, target: ErpTarget, module: Module): Promise<ConnectionTestResult> {
  return connectorFor(ctx, target, module).testConnection(ctx.erp, target, module);
}

/** "Firma/Dönem Ara". */
export function listFirmPeriods(ctx: ApiContext, target: ErpTarget): Promise<FirmPeriod[]> {
  return ctx.connectors.get(target.connector).listFirmPeriods(ctx.erp, target);
}

/** "Veri tabanı Ara". */
export function listDatabases(ctx: ApiContext, connector: string, server: string): Promise<DatabaseInfo[]> {
  return ctx.connectors.get(connector).listDatabases(ctx.erp, server);
}

/** The module's documents the ERP has not sent yet. */
export function readOutgoing(ctx: ApiContext, target: ErpTarget, module: Module, filter: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
  return connectorFor(ctx, target, module).readOutgoing(ctx.erp, target, module, filter);
}

export function createErpHandlers(ctx: ApiContext): ErpHandlers {
  return {
    async 'connectors.list'() {
      return ctx.connectors.list().map((c) => connectorSummary(ctx, c));
    },
    async 'erp.listDatabases'(input) {
      return listDatabases(ctx, input.connector, input.server);
    },
    async 'erp.listFirmPeriods'(input) {
      return listFirmPeriods(ctx, normalizeTarget(input.target));
    },
    async 'erp.testConnection'(input) {
      const module = moduleOf(input.module);
      return testConnection(ctx, normalizeTarget(input.target), module);
    },
  };
}
