import { KonnektorError } from '../core/errors';
import type { ErpConnector } from './contract';
import { etaConnector } from './eta';
import { logoConnector } from './logo';
import { mikroConnector } from './mikro';
import { netsisConnector } from './netsis';

/** Every accounting program Konnektör can read. Adding a program is adding a folder and a line here. */
const CONNECTORS: readonly ErpConnector[] = [logoConnector, netsisConnector, mikroConnector, etaConnector];

export function listConnectors(): readonly ErpConnector[] {
  return CONNECTORS;
}

export function getConnector(id: string): ErpConnector {
  const found = CONNECTORS.find((c) => c.id === id.trim().toLowerCase());
  if (!found) {
    throw new KonnektorError('CONNECTOR_UNKNOWN', `Unknown connector ${JSON.stringify(id)}; known: ${CONNECTORS.map((c) => c.id).join(', ')}`, {
      value: id,
    });
  }
  return found;
}
