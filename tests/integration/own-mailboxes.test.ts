import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { roleOfAlias, splitOwnAliases } from '../../core/registry/ownAliases';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { readPreference } from '../../db/preferences';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { DATABASE_FILE } from '../../sandbox/server/store';
import { SHIPPED } from '../../runtime/shipped';

describe('own aliases on the registered-user list', () => {
  it('tells a sender unit (GB) from a mailbox (PK) by GİB’s default names, offering any other name as both', () => {
    expect(roleOfAlias('urn:mail:defaultgb@firma.com.tr')).toBe('gb');
    expect(roleOfAlias('URN:MAIL:MerkezPK@firma.com.tr')).toBe('pk');
    expect(roleOfAlias('urn:mail:fatura@firma.com.tr')).toBeUndefined();
    expect(splitOwnAliases(['urn:mail:defaultpk@a.tr', 'urn:mail:defaultgb@a.tr', 'urn:mail:fatura@a.tr'])).toEqual({
      gb: ['urn:mail:defaultgb@a.tr', 'urn:mail:fatura@a.tr'],
      pk: ['urn:mail:defaultpk@a.tr', 'urn:mail:fatura@a.tr'],
    });
  });
});

/** The company's GB alias chosen in Bağlantı Ayarları from its own list entries, and every e-Fatura sent from it. */
describe('sender alias of e-Fatura', () => {
  let dir: string;
  let sandbox: SandboxHandle;
  let store: LocalStore;
  let api: KonnektorService;
  const connections = new ErpConnections();
  const target = () => ({ connector: 'logo', server: `sqlite:${dir}/demo`, database: 'LOGODB', firm: '2', period: '2' });
  const access = () => ({ integrator: sandbox.url, user: 'demo', password: 'demo123' });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-own-aliases-'));
    sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, validate: false });
    store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
    api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry: new SessionRegistry({}) } });
    await api['demo.init']({ dir: path.join(dir, 'demo') });
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await connections.closeAll();
    await store.destroy();
    await sandbox.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the company’s own GB aliases, shows its PK, refuses another alias and sends from the chosen one', async () => {
    // No saved e-Fatura account yet: the list cannot be refreshed in the background, and says why.
    await expect(api['registry.refresh']({})).rejects.toMatchObject({ code: 'REGISTRY_NO_ACCOUNT', userMessage: expect.stringContaining('e-Fatura') });
    const { session } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: target() });
    const vkn = session.companyVkn!;
    expect(vkn).toMatch(/^\d{10}$/);
    const synced = await api['registry.sync']({ ...access(), vkn });
    expect(synced.ownAliases?.length).toBeGreaterThanOrEqual(3);

    const settings = await api['settings.get']({ sessionId: session.id });
    const gb = settings.ownMailboxes!.gb;
    expect(gb).toHaveLength(2);
    expect(gb.every((a) => roleOfAlias(a) === 'gb')).toBe(true);
    expect(settings.ownMailboxes!.pk).toEqual([expect.stringMatching(/^urn:mail:defaultpk@/)]);
    expect(settings.ownMailboxes).not.toHaveProperty('senderAlias');

    await expect(api['settings.save']({ sessionId: session.id, target: target(), senderAlias: 'urn:mail:defaultgb@baskasi.com.tr' })).rejects.toMatchObject({
      code: 'OWN_ALIAS_NOT_LISTED',
      userMessage: expect.stringContaining('gönderici birimi'),
    });
    expect(await readPreference(store, `senderAlias:efatura:${vkn}`)).toBeUndefined();

    const chosen = gb.find((a) => a.includes('merkezgb'))!;
    const saved = await api['settings.save']({ sessionId: session.id, target: target(), senderAlias: chosen });
    expect(saved.ownMailboxes!.senderAlias).toBe(chosen);

    const docs = await api['session.documents']({ sessionId: session.id });
    const one = docs.find((d) => d.state === 'unsent' && !d.gibCode)!;
    const summary = await api['documents.send']({ target: target(), module: 'efatura', refs: [one.key], ...access() });
    expect(summary.failed).toEqual([]);
    const db = new Database(path.join(dir, 'sandbox', DATABASE_FILE), { readonly: true });
    try {
      const rows = db.prepare("SELECT gonderen_etiket FROM outgoing WHERE belge_turu = 'FATURA_UBL'").all() as { gonderen_etiket: string | null }[];
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.gonderen_etiket === chosen)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('refreshes the registered-user list on demand with the saved e-Fatura account; a truncated list is refused and recorded', async () => {
    const before = await api['registry.status']({});
    const done = await api['registry.refresh']({});
    expect(done.lastOutcome).toMatchObject({ ok: true });
    expect(done.nextRunAt).toBeUndefined(); // not started in this process: nothing scheduled
    sandbox.admin.setFaults({ userList: { truncateShare: 0.6 } });
    try {
      await expect(api['registry.refresh']({})).rejects.toMatchObject({ code: 'REGISTRY_SHRINK_REFUSED' });
    } finally {
      sandbox.admin.clearFaults();
    }
    expect(await api['registry.refreshStatus']({})).toMatchObject({ lastOutcome: { ok: false, code: 'REGISTRY_SHRINK_REFUSED' }, lastSuccessAt: done.lastSuccessAt });
    expect(await api['registry.status']({})).toMatchObject({ users: before.users });
  });
});
