import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ErpConnector } from '../../connectors/contract';
import { logoConnector } from '../../connectors/logo';
import { netsisConnector } from '../../connectors/netsis';
import { connectorRegistry, listConnectors } from '../../connectors/registry';
import type { ErpTarget } from '../../core/erp/target';
import type { Module } from '../../core/modules';
import { applyYearEnd, cancelYearEnd, checkYearEnd, listYearProfiles, planYearEnd, type YearEndActor, type YearEndContext } from '../../core/yearend';
import { listAudit } from '../../db/audit';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { listProfiles, saveProfile } from '../../db/profiles';
import { createDemoDatabases } from '../../sandbox/demo';

/** The demo's "this year" is 2026: Logo period 01 = 2025, 02 = 2026; Netsis ORNEKTEKSTIL2025 and ORNEKTEKSTIL2026. */
const YEAR = 2026;
const FIRST_LOGIN = new Date('2026-01-05T07:30:00Z');
const accountant: YearEndActor = { user: 'muhasebe', staff: false };

let template: string;
let ornekVkn: string;
let anadoluVkn: string;

beforeAll(async () => {
  template = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-yearend-'));
  await createDemoDatabases({ dir: template, year: YEAR, invoices: 24, seed: 5 });
  const connections = new ErpConnections();
  try {
    const server = `sqlite:${template}`;
    ornekVkn = (await logoConnector.companyOf!({ connections }, { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '01' })).taxId!;
    anadoluVkn = (await logoConnector.companyOf!({ connections }, { connector: 'logo', server, database: 'LOGODB', firm: '002', period: '01' })).taxId!;
  } finally {
    await connections.closeAll();
  }
});
afterAll(() => fs.rmSync(template, { recursive: true, force: true }));

interface World {
  dir: string;
  server: string;
  store: LocalStore;
  connections: ErpConnections;
  ctx: YearEndContext;
}
const open: World[] = [];
afterEach(async () => {
  for (const w of open.splice(0)) {
    await w.connections.closeAll();
    await w.store.destroy();
    fs.rmSync(w.dir, { recursive: true, force: true });
  }
});

/** A private copy of the demo server and an empty local store, so each test may change databases freely. */
async function world(now = FIRST_LOGIN, connectorOf?: (id: string) => ErpConnector): Promise<World> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-yearend-w-'));
  fs.cpSync(template, dir, { recursive: true });
  const store = await openLocalStore(':memory:');
  const connections = new ErpConnections();
  const w: World = { dir, server: `sqlite:${dir}`, store, connections, ctx: { store, connections, now, connectors: connectorOf ? { list: listConnectors, get: connectorOf } : connectorRegistry } };
  open.push(w);
  return w;
}

async function logoProfile(w: World, module: Module, opts: { firm?: string; period?: string; fiscalYear?: number; vkn?: string } = {}) {
  const target: ErpTarget = { connector: 'logo', server: w.server, database: 'LOGODB', firm: opts.firm ?? '001', period: opts.period ?? '01' };
  return saveProfile(w.store, { module, companyVkn: opts.vkn ?? ornekVkn, fiscalYear: opts.fiscalYear ?? YEAR - 1, branch: '', target, integrator: { endpoint: 'http://127.0.0.1:8480', user: 'ornek' } });
}

async function netsisProfile(w: World, module: Module, database = `ORNEKTEKSTIL${YEAR - 1}`, fiscalYear = YEAR - 1) {
  return saveProfile(w.store, { module, companyVkn: ornekVkn, fiscalYear, branch: '', target: { connector: 'netsis', server: w.server, database }, integrator: { user: 'ornek' } });
}

function dropHelperObjects(w: World, database: string): void {
  const db = new Database(path.join(w.dir, `${database}.sqlite`));
  try {
    db.exec('DROP TABLE IF EXISTS KNK_EBELGE; DROP TABLE IF EXISTS KNK_GELEN_BELGE; DROP TABLE IF EXISTS KNK_MIGRATIONS;');
  } finally {
    db.close();
  }
}

