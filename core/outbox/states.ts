/**
 * Outbox states (ARCHITECTURE.md §3): pending → built → validated → queued → sent → processing →
 * delivered | accepted | rejected | failed, plus invalid (local checks failed; never sent).
 * `delivered` is final for documents that get no answer (TEMELFATURA, e-Arşiv); one whose kind and profile expect
 * the receiver's answer (a TICARIFATURA: core/documents/kinds) waits there for KABUL (accepted) or RED (rejected).
 * `cancelled`: a delivered document its issuer cancelled within the legal window (kinds with `cancellation`: e-MM,
 * e-SMM); undoing the cancellation before it is reported brings it back to `delivered`.
 */
export const OUTBOX_STATES = [
  'pending',
  'built',
  'validated',
  'queued',
  'sent',
  'processing',
  'delivered',
  'accepted',
  'rejected',
  'failed',
  'invalid',
  'cancelled',
] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

/** The moves the outbox may make; anything else is a bug and is refused. */
export const TRANSITIONS: Record<OutboxState, readonly OutboxState[]> = {
  pending: ['built', 'invalid'],
  built: ['validated', 'invalid'],
  validated: ['queued', 'invalid'],
  queued: ['sent', 'delivered', 'failed', 'queued'],
  sent: ['processing', 'delivered', 'accepted', 'rejected', 'failed', 'sent'],
  processing: ['processing', 'sent', 'delivered', 'accepted', 'rejected', 'failed'],
  delivered: ['accepted', 'rejected', 'cancelled'],
  accepted: [],
  rejected: [],
  failed: ['queued'],
  invalid: ['pending'],
  cancelled: ['delivered'],
};

/** Whether nothing more happens to a document in this state; `awaitsAnswer`: its kind and profile expect an answer. */
export function isTerminal(state: OutboxState, awaitsAnswer = false): boolean {
  if (state === 'delivered') return !awaitsAnswer;
  return state === 'accepted' || state === 'rejected' || state === 'failed' || state === 'invalid' || state === 'cancelled';
}
