import type { Knex } from 'knex';
import PQueue from 'p-queue';
import { KonnektorError, isKonnektorError } from '../errors';
import { documentKinds, type DocumentKindRegistry, type KindClient } from '../documents/kinds';
import type { ReceiptServiceClient } from '../integrator/mustahsilService';
import type { EarsivClient, EfaturaClient } from '../integrator/types';
import { logger } from '../logging';
import { entriesIn, touch, transition, xmlOf, type OutboxEntry } from './store';

/**
 * Sends queued documents to the integrator: bounded concurrency (the integrator client keeps every request under
 * its 180 requests/minute), retries with exponential backoff for transient faults, and no retry at all after an
 * authentication failure (a wrong password must not lock the integrator user). Before any resend, a document whose
 * earlier call never returned (`in_flight_since` left by a crash or kill) is looked up at the integrator by its
 * local number (the ETTN), so nothing is sent twice.
 */
export interface SendOptions {
  store: Knex;
  /** The integrator's services; each entry's kind (core/documents/kinds) picks the one it is sent through. */
  efatura: EfaturaClient;
  earsiv: EarsivClient;
  /** The receipt services (e-MM: MustahsilWebService; e-SMM), for receipts in the outbox. */
  mustahsil?: ReceiptServiceClient;
  esmm?: ReceiptServiceClient;
  /** The document kinds entries may be (default: the kinds Konnektör ships). */
  kinds?: DocumentKindRegistry;
  concurrency?: number;
  maxAttempts?: number;
  /** First backoff step; doubles each attempt, with jitter, capped at 5 minutes. */
  backoffMs?: number;
  now?: () => Date;
  onEvent?: (e: SendEvent) => void;
}

export type SendEvent =
  | { type: 'sent'; entry: OutboxEntry; belgeOid?: string }
  | { type: 'retry'; entry: OutboxEntry; code: string; inMs: number }
  | { type: 'failed'; entry: OutboxEntry; code: string; detail: string }
  | { type: 'reconciled'; entry: OutboxEntry; found: boolean };

export interface SendSummary {
  attempted: number;
  sent: number;
  retrying: number;
  failed: number;
  reconciled: number;
}


function backoff(attempt: number, base: number): number {
  const exp = Math.min(base * 2 ** Math.max(0, attempt - 1), 300_000);
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}

const transient = (e: unknown) => isKonnektorError(e) && e.details.transient === true;

/** The integrator operations of an entry's kind. */
function clientOf(opts: SendOptions, e: OutboxEntry): KindClient {
  return (opts.kinds ?? documentKinds).get(e.kind).integrator.client(opts);
}

const asDocument = (e: OutboxEntry) => ({ senderVkn: e.companyVkn, ettn: e.ettn, ...(e.profile ? { profile: e.profile } : {}), ...(e.alias ? { alias: e.alias } : {}) });

/** Looks up documents whose send call never returned, and settles them before anything is sent again. */
export async function reconcileInFlight(opts: SendOptions): Promise<number> {
  const now = opts.now ?? (() => new Date());
  const inDoubt = (await entriesIn(opts.store, ['queued'], undefined, { withXml: false })).filter((e) => e.inFlightSince);
  for (const e of inDoubt) {
    try {
      await reconcileOne(opts, e, now);
    } catch (err) {
      // Still in doubt: it stays marked and is not sent this round; the next round asks again.
      if (!transient(err)) throw err;
      logger.warn('outbox: could not look up a document in doubt', { ettn: e.ettn, code: isKonnektorError(err) ? err.code : 'UNEXPECTED' });
    }
  }
  return inDoubt.length;
}

async function reconcileOne(opts: SendOptions, e: OutboxEntry, now: () => Date): Promise<void> {
  const found = await clientOf(opts, e).lookup(asDocument(e));
  if (found) {
    const fields = found.state === 'delivered' ? { in_flight_since: null, gib_message: found.gibMessage ?? null } : { in_flight_since: null };
    await transition(opts.store, e.id, 'queued', found.state, fields, 'found at the integrator after an interrupted send', now());
  } else {
    await touch(opts.store, e.id, { in_flight_since: null }, now());
  }
  opts.onEvent?.({ type: 'reconciled', entry: e, found: found !== undefined });
}

