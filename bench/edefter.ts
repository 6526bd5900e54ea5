/**
 * Benchmark: one e-Defter month of 1,000,000 journal lines (Logo, demo database), through the whole local path —
 * read + checks (streamed), GİB XBRL-GL yevmiye and kebir parts (split at 200 MB), QNB CSV parts, then sealing every
 * part and its berat on a SoftHSM2 token. Prints time per phase and the measuring process's peak RSS; asserts nothing.
 * The month is generated first in this process; the measured phases run in a child process so generation does not
 * count towards the peak. The child's V8 heap is capped at 192 MB: a month that needed more would fail, not swell.
 *   npm run bench:edefter [-- --lines N]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { getConnector } from '../connectors/registry';
import { JournalChecker } from '../core/edefter/checks';
import { buildLedger } from '../core/documents/xbrl/ledger';
import { QnbCsvWriter } from '../core/edefter/csv';
import { sealParts } from '../core/edefter/seal';
import { openToken } from '../core/signing/pkcs11';
import { createTestSealToken, findSoftHsm } from '../core/signing/softhsm';
import { ErpConnections } from '../db/erp';
import { createDemoDatabases } from '../sandbox/demo';
import { demoEdefterSettings, writeLogoLedger } from '../sandbox/demo/ledger';
import { demoJournal, type DemoJournalEntry } from '../sandbox/demo/journal';
import { demoWorld } from '../sandbox/demo/scenario';

const YEAR = 2026;
const argv = process.argv;
const arg = (name: string) => (argv.indexOf(name) > 0 ? argv[argv.indexOf(name) + 1] : undefined);
const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

if (arg('--measure')) {
  await measure(arg('--measure')!);
} else {
  const lines = Number(arg('--lines') ?? 1_000_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-bench-edefter-'));
  const t0 = performance.now();
  await createDemoDatabases({ dir: path.join(dir, 'erp'), invoices: 12, seed: 1, year: YEAR });
  const world = demoWorld(1);
  // Firm 002, period 02: January replaced by one month of `lines` lines.
  const db = new Database(path.join(dir, 'erp', 'LOGODB.sqlite'));
  db.exec('DROP TABLE LG_002_02_EMFICHE; DROP TABLE LG_002_02_EMFLINE;');
  db.close();
  function* month(): Generator<DemoJournalEntry> {
    let n = 0;
    for (const e of demoJournal(world, { seed: 1, company: world.companies[1]!, year: YEAR, toMonth: 1, entriesPerMonth: Math.ceil(lines / 2.3), faults: false })) {
      if (n >= lines) return;
      n += e.lines.length;
      yield e;
    }
  }
  const written = writeLogoLedger(path.join(dir, 'erp'), world, '002', '02', { seed: 1, company: world.companies[1]!, year: YEAR, toMonth: 1 }, month());
  console.log(`generated: ${written.entries} vouchers, ${written.lines} lines in ${((performance.now() - t0) / 1000).toFixed(1)} s (not measured)`);
  let tokenFile: string | undefined;
  if (findSoftHsm()) {
    const t = await createTestSealToken({ dir: path.join(dir, 'hsm'), label: 'bench', pin: '1234', soPin: '87654321', commonName: world.companies[1]!.name, taxId: world.companies[1]!.vkn });
    tokenFile = path.join(dir, 'token.json');
    fs.writeFileSync(tokenFile, JSON.stringify(t));
  } else console.log('SoftHSM2 is not installed: sealing is not measured');
  fs.writeFileSync(path.join(dir, 'bench.json'), JSON.stringify({ dir, tokenFile }));
  const child = spawnSync(process.execPath, ['--max-old-space-size=192', '--import', 'tsx', fileURLToPath(import.meta.url), '--measure', path.join(dir, 'bench.json')], { stdio: 'inherit' });
  fs.rmSync(dir, { recursive: true, force: true });
  process.exitCode = child.status ?? 1;
}

async function measure(benchFile: string): Promise<void> {
  const { dir, tokenFile } = JSON.parse(fs.readFileSync(benchFile, 'utf8')) as { dir: string; tokenFile?: string };
  const world = demoWorld(1);
  const settings = demoEdefterSettings(world, 1, YEAR);
  const connections = new ErpConnections();
  const logo = getConnector('logo');
  const target = { connector: 'logo', server: `sqlite:${path.join(dir, 'erp')}`, database: 'LOGODB', firm: '002', period: '02' };
  const range = { from: `${YEAR}-01-01`, to: `${YEAR}-01-31` };
  const chart = await logo.readChartOfAccounts!({ connections }, target);
  const phases: [string, number][] = [];
  const total = performance.now();
  const cpu: number[] = [];
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const c = process.cpuUsage();
    const r = await work();
    phases.push([name, (performance.now() - t) / 1000]);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1e6);
    return r;
  };

  const summary = await timed('read + checks', async () => {
    const checker = new JournalChecker({ month: `${YEAR}-01`, previousJournalNo: 0, chart, numberingJob: 'Yevmiye madde numaralama' });
    for await (const e of logo.readJournal!({ connections }, target, range)) checker.check(e);
    return checker.finish();
  });
  const out = path.join(dir, 'out');
  // As `konnektor edefter build` does it: one pass over the journal writes the XBRL-GL parts and the CSV parts.
  const csvWriter = new QnbCsvWriter({ settings, month: `${YEAR}-01`, chart, outDir: path.join(out, 'csv') });
  const built = await timed('build: XBRL-GL Y + K and QNB CSV, one pass', () =>
    buildLedger(logo.readJournal!({ connections }, target, range), {
      settings, month: `${YEAR}-01`, creationDate: `${YEAR}-02-05`, chart, previousUniqueSeq: 0, previousLineNumber: 0, version: 'bench', outDir: out, onEntry: (e) => csvWriter.add(e),
    }),
  );
  const csv = await csvWriter.finish();
  if (tokenFile) {
    const t = JSON.parse(fs.readFileSync(tokenFile, 'utf8')) as { module: string; slot: number; pin: string; conf: string };
    process.env.SOFTHSM2_CONF = t.conf;
    const session = openToken(t.module, t.slot, t.pin);
    try {
      const cert = session.certificates()[0]!;
      await timed('seal Y, K and their berats (SoftHSM2)', () =>
        sealParts(built.parts, { settings, month: `${YEAR}-01`, certificate: cert, sign: (d) => session.sign(cert.id, d), now: new Date(), creationDate: `${YEAR}-02-05`, version: 'bench', outDir: out }),
      );
    } finally {
      session.close();
    }
  }
  await connections.closeAll();
  const seconds = (performance.now() - total) / 1000;
  const bytes = built.parts.reduce((a, p) => a + p.y.bytes + p.k.bytes, 0);
  console.log(`month: ${summary.entries} vouchers, ${summary.lines} lines, checks ${summary.ok ? 'passed' : `found ${summary.issues.length} issues`}`);
  console.log(`parts: ${built.parts.length} (Y+K ${mib(bytes)} in all, largest ${mib(Math.max(...built.parts.map((p) => Math.max(p.y.bytes, p.k.bytes))))}); CSV: ${csv.length} zips, ${mib(csv.reduce((a, c) => a + c.bytes, 0))}`);
  // CPU seconds alongside wall time: on a shared machine the wall time mostly measures the other processes.
  phases.forEach(([name, s], i) => console.log(`  ${name.padEnd(44)} ${s.toFixed(1)} s wall, ${cpu[i]!.toFixed(1)} s CPU`));
  console.log(`total ${seconds.toFixed(1)} s wall, ${cpu.reduce((a, b) => a + b, 0).toFixed(1)} s CPU (goal ≤ 120 s on 2 cores), peak RSS ${mib(process.resourceUsage().maxRSS * 1024)} (goal ≤ 300 MB)`);
  console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
}
