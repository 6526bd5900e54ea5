/**
 * The Gelen Belgeler screen's methods against the demo and the sandbox, without a browser: the session decides the
 * company, the integrator account and the accounting database; every refusal has its own code and changes nothing.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry } from '../../core/auth';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SEED_INCOMING_PER_COMPANY } from '../../sandbox/server/seed';
import { SHIPPED } from '../../runtime/shipped';

let dir: string;
let sandbox: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
let connections: ErpConnections;
let sessionId: string;
let companyVkn: string;
const registry = new SessionRegistry();

const target = () => ({ connector: 'logo', server: `sqlite:${dir}/demo`, database: 'LOGODB', firm: '2', period: '2' });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string; userMessage: string });
const helperRows = () => {
  const db = new Database(path.join(dir, 'demo', 'LOGODB.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT ETTN, DURUM, YANIT FROM KNK_GELEN_BELGE').all() as { ETTN: string; DURUM: string; YANIT: string | null }[];
  } finally {
    db.close();
  }
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-incoming-session-'));
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, stepMs: 5 });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  connections = new ErpConnections();
  api = createKonnektorApi({ ...SHIPPED, connections, store: async () => store, session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry } });
  await api['demo.init']({ dir: path.join(dir, 'demo'), invoices: 10 });
  const { session } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: target() });
  sessionId = session.id;
  companyVkn = session.companyVkn!;
  expect(session.incomingKinds.map((k) => k.id)).toEqual(['efatura-gelen']);
}, 300_000);
afterAll(async () => {
  await api?.close();
  await connections?.closeAll();
  await store?.destroy();
  await sandbox?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Gelen Belgeler through the session', () => {
  it('fetches the company’s documents, writes them into KNK_GELEN_BELGE and lists them with filters', async () => {
    expect(await api['session.incoming']({ sessionId })).toEqual([]);
    const broken = '3f1c1d2e-0000-4000-8000-00000000b0b0';
    sandbox.admin.addIncoming({ receiverVkn: companyVkn, xml: '<Invoice><cbc:ID>kırık', ettn: broken });
    const r = await api['session.incomingFetch']({ sessionId });
    expect(r).toMatchObject({ stored: SEED_INCOMING_PER_COMPANY + 1, invalid: 1, erp: { written: SEED_INCOMING_PER_COMPANY + 1 } });
    expect(helperRows()).toHaveLength(SEED_INCOMING_PER_COMPANY + 1);
    const all = await api['session.incoming']({ sessionId });
    expect(all).toHaveLength(SEED_INCOMING_PER_COMPANY + 1);
    expect(all.find((d) => d.ettn === broken)).toMatchObject({ state: 'invalid', valid: false, problems: [expect.objectContaining({ rule: 'XML_NOT_WELL_FORMED' })] });
    expect((await api['session.incoming']({ sessionId, state: 'invalid' })).map((d) => d.ettn)).toEqual([broken]);
    const due = await api['session.incoming']({ sessionId, dueWithinDays: 8 });
    expect(due.length).toBeGreaterThan(0);
    expect(due.every((d) => d.profile === 'TICARIFATURA' && d.answerable)).toBe(true);
    const one = all.find((d) => d.senderName && d.valid)!;
    const bySender = await api['session.incoming']({ sessionId, sender: one.senderName!.slice(0, 5).toLocaleLowerCase('tr-TR') });
    expect(bySender.map((d) => d.ettn)).toContain(one.ettn);
    expect(bySender.every((d) => d.senderName!.toLocaleLowerCase('tr-TR').includes(one.senderName!.slice(0, 5).toLocaleLowerCase('tr-TR')))).toBe(true);
    expect(await api['session.incoming']({ sessionId, from: '2000-01-01', to: '2000-01-31' })).toEqual([]);
    expect((await failure(api['session.incoming']({ sessionId, from: '2026-13-01' })))?.code).toBe('ERP_DATE_INVALID');
  });

  it('previews through the sender’s own view, shows a broken one’s problems, and downloads the original bytes', async () => {
    const all = await api['session.incoming']({ sessionId });
    const good = all.find((d) => d.valid)!;
    const preview = await api['session.incomingPreview']({ sessionId, ettn: good.ettn });
    expect(preview.html).toContain('e-FATURA');
    expect(preview.html).toContain(good.number!);
    const broken = all.find((d) => !d.valid)!;
    const bad = await api['session.incomingPreview']({ sessionId, ettn: broken.ettn });
    expect(bad.html).toBeUndefined();
    expect(bad.problems!.map((p) => p.rule)).toContain('XML_NOT_WELL_FORMED');
    const xml = await api['session.incomingXml']({ sessionId, ettn: broken.ettn });
    expect(xml.xml).toBe('<Invoice><cbc:ID>kırık');
    expect(xml.fileName).toMatch(/\.xml$/);
    // A document whose content never came has no XML to give.
    await store('incoming_documents').where({ ettn: broken.ettn }).update({ xml: Buffer.alloc(0) });
    expect((await failure(api['session.incomingXml']({ sessionId, ettn: broken.ettn })))?.code).toBe('INCOMING_NO_CONTENT');
    expect((await failure(api['session.incomingPreview']({ sessionId, ettn: '00000000-0000-4000-8000-000000000000' })))?.code).toBe('INCOMING_NOT_FOUND');
  });

  it('answers a TICARIFATURA, updates its helper-table row, and refuses TEMELFATURA, RED without reason and a second answer', async () => {
    const all = await api['session.incoming']({ sessionId });
    const ticari = all.find((d) => d.profile === 'TICARIFATURA' && d.answerable)!;
    const temel = all.find((d) => d.profile === 'TEMELFATURA')!;
    expect((await failure(api['session.incomingAnswer']({ sessionId, ettn: temel.ettn, answer: 'KABUL' })))?.code).toBe('INCOMING_ANSWER_NOT_ALLOWED');
    expect((await failure(api['session.incomingAnswer']({ sessionId, ettn: ticari.ettn, answer: 'RED', reason: ' ' })))?.code).toBe('INCOMING_ANSWER_REASON_REQUIRED');
    expect(sandbox.admin.documents().filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL')).toHaveLength(0);
    const r = await api['session.incomingAnswer']({ sessionId, ettn: ticari.ettn, answer: 'KABUL' });
    expect(r).toMatchObject({ ettn: ticari.ettn, answer: 'KABUL', erp: { written: 1 } });
    expect(helperRows().find((x) => x.ETTN === ticari.ettn)).toEqual({ ETTN: ticari.ettn, DURUM: 'answered', YANIT: 'KABUL' });
    const second = await failure(api['session.incomingAnswer']({ sessionId, ettn: ticari.ettn, answer: 'RED', reason: 'geç kaldı' }));
    expect(second).toMatchObject({ code: 'INCOMING_ALREADY_ANSWERED', userMessage: expect.stringContaining('yalnızca bir yanıt') });
    expect(sandbox.admin.documents().filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL')).toHaveLength(1);
  });

  it('refuses a session without a company VKN, and touches nothing', async () => {
    const { session } = await api['session.login']({ module: 'efatura', user: 'demo', password: 'demo123', target: target() });
    // A program whose company record names no VKN (and no document to take it from).
    registry.update(session.id, { companyVkn: undefined });
    const before = await store('incoming_documents').count({ n: '*' });
    for (const call of [api['session.incoming']({ sessionId: session.id }), api['session.incomingFetch']({ sessionId: session.id })]) {
      expect(await failure(call)).toMatchObject({ code: 'INCOMING_COMPANY_UNKNOWN', userMessage: expect.stringContaining('şirketi (VKN) belli değil') });
    }
    expect(await store('incoming_documents').count({ n: '*' })).toEqual(before);
  });
});
