import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoWorld } from '../../sandbox/demo/scenario';

/**
 * `konnektor edefter check` for a Mikro company (the journal inside the company database, the year a column) and the
 * refusal ETA gets: the month check from the command line, as a bookkeeper's script would run it.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'konnektor.js');
const YEAR = 2026;
const SEED = 5;
const vkn = demoWorld(SEED).companies[0]!.vkn;
let root: string;
let home: string;
let demoDir: string;

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, KONNEKTOR_HOME: home, KONNEKTOR_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-edefter-mikro-'));
  home = path.join(root, 'home');
  demoDir = path.join(root, 'demo');
  fs.mkdirSync(home);
  await createDemoDatabases({ dir: demoDir, invoices: 12, seed: SEED, year: YEAR });
  const saved = await cli(['edefter', 'settings', '--file', path.join(demoDir, `edefter-ayarlari-${vkn}.json`), '--json']);
  expect(saved.code, saved.stderr).toBe(0);
}, 120_000);
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('konnektor edefter check with Mikro and ETA', () => {
  it('checks January of a Mikro company: every voucher read, all checks passed', async () => {
    const r = await cli(['edefter', 'check', '--month', `${YEAR}-01`, '--company', vkn, '--connector', 'mikro', '--server', `sqlite:${demoDir}`, '--database', 'MikroDB_V17_ORNEK', '--fiscal-year', String(YEAR), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const month = JSON.parse(r.stdout) as { state: string; checks: { entries: number; ok: boolean; firstJournalNo: number; issues: unknown[] } };
    expect(month.state).toBe('checked');
    expect(month.checks).toMatchObject({ entries: 24, ok: true, firstJournalNo: 1, issues: [] });
  }, 60_000);

  it('a Mikro fiscal year the company database has not opened is refused with its code, before any check', async () => {
    const r = await cli(['edefter', 'check', '--month', `${YEAR}-01`, '--company', vkn, '--connector', 'mikro', '--server', `sqlite:${demoDir}`, '--database', 'MikroDB_V17_ORNEK', '--fiscal-year', '2019', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr).error.code).toBe('ERP_FISCAL_YEAR_NOT_FOUND');
  }, 60_000);

  it('refuses ETA with EDEFTER_JOURNAL_NUMBER_UNAVAILABLE and a Turkish message naming the program (exit 2)', async () => {
    const r = await cli(['edefter', 'check', '--month', `${YEAR}-01`, '--company', vkn, '--connector', 'eta', '--server', `sqlite:${demoDir}`, '--database', `ETA_ORNEK_${YEAR}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('HATA EDEFTER_JOURNAL_NUMBER_UNAVAILABLE: ETA:SQL / V.8 programı yevmiye kayıtlarında yevmiye madde numarası tutmuyor');
  }, 60_000);
});
