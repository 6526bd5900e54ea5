import { afterEach, describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import type { EarsivClient, EfaturaClient, OutgoingStatus, StatusQueryKey } from '../../core/integrator/types';
import { enqueueValid } from '../../core/outbox/enqueue';
import { reconcileInFlight, sendQueued, type SendEvent } from '../../core/outbox/sender';
import { entriesIn, historyOf, touch } from '../../core/outbox/store';
import { openLocalStore, type LocalStore } from '../../db/local';
import { OUTBOX_VKN, outboxEntry as entry } from '../support/outboxEntry';

/**
 * Documents "in doubt": the send call may have reached the integrator but its answer never came back. The
 * integrator here behaves like eFinans where it matters: a resent belgeNo with the same content gets the same
 * belgeOid back (so counting deliveries would not show a resend — its submissions are counted instead), a status
 * query finds a document only by the key type it names (belgeNoTipi YEREL = the local number Konnektör sent, for
 * the caller's taxpayer), and every query can be made to fail.
 */
const VKN = OUTBOX_VKN;


interface Received {
  vkn: string;
  localDocNo: string;
  belgeOid: string;
  xml: string;
  submissions: number;
}

function strictIntegrator() {
  const received = new Map<string, Received>();
  const lookups: { vkn: string; key: StatusQueryKey }[] = [];
  const earsivLookups: { vkn: string; uuid: string }[] = [];
  const plan = { sendFailures: [] as KonnektorError[], lostAnswers: 0, lookupFailures: [] as KonnektorError[] };
  const status: OutgoingStatus = { durum: 1, gonderimDurumu: -1, gonderimCevabiKodu: 0, yanitDurumu: -1 };
  const efatura: EfaturaClient = {
    async sendInvoice(req) {
      const f = plan.sendFailures.shift();
      if (f) throw f;
      const key = `${req.senderVkn}/${req.localDocNo}`;
      const earlier = received.get(key);
      const xml = req.xml.toString('utf8');
      if (earlier) {
        // eFinans: the same belgeNo again with the same content is the same document (a retry), counted.
        if (earlier.xml !== xml) throw new KonnektorError('INTEGRATOR_DUPLICATE', 'belgeNo used with other content', { transient: false });
        earlier.submissions++;
      } else {
        received.set(key, { vkn: req.senderVkn, localDocNo: req.localDocNo, belgeOid: `oid${received.size + 1}`, xml, submissions: 1 });
      }
      if (plan.lostAnswers > 0) {
        plan.lostAnswers--;
        throw new KonnektorError('INTEGRATOR_TIMEOUT', 'no answer', { transient: true, mayHaveReachedServer: true });
      }
      return { belgeOid: received.get(key)!.belgeOid };
    },
    async outgoingStatus(vkn, key) {
      lookups.push({ vkn, key });
      const f = plan.lookupFailures.shift();
      if (f) throw f;
      const found = [...received.values()].find((r) => r.vkn === vkn && (key.by === 'YEREL' ? r.localDocNo === key.value : key.by === 'OID' ? r.belgeOid === key.value : false));
      // By ETTN a document is found only once the integrator has read it; these never got that far.
      return found ? status : undefined;
    },
    resend: async () => true,
    registeredUser: async () => [],
    registeredUserList: async () => '<UserList/>',
    downloadRegisteredUserList: async () => ({ bytes: 0 }),
    creditBalance: async () => 100,
  };
  const earsivReceived = new Map<string, { vkn: string; submissions: number }>();
  const earsiv: EarsivClient = {
    async createInvoice(req) {
      const f = plan.sendFailures.shift();
      if (f) throw f;
      const earlier = earsivReceived.get(req.islemId);
      if (earlier) earlier.submissions++;
      else earsivReceived.set(req.islemId, { vkn: req.senderVkn, submissions: 1 });
      if (plan.lostAnswers > 0) {
        plan.lostAnswers--;
        throw new KonnektorError('INTEGRATOR_TIMEOUT', 'no answer', { transient: true, mayHaveReachedServer: true });
      }
      return { resultCode: 'AE00000', faturaNo: 'X', uuid: req.islemId };
    },
    async queryInvoice(vkn, uuid) {
      earsivLookups.push({ vkn, uuid });
      const f = plan.lookupFailures.shift();
      if (f) throw f;
      const r = earsivReceived.get(uuid);
      return r && r.vkn === vkn ? { resultCode: 'AE00000', uuid, faturaURL: `https://earsiv.example/${uuid}` } : undefined;
    },
    cancelInvoice: async () => ({ resultCode: 'AE00000' }),
    undoCancelInvoice: async () => ({ resultCode: 'AE00000' }),
    reportStatus: async () => ({ reported: false }),
  };
  const submissions = () => [...received.values()].reduce((n, r) => n + r.submissions, 0);
  return { efatura, earsiv, received, earsivReceived, lookups, earsivLookups, plan, submissions };
}

const unreachable = () => new KonnektorError('INTEGRATOR_UNREACHABLE', 'connection reset', { transient: true });
const stores: LocalStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.destroy();
});
async function store(): Promise<LocalStore> {
  const s = await openLocalStore(':memory:');
  stores.push(s);
  return s;
}
/** The next round may go: the backoff after a lost answer is over. */
const pastBackoff = () => new Promise((r) => setTimeout(r, 15));