function tablesOf(w: World, database: string): string[] {
  const db = new Database(path.join(w.dir, `${database}.sqlite`), { readonly: true });
  try {
    return (db.prepare("select name from sqlite_master where type = 'table' and name like 'KNK_%' order by name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

async function failure(p: Promise<unknown>): Promise<{ code: string; userMessage: string; details: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as { code: string; userMessage: string; details: Record<string, unknown> };
  }
  throw new Error('expected a failure');
}

const snapshot = async (w: World) => (await listProfiles(w.store)).map((p) => ({ ...p }));

describe('year-end detection on the demo databases', () => {
  it('on the first login of the new year, proposes Logo period 02 and Netsis ORNEKTEKSTIL2026', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await netsisProfile(w, 'earsiv');
    const check = await checkYearEnd(w.ctx);
    expect(check.today).toBe('2026-01-05');
    const logo = check.items.find((i) => i.module === 'efatura')!;
    expect(logo).toMatchObject({ needed: true, reasons: ['period-ended', 'newer-period'], fiscalYear: 2025, currentPeriod: { begin: '2025-01-01', end: '2025-12-31' } });
    expect(logo.proposal).toMatchObject({ fiscalYear: 2026, target: { firm: '001', period: '02', database: 'LOGODB' } });
    const netsis = check.items.find((i) => i.module === 'earsiv')!;
    expect(netsis).toMatchObject({ needed: true, reasons: ['period-ended', 'newer-database'] });
    expect(netsis.proposal).toMatchObject({ fiscalYear: 2026, target: { database: 'ORNEKTEKSTIL2026' } });
  });

  it('says nothing is needed for a module already on this year, and warns when modules point at different years', async () => {
    const w = await world();
    await logoProfile(w, 'efatura', { period: '02', fiscalYear: 2026 });
    await logoProfile(w, 'earsiv');
    const check = await checkYearEnd(w.ctx);
    expect(check.items.find((i) => i.module === 'efatura')).toMatchObject({ needed: false, reasons: [] });
    expect(check.items.find((i) => i.module === 'earsiv')).toMatchObject({ needed: true });
    expect(check.warnings).toEqual([expect.objectContaining({ code: 'YEAREND_MODULES_DIFFERENT_YEARS', years: { efatura: 2026, earsiv: 2025 } })]);
  });

  it('in December, a newer period already opened starts the wizard though the current one has not ended', async () => {
    const w = await world(new Date('2025-12-20T09:00:00Z'));
    await logoProfile(w, 'efatura');
    const [item] = (await checkYearEnd(w.ctx)).items;
    expect(item).toMatchObject({ needed: true, reasons: ['newer-period'] });
  });

  it('reads the year as a Türkiye date: 31 December 22:30 UTC is already the new year in Istanbul', async () => {
    const w = await world(new Date('2025-12-31T22:30:00Z'));
    await netsisProfile(w, 'efatura');
    const check = await checkYearEnd(w.ctx);
    expect(check.today).toBe('2026-01-01');
    expect(check.items[0]!.reasons).toContain('period-ended');
  });

  it('still starts the wizard when the server cannot be reached and the fiscal year is over', async () => {
    const w = await world();
    await saveProfile(w.store, { module: 'efatura', companyVkn: ornekVkn, fiscalYear: 2025, branch: '', target: { connector: 'logo', server: `sqlite:${w.dir}/missing`, database: 'LOGODB', firm: '001', period: '01' }, integrator: {} });
    const [item] = (await checkYearEnd(w.ctx)).items;
    expect(item).toMatchObject({ needed: true, reasons: ['year-ended'], error: { code: 'ERP_SERVER_UNREACHABLE' } });
  });

  it('checks once per module, firm and branch: only the latest year of each counts', async () => {
    const w = await world();
    await logoProfile(w, 'efatura', { period: '01', fiscalYear: 2025 });
    await logoProfile(w, 'efatura', { period: '02', fiscalYear: 2026 });
    await saveProfile(w.store, { module: 'efatura', companyVkn: ornekVkn, fiscalYear: 2025, branch: 'IST', target: { connector: 'logo', server: w.server, database: 'LOGODB', firm: '001', period: '01' }, integrator: {} });
    await logoProfile(w, 'efatura', { firm: '002', vkn: anadoluVkn });
    const items = (await checkYearEnd(w.ctx)).items;
    expect(items.map((i) => [i.companyVkn === ornekVkn ? 'ornek' : 'anadolu', i.branch, i.fiscalYear, i.needed])).toEqual(
      expect.arrayContaining([['ornek', '', 2026, false], ['ornek', 'IST', 2025, true], ['anadolu', '', 2025, true]]),
    );
    expect(items).toHaveLength(3);
    expect((await checkYearEnd(w.ctx, { companyVkn: anadoluVkn })).items).toHaveLength(1);
  });
});

describe('year-end wizard: Logo from last year’s period to this year’s', () => {
  it('plans, applies, keeps last year’s profile and documents, and audits the change', async () => {
    const w = await world();
    dropHelperObjects(w, 'LOGODB');
    const old = await logoProfile(w, 'efatura');
    // Period left empty: the proposal (next period) fills it; firm "1" is padded to 001.
    const plan = await planYearEnd(w.ctx, { module: 'efatura', target: { firm: '1' } });
    expect(plan.to).toEqual({ fiscalYear: 2026, targetYear: 2026, target: { connector: 'logo', server: w.server, database: 'LOGODB', firm: '001', period: '02' } });
    expect(plan.test.checks.map((c) => c.name)).toEqual(['reachable', 'login', 'database', 'tables', 'columns', 'read']);
    expect(plan.test.tables).toContain('LG_001_02_INVOICE');
    expect(plan.company.taxId).toBe(ornekVkn);
    expect(plan.steps.map((s) => s.name)).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge']);
    // The plan changes nothing.
    expect(tablesOf(w, 'LOGODB')).toEqual([]);
    expect(await listYearProfiles(w.ctx, { module: 'efatura' })).toHaveLength(1);

    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { period: '2' } });
    expect(result.results).toEqual([expect.objectContaining({ module: 'efatura', outcome: 'applied', appliedSteps: ['0001_knk_ebelge', '0002_knk_gelen_belge'] })]);
    expect(tablesOf(w, 'LOGODB')).toEqual(['KNK_EBELGE', 'KNK_GELEN_BELGE', 'KNK_MIGRATIONS']);

    const years = await listYearProfiles(w.ctx, { module: 'efatura' });
    expect(years.map((p) => [p.fiscalYear, p.target.period])).toEqual([[2026, '02'], [2025, '01']]);
    expect(years[0]!.integrator).toEqual(old.integrator);
    // Last year's profile still reaches last year's period and reads its documents.
    const lastYear = years[1]!;
    expect((await logoConnector.testConnection({ connections: w.connections }, lastYear.target, 'efatura')).tables).toContain('LG_001_01_INVOICE');
    const docs = await logoConnector.readOutgoing({ connections: w.connections }, lastYear.target, 'efatura');
    expect(docs.every((d) => d.issueDate.startsWith('2025'))).toBe(true);

    const [entry] = await listAudit(w.store, 1);
    expect(entry).toMatchObject({ actor: 'muhasebe', staff: false, action: 'yearend.apply', module: 'efatura', outcome: 'ok' });
    expect(entry!.before).toMatchObject({ fiscalYear: 2025, target: { period: '01' } });
    expect(entry!.after).toMatchObject({ fiscalYear: 2026, target: { period: '02' }, test: { ok: true }, steps: ['0001_knk_ebelge', '0002_knk_gelen_belge'] });

    // The next login finds nothing to do, and the helper objects are not installed twice.
    expect((await checkYearEnd(w.ctx)).items[0]).toMatchObject({ needed: false, fiscalYear: 2026 });
    const again = await planYearEnd(w.ctx, { module: 'efatura', mode: 'change', target: {} });
    expect(again.steps).toEqual([]);
    expect(again.installed).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge']);
  });

  it('applies the same choice to the other modules, testing each, and then warns no more', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await logoProfile(w, 'earsiv');
    const dry = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { period: '02' }, alsoModules: ['earsiv'], dryRun: true });
    expect(dry.results.map((r) => [r.module, r.outcome, r.plan?.test.ok])).toEqual([['efatura', 'planned', true], ['earsiv', 'planned', true]]);
    expect(dry.warnings).toEqual([]);
    expect((await listProfiles(w.store)).every((p) => p.fiscalYear === 2025)).toBe(true);
    expect(await listAudit(w.store)).toEqual([]);

    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { period: '02' }, alsoModules: ['earsiv'] });
    expect(result.results.map((r) => [r.module, r.outcome, r.profile?.fiscalYear])).toEqual([['efatura', 'applied', 2026], ['earsiv', 'applied', 2026]]);
    expect(result.warnings).toEqual([]);
    expect((await listAudit(w.store)).map((a) => [a.module, a.outcome])).toEqual([['earsiv', 'ok'], ['efatura', 'ok']]);
  });

  it('warns when only one of two modules moved to the new year', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await logoProfile(w, 'earsiv');
    const plan = await planYearEnd(w.ctx, { module: 'efatura', target: {} });
    expect(plan.warnings).toEqual([expect.objectContaining({ code: 'YEAREND_MODULES_DIFFERENT_YEARS', years: { efatura: 2026, earsiv: 2025 } })]);
    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: {} });
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'YEAREND_MODULES_DIFFERENT_YEARS', years: { efatura: 2026, earsiv: 2025 } })]);
    expect(result.warnings[0]!.message).toContain('e-Arşiv 2025');
  });
});

