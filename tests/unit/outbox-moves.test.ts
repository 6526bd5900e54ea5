import { afterEach, describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import type { EarsivClient, EfaturaClient, OutgoingStatus } from '../../core/integrator/types';
import { enqueueValid } from '../../core/outbox/enqueue';
import { interpretStatus, pollStatuses, RESEND_CODES } from '../../core/outbox/poller';
import { isTerminal, OUTBOX_STATES, TRANSITIONS } from '../../core/outbox/states';
import { entriesIn, entryByEttn, historyOf, transition, transitionPath, xmlOf, OutboxTransitionError } from '../../core/outbox/store';
import { openLocalStore, type LocalStore } from '../../db/local';
import { OUTBOX_VKN, outboxEntry as entry } from '../support/outboxEntry';

const VKN = OUTBOX_VKN;
const status = (over: Partial<OutgoingStatus>): OutgoingStatus => ({ durum: 3, gonderimDurumu: 4, gonderimCevabiKodu: 1300, yanitDurumu: -1, ...over });


const stores: LocalStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.destroy();
});
async function store(): Promise<LocalStore> {
  const s = await openLocalStore(':memory:');
  stores.push(s);
  return s;
}

describe('what a status means', () => {
  it('durum 2 is a failure with the integrator’s own explanation, or none', () => {
    expect(interpretStatus(status({ durum: 2, aciklama: 'şema hatası', gonderimCevabiKodu: 1160 }))).toEqual({ kind: 'final', state: 'failed', code: 'DURUM_2', message: 'şema hatası' });
    expect(interpretStatus(status({ durum: 2 }))).toEqual({ kind: 'final', state: 'failed', code: 'DURUM_2' });
  });

  it('anything before durum 3 is waiting, with GİB’s code and message when given', () => {
    expect(interpretStatus(status({ durum: 1, gonderimCevabiKodu: 0 }))).toEqual({ kind: 'wait', state: 'processing' });
    expect(interpretStatus(status({ durum: 1, gonderimCevabiKodu: 1100, gonderimCevabiDetayi: 'işleniyor' }))).toEqual({ kind: 'wait', state: 'processing', code: '1100', message: 'işleniyor' });
    for (const code of [0, 1000, 1100, 1200, 1210, 1220]) expect(interpretStatus(status({ gonderimCevabiKodu: code })).kind).toBe('wait');
  });

  it('an envelope GİB refused is a failure with its code; the detail wins over the explanation', () => {
    expect(interpretStatus(status({ gonderimDurumu: -2, gonderimCevabiKodu: 1150, gonderimCevabiDetayi: 'Schematron', aciklama: 'genel' }))).toEqual({ kind: 'final', state: 'failed', code: '1150', message: 'Schematron' });
    expect(interpretStatus(status({ gonderimDurumu: -2, gonderimCevabiKodu: 1300, aciklama: 'genel' }))).toEqual({ kind: 'final', state: 'failed', code: '1300', message: 'genel' });
    expect(interpretStatus(status({ gonderimCevabiKodu: 1163 }))).toEqual({ kind: 'final', state: 'failed', code: '1163' });
    expect(interpretStatus(status({ gonderimCevabiKodu: 1999 }))).toMatchObject({ kind: 'final', state: 'failed' });
  });

  it('1215 and 1230 ask for a new envelope, nothing else does', () => {
    expect([...RESEND_CODES].sort()).toEqual([1215, 1230]);
    expect(interpretStatus(status({ gonderimCevabiKodu: 1230, gonderimCevabiDetayi: 'yanıt hatası' }))).toEqual({ kind: 'resend', code: '1230', message: 'yanıt hatası' });
    expect(interpretStatus(status({ gonderimCevabiKodu: 1215 }))).toEqual({ kind: 'resend', code: '1215' });
  });

  it('1300 is delivered; with an answer expected, KABUL is accepted (remarks kept) and RED rejected', () => {
    expect(interpretStatus(status({}), 'TEMELFATURA', false)).toEqual({ kind: 'final', state: 'delivered', code: '1300' });
    expect(interpretStatus(status({ yanitDurumu: 1 }), 'TEMELFATURA', false)).toMatchObject({ state: 'delivered' });
    expect(interpretStatus(status({ yanitDurumu: 0 }), 'TICARIFATURA', true)).toMatchObject({ state: 'delivered' });
    expect(interpretStatus(status({ yanitDurumu: 2, yanitDetayi: 'kabul' }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'accepted', code: '1300' });
    expect(interpretStatus(status({ yanitDurumu: 2, yanitDetayi: ' Kabul ' }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'accepted', code: '1300' });
    expect(interpretStatus(status({ yanitDurumu: 2, yanitDetayi: '3 koli eksik' }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'accepted', code: '1300', message: '3 koli eksik' });
    expect(interpretStatus(status({ yanitDurumu: 2 }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'accepted', code: '1300' });
    expect(interpretStatus(status({ yanitDurumu: 1, yanitDetayi: 'fiyat hatalı' }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'rejected', code: '1300', message: 'fiyat hatalı' });
    expect(interpretStatus(status({ yanitDurumu: 1 }), 'TICARIFATURA', true)).toEqual({ kind: 'final', state: 'rejected', code: '1300' });
    // Without the flag, the profile decides: TICARIFATURA expects an answer, TEMELFATURA does not.
    expect(interpretStatus(status({ yanitDurumu: 1 }), 'TICARIFATURA')).toMatchObject({ state: 'rejected' });
    expect(interpretStatus(status({ yanitDurumu: 1 }), 'TEMELFATURA')).toMatchObject({ state: 'delivered' });
  });
});

describe('the outbox’s states and moves', () => {
  it('ends at accepted, rejected, failed, invalid and cancelled; delivered only when no answer is expected', () => {
    const terminal = OUTBOX_STATES.filter((s) => isTerminal(s));
    expect(terminal).toEqual(['delivered', 'accepted', 'rejected', 'failed', 'invalid', 'cancelled']);
    expect(OUTBOX_STATES.filter((s) => isTerminal(s, true))).toEqual(['accepted', 'rejected', 'failed', 'invalid', 'cancelled']);
    for (const s of OUTBOX_STATES.filter((x) => isTerminal(x, true))) expect(TRANSITIONS[s].every((to) => ['queued', 'pending', 'delivered'].includes(to))).toBe(true);
  });

  it('refuses a move the state machine does not have and a move from a state the entry left, changing nothing', async () => {
    const db = await store();
    await enqueueValid(db, 'efatura', entry(1), '<Invoice>1</Invoice>');
    const e = (await entryByEttn(db, entry(1).ettn))!;
    expect(e.state).toBe('queued');
    await expect(transition(db, e.id, 'queued', 'accepted')).rejects.toThrow(OutboxTransitionError);
    await expect(transition(db, e.id, 'queued', 'accepted')).rejects.toThrow(`Outbox entry ${e.id}: queued → accepted is not allowed`);
    await expect(transition(db, e.id, 'sent', 'delivered')).rejects.toThrow(`Outbox entry ${e.id} is no longer sent`);
    await expect(transitionPath(db, e.id, ['queued'])).rejects.toThrow('a path needs two states');
    await expect(transitionPath(db, e.id, ['queued', 'sent', 'queued'])).rejects.toThrow('sent → queued is not allowed');
    await expect(transitionPath(db, e.id, ['sent', 'delivered'])).rejects.toThrow(`Outbox entry ${e.id} is no longer sent`);
    expect((await entryByEttn(db, entry(1).ettn))!.state).toBe('queued');
    expect((await historyOf(db, e.id)).map((h) => h.to)).toEqual(['pending', 'built', 'validated', 'queued']);
    // A path is one move with a history row per step, the detail on the first.
    await transitionPath(db, e.id, ['queued', 'sent', 'processing'], { belge_oid: 'oid9' }, 'by path', new Date('2026-03-01T10:00:00Z'));
    const moved = (await entryByEttn(db, entry(1).ettn))!;
    expect(moved).toMatchObject({ state: 'processing', belgeOid: 'oid9', updatedAt: '2026-03-01T10:00:00.000Z' });
    expect((await historyOf(db, e.id)).slice(-2)).toEqual([
      { from: 'queued', to: 'sent', detail: 'by path' },
      { from: 'sent', to: 'processing' },
    ]);
    expect(await xmlOf(db, e.id)).toBe('<Invoice>1</Invoice>');
    expect(await xmlOf(db, 999)).toBe('');
    expect(await entryByEttn(db, 'no-such-ettn')).toBeUndefined();
  });

  it('lists entries by state and module, oldest first, with or without their XML', async () => {
    const db = await store();
    await enqueueValid(db, 'efatura', entry(1), '<Invoice>1</Invoice>');
    await enqueueValid(db, 'earsiv', entry(2, { profile: 'EARSIVFATURA' }), '<Invoice>2</Invoice>');
    await enqueueValid(db, 'efatura', entry(3), '<Invoice>3</Invoice>');
    expect((await entriesIn(db, ['queued'])).map((e) => [e.erpNumber, e.module, e.xml])).toEqual([
      ['SAT1', 'efatura', '<Invoice>1</Invoice>'],
      ['SAT2', 'earsiv', '<Invoice>2</Invoice>'],
      ['SAT3', 'efatura', '<Invoice>3</Invoice>'],
    ]);
    expect((await entriesIn(db, ['queued'], 'efatura')).map((e) => e.erpNumber)).toEqual(['SAT1', 'SAT3']);
    const bare = await entriesIn(db, ['queued'], undefined, { withXml: false });
    expect(bare.map((e) => e.xml)).toEqual([undefined, undefined, undefined]);
    expect(bare[0]).toMatchObject({ ref: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: '1' }, companyVkn: VKN, number: 'KNF2026000000001', profile: 'TEMELFATURA', kind: 'efatura' });
    expect(await entriesIn(db, ['sent'])).toEqual([]);
  });
});

/** The integrator's answer per ETTN, scripted; every call recorded. */
function statusIntegrator() {
  const answers = new Map<string, OutgoingStatus | KonnektorError>();
  const calls: string[] = [];
  const efatura: EfaturaClient = {
    sendInvoice: async () => ({ belgeOid: 'x' }),
    async outgoingStatus(vkn, key) {
      calls.push(`status ${key.by} ${key.value} ${vkn}`);
      const a = answers.get(key.value);
      if (a instanceof KonnektorError) throw a;
      return a;
    },
    async resend(vkn, keys) {
      calls.push(`resend ${keys.join(',')} ${vkn}`);
      return true;
    },
    registeredUser: async () => [],
    registeredUserList: async () => '<UserList/>',
    downloadRegisteredUserList: async () => ({ bytes: 0 }),
    creditBalance: async () => 100,
  };
  const earsiv = {} as EarsivClient;
  return { efatura, earsiv, answers, calls };
}

async function sentEntries(db: LocalStore, n: number, profile = 'TEMELFATURA') {
  for (let i = 1; i <= n; i++) {
    await enqueueValid(db, 'efatura', entry(i, { profile }), `<Invoice>${i}</Invoice>`);
    const e = (await entryByEttn(db, entry(i).ettn))!;
    await transition(db, e.id, 'queued', 'sent', { belge_oid: `oid${i}` });
  }
  return entriesIn(db, ['sent']);
}

describe('polling', () => {
  it('asks by the local number for the sender, moves what changed, resends on 1215/1230 and counts what stays open', async () => {
    const db = await store();
    const fake = statusIntegrator();
    const [a, b, c, d, e] = await sentEntries(db, 5);
    fake.answers.set(a!.ettn, status({ durum: 1, gonderimCevabiKodu: 0 })); // still processing
    fake.answers.set(b!.ettn, status({})); // delivered
    fake.answers.set(c!.ettn, status({ gonderimCevabiKodu: 1230 })); // resend
    fake.answers.set(d!.ettn, status({ gonderimDurumu: -2, gonderimCevabiKodu: 1160, gonderimCevabiDetayi: 'XSD' })); // failed
    // e: unknown to the integrator yet
    const events: string[] = [];
    const summary = await pollStatuses({ store: db, efatura: fake.efatura, concurrency: 1, onEvent: (x) => events.push(`${x.entry.erpNumber} ${x.outcome.kind}`) });
    expect(summary).toEqual({ polled: 5, changed: 3, resent: 1, open: 3, deferred: 0, notDue: 0, stopped: 0 });
    expect(events).toEqual(['SAT1 wait', 'SAT2 final', 'SAT3 resend', 'SAT4 final']);
    expect(fake.calls).toEqual([
      `status YEREL ${a!.ettn} ${VKN}`,
      `status YEREL ${b!.ettn} ${VKN}`,
      `status YEREL ${c!.ettn} ${VKN}`,
      `resend ${c!.ettn} ${VKN}`,
      `status YEREL ${d!.ettn} ${VKN}`,
      `status YEREL ${e!.ettn} ${VKN}`,
    ]);
    const by = async (x: { ettn: string }) => (await entryByEttn(db, x.ettn))!;
    expect(await by(a!)).toMatchObject({ state: 'processing' });
    expect(await by(b!)).toMatchObject({ state: 'delivered', gibCode: '1300' });
    expect(await by(c!)).toMatchObject({ state: 'sent', gibCode: '1230' });
    expect((await historyOf(db, c!.id)).at(-1)).toEqual({ from: 'sent', to: 'sent', detail: 'resent after 1230' });
    expect(await by(d!)).toMatchObject({ state: 'failed', gibCode: '1160', gibMessage: 'XSD' });
    expect((await historyOf(db, d!.id)).at(-1)).toEqual({ from: 'sent', to: 'failed', detail: '1160 XSD' });
    expect(await by(e!)).toMatchObject({ state: 'sent' });

    // The same answers again: nothing moves, what waits is only touched; final documents are not asked again.
    fake.calls.length = 0;
    const historyBefore = (await historyOf(db, a!.id)).length;
    const again = await pollStatuses({ store: db, efatura: fake.efatura, concurrency: 1, now: () => new Date('2026-03-02T08:00:00Z') });
    expect(again).toEqual({ polled: 3, changed: 0, resent: 1, open: 3, deferred: 0, notDue: 0, stopped: 0 });
    expect((await historyOf(db, a!.id)).length).toBe(historyBefore);
    expect((await by(a!)).updatedAt).toBe('2026-03-02T08:00:00.000Z');
    expect(fake.calls.filter((x) => x.startsWith('status')).map((x) => x.split(' ')[2])).toEqual([a!.ettn, c!.ettn, e!.ettn]);
  });

  it('follows an invoice that expects an answer after delivery until KABUL or RED', async () => {
    const db = await store();
    const fake = statusIntegrator();
    const [a, b] = await sentEntries(db, 2, 'TICARIFATURA');
    fake.answers.set(a!.ettn, status({ yanitDurumu: 0 }));
    fake.answers.set(b!.ettn, status({ yanitDurumu: 0 }));
    expect(await pollStatuses({ store: db, efatura: fake.efatura })).toEqual({ polled: 2, changed: 2, resent: 0, open: 2, deferred: 0, notDue: 0, stopped: 0 });
    expect((await entriesIn(db, ['delivered'])).length).toBe(2);
    // Still no answer: both stay delivered and open, nothing written.
    fake.answers.set(a!.ettn, status({ durum: 1, gonderimCevabiKodu: 0 }));
    expect(await pollStatuses({ store: db, efatura: fake.efatura })).toEqual({ polled: 2, changed: 0, resent: 0, open: 2, deferred: 0, notDue: 0, stopped: 0 });
    fake.answers.set(a!.ettn, status({ yanitDurumu: 2, yanitDetayi: 'KABUL' }));
    fake.answers.set(b!.ettn, status({ yanitDurumu: 1, yanitDetayi: 'fiyat hatalı' }));
    expect(await pollStatuses({ store: db, efatura: fake.efatura })).toEqual({ polled: 2, changed: 2, resent: 0, open: 0, deferred: 0, notDue: 0, stopped: 0 });
    expect((await entryByEttn(db, a!.ettn))!.state).toBe('accepted');
    expect(await entryByEttn(db, b!.ettn)).toMatchObject({ state: 'rejected', gibMessage: 'fiyat hatalı' });
    expect(await pollStatuses({ store: db, efatura: fake.efatura })).toEqual({ polled: 0, changed: 0, resent: 0, open: 0, deferred: 0, notDue: 0, stopped: 0 });
  });

  it('defers queries that fail for a passing reason, ends the round after three in a row, and stops on any other fault', async () => {
    const db = await store();
    const fake = statusIntegrator();
    const entries = await sentEntries(db, 5);
    const down = () => new KonnektorError('INTEGRATOR_HTTP_ERROR', '503', { transient: true });
    for (const e of entries) fake.answers.set(e.ettn, down());
    const summary = await pollStatuses({ store: db, efatura: fake.efatura, concurrency: 1 });
    expect(summary).toEqual({ polled: 3, changed: 0, resent: 0, open: 3, deferred: 3, notDue: 0, stopped: 0 });
    expect(fake.calls).toHaveLength(3);
    // One answer between failures resets the count.
    fake.calls.length = 0;
    fake.answers.set(entries[1]!.ettn, status({ durum: 1, gonderimCevabiKodu: 0 }));
    fake.answers.set(entries[3]!.ettn, status({ durum: 1, gonderimCevabiKodu: 0 }));
    expect(await pollStatuses({ store: db, efatura: fake.efatura, concurrency: 1 })).toMatchObject({ polled: 5, deferred: 3, changed: 2 });
    fake.answers.set(entries[0]!.ettn, new KonnektorError('INTEGRATOR_AUTH_FAILED', 'username.pwd.mismatch', { transient: false }));
    await expect(pollStatuses({ store: db, efatura: fake.efatura, concurrency: 1 })).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(await entriesIn(db, ['failed'])).toEqual([]);
  });

  it('leaves e-Arşiv invoices alone: they are final once delivered', async () => {
    const db = await store();
    const fake = statusIntegrator();
    await enqueueValid(db, 'earsiv', entry(1, { profile: 'EARSIVFATURA' }), '<Invoice>1</Invoice>');
    const e = (await entryByEttn(db, entry(1).ettn))!;
    await transition(db, e.id, 'queued', 'delivered');
    expect(await pollStatuses({ store: db, efatura: fake.efatura, earsiv: fake.earsiv })).toEqual({ polled: 0, changed: 0, resent: 0, open: 0, deferred: 0, notDue: 0, stopped: 0 });
    expect(fake.calls).toEqual([]);
  });
});
