import fs from 'node:fs';
import path from 'node:path';
import { makeFolder } from '../../core/folders';
import { KonnektorError } from '../../core/errors';
import { turkeyDateTime } from '../../core/time';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { logoErpMigrations } from '../../migrations/erp/logo';
import { netsisErpMigrations } from '../../migrations/erp/netsis';
import { createLogoDemo, openFollowingLogoPeriods, recordLogoDemoSent } from './logo';
import { createNetsisDemo } from './netsis';
import { createMikroDemo, mikroDemoPlan, mikroMasterOf, writeMikroLedger } from './mikro';
import { createEtaDemo } from './eta';
import { writeUserList } from '../../core/documents/userList';
import { demoRegisteredUsers, demoWorld } from './scenario';
import { demoJournalLastMonth } from './journal';
import { demoEdefterSettings, writeLogoLedger, writeNetsisLedger } from './ledger';
import { createTestSealToken, findSoftHsm } from '../../core/signing/softhsm';

/** The demo token's PIN: a test seal on SoftHSM2, never a real one. */
export const DEMO_TOKEN_PIN = '1234';
import { netsisDemoPlan } from './netsis';

/** GİB's registered-user list of the demo customers (what the integrator would return). */
export const USER_LIST_FILE = 'gib-kullanici-listesi.xml';
/** The demo folder's list of the files `demo init` created: the only files `--force` deletes. */
export const DEMO_MANIFEST = 'konnektor-demo.json';

function demoFilesOf(dir: string): Set<string> {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, DEMO_MANIFEST), 'utf8')) as { files?: unknown };
    const files = Array.isArray(manifest.files) ? manifest.files : [];
    // Plain names inside the folder only: a manifest can never point elsewhere.
    return new Set(files.filter((f): f is string => typeof f === 'string' && f !== '' && path.basename(f) === f && f !== '.' && f !== '..'));
  } catch {
    return new Set();
  }
}

export interface DemoOptions {
  dir: string;
  invoices?: number;
  seed?: number;
  /** The "this year" of the demo; defaults to the current year in Türkiye. */
  year?: number;
  /** Replace demo databases already in the folder. */
  force?: boolean;
  /** Where SoftHSM2 is installed, prepare a token with a self-issued test seal and write edefter-token.json. */
  edefterToken?: boolean;
  /**
   * For a demo whose "this year" lies in the past: open the Logo firms' periods of the years since (empty, as the
   * program's new-year transfer leaves them), so the first login of today shows the year-end wizard.
   */
  openFollowingYears?: boolean;
}

export interface DemoSummary {
  dir: string;
  server: string;
  year: number;
  seed: number;
  logo: { databases: string[]; invoices: number; lines: number; despatches: number };
  netsis: { databases: string[]; invoices: number; lines: number };
  mikro: { databases: string[]; invoices: number; lines: number };
  eta: { databases: string[]; invoices: number; lines: number };
  /** The registered-user list file (import it with `konnektor registry import`). */
  userList: string;
  /** This year's journal (e-Defter), per program: vouchers and lines written, and the last month covered. */
  ledger: { logo: { entries: number; lines: number }; netsis: { entries: number; lines: number }; mikro: { entries: number; lines: number }; lastMonth: number };
  /** e-Defter settings of the demo companies, ready for `konnektor edefter settings --file`. */
  edefterSettings: string[];
  /** The SoftHSM2 test seal (module, slot, PIN, SOFTHSM2_CONF), when prepared. */
  edefterToken?: string;
  seconds: number;
}


/**
 * Creates the bundled demo accounting databases in `dir`: Logo LOGODB; Netsis NETSIS + company databases; Mikro
 * MikroDB_V17 + company databases; ETA ETA_MASTERV8 + company-year databases — the same books in each program.
 */