describe('year-end wizard: Logo sites that copy the company into a new firm number each year', () => {
  it('proposes the new firm’s period, accepts it as the same company and saves the new firm code', async () => {
    const w = await world(new Date('2027-01-05T07:30:00Z'));
    const db = new Database(path.join(w.dir, 'LOGODB.sqlite'));
    try {
      // Firm 003 is 001 copied for 2027: same title and tax number, its own period 01.
      const cols = (db.prepare('PRAGMA table_info(L_CAPIFIRM)').all() as { name: string }[]).map((c) => c.name).filter((c) => c !== 'LOGICALREF' && c !== 'NR');
      db.prepare(`INSERT INTO L_CAPIFIRM (NR, ${cols.join(', ')}) SELECT 3, ${cols.join(', ')} FROM L_CAPIFIRM WHERE NR = 1`).run();
      db.prepare("INSERT INTO L_CAPIPERIOD (FIRMNR, NR, BEGDATE, ENDDATE, ACTIVE) VALUES (3, 1, '2027-01-01', '2027-12-31', 1)").run();
      for (const t of ['CLCARD', 'ITEMS', 'SRVCARD', 'UNITSETL']) db.exec(`CREATE TABLE LG_003_${t} AS SELECT * FROM LG_001_${t}`);
      for (const t of ['INVOICE', 'STLINE']) db.exec(`CREATE TABLE LG_003_01_${t} AS SELECT * FROM LG_001_02_${t} WHERE 0`);
    } finally {
      db.close();
    }
    await logoProfile(w, 'efatura', { period: '02', fiscalYear: 2026 });
    const [item] = (await checkYearEnd(w.ctx)).items;
    expect(item).toMatchObject({ needed: true, reasons: ['period-ended', 'newer-period'], proposal: { fiscalYear: 2027, target: { firm: '003', period: '01' } } });
    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: {} });
    expect(result.results[0]).toMatchObject({ outcome: 'applied', plan: { company: { taxId: ornekVkn } }, profile: { fiscalYear: 2027, target: { firm: '003', period: '01' } } });
  });
});

