import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { SessionRegistry } from '../../core/auth';
import { listAudit } from '../../db/audit';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { saveProfile } from '../../db/profiles';
import { createDemoDatabases } from '../../sandbox/demo';
import { logoConnector } from '../../connectors/logo';
import { logger } from '../../core/logging';
import { SHIPPED } from '../../runtime/shipped';

const NOW = new Date('2026-01-05T07:30:00Z');
let dir: string;
let server: string;
let store: LocalStore;
let connections: ErpConnections;
let registry: SessionRegistry;
let api: KonnektorService;
let cliApi: KonnektorService;
let ornek: string;
let anadolu: string;

beforeAll(async () => {
  // Refused calls are logged as warnings; the assertions below are about them.
  logger.level = 'error';
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-yearend-api-'));
  await createDemoDatabases({ dir, year: 2026, invoices: 24, seed: 7 });
  server = `sqlite:${dir}`;
  store = await openLocalStore(':memory:');
  connections = new ErpConnections();
  registry = new SessionRegistry({ now: () => NOW });
  const target = (firm: string) => ({ connector: 'logo', server, database: 'LOGODB', firm, period: '01' });
  ornek = (await logoConnector.companyOf!({ connections }, target('001'))).taxId!;
  anadolu = (await logoConnector.companyOf!({ connections }, target('002'))).taxId!;
  for (const module of ['efatura', 'earsiv'] as const) {
    await saveProfile(store, { module, companyVkn: ornek, fiscalYear: 2025, branch: '', target: target('001'), integrator: { endpoint: 'http://127.0.0.1:8480', user: 'ornek' } });
  }
  await saveProfile(store, { module: 'efatura', companyVkn: anadolu, fiscalYear: 2025, branch: '', target: target('002'), integrator: {} });
  const deps = { ...SHIPPED, connections, store: async () => store, now: () => NOW, session: { registry } };
  api = createKonnektorApi(deps);
  cliApi = createKonnektorApi({ ...SHIPPED, ...deps, localActor: { user: 'admin', staff: false } });
});
afterAll(async () => {
  await api.close();
  await cliApi.close();
  await connections.closeAll();
  await store.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
});

