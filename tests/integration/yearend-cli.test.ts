import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logoConnector } from '../../connectors/logo';
import { listAudit } from '../../db/audit';
import { ErpConnections } from '../../db/erp';
import { openLocalStore } from '../../db/local';
import { listProfiles, saveProfile } from '../../db/profiles';
import { createDemoDatabases } from '../../sandbox/demo';

const run = promisify(execFile);
const BIN = path.resolve(__dirname, '../../bin/konnektor.js');

let home: string;
let server: string;

async function konnektor(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, KONNEKTOR_HOME: home } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-yearend-cli-'));
  const dir = path.join(home, 'demo');
  // The demo's "this year" is 2026, so last year's period 01 has ended on any day the tests run.
  await createDemoDatabases({ dir, year: 2026, invoices: 20, seed: 3 });
  server = `sqlite:${dir}`;
  const connections = new ErpConnections();
  const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
  try {
    const target = { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '01' };
    const vkn = (await logoConnector.companyOf!({ connections }, target)).taxId!;
    for (const module of ['efatura', 'earsiv'] as const) await saveProfile(store, { module, companyVkn: vkn, fiscalYear: 2025, branch: '', target, integrator: {} });
  } finally {
    await connections.closeAll();
    await store.destroy();
  }
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('konnektor yearend', () => {
  it('check lists the modules that need the new year, as JSON for scripts', async () => {
    const r = await konnektor('yearend', 'check', '--json');
    expect(r.code, r.stderr).toBe(0);
    const check = JSON.parse(r.stdout) as { items: { module: string; needed: boolean; proposal?: { target: { period: string } } }[] };
    expect(check.items.map((i) => [i.module, i.needed, i.proposal?.target.period])).toEqual([['efatura', true, '02'], ['earsiv', true, '02']]);
    const human = await konnektor('yearend', 'check');
    expect(human.stdout).toContain('e-Fatura');
    expect(human.stdout).toContain('gerekli');
  });

  it('apply refuses a period that does not exist with exit 2 and changes nothing', async () => {
    const r = await konnektor('yearend', 'apply', '--module', 'efatura', '--firm', '1', '--period', '7', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error.code).toBe('YEAREND_PERIOD_NOT_FOUND');
  });

  it('apply --dry-run shows the plan, then apply moves both modules and records the OS user in the audit log', async () => {
    const dry = await konnektor('yearend', 'apply', '--module', 'efatura', '--firm', '1', '--period', '2', '--also', 'earsiv', '--dry-run');
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('[deneme]');
    expect(dry.stdout).toContain('LOGODB 001/01 (2025) → LOGODB 001/02 (2026)');

    const r = await konnektor('yearend', 'apply', '--module', 'efatura', '--firm', '1', '--period', '2', '--also', 'earsiv', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { results: { module: string; outcome: string }[]; warnings: unknown[] };
    expect(result.results.map((x) => [x.module, x.outcome])).toEqual([['efatura', 'applied'], ['earsiv', 'applied']]);
    expect(result.warnings).toEqual([]);

    const store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
    try {
      expect((await listProfiles(store, { module: 'efatura' })).map((p) => [p.fiscalYear, p.target.period])).toEqual([[2026, '02'], [2025, '01']]);
      const audit = (await listAudit(store, 10)).filter((a) => a.action === 'yearend.apply');
      expect(audit.map((a) => [a.actor, a.outcome])).toEqual([[os.userInfo().username, 'ok'], [os.userInfo().username, 'ok'], [os.userInfo().username, 'failed']]);
    } finally {
      await store.destroy();
    }
    const after = await konnektor('yearend', 'check', '--json');
    expect((JSON.parse(after.stdout) as { items: { needed: boolean }[] }).items.every((i) => !i.needed)).toBe(true);
  });
});