describe('year-end wizard: Netsis from last year’s company database to this year’s', () => {
  it('tests ORNEKTEKSTIL2026, installs the helper objects there and saves the 2026 profile', async () => {
    const w = await world();
    dropHelperObjects(w, 'ORNEKTEKSTIL2026');
    await netsisProfile(w, 'efatura');
    const plan = await planYearEnd(w.ctx, { module: 'efatura', target: {} });
    expect(plan.to).toEqual({ fiscalYear: 2026, targetYear: 2026, target: { connector: 'netsis', server: w.server, database: 'ORNEKTEKSTIL2026' } });
    expect(plan.test.tables).toContain('TBLFATUIRS');
    expect(plan.steps.map((s) => s.name)).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge']);

    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { database: 'ornektekstil2026' } });
    expect(result.results[0]).toMatchObject({ outcome: 'applied', profile: { fiscalYear: 2026 } });
    expect(tablesOf(w, 'ORNEKTEKSTIL2026')).toEqual(['KNK_EBELGE', 'KNK_GELEN_BELGE', 'KNK_MIGRATIONS']);
    const years = await listYearProfiles(w.ctx, { module: 'efatura' });
    expect(years.map((p) => [p.fiscalYear, p.target.database])).toEqual([[2026, 'ORNEKTEKSTIL2026'], [2025, 'ORNEKTEKSTIL2025']]);
    // Last year's documents stay listable through last year's profile.
    const lastYear = await netsisConnector.readOutgoing({ connections: w.connections }, years[1]!.target, 'efatura');
    const thisYear = await netsisConnector.readOutgoing({ connections: w.connections }, years[0]!.target, 'efatura');
    expect(lastYear.every((d) => d.issueDate.startsWith('2025'))).toBe(true);
    expect(thisYear.length).toBeGreaterThan(0);
    expect(thisYear.every((d) => d.issueDate.startsWith('2026'))).toBe(true);
  });
});

