/**
 * Incoming e-İrsaliye against the sandbox, through the API the CLI uses: the demo companies' incoming despatches are
 * fetched (belgeTuru IRSALIYE), listed with their 7-day answer window, answered once with a GİB-valid ReceiptAdvice
 * (IRSALIYE_YANITI_UBL) that the sandbox checks and holds; bad answers are refused and change nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { demoWorld } from '../../sandbox/demo/scenario';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SEED_INCOMING_DESPATCHES_PER_COMPANY } from '../../sandbox/server/seed';
import { SHIPPED } from '../../runtime/shipped';
import { parseReceiptLineOption } from '../../cli/main';

const world = demoWorld(1);
const [ORNEK] = world.companies.map((c) => c.vkn) as [string, string];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-incoming-despatch-'));
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
const answersSent = () => sb.admin.documents().filter((d) => d.belgeTuru === 'IRSALIYE_YANITI_UBL');

describe('incoming e-İrsaliye', () => {
  it('fetches the demo company’s incoming despatches, valid, each answerable within 7 days', async () => {
    const r = await api['incoming.fetch']({ module: 'eirsaliye', vkn: ORNEK, ...access() });
    expect(r).toMatchObject({ companyVkn: ORNEK, kind: 'eirsaliye-gelen', stored: SEED_INCOMING_DESPATCHES_PER_COMPANY, invalid: 0 });
    const rows = await api['incoming.list']({ module: 'eirsaliye', vkn: ORNEK });
    expect(rows).toHaveLength(SEED_INCOMING_DESPATCHES_PER_COMPANY);
    for (const row of rows) {
      expect(row.answerable).toBe(true);
      expect(new Date(row.answerDeadline!).getTime() - new Date(row.arrivedAt!).getTime()).toBe(7 * 86_400_000);
    }
    const shown = await api['incoming.show']({ module: 'eirsaliye', ettn: rows[0]!.ettn });
    expect(shown.xml).toContain('<DespatchAdvice');
    expect(shown.problems).toEqual([]);
  });

  it('refuses a rejected quantity without a reason and an answer after 7 days; nothing is stored or sent', async () => {
    const [row] = await api['incoming.list']({ module: 'eirsaliye', vkn: ORNEK });
    const noReason = await failure(api['incoming.answer']({ module: 'eirsaliye', ettn: row!.ettn, answer: 'KISMI', lines: [{ lineId: '1', rejected: '2' }], ...access() }));
    expect(noReason?.code).toBe('RECEIPT_REJECT_REASON_REQUIRED');
    const saved = clock;
    clock = new Date(new Date(row!.arrivedAt!).getTime() + 7 * 86_400_000 + 60_000);
    try {
      expect((await failure(api['incoming.answer']({ module: 'eirsaliye', ettn: row!.ettn, answer: 'KABUL', ...access() })))?.code).toBe('INCOMING_ANSWER_TOO_LATE');
    } finally {
      clock = saved;
    }
    const shown = await api['incoming.show']({ module: 'eirsaliye', ettn: row!.ettn });
    expect(shown).toMatchObject({ answerable: true });
    expect(shown.answer ?? null).toBeNull();
    expect(shown.answerXml ?? null).toBeNull();
    await sb.admin.idle();
    expect(answersSent()).toHaveLength(0);
  });

  it('answers partially (short and rejected with reason): the sandbox accepts and holds the ReceiptAdvice; a second yanıt is refused', async () => {
    const [row] = await api['incoming.list']({ module: 'eirsaliye', vkn: ORNEK });
    const lines = [parseReceiptLineOption('1:short=2'), parseReceiptLineOption('2:rejected=3,reason=Hasarlı, ıslak koli')];
    const r = await api['incoming.answer']({ module: 'eirsaliye', ettn: row!.ettn, answer: 'KISMI', lines, lateDelivery: 'Bir gün geç geldi.', ...access() });
    expect(r).toMatchObject({ ettn: row!.ettn, answer: 'KISMI', repeated: false });
    expect(r.answerNumber).toMatch(/^IYN\d{4}\d{9}$/);
    await sb.admin.idle();
    const sent = answersSent();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ senderVkn: ORNEK, ettn: r.answerEttn, belgeNo: row!.ettn });
    expect(sent[0]!.status.durum).not.toBe(2);
    const shown = await api['incoming.show']({ module: 'eirsaliye', ettn: row!.ettn });
    expect(shown).toMatchObject({ state: 'answered', answer: 'KISMI', answerable: false });
    expect(shown.answerXml).toContain('<cbc:ShortQuantity unitCode="C62">2</cbc:ShortQuantity>');
    expect(shown.answerXml).toContain('<cbc:RejectedQuantity unitCode="C62">3</cbc:RejectedQuantity><cbc:RejectReason>Hasarlı, ıslak koli</cbc:RejectReason>');
    expect(shown.answerXml).toContain(`<cac:DespatchDocumentReference><cbc:ID>${row!.ettn}</cbc:ID>`);
    expect((await failure(api['incoming.answer']({ module: 'eirsaliye', ettn: row!.ettn, answer: 'KABUL', ...access() })))?.code).toBe('INCOMING_ALREADY_ANSWERED');
    await sb.admin.idle();
    expect(answersSent()).toHaveLength(1);
  });

  it('the CLI’s --line option: fields, a reason with commas, and bad specs refused', () => {
    expect(parseReceiptLineOption('3:received=5,rejected=1,reason=Kırık, kullanılamaz')).toEqual({ lineId: '3', received: '5', rejected: '1', rejectReason: 'Kırık, kullanılamaz' });
    for (const bad of ['x:short=1', '2:', '2:foo=1', '2:short=']) {
      let code: string | undefined;
      try {
        parseReceiptLineOption(bad);
      } catch (e) {
        code = (e as { code: string }).code;
      }
      expect(code, bad).toBe('INPUT_INVALID');
    }
  });
});
