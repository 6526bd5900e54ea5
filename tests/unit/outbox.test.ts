import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import type { EarsivClient, EfaturaClient, OutgoingStatus } from '../../core/integrator/types';
import { enqueueValid, recordInvalid } from '../../core/outbox/enqueue';
import { interpretStatus } from '../../core/outbox/poller';
import { pollStatuses } from '../../core/outbox/poller';
import { reconcileInFlight, sendQueued } from '../../core/outbox/sender';
import { entriesIn, historyOf, touch, transition } from '../../core/outbox/store';
import { openLocalStore } from '../../db/local';
import { outboxEntry as entry } from '../support/outboxEntry';

const status = (over: Partial<OutgoingStatus>): OutgoingStatus => ({ durum: 3, gonderimDurumu: 4, gonderimCevabiKodu: 1300, yanitDurumu: -1, ...over });


/** An in-memory integrator that records calls; each behaviour can be scripted per call. */
function fakeIntegrator() {
  const sent = new Map<string, { belgeOid: string; xml: string }>();
  const statuses = new Map<string, OutgoingStatus>();
  const calls: string[] = [];
  let failNext: KonnektorError[] = [];
  const efatura: EfaturaClient = {
    async sendInvoice(req) {
      calls.push(`send ${req.localDocNo}`);
      const f = failNext.shift();
      if (f) throw f;
      const belgeOid = `oid${sent.size + 1}`;
      sent.set(req.localDocNo, { belgeOid, xml: req.xml.toString('utf8') });
      statuses.set(req.localDocNo, status({ durum: 1, gonderimCevabiKodu: 0, gonderimDurumu: -1 }));
      return { belgeOid };
    },
    async outgoingStatus(vkn, key) {
      calls.push(`status ${key.value}`);
      // Found only by the local number Konnektör sent (belgeNoTipi YEREL), for the sender's own taxpayer.
      return key.by === 'YEREL' && vkn === '4703101339' && sent.has(key.value) ? statuses.get(key.value) : undefined;
    },
    async resend(_vkn, ettns) {
      calls.push(`resend ${ettns.join(',')}`);
      for (const e of ettns) statuses.set(e, status({ durum: 3, gonderimCevabiKodu: 1000, gonderimDurumu: 2 }));
      return true;
    },
    registeredUser: async () => [],
    registeredUserList: async () => '<UserList/>',
    downloadRegisteredUserList: async () => ({ bytes: 0 }),
    creditBalance: async () => 100,
  };
  const earsiv: EarsivClient = {
    async createInvoice(req) {
      calls.push(`earsiv ${req.islemId}`);
      const f = failNext.shift();
      if (f) throw f;
      sent.set(req.islemId, { belgeOid: '', xml: req.xml.toString('utf8') });
      return { resultCode: 'AE00000', faturaNo: 'X', uuid: req.islemId };
    },
    async queryInvoice(_vkn, uuid) {
      return sent.has(uuid) ? { resultCode: 'AE00000', uuid } : undefined;
    },
    cancelInvoice: async () => ({ resultCode: 'AE00000' }),
    undoCancelInvoice: async () => ({ resultCode: 'AE00000' }),
    reportStatus: async () => ({ reported: false }),
  };
  return { efatura, earsiv, sent, statuses, calls, fail: (...errs: KonnektorError[]) => (failNext = errs) };
}

const transientError = (code: 'INTEGRATOR_UNREACHABLE' | 'INTEGRATOR_HTTP_ERROR') => new KonnektorError(code, 'down', { transient: true });