describe('documents in doubt are looked up before anything is sent again', () => {
  it('an answer lost after the integrator took the document: found by its local number, submitted once', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'efatura', entry(1), '<Invoice>1</Invoice>');
    fake.plan.lostAnswers = 1;
    const first = await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(first).toMatchObject({ attempted: 1, sent: 0, retrying: 1 });
    const [doubt] = await entriesIn(db, ['queued']);
    expect(doubt!.inFlightSince).toBeDefined();
    expect(fake.submissions()).toBe(1);

    await pastBackoff();
    const events: SendEvent[] = [];
    const second = await sendQueued({ store: db, ...fake, backoffMs: 1, onEvent: (e) => events.push(e) });
    expect(second).toMatchObject({ reconciled: 1, attempted: 0 });
    expect(events.map((e) => [e.type, e.type === 'reconciled' ? e.found : undefined])).toEqual([['reconciled', true]]);
    // Asked for the very document: its local number (the ETTN Konnektör sent as belgeNo), for its own taxpayer.
    expect(fake.lookups).toEqual([{ vkn: VKN, key: { by: 'YEREL', value: entry(1).ettn } }]);
    expect(fake.submissions()).toBe(1);
    const [sent] = await entriesIn(db, ['sent']);
    expect(sent).toMatchObject({ ettn: entry(1).ettn });
    expect(sent!.inFlightSince).toBeUndefined();
    expect((await historyOf(db, sent!.id)).at(-1)).toMatchObject({ from: 'queued', to: 'sent', detail: 'found at the integrator after an interrupted send' });
    // And it stays sent: later rounds neither ask nor send again.
    await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(fake.lookups).toHaveLength(1);
    expect(fake.submissions()).toBe(1);
  });

  it('a document the integrator never got is sent after the lookup says so, once', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'efatura', entry(2), '<Invoice>2</Invoice>');
    const [e] = await entriesIn(db, ['queued']);
    // Killed inside the call, before anything reached the integrator.
    await touch(db, e!.id, { in_flight_since: new Date().toISOString(), attempts: 1 });
    const events: SendEvent[] = [];
    const summary = await sendQueued({ store: db, ...fake, onEvent: (x) => events.push(x) });
    expect(summary).toMatchObject({ reconciled: 1, attempted: 1, sent: 1 });
    expect(events.map((x) => x.type)).toEqual(['reconciled', 'sent']);
    expect(events[0]).toMatchObject({ found: false });
    expect(fake.lookups.map((l) => l.key)).toEqual([{ by: 'YEREL', value: entry(2).ettn }]);
    expect(fake.submissions()).toBe(1);
    const [sent] = await entriesIn(db, ['sent']);
    expect(sent).toMatchObject({ attempts: 2, belgeOid: 'oid1' });
  });

  it('a lookup that fails leaves the document in doubt, unsent, until a lookup answers', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'efatura', entry(3), '<Invoice>3</Invoice>');
    await enqueueValid(db, 'efatura', entry(4), '<Invoice>4</Invoice>');
    fake.plan.lostAnswers = 2;
    await sendQueued({ store: db, ...fake, backoffMs: 1, concurrency: 1 });
    expect(fake.submissions()).toBe(2);
    await pastBackoff();

    // Both lookups fail: nothing is sent, both stay in doubt.
    fake.plan.lookupFailures = [unreachable(), unreachable()];
    const blind = await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(blind).toMatchObject({ reconciled: 2, attempted: 0, sent: 0 });
    expect(fake.submissions()).toBe(2);
    const waiting = await entriesIn(db, ['queued']);
    expect(waiting).toHaveLength(2);
    expect(waiting.every((x) => x.inFlightSince !== undefined)).toBe(true);

    // One lookup fails again, the other answers: only that one is settled; still nothing submitted twice.
    fake.plan.lookupFailures = [unreachable()];
    await sendQueued({ store: db, ...fake, backoffMs: 1, concurrency: 1 });
    expect(fake.submissions()).toBe(2);
    expect(await entriesIn(db, ['sent'])).toHaveLength(1);
    expect((await entriesIn(db, ['queued'])).map((x) => x.inFlightSince !== undefined)).toEqual([true]);

    await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(fake.submissions()).toBe(2);
    expect((await entriesIn(db, ['sent'])).map((x) => x.erpNumber).sort()).toEqual(['SAT3', 'SAT4']);
    expect([...fake.received.values()].map((r) => r.submissions)).toEqual([1, 1]);
  });

  it('a lookup refused for a reason that will not pass stops the round; the document stays in doubt', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'efatura', entry(5), '<Invoice>5</Invoice>');
    await enqueueValid(db, 'efatura', entry(6), '<Invoice>6</Invoice>');
    const [a] = await entriesIn(db, ['queued']);
    await touch(db, a!.id, { in_flight_since: new Date().toISOString(), attempts: 1 });
    fake.plan.lookupFailures = [new KonnektorError('INTEGRATOR_AUTH_FAILED', 'username.pwd.mismatch', { transient: false })];
    await expect(sendQueued({ store: db, ...fake })).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(fake.submissions()).toBe(0);
    const queued = await entriesIn(db, ['queued']);
    expect(queued.map((x) => [x.erpNumber, x.inFlightSince !== undefined])).toEqual([
      ['SAT5', true],
      ['SAT6', false],
    ]);
    // reconcileInFlight on its own reports the same refusal.
    fake.plan.lookupFailures = [new KonnektorError('INTEGRATOR_AUTH_FAILED', 'username.pwd.mismatch', { transient: false })];
    await expect(reconcileInFlight({ store: db, ...fake })).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
  });

  it('an e-Arşiv invoice in doubt is asked for by its ETTN and taken as delivered with its link, not created again', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'earsiv', entry(7, { profile: 'EARSIVFATURA' }), '<Invoice>7</Invoice>');
    fake.plan.lostAnswers = 1;
    await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(fake.earsivReceived.get(entry(7).ettn)?.submissions).toBe(1);
    await pastBackoff();
    fake.plan.lookupFailures = [unreachable()];
    await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(fake.earsivReceived.get(entry(7).ettn)?.submissions).toBe(1);
    await sendQueued({ store: db, ...fake, backoffMs: 1 });
    expect(fake.earsivLookups).toEqual([
      { vkn: VKN, uuid: entry(7).ettn },
      { vkn: VKN, uuid: entry(7).ettn },
    ]);
    expect(fake.earsivReceived.get(entry(7).ettn)?.submissions).toBe(1);
    const [delivered] = await entriesIn(db, ['delivered']);
    expect(delivered).toMatchObject({ gibMessage: `https://earsiv.example/${entry(7).ettn}` });
    expect(delivered!.inFlightSince).toBeUndefined();
  });

  it('a number the integrator already holds (an earlier call did reach it) is followed, not failed', async () => {
    const db = await store();
    const fake = strictIntegrator();
    await enqueueValid(db, 'efatura', entry(8), '<Invoice>8</Invoice>');
    // What an earlier, forgotten call left at the integrator: the same number with other bytes.
    fake.received.set(`${VKN}/${entry(8).ettn}`, { vkn: VKN, localDocNo: entry(8).ettn, belgeOid: 'oid-earlier', xml: '<Invoice>older</Invoice>', submissions: 1 });
    const summary = await sendQueued({ store: db, ...fake });
    expect(summary).toMatchObject({ sent: 1, failed: 0 });
    expect(fake.lookups.map((l) => l.key)).toEqual([{ by: 'YEREL', value: entry(8).ettn }]);
    const [sent] = await entriesIn(db, ['sent']);
    expect(sent!.inFlightSince).toBeUndefined();
    expect((await historyOf(db, sent!.id)).at(-1)).toMatchObject({ to: 'sent', detail: 'already at the integrator' });
  });
});