describe('year-end wizard: bad input and faults change nothing', () => {
  async function expectUnchanged(w: World, before: unknown, run: () => Promise<unknown>, code: string) {
    const err = await failure(run());
    expect(err.code).toBe(code);
    expect(await snapshot(w)).toEqual(before);
    return err;
  }

  it('refuses a period that does not exist', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    const before = await snapshot(w);
    const err = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { period: '3' } }), 'YEAREND_PERIOD_NOT_FOUND');
    expect(err.userMessage).toContain('Firma/Dönem Ara');
    expect(err.userMessage).toContain('03');
    const [entry] = await listAudit(w.store, 1);
    expect(entry).toMatchObject({ action: 'yearend.apply', outcome: 'failed', module: 'efatura' });
    expect(entry!.detail).toMatch(/^YEAREND_PERIOD_NOT_FOUND/);
  });

  it('refuses malformed codes before anything reaches a table name', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    expect((await failure(planYearEnd(w.ctx, { module: 'efatura', target: { firm: '2a' } }))).code).toBe('ERP_FIRM_CODE_INVALID');
    expect((await failure(planYearEnd(w.ctx, { module: 'efatura', target: { period: '1; DROP TABLE X' } }))).code).toBe('ERP_PERIOD_CODE_INVALID');
  });

  it('refuses the firm or database of another company', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await netsisProfile(w, 'earsiv');
    const before = await snapshot(w);
    const logo = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { firm: '002', period: '02' } }), 'YEAREND_DATABASE_OTHER_COMPANY');
    expect(logo.userMessage).toContain('Anadolu');
    await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'earsiv', target: { database: 'ANADOLUGIDA2026' } }), 'YEAREND_DATABASE_OTHER_COMPANY');
  });

  it('refuses a database of another program', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await netsisProfile(w, 'earsiv');
    const before = await snapshot(w);
    const netsis = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'earsiv', target: { database: 'LOGODB' } }), 'YEAREND_DATABASE_OTHER_PROGRAM');
    expect(netsis.details.owner).toBe('Logo Tiger / Go');
    expect(netsis.userMessage).toContain('Logo Tiger / Go veri tabanı');
    const logo = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { database: 'ORNEKTEKSTIL2026', period: '02' } }), 'YEAREND_DATABASE_OTHER_PROGRAM');
    expect(logo.details.owner).toBe('Netsis 3');
  });

  it('refuses a database that is not on the server', async () => {
    const w = await world();
    await netsisProfile(w, 'efatura');
    const before = await snapshot(w);
    await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { database: 'ORNEKTEKSTIL2099' } }), 'YEAREND_DATABASE_NOT_FOUND');
  });

  it('refuses a new database missing the module’s tables', async () => {
    const w = await world();
    await netsisProfile(w, 'efatura', 'ORNEKTEKSTIL2026', 2026);
    // The accountant opened 2027 in Netsis, but the year's opening stopped before the stock movements were created.
    fs.copyFileSync(path.join(w.dir, 'ORNEKTEKSTIL2026.sqlite'), path.join(w.dir, 'ORNEKTEKSTIL2027.sqlite'));
    const db27 = new Database(path.join(w.dir, 'ORNEKTEKSTIL2027.sqlite'));
    db27.exec('DROP TABLE TBLSTHAR');
    db27.close();
    const sys = new Database(path.join(w.dir, 'NETSIS.sqlite'));
    sys.prepare("INSERT INTO SIRKETLER30 (SIRKET, SIRKETYILI, UNVAN, VERGI_NUMARASI) SELECT 'ORNEKTEKSTIL2027', 2027, UNVAN, VERGI_NUMARASI FROM SIRKETLER30 WHERE SIRKET = 'ORNEKTEKSTIL2026'").run();
    sys.close();
    const before = await snapshot(w);
    const err = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { database: 'ORNEKTEKSTIL2027' } }), 'YEAREND_TABLES_MISSING');
    expect(err.userMessage).toContain('TBLSTHAR');
  });

  it('refuses a target that is not newer than the profile’s year', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    const before = await snapshot(w);
    await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: { period: '01' } }), 'YEAREND_TARGET_NOT_NEWER');
  });

  it('leaves nothing half-applied when a helper object fails in the middle', async () => {
    const failing: ErpConnector = {
      ...netsisConnector,
      erpMigrations: [
        ...netsisConnector.erpMigrations,
        { name: '0002_broken', description: 'fails after the first step', up: async (db) => { await db.raw('select * from TABLE_THAT_IS_NOT_THERE'); } },
      ],
    };
    const w = await world(FIRST_LOGIN, (id) => (id === 'netsis' ? failing : logoConnector));
    dropHelperObjects(w, 'ORNEKTEKSTIL2026');
    await netsisProfile(w, 'efatura');
    const plan = await planYearEnd(w.ctx, { module: 'efatura', target: {} });
    expect(plan.steps.map((s) => s.name)).toEqual(['0001_knk_ebelge', '0002_knk_gelen_belge', '0002_broken']);
    const before = await snapshot(w);
    const err = await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: {} }), 'YEAREND_APPLY_FAILED');
    expect(err.userMessage).toContain('hiçbir değişiklik yapılmadı');
    // The first step's table was rolled back with the rest.
    expect(tablesOf(w, 'ORNEKTEKSTIL2026')).toEqual([]);
    const [entry] = await listAudit(w.store, 1);
    expect(entry).toMatchObject({ outcome: 'failed', after: { fiscalYear: 2026, test: { ok: true } } });
  });

  it('a failed other module keeps its old mapping while the first moves on', async () => {
    const w = await world();
    await netsisProfile(w, 'efatura');
    // e-Arşiv is mapped to another company: the same choice cannot apply to it.
    await saveProfile(w.store, { module: 'earsiv', companyVkn: ornekVkn, fiscalYear: 2025, branch: '', target: { connector: 'logo', server: w.server, database: 'LOGODB', firm: '001', period: '01' }, integrator: {} });
    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', target: {}, alsoModules: ['earsiv'] });
    expect(result.results.map((r) => [r.module, r.outcome, r.error?.code])).toEqual([['efatura', 'applied', undefined], ['earsiv', 'failed', 'YEAREND_DATABASE_OTHER_PROGRAM']]);
    expect((await listYearProfiles(w.ctx, { module: 'earsiv' })).map((p) => p.fiscalYear)).toEqual([2025]);
    expect(result.warnings[0]).toMatchObject({ code: 'YEAREND_MODULES_DIFFERENT_YEARS' });
  });

  it('cancelling the wizard leaves the old mapping untouched and is audited', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    const before = await snapshot(w);
    await planYearEnd(w.ctx, { module: 'efatura', target: {} });
    expect(await cancelYearEnd(w.ctx, accountant, { module: 'efatura' })).toMatchObject({ cancelled: true, fiscalYear: 2025 });
    expect(await snapshot(w)).toEqual(before);
    expect(tablesOf(w, 'LOGODB')).toEqual(['KNK_EBELGE', 'KNK_GELEN_BELGE', 'KNK_MIGRATIONS']);
    const [entry] = await listAudit(w.store, 1);
    expect(entry).toMatchObject({ action: 'yearend.cancel', outcome: 'cancelled', before: { fiscalYear: 2025 } });
    expect((await checkYearEnd(w.ctx)).items[0]!.needed).toBe(true);
  });

  it('lets only staff change the integrator endpoint', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    const before = await snapshot(w);
    await expectUnchanged(w, before, () => applyYearEnd(w.ctx, accountant, { module: 'efatura', target: {}, integratorEndpoint: 'https://efaturaconnector.example' }), 'YEAREND_STAFF_ONLY');
    const staff: YearEndActor = { user: 'ornek', staff: true, staffUser: 'destek.ayse' };
    await expectUnchanged(w, before, () => applyYearEnd(w.ctx, staff, { module: 'efatura', target: {}, integratorEndpoint: 'ftp://x' }), 'INPUT_INVALID');
    const result = await applyYearEnd(w.ctx, staff, { module: 'efatura', target: {}, integratorEndpoint: 'https://efaturaconnector.example' });
    expect(result.results[0]!.profile?.integrator.endpoint).toBe('https://efaturaconnector.example');
    expect((await listAudit(w.store, 1))[0]).toMatchObject({ actor: 'destek.ayse', staff: true });
  });
});

