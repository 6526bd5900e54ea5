import type { Knex } from 'knex';
import type { DocumentKindRegistry, IntegratorServices, KindClient } from '../documents/kinds';
import { readUblFacts } from '../documents/ubl/read';
import { KonnektorError } from '../errors';
import { turkeyDateTime } from '../time';
import { entryByEttn, transition, xmlOf, type OutboxEntry } from './store';

/**
 * Cancelling a delivered document from Konnektör, undoing the cancellation, and asking whether the integrator has
 * reported it to GİB — for kinds that declare `cancellation` and `outbox.reported` (e-MM, e-SMM). Every step first
 * checks locally (the document is in the outbox, of such a kind, in the right state, within the legal window) and
 * only then calls the integrator; the outbox moves only after the integrator said yes, so a failed call changes
 * nothing and may be repeated.
 */
export interface ReceiptActionOptions {
  store: Knex;
  kinds: DocumentKindRegistry;
  services: Partial<IntegratorServices>;
  now?: () => Date;
}

export interface CancellationOutcome {
  ettn: string;
  number?: string;
  state: OutboxEntry['state'];
  detail?: string;
  /** The reason the user gave, as recorded. */
  reason?: string;
  /** ERP rows written back after the cancellation (when the call named the ERP target). */
  writtenBack?: number;
}

async function cancellable(
  opts: ReceiptActionOptions,
  ettn: string,
): Promise<{ entry: OutboxEntry; client: KindClient; windowDays: number; undo: boolean; reasonRequired: boolean; refusedOnceReported: boolean }> {
  const entry = await entryByEttn(opts.store, ettn);
  if (!entry) throw new KonnektorError('DOCUMENT_NOT_IN_OUTBOX', `No outbox entry with ETTN ${ettn}`, { value: ettn });
  const kind = opts.kinds.get(entry.kind);
  const client = kind.integrator.client(opts.services);
  if (!kind.cancellation || !client.cancel) {
    throw new KonnektorError('DOCUMENT_NOT_CANCELLABLE', `${entry.kind} documents are not cancelled from Konnektör`, { value: ettn, state: entry.state });
  }
  return {
    entry,
    client,
    windowDays: kind.cancellation.windowDays,
    undo: kind.cancellation.undo,
    reasonRequired: kind.cancellation.reasonRequired === true,
    refusedOnceReported: kind.cancellation.refusedOnceReported === true && client.reportStatus !== undefined,
  };
}

const keyOf = (e: OutboxEntry) => ({ senderVkn: e.companyVkn, ettn: e.ettn, ...(e.number ? { number: e.number } : {}) });

