import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import knex from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectorContext, ErpConnector } from '../../connectors/contract';
import { outgoingHeadersQuery as logoHeaders } from '../../connectors/logo/read';
import { outgoingHeadersQuery as netsisHeaders } from '../../connectors/netsis/read';
import { listConnectors } from '../../connectors/registry';
import { withBranch } from '../../connectors/shared/branch';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { normalizeBranchCode } from '../../core/erp/codes';
import { normalizeTarget, type ErpTarget } from '../../core/erp/target';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { createDemoDatabases } from '../../sandbox/demo';
import { demoRegisteredUsers, demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

/**
 * Branches (şube): a target naming a branch reads only that branch's documents — Logo INVOICE.BRANCH, Netsis
 * TBLFATUIRS.SUBE_KODU, Mikro cha_subeno — on the demo databases; ETA keeps none and refuses a branch; a code with
 * letters is its own error and changes nothing.
 */
const SEED = 5;
const YEAR = 2026;
let dir: string;
let server: string;
const connections = new ErpConnections();
const world = demoWorld(SEED);
const registered = new Set(demoRegisteredUsers(world).map((u) => u.identifier));
const ctx: ConnectorContext = { connections, recipients: { isEfaturaUser: async (taxId) => registered.has(taxId) } };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-branch-'));
  server = (await createDemoDatabases({ dir, invoices: 40, seed: SEED, year: YEAR })).server;
}, 120_000);
afterAll(async () => {
  await connections.closeAll();
  fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string) => path.join(dir, `${name}.sqlite`);

/** Where each program keeps a document's branch, and how the test moves one document to another branch. */
const MOVE: Record<string, { target: () => ErpTarget; move: (key: string, branch: number) => void }> = {
  logo: {
    target: () => ({ connector: 'logo', server, database: 'LOGODB', firm: '001', period: '02' }),
    move: (key, branch) => {
      const db = new Database(file('LOGODB'));
      db.prepare('UPDATE LG_001_02_INVOICE SET BRANCH = ? WHERE LOGICALREF = ?').run(branch, Number(key));
      db.close();
    },
  },
  netsis: {
    target: () => ({ connector: 'netsis', server, database: `ORNEKTEKSTIL${YEAR}` }),
    move: (key, branch) => {
      const [sube, ftirsip, fatirsNo, cari] = JSON.parse(key) as [number, string, string, string];
      const db = new Database(file(`ORNEKTEKSTIL${YEAR}`));
      db.prepare('UPDATE TBLFATUIRS SET SUBE_KODU = ? WHERE SUBE_KODU = ? AND FTIRSIP = ? AND FATIRS_NO = ? AND CARI_KODU = ?').run(branch, sube, ftirsip, fatirsNo, cari);
      db.prepare('UPDATE TBLFATUEK SET SUBE_KODU = ? WHERE SUBE_KODU = ? AND FKOD = ? AND FATIRSNO = ? AND CKOD = ?').run(branch, sube, ftirsip, fatirsNo, cari);
      db.close();
    },
  },
  mikro: {
    target: () => ({ connector: 'mikro', server, database: 'MikroDB_V17_ORNEK', fiscalYear: YEAR }),
    move: (key, branch) => {
      const db = new Database(file('MikroDB_V17_ORNEK'));
      db.prepare('UPDATE CARI_HESAP_HAREKETLERI SET cha_subeno = ? WHERE cha_Guid = ?').run(branch, key);
      db.close();
    },
  },
};

const numbers = async (c: ErpConnector, target: ErpTarget) => (await c.readOutgoing(ctx, target, 'efatura')).map((d) => d.erpNumber).sort();

describe('branch codes', () => {
  it('takes digits as the branch number they name and refuses anything else with its own code', () => {
    expect(normalizeBranchCode('1')).toBe('1');
    expect(normalizeBranchCode(' 007 ')).toBe('7');
    expect(normalizeBranchCode('0')).toBe('0');
    for (const bad of ['1a', 'A1', '-1', '1.5', '12345', "1'--", 'şube']) {
      expect(() => normalizeBranchCode(bad), bad).toThrow(expect.objectContaining({ code: 'ERP_BRANCH_CODE_INVALID' }));
    }
    expect(() => normalizeTarget({ connector: 'logo', server: 'sqlite:x', branch: '2b' })).toThrow(expect.objectContaining({ code: 'ERP_BRANCH_CODE_INVALID' }));
    expect(normalizeTarget({ connector: 'logo', server: 'sqlite:x', branch: ' ' }).branch).toBeUndefined();
  });

  it('binds the branch as a value in the SQL Server queries, never as text', () => {
    const db = knex({ client: 'mssql' });
    const logo = logoHeaders(db, '001', '02', 'efatura', withBranch({ connector: 'logo', server: 'x', branch: '12' })).toSQL();
    expect(logo.sql).toContain('[I].[BRANCH] = ?');
    expect(logo.bindings).toContain(12);
    const netsis = netsisHeaders(db, 'efatura', withBranch({ connector: 'netsis', server: 'x', branch: '3' })).toSQL();
    expect(netsis.sql).toContain('[F].[SUBE_KODU] = ?');
    expect(netsis.bindings).toContain(3);
    expect(logoHeaders(db, '001', '02', 'efatura', withBranch({ connector: 'logo', server: 'x' })).toSQL().sql).not.toContain('BRANCH] =');
    expect(() => withBranch({ connector: 'logo', server: 'x', branch: '1 OR 1=1' })).toThrow(expect.objectContaining({ code: 'ERP_BRANCH_CODE_INVALID' }));
  });
});

describe.each(Object.keys(MOVE))('%s reads one branch', (id) => {
  it('returns only the documents of the branch named, all of them without a branch', async () => {
    const connector = listConnectors().find((c) => c.id === id)!;
    expect(connector.branchColumn).toBeTruthy();
    const target = MOVE[id]!.target();
    const before = await connector.readOutgoing(ctx, target, 'efatura');
    expect(before.length).toBeGreaterThan(1);
    const all = before.map((d) => d.erpNumber).sort();
    // The demo keeps every document at the head office (branch 0).
    expect(await numbers(connector, { ...target, branch: '0' })).toEqual(all);
    expect(await numbers(connector, { ...target, branch: '3' })).toEqual([]);
    const moved = before[0]!;
    MOVE[id]!.move(moved.ref.key, 3);
    expect(await numbers(connector, { ...target, branch: '3' })).toEqual([moved.erpNumber]);
    expect(await numbers(connector, { ...target, branch: '0' })).toEqual(all.filter((n) => n !== moved.erpNumber));
    expect(await numbers(connector, target)).toEqual(all);
    await expect(connector.readOutgoing(ctx, { ...target, branch: 'x3' }, 'efatura')).rejects.toMatchObject({ code: 'ERP_BRANCH_CODE_INVALID' });
  });
});

describe('ETA', () => {
  it('keeps no branch: a target naming one is refused, not read whole', async () => {
    const eta = listConnectors().find((c) => c.id === 'eta')!;
    expect(eta.branchColumn).toBeUndefined();
    const target = { connector: 'eta', server, database: `ETA_ORNEK_${YEAR}` };
    expect((await eta.readOutgoing(ctx, target, 'efatura')).length).toBeGreaterThan(0);
    await expect(eta.readOutgoing(ctx, { ...target, branch: '1' }, 'efatura')).rejects.toMatchObject({ code: 'ERP_BRANCH_NOT_SUPPORTED' });
    await expect(eta.testConnection(ctx, { ...target, branch: '1' }, 'efatura')).rejects.toMatchObject({ code: 'ERP_BRANCH_NOT_SUPPORTED' });
  });
});

describe('login and Bağlantı Ayarları with a branch', () => {
  let home: string;
  let sandbox: SandboxHandle;
  let store: LocalStore;
  let api: KonnektorService;
  const apiConnections = new ErpConnections();
  const logo = () => ({ connector: 'logo', server: `sqlite:${home}/demo`, database: 'LOGODB', firm: '2', period: '2' });

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-branch-api-'));
    sandbox = await startSandbox({ dataDir: path.join(home, 'sandbox'), port: 0, validate: false });
    store = await openLocalStore(path.join(home, 'konnektor.sqlite'));
    api = createKonnektorApi({ ...SHIPPED, connections: apiConnections, store: async () => store, session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry: new SessionRegistry({}) } });
    await api['demo.init']({ dir: path.join(home, 'demo') });
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await apiConnections.closeAll();
    await store.destroy();
    await sandbox.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses a branch code with letters, and a branch for a program without branches, saving nothing', async () => {
    await expect(api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { ...logo(), branch: '1a' } })).rejects.toMatchObject({
      code: 'ERP_BRANCH_CODE_INVALID',
      userMessage: expect.stringContaining('Şube kodu'),
    });
    await expect(
      api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { connector: 'eta', server: `sqlite:${home}/demo`, database: `ETA_ORNEK_${new Date().getFullYear()}`, branch: '1' } }),
    ).rejects.toMatchObject({ code: 'ERP_BRANCH_NOT_SUPPORTED' });
    expect(await listProfiles(store)).toEqual([]);
  });

  it('logs in to a branch, keys the profile by it, offers it next time, and Bağlantı Ayarları changes it', async () => {
    const defaults = await api['session.defaults']({ module: 'efatura' });
    expect(defaults.connectors.find((c) => c.id === 'logo')!.branches).toBe(true);
    expect(defaults.connectors.find((c) => c.id === 'eta')?.branches ?? false).toBe(false);
    const { session } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { ...logo(), branch: '07' } });
    expect(session.target.branch).toBe('7');
    // The demo keeps every invoice at the head office: branch 7 has none.
    expect(await api['session.documents']({ sessionId: session.id })).toEqual([]);
    expect((await listProfiles(store)).map((p) => p.branch)).toEqual(['7']);
    expect((await api['session.defaults']({ module: 'efatura' })).prefill.branch).toBe('7');
    await expect(api['settings.save']({ sessionId: session.id, target: { ...logo(), branch: 'B2' } })).rejects.toMatchObject({ code: 'ERP_BRANCH_CODE_INVALID' });
    await expect(api['session.get']({ sessionId: session.id })).resolves.toMatchObject({ target: { branch: '7' } });
    const saved = await api['settings.save']({ sessionId: session.id, target: { ...logo(), branch: '0' } });
    expect(saved.target.branch).toBe('0');
    expect((await api['session.documents']({ sessionId: session.id })).length).toBeGreaterThan(0);
  });
});
