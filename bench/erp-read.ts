/**
 * Benchmark: build the 100 000-invoice demo (the benchmark input of `konnektor demo init`) and read every
 * outgoing document of every period through each connector. Prints the figures; asserts nothing.
 *   npm run bench:erp [-- --invoices N]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ErpTarget } from '../core/erp/target';
import { listConnectors } from '../connectors/registry';
import { ErpConnections } from '../db/erp';
import { createDemoDatabases } from '../sandbox/demo';

const arg = process.argv.indexOf('--invoices');
const invoices = arg > 0 ? Number(process.argv[arg + 1]) : 100_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-'));

const t0 = performance.now();
const summary = await createDemoDatabases({ dir, invoices, seed: 1 });
const createSeconds = (performance.now() - t0) / 1000;
console.log(`demo init: ${invoices} invoices per program in ${createSeconds.toFixed(1)} s`);
console.log(`  Logo   ${summary.logo.invoices} invoices, ${summary.logo.lines} lines`);
console.log(`  Netsis ${summary.netsis.invoices} invoices, ${summary.netsis.lines} lines`);
console.log(`  peak RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);

const connections = new ErpConnections();
const ctx = { connections };
for (const connector of listConnectors()) {
  const periods = await connector.listFirmPeriods(
    ctx,
    connector.shape === 'firm-period' ? { connector: connector.id, server: summary.server, database: 'LOGODB' } : { connector: connector.id, server: summary.server },
  );
  let docs = 0;
  let lines = 0;
  const t = performance.now();
  for (const fp of periods) {
    const target: ErpTarget =
      connector.shape === 'firm-period'
        ? { connector: connector.id, server: summary.server, database: 'LOGODB', firm: fp.firm, period: fp.period }
        : { connector: connector.id, server: summary.server, database: fp.database! };
    for (const module of ['efatura', 'earsiv'] as const) {
      const read = await connector.readOutgoing(ctx, target, module);
      docs += read.length;
      for (const d of read) lines += d.lines.length;
    }
  }
  const s = (performance.now() - t) / 1000;
  console.log(`read ${connector.id}: ${docs} outgoing documents (${lines} lines) in ${s.toFixed(2)} s = ${((s * 1000) / Math.max(docs, 1)).toFixed(3)} ms/document`);
}
await connections.closeAll();
fs.rmSync(dir, { recursive: true, force: true });
