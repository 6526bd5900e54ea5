import type { ConnectorRegistry, ErpConnector } from './contract';
import { etaConnector } from './eta';
import { logoConnector } from './logo';
import { mikroConnector } from './mikro';
import { netsisConnector } from './netsis';
import { createConnectorRegistry } from './shared/registry';

export type { ConnectorRegistry } from './contract';
export { createConnectorRegistry } from './shared/registry';

/**
 * Every accounting program Konnektör can read. Adding a program is adding a folder and a line here. Core never
 * imports this list: the API gets it through ApiDeps (runtime/shipped.ts), so the layers stay one-way.
 */
const CONNECTORS: readonly ErpConnector[] = [logoConnector, netsisConnector, mikroConnector, etaConnector];

/** The programs this Konnektör ships. */
export const connectorRegistry: ConnectorRegistry = createConnectorRegistry(CONNECTORS);

export function listConnectors(): readonly ErpConnector[] {
  return connectorRegistry.list();
}

export function getConnector(id: string): ErpConnector {
  return connectorRegistry.get(id);
}
