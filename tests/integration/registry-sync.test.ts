/**
 * The registered-user list refreshed from the integrator: kayitliKullaniciListeleExtended streamed from the sandbox
 * (QNB's zip with one eFaturaKayitliKullaniciListe XML) into the local store; the truncation guard; every bad file the
 * sandbox can serve (not a zip, a damaged entry, no XML, another schema) refused with its own code and the cache
 * left as it was; one refresh at a time; GİB's own UserList file through the same reader.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUserList } from '../../core/documents/userList';
import { createIntegratorClients, type IntegratorClients } from '../../core/integrator';
import { syncRegisteredUsers } from '../../core/registry/sync';
import { lookupRegisteredFast, registryStatus } from '../../db/registry';
import { openLocalStore, type LocalStore } from '../../db/local';
import { demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { generatedUser } from '../../sandbox/server/userList';

const world = demoWorld(1);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-registry-sync-'));
const GENERATED = 3000;
let sb: SandboxHandle;
let clients: IntegratorClients;
let store: LocalStore;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5, validate: false, generatedUsers: GENERATED });
  clients = createIntegratorClients({ endpoints: sb.endpoints, credentials: { user: 'demo', password: 'demo123', auth: 'wsLogin' }, erpCode: 'KNK' });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
});
afterAll(async () => {
  await clients?.close();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const sync = (maxDropShare?: number) =>
  syncRegisteredUsers({ store, source: { client: clients.efatura }, tempDir: dir, ...(maxDropShare !== undefined ? { maxDropShare } : {}) });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string; details: Record<string, unknown> });
const userCount = async () => ((await store('registered_users').where('document_type', 'Invoice').countDistinct({ n: 'identifier' })) as { n: number }[])[0]!.n;

describe('registered-user list refresh', () => {
  it('streams the whole list into the store: every taxpayer with its open mailboxes, KAMU marked', async () => {
    const r = await sync();
    const demo = world.customers.filter((c) => c.registered).length + world.companies.length;
    expect(r).toMatchObject({ documentType: 'Invoice', format: 'qnb', before: 0, dropped: 0, skipped: 0 });
    expect(r.after).toBe(GENERATED + demo);
    expect(r.aliases).toBeGreaterThan(r.after);
    expect(r.downloadedBytes).toBeGreaterThan(1000);
    expect(await userCount()).toBe(GENERATED + demo);
    const tenth = generatedUser(10);
    expect(await lookupRegisteredFast(store, tenth.identifier)).toEqual({
      identifier: tenth.identifier,
      title: tenth.title,
      userType: 'OZEL',
      aliases: ['urn:mail:defaultpk@mukellef10.com.tr', 'urn:mail:faturapk@mukellef10.com.tr'],
    });
    expect((await lookupRegisteredFast(store, generatedUser(97).identifier))?.userType).toBe('KAMU');
    expect(await lookupRegisteredFast(store, '9999999999')).toBeUndefined();
    const status = await registryStatus(store);
    expect(status).toMatchObject({ outcome: 'ok', users: GENERATED + demo, source: 'kayitliKullaniciListeleExtended' });
    // The downloaded zip does not outlive the refresh.
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('konnektor-userlist-'))).toEqual([]);
  });

  it('refuses a truncated list that would drop more than the allowed share, keeping the cache', async () => {
    const before = await userCount();
    sb.admin.setFaults({ userList: { truncateShare: 0.5 } });
    const e = await failure(sync());
    expect(e?.code).toBe('REGISTRY_SHRINK_REFUSED');
    expect(e?.details).toMatchObject({ current: before });
    expect(Number(e?.details.dropped)).toBeGreaterThan(before * 0.4);
    expect(await userCount()).toBe(before);
    expect(await registryStatus(store)).toMatchObject({ outcome: 'refused', users: before });
    // With a looser guard the same short list goes through: the share is a setting, not a constant.
    const loose = await sync(0.9);
    expect(loose.after).toBeLessThan(before);
    sb.admin.setFaults({ userList: {} });
    expect((await sync(0.9)).after).toBe(before);
  });

  it.each([
    ['a damaged zip entry', { brokenEntry: true }, 'REGISTRY_ZIP_INVALID'],
    ['an answer that is no zip', { notZip: true }, 'REGISTRY_ZIP_INVALID'],
    ['a zip without XML', { noXml: true }, 'REGISTRY_ZIP_NO_XML'],
    ['an XML of another schema', { foreignXml: true }, 'REGISTRY_XML_FOREIGN'],
  ])('refuses %s and keeps the cache', async (_name, fault, code) => {
    const before = await userCount();
    sb.admin.setFaults({ userList: fault });
    try {
      const e = await failure(sync());
      expect(e?.code).toBe(code);
      expect(await userCount()).toBe(before);
      expect(await registryStatus(store)).toMatchObject({ outcome: 'failed' });
      expect((await store('registry_staging').count({ n: '*' }))[0]).toMatchObject({ n: 0 });
    } finally {
      sb.admin.setFaults({ userList: {} });
    }
  });

  it('runs one refresh at a time per store', async () => {
    const first = sync();
    const second = await failure(sync());
    expect(second?.code).toBe('REGISTRY_SYNC_BUSY');
    await first;
  });

  it('reads GİB’s UserList file through the same streaming reader (Invoice aliases only, closed ones left out)', async () => {
    const file = path.join(dir, 'userlist.xml');
    fs.writeFileSync(
      file,
      writeUserList([
        {
          identifier: '1234567890',
          title: 'GİB LİSTESİ A.Ş.',
          type: 'OZEL',
          documents: [
            { type: 'Invoice', aliases: [{ name: 'urn:mail:defaultpk@gib.example' }, { name: 'urn:mail:eski@gib.example', deletionTime: '2024-01-01T00:00:00' }] },
            { type: 'DespatchAdvice', aliases: [{ name: 'urn:mail:irsaliyepk@gib.example' }] },
          ],
        },
      ]),
    );
    const r = await syncRegisteredUsers({ store, source: { file }, maxDropShare: 1 });
    expect(r).toMatchObject({ format: 'gib', after: 1, aliases: 1 });
    expect((await lookupRegisteredFast(store, '1234567890'))?.aliases).toEqual(['urn:mail:defaultpk@gib.example']);
  });
});
