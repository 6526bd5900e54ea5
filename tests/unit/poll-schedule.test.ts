import { describe, expect, it } from 'vitest';
import type { EarsivClient, EfaturaClient, OutgoingStatus } from '../../core/integrator/types';
import { enqueueValid } from '../../core/outbox/enqueue';
import { pollStatuses } from '../../core/outbox/poller';
import { POLL_RULES, pollDecision } from '../../core/outbox/pollSchedule';
import { sendQueued } from '../../core/outbox/sender';
import { entriesIn } from '../../core/outbox/store';
import { openLocalStore } from '../../db/local';
import type { ExportEntry } from '../../core/documents/export';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('status polling follows QNB’s limits', () => {
  it('decides per document: eager right after sending, then twice a day, never after a month or an answer window', () => {
    const sentAt = 0;
    expect(pollDecision({ sentAt, lastPolledAt: 5 * MIN, awaitingAnswer: false }, 6 * MIN)).toEqual({ poll: true });
    expect(pollDecision({ sentAt, lastPolledAt: 11 * MIN, awaitingAnswer: false }, 12 * MIN)).toEqual({ poll: false, until: 11 * MIN + POLL_RULES.intervalMs });
    expect(pollDecision({ sentAt, lastPolledAt: 11 * MIN, awaitingAnswer: false }, 11 * MIN + 12 * HOUR)).toEqual({ poll: true });
    expect(pollDecision({ sentAt, lastPolledAt: 29 * DAY, awaitingAnswer: false }, 31 * DAY)).toEqual({ poll: false, stopped: 'follow-window' });
    expect(pollDecision({ sentAt, deliveredAt: HOUR, lastPolledAt: 8 * DAY, awaitingAnswer: true }, 8 * DAY + 2 * HOUR)).toEqual({ poll: false, stopped: 'answer-window' });
    expect(pollDecision({ sentAt, deliveredAt: HOUR, lastPolledAt: 7 * DAY, awaitingAnswer: true }, 7 * DAY + 12 * HOUR)).toEqual({ poll: true });
  });

  it('asks a sent document’s status no more than the schedule allows, on a fake clock', async () => {
    let clock = Date.parse('2026-03-10T09:00:00Z');
    const now = () => new Date(clock);
    const db = await openLocalStore(':memory:');
    const statuses = new Map<string, OutgoingStatus>();
    const asked: string[] = [];
    const efatura = {
      async sendInvoice(req: { localDocNo: string }) {
        statuses.set(req.localDocNo, { durum: 3, gonderimDurumu: 2, gonderimCevabiKodu: 1200, yanitDurumu: -1 });
        return { belgeOid: `oid-${req.localDocNo}` };
      },
      async outgoingStatus(_vkn: string, key: { value: string }) {
        asked.push(key.value);
        return statuses.get(key.value);
      },
    } as unknown as EfaturaClient;
    const entry: ExportEntry = {
      erpRef: { connector: 'logo', database: 'LOGODB', firm: '001', period: '02', key: '1' },
      companyVkn: '4703101339',
      erpNumber: 'SAT1',
      issueDate: '2026-03-10',
      ettn: '00000000-0000-4000-8000-000000000001',
      number: 'KNF2026000000001',
      profile: 'TICARIFATURA',
      type: 'SATIS',
      currency: 'TRY',
      valid: true,
      issues: [],
    } as ExportEntry;
    await enqueueValid(db, 'efatura', entry, '<Invoice/>', now());
    await sendQueued({ store: db, efatura, earsiv: {} as EarsivClient, now });
    const poll = () => pollStatuses({ store: db, efatura, now });

    // Right after sending: followed at the run's pace.
    await poll();
    clock += 2 * MIN;
    await poll();
    expect(asked).toHaveLength(2);
    // After the first minutes: not again within 12 hours of the last question.
    clock += 20 * MIN;
    expect(await poll()).toMatchObject({ polled: 0, notDue: 1, open: 1 });
    clock += 11 * HOUR;
    expect(await poll()).toMatchObject({ polled: 0, notDue: 1 });
    clock += HOUR;
    await poll();
    expect(asked).toHaveLength(3);
    clock += HOUR;
    expect(await poll()).toMatchObject({ polled: 0, notDue: 1 });
    expect(asked).toHaveLength(3);

    // Delivered, waiting for the receiver's KABUL/RED: asked twice a day until the 8 days are over, then never.
    statuses.set(entry.ettn!, { durum: 3, gonderimDurumu: 4, gonderimCevabiKodu: 1300, yanitDurumu: 0 });
    clock += 12 * HOUR;
    await poll();
    expect((await entriesIn(db, ['delivered'])).length).toBe(1);
    const before = asked.length;
    for (let i = 0; i < 20; i++) {
      clock += 12 * HOUR;
      await poll();
    }
    // 10 days of rounds: only those within the 8-day window asked.
    expect(asked.length - before).toBe(16);
    expect(await poll()).toMatchObject({ polled: 0, stopped: 1 });
    await db.destroy();
  });
});
