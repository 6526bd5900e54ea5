import { KonnektorError } from '../../core/errors';
import { netsisErpMigrations } from '../../migrations/erp/netsis';
import type { ErpConnector } from '../contract';

const notYet = (): never => {
  throw new KonnektorError('MODULE_NOT_SUPPORTED', 'Netsis connector under construction');
};

export const netsisConnector: ErpConnector = {
  id: 'netsis',
  title: 'Netsis 3',
  shape: 'database-per-year',
  modules: ['efatura', 'earsiv'],
  erpMigrations: netsisErpMigrations,
  listDatabases: async () => notYet(),
  listFirmPeriods: async () => notYet(),
  testConnection: async () => notYet(),
  readOutgoing: async () => notYet(),
  writeBack: async () => notYet(),
};