async function sendOne(opts: SendOptions, e: OutboxEntry, summary: SendSummary): Promise<void> {
  const now = opts.now ?? (() => new Date());
  const maxAttempts = opts.maxAttempts ?? 6;
  const client = clientOf(opts, e);
  summary.attempted++;
  // Marked before the call: if the process dies now, the next run asks the integrator before resending.
  await touch(opts.store, e.id, { in_flight_since: now().toISOString(), attempts: e.attempts + 1 }, now());
  try {
    const outcome = await client.send({ ...asDocument(e), xml: Buffer.from(await xmlOf(opts.store, e.id), 'utf8') });
    if (outcome.state === 'sent') {
      await transition(opts.store, e.id, 'queued', 'sent', { belge_oid: outcome.belgeOid ?? null, in_flight_since: null, error_code: null, error_detail: null }, outcome.detail, now());
      summary.sent++;
      opts.onEvent?.({ type: 'sent', entry: e, ...(outcome.belgeOid ? { belgeOid: outcome.belgeOid } : {}) });
    } else {
      await transition(opts.store, e.id, 'queued', 'delivered', { in_flight_since: null, gib_code: outcome.gibCode ?? null, gib_message: outcome.gibMessage ?? null }, outcome.detail, now());
      summary.sent++;
      opts.onEvent?.({ type: 'sent', entry: e });
    }
  } catch (err) {
    const code = isKonnektorError(err) ? err.code : 'UNEXPECTED';
    const detail = err instanceof Error ? err.message : String(err);
    if (code === 'INTEGRATOR_DUPLICATE' && client.followDuplicates) {
      // Already at the integrator (an earlier call did reach it): follow that one.
      const found = await client.lookup(asDocument(e));
      if (found) {
        await transition(opts.store, e.id, 'queued', found.state, { in_flight_since: null }, 'already at the integrator', now());
        summary.sent++;
        return;
      }
    }
    // Account-wide refusals: every further call would be refused the same way, so the batch stops here and the
    // documents stay queued for the next run (a wrong password must not be retried; kontör must be topped up).
    if (code === 'INTEGRATOR_AUTH_FAILED' || code === 'INTEGRATOR_NO_CREDIT') {
      await touch(opts.store, e.id, { in_flight_since: null, attempts: e.attempts, error_code: code, error_detail: detail }, now());
      throw err;
    }
    // An answer that could not be read says nothing about whether the integrator took the document: in doubt.
    if (transient(err) || code === 'INTEGRATOR_BAD_RESPONSE') {
      const details = (err as KonnektorError).details;
      // A call that may have reached the integrator (timeout, answer lost) stays "in doubt": the next round asks
      // the integrator about it before anything is sent again.
      const inDoubt = details.mayHaveReachedServer !== false;
      if (!inDoubt && code === 'INTEGRATOR_UNREACHABLE') {
        // The integrator is not there at all: this attempt does not count against the document.
        await touch(opts.store, e.id, { in_flight_since: null, attempts: e.attempts, error_code: code, error_detail: detail }, now());
        throw err;
      }
      if (e.attempts + 1 < maxAttempts || inDoubt) {
        const wait = backoff(e.attempts + 1, opts.backoffMs ?? 2000);
        await touch(opts.store, e.id, { ...(inDoubt ? {} : { in_flight_since: null }), next_attempt_at: new Date(now().getTime() + wait).toISOString(), error_code: code, error_detail: detail }, now());
        summary.retrying++;
        opts.onEvent?.({ type: 'retry', entry: e, code, inMs: wait });
        if (e.attempts + 1 >= maxAttempts) throw new KonnektorError(code as 'INTEGRATOR_TIMEOUT', `${detail} (after ${e.attempts + 1} attempts)`, { ...details, transient: true });
        return;
      }
    }
    await transition(opts.store, e.id, 'queued', 'failed', { in_flight_since: null, error_code: code, error_detail: detail }, detail, now());
    summary.failed++;
    opts.onEvent?.({ type: 'failed', entry: e, code, detail });
    logger.warn('outbox send failed', { ettn: e.ettn, code, detail });
  }
}

/** Sends every queued document whose time has come; returns when each has been tried once in this round. */
export async function sendQueued(opts: SendOptions): Promise<SendSummary> {
  const summary: SendSummary = { attempted: 0, sent: 0, retrying: 0, failed: 0, reconciled: 0 };
  summary.reconciled = await reconcileInFlight(opts);
  const now = (opts.now ?? (() => new Date()))().toISOString();
  // Entries still in doubt (their lookup failed) wait until the integrator has answered for them.
  const due = (await entriesIn(opts.store, ['queued'], undefined, { withXml: false })).filter((e) => !e.inFlightSince && (!e.nextAttemptAt || e.nextAttemptAt <= now));
  // The request rate is the integrator client's (core/integrator/rateLimit.ts): it covers every call, polls too.
  const queue = new PQueue({ concurrency: opts.concurrency ?? 4 });
  let fatal: unknown;
  for (const e of due) {
    void queue.add(async () => {
      if (fatal) return;
      try {
        await sendOne(opts, e, summary);
      } catch (err) {
        fatal ??= err;
        queue.clear();
      }
    });
  }
  await queue.onIdle();
  if (fatal) throw fatal;
  return summary;
}
