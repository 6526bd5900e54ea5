import { KonnektorError } from '../core/errors';
import type { ErpConnector } from './contract';
import { etaConnector } from './eta';
import { logoConnector } from './logo';
import { mikroConnector } from './mikro';
import { netsisConnector } from './netsis';

/** Every accounting program Konnektör can read. Adding a program is adding a folder and a line here. */
const CONNECTORS: readonly ErpConnector[] = [logoConnector, netsisConnector, mikroConnector, etaConnector];

/** A set of programs, found by id: the shipped ones, or those an API instance is given (tests, embedders). */
export interface ConnectorRegistry {
  list(): readonly ErpConnector[];
  get(id: string): ErpConnector;
}

export function createConnectorRegistry(connectors: readonly ErpConnector[]): ConnectorRegistry {
  return {
    list: () => connectors,
    get(id) {
      const found = connectors.find((c) => c.id === id.trim().toLowerCase());
      if (!found) {
        throw new KonnektorError('CONNECTOR_UNKNOWN', `Unknown connector ${JSON.stringify(id)}; known: ${connectors.map((c) => c.id).join(', ')}`, {
          value: id,
        });
      }
      return found;
    },
  };
}

/** The programs this Konnektör ships. */
export const connectorRegistry = createConnectorRegistry(CONNECTORS);

export function listConnectors(): readonly ErpConnector[] {
  return connectorRegistry.list();
}

export function getConnector(id: string): ErpConnector {
  return connectorRegistry.get(id);
}
