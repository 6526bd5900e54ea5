import { listConnectors } from '../connectors/registry';
import type { ApiDeps } from '../core/api';
import { createDemoDatabases } from '../sandbox/demo';

/**
 * What this Konnektör ships, handed to the API through its dependencies: the accounting programs it reads and the
 * generator of the embedded demo databases. core/ imports neither, so the layers stay one-way (docs/ARCHITECTURE.md).
 */
export const SHIPPED: Pick<ApiDeps, 'connectors' | 'demo'> = {
  connectors: listConnectors(),
  demo: createDemoDatabases,
};
