/**
 * How often a sent document's status is asked, after QNB's usage rules (efinans-despatch-receipts-ledger.md,
 * "QNB usage quotas" [C]): a document is polled at most once or twice a day, for at most a month; polling stops for
 * TEMELFATURA once the system response is in (the poller's outcome), and for a TICARIFATURA awaiting the receiver's
 * answer once its 8 days are over. Right after sending, the run that sent it follows it at its own pace for a short
 * while so the screen can show GİB's answer [I: QNB's rule names no grace period; this is the one place to change].
 */
export const POLL_RULES = {
  /** After sending, the sending run may follow the document at its own pace for this long. */
  eagerMs: 10 * 60_000,
  /** Afterwards: at most twice a day. */
  intervalMs: 12 * 60 * 60_000,
  /** No status asked once the document was sent this long ago. */
  followMs: 30 * 24 * 60 * 60_000,
  /** The receiver's answer (KABUL/RED) is waited for this long after delivery. */
  answerMs: 8 * 24 * 60 * 60_000,
} as const;

export interface PollFacts {
  /** When the document went to the integrator (its first `sent`). */
  sentAt: number;
  /** When it was delivered, for a document waiting for the receiver's answer. */
  deliveredAt?: number;
  /** When its status was last asked (or its state last changed). */
  lastPolledAt: number;
  /** Delivered, waiting for the receiver's answer (TICARIFATURA). */
  awaitingAnswer: boolean;
}

export type PollDecision = { poll: true } | { poll: false; until: number } | { poll: false; stopped: 'answer-window' | 'follow-window' };

export function pollDecision(f: PollFacts, now: number, rules: typeof POLL_RULES = POLL_RULES): PollDecision {
  if (f.awaitingAnswer && f.deliveredAt !== undefined && now - f.deliveredAt > rules.answerMs) return { poll: false, stopped: 'answer-window' };
  if (now - f.sentAt > rules.followMs) return { poll: false, stopped: 'follow-window' };
  if (now - f.sentAt <= rules.eagerMs) return { poll: true };
  const next = f.lastPolledAt + rules.intervalMs;
  return now >= next ? { poll: true } : { poll: false, until: next };
}
