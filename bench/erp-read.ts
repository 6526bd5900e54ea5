/**
 * Benchmark: build the demo with 100 000 invoices per program (`konnektor demo init --invoices 100000`) and read
 * every outgoing document of every period through each connector (Logo, Netsis, Mikro, ETA). Prints, per connector,
 * documents and lines read, rows/s (header + line rows) and the peak RSS sampled during its read; asserts nothing.
 *   npm run bench:erp [-- --invoices N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ConnectorContext, ErpConnector, FirmPeriod } from '../connectors/contract';
import type { ErpTarget } from '../core/erp/target';
import { listConnectors } from '../connectors/registry';
import { ErpConnections } from '../db/erp';
import { createDemoDatabases } from '../sandbox/demo';
import { demoRegisteredUsers, demoWorld } from '../sandbox/demo/scenario';

const arg = process.argv.indexOf('--invoices');
const invoices = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-'));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

const t0 = performance.now();
const summary = await createDemoDatabases({ dir, invoices, seed: 1 });
console.log(`demo init: ${invoices} invoices per program in ${((performance.now() - t0) / 1000).toFixed(1)} s (RSS ${mib(process.memoryUsage().rss)})`);
for (const name of ['logo', 'netsis', 'mikro', 'eta'] as const) {
  console.log(`  ${name.padEnd(6)} ${summary[name].invoices} invoices, ${summary[name].lines} lines`);
}

const registered = new Set(demoRegisteredUsers(demoWorld(1)).map((u) => u.identifier));
const connections = new ErpConnections();
const ctx: ConnectorContext = { connections, recipients: { isEfaturaUser: async (taxId) => registered.has(taxId) } };

function targetOf(connector: ErpConnector, fp: FirmPeriod): ErpTarget {
  const server = summary.server;
  if (connector.shape === 'firm-period') return { connector: connector.id, server, database: 'LOGODB', firm: fp.firm, period: fp.period };
  if (connector.shape === 'database-per-company') return { connector: connector.id, server, database: fp.database!, fiscalYear: fp.fiscalYear! };
  return { connector: connector.id, server, database: fp.database! };
}

for (const connector of listConnectors()) {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const periods = await connector.listFirmPeriods(
    ctx,
    connector.shape === 'firm-period' ? { connector: connector.id, server: summary.server, database: 'LOGODB' } : { connector: connector.id, server: summary.server },
  );
  let docs = 0;
  let lines = 0;
  const t = performance.now();
  for (const fp of periods) {
    for (const module of ['efatura', 'earsiv'] as const) {
      const read = await connector.readOutgoing(ctx, targetOf(connector, fp), module);
      docs += read.length;
      for (const d of read) lines += d.lines.length;
      peak = Math.max(peak, process.memoryUsage().rss);
    }
  }
  clearInterval(sampler);
  const s = (performance.now() - t) / 1000;
  console.log(
    `read ${connector.id.padEnd(6)} ${docs} outgoing documents, ${lines} lines in ${s.toFixed(2)} s: ` +
      `${Math.round((docs + lines) / s)} rows/s (${Math.round(docs / s)} documents/s), peak RSS ${mib(peak)}`,
  );
}
await connections.closeAll();
fs.rmSync(dir, { recursive: true, force: true });
