import type { ConnectionTestResult, ConnectorShape, DatabaseInfo, ErpConnector, FirmPeriod, OutgoingFilter } from '../../connectors/contract';
import { getConnector, listConnectors } from '../../connectors/registry';
import type { CanonicalDocument } from '../documents/model';
import { normalizeTarget, type ErpTarget } from '../erp/target';
import { KonnektorError } from '../errors';
import type { Module } from '../modules';
import type { ApiContext } from './context';
import { moduleOf, type ParsedInput } from './input';

/** An accounting program as the screens list it. */
export interface ConnectorSummary {
  id: string;
  title: string;
  shape: ConnectorShape;
  modules: readonly Module[];
}

export interface ErpHandlers {
  'connectors.list'(input: ParsedInput<'connectors.list'>): Promise<ConnectorSummary[]>;
  'erp.listDatabases'(input: ParsedInput<'erp.listDatabases'>): Promise<DatabaseInfo[]>;
  'erp.listFirmPeriods'(input: ParsedInput<'erp.listFirmPeriods'>): Promise<FirmPeriod[]>;
  'erp.testConnection'(input: ParsedInput<'erp.testConnection'>): Promise<ConnectionTestResult>;
}

export function connectorSummary(c: ErpConnector): ConnectorSummary {
  return { id: c.id, title: c.title, shape: c.shape, modules: c.modules };
}

/** The connector of a target that reads the module's documents; MODULE_NOT_SUPPORTED when it does not. */
export function connectorFor(target: ErpTarget, module: Module): ErpConnector {
  const connector = getConnector(target.connector);
  if (!connector.modules.includes(module)) {
    throw new KonnektorError('MODULE_NOT_SUPPORTED', `${connector.title} does not support ${module}`, { value: module });
  }
  return connector;
}

/** "Bağlantıyı Test Et": reachable, logged in, the module's tables and columns there. */
export function testConnection(ctx: ApiContext, target: ErpTarget, module: Module): Promise<ConnectionTestResult> {
  return connectorFor(target, module).testConnection(ctx.erp, target, module);
}

/** "Firma/Dönem Ara". */
export function listFirmPeriods(ctx: ApiContext, target: ErpTarget): Promise<FirmPeriod[]> {
  return getConnector(target.connector).listFirmPeriods(ctx.erp, target);
}

/** "Veri tabanı Ara". */
export function listDatabases(ctx: ApiContext, connector: string, server: string): Promise<DatabaseInfo[]> {
  return getConnector(connector).listDatabases(ctx.erp, server);
}

/** The module's documents the ERP has not sent yet. */
export function readOutgoing(ctx: ApiContext, target: ErpTarget, module: Module, filter: OutgoingFilter = {}): Promise<CanonicalDocument[]> {
  return connectorFor(target, module).readOutgoing(ctx.erp, target, module, filter);
}

export function createErpHandlers(ctx: ApiContext): ErpHandlers {
  return {
    async 'connectors.list'() {
      return listConnectors().map(connectorSummary);
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