export async function createDemoDatabases(options: DemoOptions): Promise<DemoSummary> {
  const started = performance.now();
  const invoices = options.invoices ?? 60;
  const seed = options.seed ?? 1;
  const year = options.year ?? turkeyDateTime().year;
  if (!Number.isInteger(invoices) || invoices < 1 || invoices > 1_000_000) {
    throw new KonnektorError('INPUT_INVALID', `--invoices must be 1…1000000, got ${invoices}`, { value: String(invoices) });
  }
  if (!Number.isInteger(seed)) throw new KonnektorError('INPUT_INVALID', `--seed must be an integer, got ${seed}`, { value: String(seed) });
  const dir = path.resolve(options.dir);
  if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) {
    throw new KonnektorError('DEMO_DIR_INVALID', `${dir} is not a folder`, { value: options.dir });
  }
  try {
    makeFolder(dir);
  } catch (e) {
    throw new KonnektorError('DEMO_DIR_INVALID', `Cannot create ${dir}: ${(e as Error).message}`, { value: options.dir }, { cause: e });
  }
  const existing = fs.readdirSync(dir).filter((f) => /\.sqlite(-wal|-shm)?$/.test(f) || f === USER_LIST_FILE);
  if (existing.length > 0) {
    if (!options.force) {
      throw new KonnektorError('DEMO_DIR_INVALID', `${dir} already holds databases (${existing.join(', ')}); use --force to replace them`, {
        value: options.dir,
      });
    }
    // --force replaces the demo's own files only, as its manifest lists them; any other database in the folder
    // (a real one, another program's) stops the run before anything is deleted.
    const own = demoFilesOf(dir);
    const isOwn = (f: string) => own.has(f) || own.has(f.replace(/-(wal|shm)$/, ''));
    const foreign = existing.filter((f) => !isOwn(f));
    if (foreign.length > 0) {
      throw new KonnektorError('DEMO_DIR_FOREIGN_FILES', `${dir} holds files the demo did not create (${foreign.join(', ')}); nothing was deleted`, {
        value: options.dir,
        files: foreign,
      });
    }
    for (const f of fs.readdirSync(dir).filter(isOwn)) fs.rmSync(path.join(dir, f), { recursive: true, force: true });
    fs.rmSync(path.join(dir, DEMO_MANIFEST), { force: true });
  }
  const before = new Set(fs.readdirSync(dir));
  const world = demoWorld(seed);
  const logo = createLogoDemo(dir, world, { seed, invoices, year });
  if (options.openFollowingYears) openFollowingLogoPeriods(dir, year, turkeyDateTime().year);
  const netsis = await createNetsisDemo(dir, world, { seed, invoices, year });
  const mikro = await createMikroDemo(dir, world, { seed, invoices, year });
  const eta = await createEtaDemo(dir, world, { seed, invoices, year });
  const server = `sqlite:${dir}`;
  const connections = new ErpConnections();
  try {
    for (const name of logo.databases) await applyErpMigrations(await connections.database(server, name), logoErpMigrations);
    for (const name of netsis.databases) {
      if (name.toUpperCase() === 'NETSIS') continue;
      await applyErpMigrations(await connections.database(server, name), netsisErpMigrations);
    }
  } finally {
    await connections.closeAll();
  }
  recordLogoDemoSent(dir, logo.sent);
  // This year's journal from January on, for e-Defter: Logo firms 001/002 period 02, Netsis this year's companies, Mikro's company databases.
  const lastMonth = demoJournalLastMonth(year, turkeyDateTime().date);
  const ledger = { logo: { entries: 0, lines: 0 }, netsis: { entries: 0, lines: 0 }, mikro: { entries: 0, lines: 0 }, lastMonth };
  for (const [i, firm] of ['001', '002'].entries()) {
    const w = writeLogoLedger(dir, world, firm, '02', { seed, company: world.companies[i]!, year, toMonth: lastMonth });
    ledger.logo.entries += w.entries;
    ledger.logo.lines += w.lines;
  }
  const edefterSettings = ([0, 1] as const).map((i) => {
    const file = path.join(dir, `edefter-ayarlari-${world.companies[i]!.vkn}.json`);
    fs.writeFileSync(file, `${JSON.stringify(demoEdefterSettings(world, i, year), null, 2)}\n`);
    return file;
  });
  let edefterToken: string | undefined;
  if (options.edefterToken && findSoftHsm()) {
    const hsm = path.join(dir, 'softhsm');
    fs.rmSync(hsm, { recursive: true, force: true });
    const token = await createTestSealToken({ dir: hsm, label: 'demo-malimuhur', pin: DEMO_TOKEN_PIN, soPin: '87654321', commonName: world.companies[0]!.name, taxId: world.companies[0]!.vkn });
    edefterToken = path.join(dir, 'edefter-token.json');
    fs.writeFileSync(edefterToken, `${JSON.stringify({ module: token.module, slot: token.slot, pin: token.pin, softhsm2Conf: token.conf, label: token.label }, null, 2)}\n`);
  }
  for (const c of netsisDemoPlan({ invoices, year }).filter((p) => p.fiscalYear === year)) {
    const w = writeNetsisLedger(path.join(dir, `${c.database}.sqlite`), world, { seed, company: world.companies[c.companyIndex]!, year, toMonth: lastMonth });
    ledger.netsis.entries += w.entries;
    ledger.netsis.lines += w.lines;
  }
  // Mikro: this fiscal year's journal inside each company database (the year is a column there).
  for (const c of mikroDemoPlan({ invoices, year }).filter((p) => p.years.some((y) => y.fiscalYear === year))) {
    const master = mikroMasterOf('v17');
    const w = writeMikroLedger(dir, `${master}_${c.kod}`, master, world, { seed, company: world.companies[c.companyIndex]!, year, toMonth: lastMonth });
    ledger.mikro.entries += w.entries;
    ledger.mikro.lines += w.lines;
  }
  fs.writeFileSync(path.join(dir, USER_LIST_FILE), writeUserList(demoRegisteredUsers(world)));
  // What this run created, so a later --force deletes exactly these.
  const created = fs.readdirSync(dir).filter((f) => !before.has(f) && !/-(wal|shm)$/.test(f));
  fs.writeFileSync(path.join(dir, DEMO_MANIFEST), `${JSON.stringify({ files: created.sort() }, null, 2)}\n`);
  return {
    dir,
    server,
    year,
    seed,
    logo: { databases: logo.databases, invoices: logo.invoices, lines: logo.lines, despatches: logo.despatches },
    netsis: { databases: netsis.databases, invoices: netsis.invoices, lines: netsis.lines },
    mikro: { databases: mikro.databases, invoices: mikro.invoices, lines: mikro.lines },
    eta: { databases: eta.databases, invoices: eta.invoices, lines: eta.lines },
    userList: path.join(dir, USER_LIST_FILE),
    ledger,
    edefterSettings,
    ...(edefterToken ? { edefterToken } : {}),
    seconds: (performance.now() - started) / 1000,
  };
}