/** The last day (Türkiye date, inclusive) a document issued on `issueDate` may be cancelled. */
export function lastCancellationDay(issueDate: string, windowDays: number): string {
  const d = new Date(`${issueDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + windowDays);
  return d.toISOString().slice(0, 10);
}

/** The issue date written in the queued document (what GİB's window counts from). */
async function issueDateOf(store: Knex, e: OutboxEntry): Promise<string> {
  const date = readUblFacts(await xmlOf(store, e.id)).issueDate;
  if (!date) throw new KonnektorError('UNEXPECTED', `Queued document ${e.ettn} has no IssueDate`);
  return date;
}

/** The longest cancellation reason kept (history note and audit). */
export const CANCEL_REASON_MAX = 500;

/**
 * Cancels a delivered document at the integrator within the legal window; the outbox entry becomes `cancelled` (and
 * is written back to the ERP as such by the next write-back). Kinds that ask for it need a reason, which is kept in
 * the document's history; kinds refused once reported (e-Arşiv) ask the integrator first and cancel nothing when
 * the document is already in a report.
 */
export async function cancelDocument(opts: ReceiptActionOptions, ettn: string, reasonInput?: string): Promise<CancellationOutcome> {
  const { entry, client, windowDays, reasonRequired, refusedOnceReported } = await cancellable(opts, ettn);
  const reason = reasonInput?.replace(/\s+/g, ' ').trim() ?? '';
  if (reasonRequired && reason === '') throw new KonnektorError('CANCEL_REASON_REQUIRED', `Cancelling ${entry.kind} ${ettn} needs a reason`, { value: ettn });
  if (reason.length > CANCEL_REASON_MAX) throw new KonnektorError('CANCEL_REASON_TOO_LONG', `Cancellation reason is ${reason.length} characters, at most ${CANCEL_REASON_MAX}`, { value: String(reason.length) });
  if (entry.state !== 'delivered') throw new KonnektorError('DOCUMENT_NOT_CANCELLABLE', `Document ${ettn} is ${entry.state}, not delivered`, { value: ettn, state: entry.state });
  const now = opts.now?.() ?? new Date();
  const today = turkeyDateTime(now).date;
  const last = lastCancellationDay(await issueDateOf(opts.store, entry), windowDays);
  if (today > last) {
    throw new KonnektorError('CANCEL_WINDOW_PASSED', `Document ${ettn} could be cancelled until ${last}; today is ${today}`, { ettn, until: last });
  }
  if (refusedOnceReported) {
    const report = await client.reportStatus!(keyOf(entry));
    if (report?.reported) {
      throw new KonnektorError('CANCEL_ALREADY_REPORTED', `Document ${ettn} is already in a report sent to GİB; it is not cancelled from Konnektör`, {
        ettn,
        ...(entry.number ? { number: entry.number } : {}),
      });
    }
  }
  const r = await client.cancel!(keyOf(entry));
  const note = `cancelled at the integrator${r.detail ? `: ${r.detail}` : ''}${reason ? `; reason: ${reason}` : ''}`;
  await transition(opts.store, entry.id, 'delivered', 'cancelled', { written_back_state: null }, note, now);
  return { ettn, ...(entry.number ? { number: entry.number } : {}), state: 'cancelled', ...(r.detail ? { detail: r.detail } : {}), ...(reason ? { reason } : {}) };
}

/** Undoes a cancellation the integrator has not yet reported to GİB; the entry is `delivered` again. */
export async function undoCancellation(opts: ReceiptActionOptions, ettn: string): Promise<CancellationOutcome> {
  const { entry, client, undo } = await cancellable(opts, ettn);
  if (!undo || !client.undoCancel) throw new KonnektorError('DOCUMENT_NOT_CANCELLABLE', `${entry.kind} cancellations cannot be undone`, { value: ettn, state: entry.state });
  if (entry.state !== 'cancelled') throw new KonnektorError('DOCUMENT_NOT_CANCELLED', `Document ${ettn} is ${entry.state}, not cancelled`, { value: ettn, state: entry.state });
  await client.undoCancel(keyOf(entry));
  const now = opts.now?.() ?? new Date();
  await transition(opts.store, entry.id, 'cancelled', 'delivered', { written_back_state: null }, 'cancellation undone at the integrator', now);
  return { ettn, ...(entry.number ? { number: entry.number } : {}), state: 'delivered' };
}

export interface ReportStatus {
  ettn: string;
  number?: string;
  state: OutboxEntry['state'];
  /** Reported to GİB by the integrator; `undefined` when the integrator does not know the document. */
  reported?: boolean;
  cancellationReported?: boolean;
  /** Still cancellable today, and until when (Türkiye date). */
  cancellableUntil?: string;
}

/** Whether the integrator has reported a receipt (and its cancellation) to GİB, and until when it may be cancelled. */
export async function reportStatusOf(opts: ReceiptActionOptions, ettn: string): Promise<ReportStatus> {
  const entry = await entryByEttn(opts.store, ettn);
  if (!entry) throw new KonnektorError('DOCUMENT_NOT_IN_OUTBOX', `No outbox entry with ETTN ${ettn}`, { value: ettn });
  const kind = opts.kinds.get(entry.kind);
  const client = kind.integrator.client(opts.services);
  if (!kind.outbox.reported || !client.reportStatus) {
    throw new KonnektorError('DOCUMENT_NOT_REPORTED_KIND', `${entry.kind} documents are not reported to GİB by the integrator`, { value: ettn });
  }
  const base = { ettn, ...(entry.number ? { number: entry.number } : {}), state: entry.state };
  if (entry.state !== 'delivered' && entry.state !== 'cancelled') return base;
  const r = await client.reportStatus(keyOf(entry));
  const today = turkeyDateTime(opts.now?.() ?? new Date()).date;
  const until = kind.cancellation && entry.state === 'delivered' ? lastCancellationDay(await issueDateOf(opts.store, entry), kind.cancellation.windowDays) : undefined;
  return {
    ...base,
    ...(r ? { reported: r.reported, ...(r.cancellationReported !== undefined ? { cancellationReported: r.cancellationReported } : {}) } : {}),
    ...(until && today <= until && !(kind.cancellation?.refusedOnceReported && r?.reported) ? { cancellableUntil: until } : {}),
  };
}
