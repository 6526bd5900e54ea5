import { KonnektorError } from '../../core/errors';
import type { ConnectorRegistry, ErpConnector } from '../contract';

/** A registry over the given programs; ids are matched case-insensitively. */
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