function login(module: 'efatura' | 'earsiv', companyVkn: string, firm: string, staff = false) {
  return registry.create(
    { module, user: 'ornek', staff, ...(staff ? { staffUser: 'destek.ali' } : {}), target: { connector: 'logo', server, database: 'LOGODB', firm, period: '01' }, companyVkn, integrator: 'http://127.0.0.1:8480', fiscalYear: 2025 },
    { user: 'ornek', password: 'x' },
  );
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

describe('year-end API', () => {
  it('refuses calls without a session unless it is the CLI’s local administrator', async () => {
    expect(await codeOf(api['yearend.check']({}))).toBe('YEAREND_SESSION_REQUIRED');
    expect(await codeOf(api['yearend.apply']({ module: 'efatura', target: {} }))).toBe('YEAREND_SESSION_REQUIRED');
    expect(await codeOf(api['yearend.check']({ sessionId: 'not-a-session' }))).toBe('AUTH_REQUIRED');
    const all = await cliApi['yearend.check']({});
    expect(all.items).toHaveLength(3);
    expect(all.staff).toBe(false);
  });

  it('checks only the session’s company and starts with the session’s module', async () => {
    const s = login('earsiv', ornek, '001');
    const check = await api['yearend.check']({ sessionId: s.id });
    expect(check.module).toBe('earsiv');
    expect(check.items.map((i) => [i.module, i.companyVkn, i.needed])).toEqual([['efatura', ornek, true], ['earsiv', ornek, true]]);
    expect(check.items[0]!.proposal?.target).toMatchObject({ firm: '001', period: '02' });
  });

  it('a session whose company VKN is unknown sees only profiles saved without one, never other companies', async () => {
    const s = registry.create(
      { module: 'efatura', user: 'x', staff: false, target: { connector: 'logo', server, database: 'LOGODB', firm: '001', period: '01' }, integrator: 'http://127.0.0.1:8480' },
      { user: 'x', password: 'x' },
    );
    expect((await api['yearend.check']({ sessionId: s.id })).items).toEqual([]);
    expect(await codeOf(api['yearend.plan']({ sessionId: s.id, target: {} }))).toBe('YEAREND_PROFILE_NOT_FOUND');
  });

  it('lists the company’s periods for "Firma/Dönem Ara" with their fiscal years', async () => {
    const s = login('efatura', ornek, '001');
    const search = await api['yearend.search']({ sessionId: s.id });
    expect(search.shape).toBe('firm-period');
    expect(search.periods.filter((p) => p.firm === '001').map((p) => [p.period, p.fiscalYear])).toEqual([['01', 2025], ['02', 2026]]);
    expect(search.databases).toContainEqual({ name: 'LOGODB', recognised: true });
  });

  it('validates input with the schema before doing anything', async () => {
    const s = login('efatura', ornek, '001');
    expect(await codeOf(api['yearend.plan']({ sessionId: s.id, target: { firm: '1', extra: 1 } as never }))).toBe('INPUT_INVALID');
    expect(await codeOf(api['yearend.apply']({ sessionId: s.id, target: {}, alsoModules: ['efatura2'] }))).toBe('MODULE_UNKNOWN');
  });

  it('a staff session may change the integrator endpoint, a customer session may not', async () => {
    const customer = login('efatura', anadolu, '002');
    expect(await codeOf(api['yearend.apply']({ sessionId: customer.id, target: {}, integratorEndpoint: 'https://x.example', dryRun: true }))).toBe('YEAREND_STAFF_ONLY');
    const staff = login('efatura', anadolu, '002', true);
    const dry = await api['yearend.apply']({ sessionId: staff.id, target: {}, integratorEndpoint: 'https://x.example', dryRun: true });
    expect(dry.results[0]).toMatchObject({ outcome: 'planned' });
  });

  it('"GÜNCELLE" moves the session to the new year, keeps last year readable, and audits who did it', async () => {
    const s = login('efatura', ornek, '001');
    const plan = await api['yearend.plan']({ sessionId: s.id, target: {} });
    expect(plan.to.fiscalYear).toBe(2026);
    const result = await api['yearend.apply']({ sessionId: s.id, target: { period: plan.to.target.period! }, alsoModules: ['earsiv'] });
    expect(result.results.map((r) => [r.module, r.outcome])).toEqual([['efatura', 'applied'], ['earsiv', 'applied']]);
    const session = await api['session.get']({ sessionId: s.id });
    expect(session).toMatchObject({ fiscalYear: 2026, target: { firm: '001', period: '02' } });
    const years = await api['yearend.profiles']({ sessionId: s.id });
    expect(years.map((p) => p.fiscalYear)).toEqual([2026, 2025]);
    expect((await api['yearend.check']({ sessionId: s.id })).items.every((i) => !i.needed)).toBe(true);
    // Anadolu's module was not touched by Örnek's session.
    expect((await cliApi['yearend.check']({ companyVkn: anadolu })).items[0]).toMatchObject({ fiscalYear: 2025, needed: true });
    const entries = (await listAudit(store, 10)).filter((a) => a.action === 'yearend.apply');
    expect(entries.slice(0, 2).map((a) => [a.actor, a.module, a.outcome])).toEqual([['ornek', 'earsiv', 'ok'], ['ornek', 'efatura', 'ok']]);
  });

  it('after the switch, last year’s documents are still listed with their latest status', async () => {
    const s = login('efatura', ornek, '001');
    // A 2025 invoice sent before the year-end, still being processed by GİB.
    const ettn = '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f';
    await store('outbox').insert({
      module: 'efatura', company_vkn: ornek, erp_connector: 'logo', erp_database: 'LOGODB', erp_firm: '001', erp_period: '01', erp_key: '999001',
      erp_number: 'F2025-0999', ettn, number: 'KNF2025000000999', state: 'processing', attempts: 1, created_at: NOW.toISOString(), updated_at: NOW.toISOString(),
    });
    const lastYear = await api['yearend.documents']({ sessionId: s.id, fiscalYear: 2025 });
    expect(lastYear.target).toMatchObject({ firm: '001', period: '01' });
    expect(lastYear.documents).toContainEqual(expect.objectContaining({ key: '999001', state: 'processing', number: 'KNF2025000000999' }));
    expect(lastYear.documents.filter((d) => d.issueDate).every((d) => d.issueDate!.startsWith('2025'))).toBe(true);
    // The status poller moves it on; the list shows it.
    await store('outbox').where({ ettn }).update({ state: 'accepted', gib_code: '1300' });
    expect((await api['yearend.documents']({ sessionId: s.id, fiscalYear: 2025 })).documents).toContainEqual(expect.objectContaining({ key: '999001', state: 'accepted', gibCode: '1300' }));
    const thisYear = await api['yearend.documents']({ sessionId: s.id, fiscalYear: 2026 });
    expect(thisYear.documents.length).toBeGreaterThan(0);
    expect(thisYear.documents.some((d) => d.key === '999001')).toBe(false);
    expect(thisYear.documents.every((d) => d.state === 'unsent' && d.issueDate!.startsWith('2026'))).toBe(true);
  });

  it('cancelling is audited and changes nothing', async () => {
    const s = login('efatura', anadolu, '002');
    expect(await api['yearend.cancel']({ sessionId: s.id })).toMatchObject({ cancelled: true, fiscalYear: 2025 });
    expect((await listAudit(store, 1))[0]).toMatchObject({ action: 'yearend.cancel', outcome: 'cancelled' });
    expect((await api['yearend.check']({ sessionId: s.id })).items[0]).toMatchObject({ fiscalYear: 2025, needed: true });
  });
});
