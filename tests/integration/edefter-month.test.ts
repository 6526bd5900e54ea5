import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { demoEdefterSettings } from '../../sandbox/demo/ledger';
import { demoWorld } from '../../sandbox/demo/scenario';
import type { TestToken } from '../../core/signing/softhsm';
import { testToken, xmlsecVerify } from '../support/edefter';
import { SHIPPED } from '../../runtime/shipped';

/**
 * A whole month through the integrator: `konnektor edefter send` against the sandbox, killed with SIGKILL in every
 * state the month reaches (mid-upload, uploaded, built, signed, submitted) and restarted each time. The month must
 * end GİB-approved with every CSV part at QNB, the sealed files submitted exactly once, and seals that verify.
 */
const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin', 'konnektor.js');
const YEAR = 2026;
const SEED = 3;

let root: string;
let home: string;
let demoDir: string;
let sandbox: SandboxHandle;
let api: KonnektorService;
let store: LocalStore;
let token: TestToken;
let tokenFile: string;
const connections = new ErpConnections();
const world = demoWorld(SEED);
const settings = demoEdefterSettings(world, 0, YEAR);
const vkn = settings.firm.taxId;
const target = () => ({ connector: 'logo', server: `sqlite:${demoDir}`, database: 'LOGODB', firm: '001', period: '02' });

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-edefter-month-'));
  home = path.join(root, 'home');
  demoDir = path.join(root, 'demo');
  fs.mkdirSync(home);
  process.env.KONNEKTOR_HOME = home;
  store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store });
  const { createDemoDatabases } = await import('../../sandbox/demo');
  await createDemoDatabases({ dir: demoDir, invoices: 12, seed: SEED, year: YEAR });
  await api['edefter.settings.save']({ settings });
  // Every call of the sandbox takes 150 ms: each state lasts long enough to be caught and killed in.
  sandbox = await startSandbox({ dataDir: path.join(root, 'sandbox'), seed: SEED, stepMs: 200, validate: false, faults: { latencyMs: 150 } });
  token = await testToken(path.join(root, 'hsm'), 'malimuhur', { commonName: settings.firm.title, taxId: vkn });
  tokenFile = path.join(root, 'token.json');
  fs.writeFileSync(tokenFile, JSON.stringify({ module: token.module, slot: token.slot, pin: token.pin, softhsm2Conf: token.conf }));
});
afterAll(async () => {
  await api?.close();
  await store?.destroy();
  await connections.closeAll();
  await sandbox?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

function sendProcess() {
  const args = [
    BIN, 'edefter', 'send', '--month', `${YEAR}-01`, '--company', vkn, '--server', `sqlite:${demoDir}`, '--database', 'LOGODB', '--firm', '1', '--period', '2',
    '--integrator', sandbox.url, '--user', 'demo', '--password-env', 'KNK_TEST_PW', '--poll-sec', '0.2', '--token-file', tokenFile, '--json',
  ];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, KONNEKTOR_HOME: home, KNK_TEST_PW: 'demo123', KONNEKTOR_LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Reads the month's row from the store the child writes (WAL; a second reader never blocks it). */
function monthRow(): { state: string; upload_json: string | null } | undefined {
  const db = new Database(path.join(home, 'konnektor.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT state, upload_json FROM edefter_month WHERE company_vkn = ? AND month = ?").get(vkn, `${YEAR}-01`) as { state: string; upload_json: string | null } | undefined;
  } finally {
    db.close();
  }
}

/** Runs `send` and SIGKILLs it as soon as `when` holds; returns the state it was killed in. */
async function killWhen(when: (row: { state: string; upload_json: string | null }) => boolean): Promise<string> {
  const run = sendProcess();
  for (;;) {
    const done = await Promise.race([run.exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 10))]);
    if (done) throw new Error(`send finished before it could be killed: ${JSON.stringify(run.output())}`);
    const row = monthRow();
    if (row && when(row)) {
      run.child.kill('SIGKILL');
      const { signal } = await run.exited;
      expect(signal).toBe('SIGKILL');
      return row.state;
    }
  }
}

describe('an e-Defter month through the sandbox, killed in every state', () => {
  // Each step starts the command line (a SIGKILLed send, then the rest of the month): on 2 busy cores one start
  // takes 10–20 s, so the default minute is too little for the whole walk.
  it('checks January, then survives SIGKILL mid-upload, uploaded, built, signed and submitted, and ends GİB-approved', async () => {
    const checked = await api['edefter.check']({ target: target(), vkn, month: `${YEAR}-01` });
    expect(checked.state).toBe('checked');
    const killedIn: string[] = [];
    // Mid-upload: the parts are written and recorded, the upload has begun.
    killedIn.push(await killWhen((r) => r.state === 'checked' && r.upload_json !== null));
    for (const state of ['uploaded', 'built', 'signed', 'submitted']) {
      killedIn.push(await killWhen((r) => r.state === state));
      // The store holds the state the run was killed in (or a later one it had fully reached).
      const after = monthRow()!.state;
      expect(['uploaded', 'built', 'signed', 'submitted', 'approved'].indexOf(after)).toBeGreaterThanOrEqual(['uploaded', 'built', 'signed', 'submitted'].indexOf(state));
    }
    expect(killedIn).toEqual(['checked', 'uploaded', 'built', 'signed', 'submitted']);

    const last = sendProcess();
    const { code } = await last.exited;
    expect(code, last.output().stderr).toBe(0);
    const final = JSON.parse(last.output().stdout) as { state: string; history: { to: string }[] };
    expect(final.state).toBe('approved');
    expect(final.history.map((h) => h.to)).toEqual(expect.arrayContaining(['read', 'checked', 'uploaded', 'built', 'signed', 'submitted', 'approved']));

    // At QNB: every part is there, and the sealed files went up exactly once despite the kills.
    const sb = new Database(path.join(root, 'sandbox', 'efinans-sandbox.sqlite'), { readonly: true });
    try {
      const donem = sb.prepare('SELECT state, sealed_submissions FROM edefter_donem WHERE vkn = ?').get(vkn) as { state: string; sealed_submissions: number };
      expect(donem).toEqual({ state: 'approved', sealed_submissions: 1 });
      const parts = sb.prepare('SELECT name FROM edefter_part WHERE vkn = ?').all(vkn) as { name: string }[];
      expect(parts.map((p) => p.name)).toEqual([`${vkn}_0000_${YEAR}01_1.zip`]);
    } finally {
      sb.close();
    }

    // The month folder holds the sealed defters and berats, xmlsec1 verifies them, and GİB's approved berats.
    const folder = path.join(home, 'edefter', vkn, String(YEAR), '01');
    const sealed = fs.readdirSync(path.join(folder, 'qnb', 'muhurlu')).sort();
    expect(sealed).toEqual([`${vkn}-${YEAR}01-K-000000.xml`, `${vkn}-${YEAR}01-KB-000000.xml`, `${vkn}-${YEAR}01-Y-000000.xml`, `${vkn}-${YEAR}01-YB-000000.xml`]);
    const pem = path.join(root, 'cert.pem');
    fs.writeFileSync(pem, token.certificatePem);
    for (const f of sealed) expect(xmlsecVerify(path.join(folder, 'qnb', 'muhurlu', f), pem).ok).toBe(true);
    expect(fs.readdirSync(path.join(folder, 'gib')).sort()).toEqual([`GIB-${vkn}-${YEAR}01-KB-000000.xml`, `GIB-${vkn}-${YEAR}01-YB-000000.xml`]);
  }, 300_000);

  it('February continues from January’s numbers and is blocked by its unnumbered voucher', async () => {
    const feb = await api['edefter.check']({ target: target(), vkn, month: `${YEAR}-02` });
    expect(feb.state).toBe('read');
    expect(feb.checks!.firstJournalNo).toBe(25);
    expect(feb.checks!.issues.map((i) => i.code)).toEqual(['LEDGER_ENTRY_UNNUMBERED']);
    await expect(api['edefter.build']({ target: target(), vkn, month: `${YEAR}-02` })).rejects.toMatchObject({ code: 'EDEFTER_CHECKS_FAILED' });
  }, 180_000);

  it('a month after an open one is refused: months are never skipped', async () => {
    await expect(api['edefter.check']({ target: target(), vkn, month: `${YEAR}-03` })).rejects.toMatchObject({ code: 'EDEFTER_PREVIOUS_MONTH_OPEN' });
  });

  it('branched ↔ unbranched cannot change within a fiscal year that has ledgers', async () => {
    await expect(api['edefter.settings.save']({ settings: { ...settings, branches: [{ code: '0001', name: 'İzmir' }] } })).rejects.toMatchObject({
      code: 'EDEFTER_BRANCH_CHANGE_FORBIDDEN',
    });
    expect((await api['edefter.settings.get']({ vkn }))!.branches).toEqual([]);
  });
});