describe('optional database change during the year', () => {
  it('skips the year check, updates this year’s profile and says when the database belongs to another year', async () => {
    const w = await world(new Date('2026-06-15T09:00:00Z'));
    await logoProfile(w, 'efatura', { period: '02', fiscalYear: 2026 });
    expect((await checkYearEnd(w.ctx)).items[0]!.needed).toBe(false);
    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', mode: 'change', target: { period: '01' } });
    expect(result.results[0]!.plan!.warnings).toEqual([expect.objectContaining({ code: 'YEAREND_TARGET_YEAR_DIFFERS' })]);
    const years = await listYearProfiles(w.ctx, { module: 'efatura' });
    expect(years.map((p) => [p.fiscalYear, p.target.period])).toEqual([[2026, '01']]);
    expect((await listAudit(w.store, 1))[0]).toMatchObject({ action: 'yearend.change', before: { target: { period: '02' } }, after: { target: { period: '01' } } });
  });

  it('refuses the firm or database of another company just as the year-end does, changing nothing', async () => {
    const w = await world(new Date('2026-06-15T09:00:00Z'));
    await logoProfile(w, 'efatura', { period: '02', fiscalYear: 2026 });
    await netsisProfile(w, 'earsiv', 'ORNEKTEKSTIL2026', 2026);
    const before = await snapshot(w);
    const auditBefore = (await listAudit(w.store, 100)).length;
    const plan = await failure(planYearEnd(w.ctx, { module: 'efatura', mode: 'change', target: { firm: '2', period: '2' } }));
    expect(plan).toMatchObject({ code: 'YEAREND_DATABASE_OTHER_COMPANY', details: { value: '002/02', taxId: anadoluVkn } });
    expect(plan.userMessage).toContain('Anadolu');
    const logo = await failure(applyYearEnd(w.ctx, accountant, { module: 'efatura', mode: 'change', target: { firm: '002', period: '02' } }));
    expect(logo.code).toBe('YEAREND_DATABASE_OTHER_COMPANY');
    const netsis = await failure(applyYearEnd(w.ctx, accountant, { module: 'earsiv', mode: 'change', target: { database: 'ANADOLUGIDA2026' } }));
    expect(netsis).toMatchObject({ code: 'YEAREND_DATABASE_OTHER_COMPANY', details: { value: 'ANADOLUGIDA2026', taxId: anadoluVkn } });
    expect(await snapshot(w)).toEqual(before);
    const audit = await listAudit(w.store, 100);
    expect(audit.length - auditBefore).toBe(2);
    expect(audit.slice(0, 2).map((a) => [a.action, a.outcome, a.detail?.split(':')[0]])).toEqual([
      ['yearend.change', 'failed', 'YEAREND_DATABASE_OTHER_COMPANY'],
      ['yearend.change', 'failed', 'YEAREND_DATABASE_OTHER_COMPANY'],
    ]);
  });

  it('recreates missing helper objects in the current database', async () => {
    const w = await world(new Date('2026-06-15T09:00:00Z'));
    dropHelperObjects(w, 'ORNEKTEKSTIL2026');
    await netsisProfile(w, 'efatura', 'ORNEKTEKSTIL2026', 2026);
    const result = await applyYearEnd(w.ctx, accountant, { module: 'efatura', mode: 'change', target: {} });
    expect(result.results[0]).toMatchObject({ outcome: 'applied', appliedSteps: ['0001_knk_ebelge', '0002_knk_gelen_belge'] });
    expect(tablesOf(w, 'ORNEKTEKSTIL2026')).toEqual(['KNK_EBELGE', 'KNK_GELEN_BELGE', 'KNK_MIGRATIONS']);
  });
});

