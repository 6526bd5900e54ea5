import type { Knex } from 'knex';
import PQueue from 'p-queue';
import { documentKinds, type DocumentKindRegistry } from '../documents/kinds';
import { isKonnektorError } from '../errors';
import type { EarsivClient, EfaturaClient, OutgoingStatus } from '../integrator/types';
import { entriesIn, touch, transition, type OutboxEntry } from './store';
import type { OutboxState } from './states';
import { pollDecision } from './pollSchedule';

/**
 * Follows sent documents of the kinds that are followed after sending (e-Fatura; core/documents/kinds) until GİB and
 * the receiver have answered (integrator-api.md §7–8). `durum` is the integrator's own processing,
 * `gonderimCevabiKodu` GİB's envelope code, `yanitDurumu` the receiver's KABUL/RED where the kind expects one.
 */
export type StatusOutcome =
  | { kind: 'wait'; state: 'sent' | 'processing'; code?: string; message?: string }
  | { kind: 'resend'; code: string; message?: string }
  | { kind: 'final'; state: Extract<OutboxState, 'delivered' | 'accepted' | 'rejected' | 'failed'>; code?: string; message?: string };

/** 1215 (GİB gave up delivering) and 1230 (receiver's system answer failed): resend in a new envelope. */
export const RESEND_CODES = new Set([1215, 1230]);
/** Still on the way: queued, being processed, at GİB, GİB retrying, waiting for the receiver's system answer. */
const WAIT_CODES = new Set([0, 1000, 1100, 1200, 1210, 1220]);

/** Whether some shipped kind waits for the receiver's answer to a document of this profile (profiles are per kind). */
function profileAwaitsAnswer(profile: string | undefined): boolean {
  return documentKinds.list().some((k) => documentKinds.awaitsAnswer(k.id, profile));
}

/**
 * What a connectorService status means for the outbox. `awaitsAnswer`: the document's kind and profile expect the
 * receiver's answer (the poller knows the kind; by default the profile alone decides).
 */
export function interpretStatus(s: OutgoingStatus, profile?: string, awaitsAnswer = profileAwaitsAnswer(profile)): StatusOutcome {
  const code = s.gonderimCevabiKodu ? String(s.gonderimCevabiKodu) : undefined;
  const message = s.gonderimCevabiDetayi ?? s.aciklama;
  const withCode = <T extends object>(o: T) => ({ ...o, ...(code ? { code } : {}), ...(message ? { message } : {}) });
  if (s.durum === 2) return { kind: 'final', state: 'failed', code: 'DURUM_2', ...(s.aciklama ? { message: s.aciklama } : {}) };
  if (s.durum !== 3) return withCode({ kind: 'wait' as const, state: 'processing' as const });
  if (s.gonderimDurumu === -2) return withCode({ kind: 'final' as const, state: 'failed' as const });
  if (RESEND_CODES.has(s.gonderimCevabiKodu)) return { kind: 'resend', code: String(s.gonderimCevabiKodu), ...(message ? { message } : {}) };
  if (s.gonderimCevabiKodu === 1300) {
    if (awaitsAnswer) {
      if (s.yanitDurumu === 2) {
        // An acceptance with remarks (an irsaliye yanıtı with short or rejected quantities) keeps the receiver's words.
        const remark = s.yanitDetayi && s.yanitDetayi.trim().toLocaleUpperCase('tr-TR') !== 'KABUL' ? s.yanitDetayi : undefined;
        return { ...withCode({ kind: 'final' as const, state: 'accepted' as const }), ...(remark ? { message: remark } : {}) };
      }
      if (s.yanitDurumu === 1) return { kind: 'final', state: 'rejected', code: '1300', ...(s.yanitDetayi ? { message: s.yanitDetayi } : {}) };
    }
    return withCode({ kind: 'final' as const, state: 'delivered' as const });
  }
  if (WAIT_CODES.has(s.gonderimCevabiKodu)) return withCode({ kind: 'wait' as const, state: 'processing' as const });
  // Every other 11xx code is an error GİB returned for the envelope (1150 schematron, 1160 schema, 1163 duplicate…).
  return withCode({ kind: 'final' as const, state: 'failed' as const });
}

export interface PollOptions {
  store: Knex;
  efatura: EfaturaClient;
  earsiv?: EarsivClient;
  /** The document kinds entries may be (default: the kinds Konnektör ships). */
  kinds?: DocumentKindRegistry;
  now?: () => Date;
  onEvent?: (e: { entry: OutboxEntry; outcome: StatusOutcome }) => void;
  /** Status queries in parallel (default 4). */
  concurrency?: number;
}

export interface PollSummary {
  polled: number;
  changed: number;
  resent: number;
  open: number;
  /** Queries that failed for a passing reason; asked again next round. */
  deferred: number;
  /** Open documents not asked this round: asked recently enough (QNB's rate), or past their follow-up window. */
  notDue: number;
  stopped: number;
}

