import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { listAudit } from '../../db/audit';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

/** The login and session methods against the demo databases and a sandbox, without a browser. */
describe('session API', () => {
  let dir: string;
  let sandbox: SandboxHandle;
  let store: LocalStore;
  let api: KonnektorService;
  let connections: ErpConnections;
  const vault = new MemoryVault();
  let now = Date.now();
  const registry = new SessionRegistry({ now: () => new Date(now), staffTtlMs: 60_000 });
  const target = () => ({ connector: 'logo', server: `sqlite:${dir}/demo`, database: 'LOGODB', firm: '2', period: '2' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-session-'));
    sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, validate: false });
    store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
    connections = new ErpConnections();
    api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, session: { vault, defaultIntegrator: sandbox.url, registry } });
    await api['demo.init']({ dir: path.join(dir, 'demo') });
  });
  afterAll(async () => {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unreachable integrator with its own message and saves nothing', async () => {
    await expect(api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', integrator: 'http://127.0.0.1:9', target: target() })).rejects.toMatchObject({
      code: 'INTEGRATOR_UNREACHABLE',
      userMessage: expect.stringContaining('ulaşılamıyor'),
    });
    await expect(api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { ...target(), period: '1a' } })).rejects.toMatchObject({ code: 'ERP_PERIOD_CODE_INVALID' });
    await expect(api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { ...target(), server: '' } })).rejects.toMatchObject({ code: 'AUTH_SERVER_REQUIRED' });
    expect(await listProfiles(store)).toEqual([]);
  });

  it('logs in, saves the profile without secrets, keeps the password in the vault and prefills the next login', async () => {
    const { session, kontor } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: target() });
    expect(session).toMatchObject({ module: 'efatura', user: 'demo', staff: false, target: { firm: '002', period: '02' } });
    expect(typeof kontor).toBe('number');
    const [profile] = await listProfiles(store);
    expect(profile).toMatchObject({ module: 'efatura', integrator: { user: 'demo', endpoint: sandbox.url, secretRef: expect.stringMatching(/^integrator:/) } });
    expect(await vault.get(profile!.integrator.secretRef!)).toBe('demo123');
    const raw = fs.readFileSync(path.join(dir, 'konnektor.sqlite')).toString('latin1');
    expect(raw).not.toContain('demo123');
    const defaults = await api['session.defaults']({ module: 'efatura' });
    expect(defaults.prefill).toMatchObject({ connector: 'logo', database: 'LOGODB', firm: '002', period: '02', user: 'demo' });
    // With the settings saved, firm and period may stay empty.
    const again = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: { connector: 'logo', server: `sqlite:${dir}/demo` } });
    expect(again.session.target).toMatchObject({ database: 'LOGODB', firm: '002', period: '02' });
    // Documents of the session: the ERP's unsent ones, nothing sent yet.
    const rows = await api['session.documents']({ sessionId: session.id });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.state === 'unsent' && !r.resendable)).toBe(true);
    await expect(api['session.send']({ sessionId: session.id, keys: [] })).rejects.toMatchObject({ code: 'DOCUMENT_NOT_SELECTED' });
    await expect(api['diagnostics.audit']({ sessionId: session.id })).rejects.toMatchObject({ code: 'AUTH_STAFF_REQUIRED' });
    await api['session.logout']({ sessionId: session.id });
    await expect(api['session.documents']({ sessionId: session.id })).rejects.toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('logs in to a database-per-year program (Netsis) by database alone, and to e-Arşiv with its own settings', async () => {
    const databases = await api['erp.listDatabases']({ connector: 'netsis', server: `sqlite:${dir}/demo` });
    const thisYear = databases.find((d) => d.recognised && d.fiscalYear === new Date().getFullYear())!;
    // Without a database the guide's way applies: the integrator login alone, the ERP side left for Bağlantı Ayarları.
    const pending = await api['session.login']({ module: 'earsiv', user: 'demo', password: 'demo123', target: { connector: 'netsis', server: `sqlite:${dir}/demo` } });
    expect(pending.session).toMatchObject({ module: 'earsiv', erpPending: true });
    await expect(api['session.documents']({ sessionId: pending.session.id })).rejects.toMatchObject({ code: 'SETTINGS_ERP_PENDING' });
    expect((await api['session.defaults']({ module: 'earsiv' })).prefill.connector).not.toBe('netsis');
    const { session } = await api['session.login']({ module: 'earsiv', user: 'demo', password: 'demo123', target: { connector: 'netsis', server: `sqlite:${dir}/demo`, database: thisYear.name } });
    expect(session).toMatchObject({ module: 'earsiv', target: { connector: 'netsis', database: thisYear.name } });
    expect(Array.isArray(await api['session.documents']({ sessionId: session.id }))).toBe(true);
    // e-Fatura keeps its own profile; e-Arşiv got one of its own.
    expect((await api['session.defaults']({ module: 'efatura' })).prefill.connector).toBe('logo');
    expect((await api['session.defaults']({ module: 'earsiv' })).prefill).toMatchObject({ connector: 'netsis', database: thisYear.name });
  });

  it('gives staff credentials a marked, shorter session whose every action is audited under the staff name', async () => {
    await expect(api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', staff: true, target: target() })).rejects.toMatchObject({ code: 'AUTH_NOT_STAFF' });
    const { session } = await api['session.login']({ module: 'efatura', user: 'efinans.destek', password: 'destek123', staff: true, target: target() });
    expect(session).toMatchObject({ staff: true, staffUser: 'efinans.destek', user: 'demo' });
    await api['settings.get']({ sessionId: session.id });
    await api['diagnostics.audit']({ sessionId: session.id });
    const audit = await listAudit(store, 100);
    const staff = audit.filter((a) => a.staff && a.actor === 'efinans.destek').map((a) => a.action);
    expect(staff).toEqual(expect.arrayContaining(['session.login', 'settings.open', 'diagnostics.audit']));
    expect(audit.find((a) => a.actor === 'demo' && a.staff)).toMatchObject({ outcome: 'failed', detail: 'AUTH_NOT_STAFF' });
    // The staff login did not replace the customer's saved integrator user.
    expect((await listProfiles(store)).every((p) => p.integrator.user === 'demo')).toBe(true);
    now += 61_000;
    await expect(api['session.get']({ sessionId: session.id })).rejects.toMatchObject({ code: 'AUTH_SESSION_EXPIRED' });
  });
});
