import type { ErpConnector } from '../../connectors/contract';

/** A connector that reads only the given ERP documents: the multi-select of the document screen. */
export function onlyDocuments(connector: ErpConnector, keys: readonly string[]): ErpConnector {
  const wanted = new Set(keys);
  return {
    ...connector,
    listDatabases: connector.listDatabases.bind(connector),
    listFirmPeriods: connector.listFirmPeriods.bind(connector),
    testConnection: connector.testConnection.bind(connector),
    writeBack: connector.writeBack.bind(connector),
    async readOutgoing(ctx, target, module, filter) {
      if (wanted.size === 0) return [];
      const { limit: _l, offset: _o, ...rest } = filter ?? {};
      return (await connector.readOutgoing(ctx, target, module, rest)).filter((d) => wanted.has(d.ref.key));
    },
  };
}
