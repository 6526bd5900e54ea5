import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoEdefterSettings } from '../../sandbox/demo/ledger';
import { demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

/** The e-Defter login with Logo, Netsis and Mikro (ETA refused), and the screen's session-based calls (months, check). */
let dir: string;
let sandbox: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
const connections = new ErpConnections();
const YEAR = 2026;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-edefter-login-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, validate: false });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry: new SessionRegistry({}) } });
  await createDemoDatabases({ dir: path.join(dir, 'demo'), invoices: 12, seed: 1, year: YEAR });
  const world = demoWorld(1);
  for (const i of [0, 1] as const) await api['edefter.settings.save']({ settings: demoEdefterSettings(world, i, YEAR) });
});
afterAll(async () => {
  await api.close();
  await connections.closeAll();
  await store.destroy();
  await sandbox.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('e-Defter login', () => {
  it('offers Logo, Netsis and Mikro for e-Defter, not ETA', async () => {
    const defaults = await api['session.defaults']({ module: 'edefter' });
    expect(defaults.connectors.map((c) => c.id)).toEqual(expect.arrayContaining(['logo', 'netsis', 'mikro']));
    expect(defaults.connectors.map((c) => c.id)).not.toContain('eta');
  });

  it('refuses an ETA e-Defter login with its own code and a Turkish message naming the program', async () => {
    const error = await api['session.login']({
      module: 'edefter',
      user: 'demo',
      password: 'demo123',
      target: { connector: 'eta', server: `sqlite:${dir}/demo`, database: `ETA_ORNEK_${YEAR}` },
    }).then(
      () => undefined,
      (e: unknown) => e as { code: string; userMessage: string },
    );
    expect(error?.code).toBe('EDEFTER_JOURNAL_NUMBER_UNAVAILABLE');
    expect(error?.userMessage).toContain('ETA:SQL / V.8 programı yevmiye kayıtlarında yevmiye madde numarası tutmuyor; bu yüzden e-Defter bu programın verilerinden hazırlanamaz.');
    expect(error?.userMessage).toContain('e-Fatura ve e-Arşiv modüllerini ETA:SQL / V.8 ile kullanmaya devam edebilirsiniz');
  });

  it.each([
    ['logo', { connector: 'logo', server: '', database: 'LOGODB', firm: '1', period: '2' }],
    ['netsis', { connector: 'netsis', server: '', database: `ORNEKTEKSTIL${YEAR}` }],
    ['mikro', { connector: 'mikro', server: '', database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR }],
  ])('logs in with %s, lists the company’s months and checks January from the session', async (_id, t) => {
    const { session } = await api['session.login']({ module: 'edefter', user: 'demo', password: 'demo123', target: { ...t, server: `sqlite:${dir}/demo` } });
    expect(session.module).toBe('edefter');
    expect(session.companyVkn).toBe(demoWorld(1).companies[0]!.vkn);
    const jan = await api['edefter.check']({ sessionId: session.id, month: `${YEAR}-01` });
    expect(jan.state).toBe('checked');
    expect(jan.checks!.entries).toBe(24);
    const months = await api['edefter.months']({ sessionId: session.id });
    expect(months.map((m) => [m.month, m.state, m.deadline])).toEqual([[`${YEAR}-01`, 'checked', `${YEAR}-04-30`]]);
  });

  it('a month without a session needs its target and company', async () => {
    await expect(api['edefter.check']({ month: `${YEAR}-01` })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
    await expect(api['edefter.check']({ month: `${YEAR}-13`, vkn: '1234567890' })).rejects.toMatchObject({ code: 'INPUT_INVALID' });
  });
});