describe('year-end plan: which profile, and what the wizard is told', () => {
  it('names the module when there is no profile, and the companies when several could be meant', async () => {
    const w = await world();
    expect(await failure(planYearEnd(w.ctx, { module: 'efatura', target: {} }))).toMatchObject({ code: 'YEAREND_PROFILE_NOT_FOUND', details: { value: 'e-Fatura' } });
    expect(((await failure(planYearEnd(w.ctx, { module: 'efatura', target: {} }))) as unknown as Error).message).toBe('No profile for efatura');
    expect(((await failure(planYearEnd(w.ctx, { module: 'efatura', companyVkn: anadoluVkn, target: {} }))) as unknown as Error).message).toBe(`No profile for efatura of ${anadoluVkn}`);
    await logoProfile(w, 'efatura');
    await logoProfile(w, 'efatura', { firm: '002', vkn: anadoluVkn });
    await logoProfile(w, 'earsiv', { vkn: anadoluVkn, firm: '002' });
    const ambiguous = await failure(planYearEnd(w.ctx, { module: 'efatura', target: {} }));
    expect(ambiguous.code).toBe('YEAREND_PROFILE_AMBIGUOUS');
    expect((ambiguous as unknown as Error).message).toBe('efatura has profiles of several companies or branches; name the company VKN (and branch)');
    expect((ambiguous.details.companies as { companyVkn: string }[]).map((c) => c.companyVkn).sort()).toEqual([ornekVkn, anadoluVkn].sort());
    expect(ambiguous.details.companies).toContainEqual({ companyVkn: ornekVkn, branch: '' });
    // Named by VKN, each company's own profile is planned; a branch that has no profile is not found.
    expect((await planYearEnd(w.ctx, { module: 'efatura', companyVkn: ornekVkn, target: {} })).from.target).toMatchObject({ firm: '001', period: '01' });
    expect((await planYearEnd(w.ctx, { module: 'efatura', companyVkn: anadoluVkn, target: {} })).from.target).toMatchObject({ firm: '002', period: '01' });
    expect((await planYearEnd(w.ctx, { module: 'earsiv', target: {} })).companyVkn).toBe(anadoluVkn);
    expect((await failure(planYearEnd(w.ctx, { module: 'efatura', companyVkn: ornekVkn, branch: 'IST', target: {} }))).code).toBe('YEAREND_PROFILE_NOT_FOUND');
    expect((await failure(planYearEnd(w.ctx, { module: 'edefter', companyVkn: ornekVkn, target: {} }))).code).toBe('YEAREND_PROFILE_NOT_FOUND');
  });

  it('shows where the profile was and where it goes, the company found there and the helper objects', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    const plan = await planYearEnd(w.ctx, { module: 'efatura', target: {} });
    expect(plan).toMatchObject({
      module: 'efatura',
      mode: 'yearend',
      companyVkn: ornekVkn,
      branch: '',
      from: { target: { connector: 'logo', database: 'LOGODB', firm: '001', period: '01' }, fiscalYear: 2025 },
      to: { target: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02' }, fiscalYear: 2026, targetYear: 2026 },
      company: { taxId: ornekVkn },
      test: { ok: true },
    });
    expect(plan.steps.length + plan.installed.length).toBe(logoConnector.erpMigrations.length);
    expect([...plan.steps.map((s) => s.name), ...plan.installed].sort()).toEqual(logoConnector.erpMigrations.map((m) => m.name).sort());
    for (const s of plan.steps) expect(s.description.length).toBeGreaterThan(0);
  });

  it('reports an unknown firm, period or database in the wizard’s words, keeping the program’s code', async () => {
    const w = await world();
    await logoProfile(w, 'efatura');
    await netsisProfile(w, 'earsiv');
    const firm = await failure(planYearEnd(w.ctx, { module: 'efatura', target: { firm: '9', period: '1' } }));
    expect(firm).toMatchObject({ code: 'YEAREND_FIRM_NOT_FOUND', details: { value: '009', erpCode: 'ERP_FIRM_NOT_FOUND' } });
    // The program's own error stays attached as the cause.
    expect((firm as unknown as Error).cause).toMatchObject({ code: 'ERP_FIRM_NOT_FOUND' });
    const period = await failure(planYearEnd(w.ctx, { module: 'efatura', target: { period: '9' } }));
    expect(period).toMatchObject({ code: 'YEAREND_PERIOD_NOT_FOUND', details: { value: '09', erpCode: 'ERP_PERIOD_NOT_FOUND' } });
    const database = await failure(planYearEnd(w.ctx, { module: 'earsiv', target: { database: 'ORNEKTEKSTIL2099' } }));
    expect(database).toMatchObject({ code: 'YEAREND_DATABASE_NOT_FOUND', details: { value: 'ORNEKTEKSTIL2099', erpCode: 'ERP_DATABASE_NOT_FOUND' } });
    const older = await failure(planYearEnd(w.ctx, { module: 'earsiv', target: { database: 'ORNEKTEKSTIL2025' } }));
    expect(older).toMatchObject({ code: 'YEAREND_TARGET_NOT_NEWER', details: { value: 'ORNEKTEKSTIL2025 (2025-01-01 – 2025-12-31)', fiscalYear: 2025 } });
  });

  it('a change during the year says the other year, with the years per module', async () => {
    const w = await world(new Date('2026-06-15T09:00:00Z'));
    await netsisProfile(w, 'earsiv', 'ORNEKTEKSTIL2026', 2026);
    const plan = await planYearEnd(w.ctx, { module: 'earsiv', mode: 'change', target: { database: 'ORNEKTEKSTIL2025' } });
    expect(plan.to).toMatchObject({ fiscalYear: 2026, targetYear: 2025, target: { database: 'ORNEKTEKSTIL2025' } });
    expect(plan.warnings).toContainEqual({
      code: 'YEAREND_TARGET_YEAR_DIFFERS',
      message: 'Seçilen veri tabanı 2025 yılına ait; bu bağlantı 2026 mali yılı için kayıtlı.',
      companyVkn: ornekVkn,
      branch: '',
      years: { earsiv: 2025 },
    });
    const same = await planYearEnd(w.ctx, { module: 'earsiv', mode: 'change', target: {} });
    expect(same.warnings.filter((x) => x.code === 'YEAREND_TARGET_YEAR_DIFFERS')).toEqual([]);
    expect(same.to).toMatchObject({ fiscalYear: 2026, targetYear: 2026, target: { database: 'ORNEKTEKSTIL2026' } });
  });
});