describe('outbox', () => {
  it('reads GİB status codes the way QNB documents them', () => {
    expect(interpretStatus(status({ durum: 1, gonderimCevabiKodu: 0 }))).toMatchObject({ kind: 'wait', state: 'processing' });
    expect(interpretStatus(status({ durum: 2, aciklama: 'şema hatası' }))).toMatchObject({ kind: 'final', state: 'failed', message: 'şema hatası' });
    for (const code of [1000, 1100, 1200, 1210, 1220]) expect(interpretStatus(status({ gonderimCevabiKodu: code })).kind).toBe('wait');
    for (const code of [1215, 1230]) expect(interpretStatus(status({ gonderimCevabiKodu: code }))).toMatchObject({ kind: 'resend', code: String(code) });
    for (const code of [1150, 1160, 1163, 1172]) expect(interpretStatus(status({ gonderimCevabiKodu: code }))).toMatchObject({ kind: 'final', state: 'failed', code: String(code) });
    expect(interpretStatus(status({}), 'TEMELFATURA')).toMatchObject({ kind: 'final', state: 'delivered' });
    expect(interpretStatus(status({ yanitDurumu: 0 }), 'TICARIFATURA')).toMatchObject({ state: 'delivered' });
    expect(interpretStatus(status({ yanitDurumu: 2 }), 'TICARIFATURA')).toMatchObject({ state: 'accepted' });
    expect(interpretStatus(status({ yanitDurumu: 1, yanitDetayi: 'fiyat hatalı' }), 'TICARIFATURA')).toMatchObject({ state: 'rejected', message: 'fiyat hatalı' });
  });

  it('queues with XML and MD5 before sending, sends, and keeps the history', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    await enqueueValid(db, 'efatura', entry(1), '<Invoice>1</Invoice>');
    const [queued] = await entriesIn(db, ['queued']);
    expect(queued).toMatchObject({ number: 'KNF2026000000001', xml: '<Invoice>1</Invoice>', md5: createHash('md5').update('<Invoice>1</Invoice>').digest('hex') });
    const summary = await sendQueued({ store: db, ...fake });
    expect(summary).toMatchObject({ attempted: 1, sent: 1, failed: 0 });
    const [sent] = await entriesIn(db, ['sent']);
    expect(sent!.belgeOid).toBe('oid1');
    expect((await historyOf(db, sent!.id)).map((h) => h.to)).toEqual(['pending', 'built', 'validated', 'queued', 'sent']);
    fake.statuses.set(sent!.ettn, status({}));
    await pollStatuses({ store: db, efatura: fake.efatura });
    expect((await entriesIn(db, ['delivered'])).map((e) => e.ettn)).toEqual([sent!.ettn]);
    await db.destroy();
  });

  it('retries transient faults with backoff; a transient fault never fails a document', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    await enqueueValid(db, 'efatura', entry(1), '<x/>');
    fake.fail(transientError('INTEGRATOR_HTTP_ERROR'));
    const first = await sendQueued({ store: db, ...fake, backoffMs: 400 });
    expect(first).toMatchObject({ retrying: 1, sent: 0 });
    const [waiting] = await entriesIn(db, ['queued']);
    expect(waiting!.nextAttemptAt).toBeDefined();
    expect(waiting!.errorCode).toBe('INTEGRATOR_HTTP_ERROR');
    // Not due yet: nothing is attempted (the integrator is only asked whether it has the document).
    expect((await sendQueued({ store: db, ...fake, backoffMs: 400 })).attempted).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    expect(await sendQueued({ store: db, ...fake, backoffMs: 400 })).toMatchObject({ sent: 1 });

    // Refused connections: the integrator is not there. The batch stops at once, the attempt does not count.
    await enqueueValid(db, 'efatura', entry(2), '<x/>');
    fake.fail(new KonnektorError('INTEGRATOR_UNREACHABLE', 'ECONNREFUSED', { transient: true, mayHaveReachedServer: false }));
    await expect(sendQueued({ store: db, ...fake, backoffMs: 1 })).rejects.toMatchObject({ code: 'INTEGRATOR_UNREACHABLE' });
    const [refused] = await entriesIn(db, ['queued']);
    expect(refused).toMatchObject({ erpNumber: 'SAT2', attempts: 0, errorCode: 'INTEGRATOR_UNREACHABLE' });
    expect(refused!.inFlightSince).toBeUndefined();

    // Timeouts may have reached the integrator: the document stays in doubt and, after the last attempt, the batch
    // stops with the document still queued, to be looked up before any resend.
    fake.fail(...Array.from({ length: 3 }, () => new KonnektorError('INTEGRATOR_TIMEOUT', 'no answer', { transient: true, mayHaveReachedServer: true })));
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i++) {
      await sendQueued({ store: db, ...fake, backoffMs: 1, maxAttempts: 3 }).then(
        () => outcomes.push('ok'),
        (e: KonnektorError) => outcomes.push(e.code),
      );
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(outcomes).toEqual(['ok', 'ok', 'INTEGRATOR_TIMEOUT']);
    expect(await entriesIn(db, ['failed'])).toHaveLength(0);
    const [doubt] = await entriesIn(db, ['queued']);
    expect(doubt).toMatchObject({ erpNumber: 'SAT2', attempts: 3 });
    expect(doubt!.inFlightSince).toBeDefined();
    // Each later round asked the integrator first (status by local number) before trying again.
    expect(fake.calls.filter((c) => c === `status ${entry(2).ettn}`).length).toBeGreaterThanOrEqual(2);
    await sendQueued({ store: db, ...fake, backoffMs: 1, maxAttempts: 10 });
    expect((await entriesIn(db, ['sent'])).map((e) => e.erpNumber).sort()).toEqual(['SAT1', 'SAT2']);
    await db.destroy();
  });

  it('stops the whole batch on a wrong password, without retrying or failing documents', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    for (const n of [1, 2, 3, 4, 5]) await enqueueValid(db, 'efatura', entry(n), '<x/>');
    fake.fail(new KonnektorError('INTEGRATOR_AUTH_FAILED', 'username.pwd.mismatch', { transient: false }));
    await expect(sendQueued({ store: db, ...fake, concurrency: 1 })).rejects.toMatchObject({ code: 'INTEGRATOR_AUTH_FAILED' });
    expect(fake.calls.filter((c) => c.startsWith('send'))).toHaveLength(1);
    expect(await entriesIn(db, ['queued'])).toHaveLength(5);
    expect((await entriesIn(db, ['queued'])).every((e) => !e.inFlightSince)).toBe(true);
    await db.destroy();
  });

  it('after an interrupted send, asks the integrator before sending again', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    await enqueueValid(db, 'efatura', entry(1), '<x/>');
    await enqueueValid(db, 'efatura', entry(2), '<x/>');
    const [a, b] = await entriesIn(db, ['queued']);
    // The process died inside both calls: the first reached the integrator, the second did not.
    await fake.efatura.sendInvoice({ senderVkn: a!.companyVkn, localDocNo: a!.ettn, xml: Buffer.from('<x/>') });
    await touch(db, a!.id, { in_flight_since: new Date().toISOString(), attempts: 1 });
    await touch(db, b!.id, { in_flight_since: new Date().toISOString(), attempts: 1 });
    fake.calls.length = 0;
    expect(await reconcileInFlight({ store: db, ...fake })).toBe(2);
    await sendQueued({ store: db, ...fake });
    expect(fake.calls.filter((c) => c.startsWith('send'))).toEqual([`send ${b!.ettn}`]);
    expect((await entriesIn(db, ['sent'])).map((e) => e.ettn).sort()).toEqual([a!.ettn, b!.ettn].sort());
    expect(fake.sent.size).toBe(2);
    await db.destroy();
  });

  it('resends after 1215/1230 and records invalid documents with their reasons', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    await enqueueValid(db, 'efatura', entry(1), '<x/>');
    await sendQueued({ store: db, ...fake });
    const [e] = await entriesIn(db, ['sent']);
    fake.statuses.set(e!.ettn, status({ gonderimCevabiKodu: 1230 }));
    const s = await pollStatuses({ store: db, efatura: fake.efatura });
    expect(s.resent).toBe(1);
    expect(fake.calls).toContain(`resend ${e!.ettn}`);
    await recordInvalid(db, 'efatura', entry(9, { valid: false, issues: [{ source: 'precheck', rule: 'KNK_NO_LINES', message: 'Faturada hiç satır yok.' }] }));
    const [invalid] = await entriesIn(db, ['invalid']);
    expect(invalid).toMatchObject({ erpNumber: 'SAT9', errorCode: 'KNK_NO_LINES' });
    // Corrected in the ERP: queued again with the same ETTN.
    await enqueueValid(db, 'efatura', entry(9), '<x/>');
    expect((await entriesIn(db, ['queued'])).map((x) => x.ettn)).toEqual([invalid!.ettn]);
    await expect(transition(db, invalid!.id, 'sent', 'accepted')).rejects.toThrow();
    await db.destroy();
  });

  it('sends e-Arşiv synchronously and idempotently by islemId', async () => {
    const db = await openLocalStore(':memory:');
    const fake = fakeIntegrator();
    await enqueueValid(db, 'earsiv', entry(1, { profile: 'EARSIVFATURA' }), '<x/>');
    await sendQueued({ store: db, ...fake });
    expect((await entriesIn(db, ['delivered'])).map((e) => e.module)).toEqual(['earsiv']);
    expect(fake.calls).toEqual([`earsiv ${entry(1).ettn}`]);
    await db.destroy();
  });
});
