/**
 * Incoming e-Fatura against the sandbox, through the API the CLI and the screens use: fetch by the persisted cursor
 * (listed, downloaded as a UBL zip, committed, then belgelerAlindi), exactly once after a SIGKILL between the download
 * and the commit, duplicates and broken deliveries stored once and shown as such, the list with its states and answer
 * deadlines, KABUL/RED as a GİB-valid ApplicationResponse that reaches the sandbox, and every refused answer.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { incomingInvoiceXml, SEED_INCOMING_PER_COMPANY } from '../../sandbox/server/seed';
import { SHIPPED } from '../../runtime/shipped';

const world = demoWorld(1);
const [ORNEK, ANADOLU] = world.companies.map((c) => c.vkn) as [string, string];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-incoming-'));
const ROOT = path.resolve(import.meta.dirname, '../..');
let sb: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
let clock = new Date();

beforeAll(async () => {
  sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), stepMs: 5 });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  api = createKonnektorApi({ ...SHIPPED, connections: new ErpConnections(), store: async () => store, now: () => clock });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await store?.destroy();
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const access = () => ({ integrator: sb.url, user: 'demo', password: 'demo123' });
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string });

describe('incoming e-Fatura', () => {
  it('fetches after the cursor, stores each document once with its bytes, and marks them received after the commit', async () => {
    const r = await api['incoming.fetch']({ module: 'efatura', vkn: ORNEK, ...access() });
    expect(r).toMatchObject({ companyVkn: ORNEK, kind: 'efatura-gelen', stored: SEED_INCOMING_PER_COMPANY, duplicates: 0, invalid: 0, acknowledged: SEED_INCOMING_PER_COMPANY });
    expect(sb.admin.state().incoming.taken).toBe(SEED_INCOMING_PER_COMPANY);
    const again = await api['incoming.fetch']({ module: 'efatura', vkn: ORNEK, ...access() });
    expect(again).toMatchObject({ stored: 0, pages: 0, cursor: r.cursor });
    const rows = await api['incoming.list']({ module: 'efatura', vkn: ORNEK });
    expect(rows).toHaveLength(SEED_INCOMING_PER_COMPANY);
    const shown = await api['incoming.show']({ module: 'efatura', ettn: rows[0]!.ettn });
    expect(shown.xml).toContain(`<cbc:UUID>${rows[0]!.ettn}</cbc:UUID>`);
    // Only commercial invoices can be answered, and only within 8 days of their arrival.
    for (const row of rows) {
      expect(row.answerable).toBe(row.profile === 'TICARIFATURA');
      if (row.profile === 'TICARIFATURA') expect(new Date(row.answerDeadline!).getTime() - new Date(row.arrivedAt!).getTime()).toBe(8 * 86_400_000);
    }
    expect(await api['incoming.list']({ module: 'efatura', vkn: ORNEK, state: 'answered' })).toEqual([]);
    expect((await api['incoming.list']({ module: 'efatura', vkn: ORNEK, sender: rows[0]!.senderVkn! })).length).toBeGreaterThan(0);
  });

  it('stores a repeated delivery once and an unreadable document as invalid, never dropping it', async () => {
    const company = world.companies[0]!;
    const supplier = world.customers.filter((c) => c.registered && c.userType === 'OZEL')[3]!;
    const { xml } = incomingInvoiceXml(world, company, supplier, 77, clock.toISOString().slice(0, 10), 1);
    sb.admin.addIncoming({ receiverVkn: ORNEK, xml });
    sb.admin.addIncoming({ receiverVkn: ORNEK, xml });
    const brokenEttn = '0b0b0b0b-1111-4222-8333-444444444444';
    sb.admin.addIncoming({ receiverVkn: ORNEK, xml: '<Invoice><cbc:ID>kırık', ettn: brokenEttn });
    const r = await api['incoming.fetch']({ module: 'efatura', vkn: ORNEK, ...access() });
    expect(r).toMatchObject({ stored: 2, duplicates: 1, invalid: 1 });
    const broken = await api['incoming.show']({ module: 'efatura', ettn: brokenEttn });
    expect(broken).toMatchObject({ state: 'invalid', valid: false });
    expect(broken.problems[0]).toMatchObject({ rule: 'XML_NOT_WELL_FORMED' });
    expect(broken.xml).toBe('<Invoice><cbc:ID>kırık');
  });

  it('answers a TICARIFATURA with KABUL: a valid ApplicationResponse reaches the sandbox once', async () => {
    const ticari = (await api['incoming.list']({ module: 'efatura', vkn: ORNEK })).find((r) => r.profile === 'TICARIFATURA' && r.answerable)!;
    const r = await api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'KABUL', ...access() });
    expect(r).toMatchObject({ ettn: ticari.ettn, answer: 'KABUL', repeated: false });
    expect(r.answerNumber).toMatch(/^YNT\d{4}\d{9}$/);
    await sb.admin.idle();
    const sent = sb.admin.documents().filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ senderVkn: ORNEK, ettn: r.answerEttn, belgeNo: ticari.ettn });
    expect(sent[0]!.status.durum).not.toBe(2);
    const shown = await api['incoming.show']({ module: 'efatura', ettn: ticari.ettn });
    expect(shown).toMatchObject({ state: 'answered', answer: 'KABUL', answerable: false });
    expect(shown.answerXml).toContain('<cbc:ResponseCode>KABUL</cbc:ResponseCode>');
    // Sent once: a second answer is refused before anything reaches the integrator.
    expect((await failure(api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'RED', reason: 'geç', ...access() })))?.code).toBe('INCOMING_ALREADY_ANSWERED');
    expect(sb.admin.documents().filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL')).toHaveLength(1);
  });

  it('refuses RED without a reason, an answer to TEMELFATURA and one after the 8 days; RED with a reason goes', async () => {
    const rows = await api['incoming.list']({ module: 'efatura', vkn: ORNEK });
    const ticari = rows.find((r) => r.profile === 'TICARIFATURA' && r.answerable)!;
    const temel = rows.find((r) => r.profile === 'TEMELFATURA')!;
    expect((await failure(api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'RED', ...access() })))?.code).toBe('INCOMING_ANSWER_REASON_REQUIRED');
    expect((await failure(api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'RED', reason: '   ', ...access() })))?.code).toBe('INCOMING_ANSWER_REASON_REQUIRED');
    expect((await failure(api['incoming.answer']({ module: 'efatura', ettn: temel.ettn, answer: 'KABUL', ...access() })))?.code).toBe('INCOMING_ANSWER_NOT_ALLOWED');
    const saved = clock;
    clock = new Date(new Date(ticari.arrivedAt!).getTime() + 8 * 86_400_000 + 60_000);
    try {
      expect((await failure(api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'KABUL', ...access() })))?.code).toBe('INCOMING_ANSWER_TOO_LATE');
    } finally {
      clock = saved;
    }
    expect(sb.admin.documents().filter((d) => d.belgeTuru === 'UYGULAMA_YANITI_UBL')).toHaveLength(1);
    const red = await api['incoming.answer']({ module: 'efatura', ettn: ticari.ettn, answer: 'RED', reason: 'Fiyatlar siparişle uyuşmuyor.', ...access() });
    expect(red.answer).toBe('RED');
    expect((await api['incoming.show']({ module: 'efatura', ettn: ticari.ettn })).answerXml).toContain('<cbc:Description>Fiyatlar siparişle uyuşmuyor.</cbc:Description>');
  });

  it('after a SIGKILL between download and commit, the next fetch stores every document exactly once', async () => {
    for (let i = 0; i < 3; i++) sb.admin.addIncoming({ receiverVkn: ANADOLU });
    const storeFile = path.join(dir, 'crash.sqlite');
    const marker = path.join(dir, 'crash.marker');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests/fixtures/incomingFetchChild.ts'), storeFile, sb.url, ANADOLU, marker], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, signal) => resolve(signal)));
    for (let waited = 0; !fs.existsSync(marker); waited += 100) {
      if (waited > 90_000) throw new Error(`the fetch never reached the commit: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const crashed = await openLocalStore(storeFile);
    try {
      expect((await crashed('incoming_documents').count({ n: '*' }))[0]).toMatchObject({ n: 0 });
      const crashApi = createKonnektorApi({ ...SHIPPED, connections: new ErpConnections(), store: async () => crashed });
      const r = await crashApi['incoming.fetch']({ module: 'efatura', vkn: ANADOLU, ...access() });
      await crashApi.close();
      expect(r.stored).toBe(SEED_INCOMING_PER_COMPANY + 3);
      const rows = (await crashed('incoming_documents').select('ettn')) as { ettn: string }[];
      expect(new Set(rows.map((x) => x.ettn)).size).toBe(rows.length);
      expect(rows).toHaveLength(SEED_INCOMING_PER_COMPANY + 3);
    } finally {
      await crashed.destroy();
    }
  }, 180_000);
});