export async function pollStatuses(opts: PollOptions): Promise<PollSummary> {
  const now = opts.now ?? (() => new Date());
  const summary: PollSummary = { polled: 0, changed: 0, resent: 0, open: 0, deferred: 0, notDue: 0, stopped: 0 };
  const kinds = opts.kinds ?? documentKinds;
  const followed = new Set(kinds.list().filter((k) => k.outbox.followed).map((k) => k.id));
  const awaitsAnswer = (e: OutboxEntry) => kinds.awaitsAnswer(e.kind, e.profile);
  const candidates = (await entriesIn(opts.store, ['sent', 'processing', 'delivered'], undefined, { withXml: false })).filter(
    (e) => followed.has(e.kind) && (e.state !== 'delivered' || awaitsAnswer(e)),
  );
  // QNB's limits: each document is asked no more often than pollSchedule.ts allows, and no longer.
  const since = await firstTransitions(opts.store, candidates.map((e) => e.id));
  const at = now().getTime();
  const open = candidates.filter((e) => {
    const times = since.get(e.id);
    const lastPolledAt = Date.parse(e.updatedAt);
    const decision = pollDecision(
      {
        sentAt: times?.sent ?? lastPolledAt,
        ...(times?.delivered !== undefined ? { deliveredAt: times.delivered } : {}),
        lastPolledAt,
        awaitingAnswer: e.state === 'delivered',
      },
      at,
    );
    if (decision.poll) return true;
    summary.open++;
    if ('stopped' in decision) summary.stopped++;
    else summary.notDue++;
    return false;
  });
  const clientOf = (e: OutboxEntry) => kinds.get(e.kind).integrator.client({ efatura: opts.efatura, ...(opts.earsiv ? { earsiv: opts.earsiv } : {}) });
  // A status query that fails for a passing reason (timeout, HTTP 5xx, dropped connection) is tried again in the
  // next round; several in a row mean the integrator is unwell, and the round ends early.
  let transientInARow = 0;
  let stop = false;
  const pollOne = async (e: OutboxEntry): Promise<void> => {
    if (stop) return;
    summary.polled++;
    const client = clientOf(e);
    const doc = { senderVkn: e.companyVkn, ettn: e.ettn, ...(e.profile ? { profile: e.profile } : {}) };
    const status: OutgoingStatus | undefined = await client.status?.(doc);
    transientInARow = 0;
    if (!status) {
      summary.open++;
      return;
    }
    const outcome = interpretStatus(status, e.profile, awaitsAnswer(e));
    opts.onEvent?.({ entry: e, outcome });
    const fields = { gib_code: outcome.code ?? null, gib_message: outcome.message ?? null };
    if (outcome.kind === 'resend') {
      await client.resend?.(doc);
      await transition(opts.store, e.id, e.state, 'sent', fields, `resent after ${outcome.code}`, now());
      summary.resent++;
      summary.open++;
    } else if (outcome.kind === 'wait') {
      if (e.state === 'delivered') {
        // Asked now: the next question waits its turn (the receiver's answer is polled at QNB's rate too).
        await touch(opts.store, e.id, {}, now());
        summary.open++;
        return;
      }
      if (e.state !== outcome.state || e.gibCode !== outcome.code) {
        await transition(opts.store, e.id, e.state, outcome.state, fields, outcome.code, now());
        summary.changed++;
      } else await touch(opts.store, e.id, {}, now());
      summary.open++;
    } else if (outcome.state !== e.state) {
      await transition(opts.store, e.id, e.state, outcome.state, fields, [outcome.code, outcome.message].filter(Boolean).join(' '), now());
      summary.changed++;
      if (outcome.state === 'delivered' && awaitsAnswer(e)) summary.open++;
    } else summary.open++;
  };
  const queue = new PQueue({ concurrency: opts.concurrency ?? 4 });
  await Promise.all(
    open.map((e) =>
      queue.add(async () => {
        try {
          await pollOne(e);
        } catch (err) {
          if (!(isKonnektorError(err) && err.details.transient === true)) throw err;
          summary.open++;
          summary.deferred++;
          if (++transientInARow >= 3) stop = true;
        }
      }),
    ),
  );
  return summary;
}

/** When each entry first went to the integrator and first was delivered (its history), as epoch milliseconds. */
async function firstTransitions(store: Knex, ids: readonly number[]): Promise<Map<number, { sent?: number; delivered?: number }>> {
  const out = new Map<number, { sent?: number; delivered?: number }>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = (await store('outbox_history')
      .whereIn('outbox_id', ids.slice(i, i + 500))
      .whereIn('to_state', ['sent', 'delivered'])
      .groupBy('outbox_id', 'to_state')
      .select('outbox_id', 'to_state')
      .min({ at: 'at' })) as { outbox_id: number; to_state: string; at: string }[];
    for (const r of rows) {
      const entry = out.get(Number(r.outbox_id)) ?? {};
      entry[r.to_state === 'sent' ? 'sent' : 'delivered'] = Date.parse(r.at);
      out.set(Number(r.outbox_id), entry);
    }
  }
  return out;
}
