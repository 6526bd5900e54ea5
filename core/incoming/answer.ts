import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { KonnektorError } from '../errors';
import type { EfaturaClient } from '../integrator/types';
import { logger } from '../logging';
import { turkeyDateTime } from '../time';
import type { DocumentValidator } from '../validation';
import type { ReceiptLineAnswer } from '../documents/ubl/receiptAdvice';
import type { IncomingKind } from './kinds';

/**
 * Answering a received document (KABUL/RED of a commercial invoice; a despatch's ReceiptAdvice): refused unless the
 * kind has an answer, the document may be answered (profile), the choice exists, a reason is given where required
 * and the deadline (days from the document's arrival at the integrator) has not passed. The answer's ETTN, number and
 * XML are persisted before the call; it is checked with GİB's XSD + schematron first and never sent when it fails.
 * An answer is given once: after it was sent, another is refused; an answer whose call never came back is sent
 * again with the same belgeNo and bytes, which the integrator answers with the same belgeOid (no second answer).
 */
export interface AnswerOptions {
  store: Knex;
  kind: IncomingKind;
  companyVkn: string;
  ettn: string;
  choice: string;
  reason?: string;
  /** A ReceiptAdvice's per-line answers and late-delivery note. */
  lines?: readonly ReceiptLineAnswer[];
  lateDelivery?: string;
  actor: string;
  efatura: Pick<EfaturaClient, 'sendInvoice'>;
  validator: DocumentValidator;
  now?: () => Date;
}

export interface AnswerResult {
  ettn: string;
  answer: string;
  answerEttn: string;
  answerNumber: string;
  belgeOid: string;
  /** The answer had been sent before its result was recorded: this call confirmed it (same belgeOid). */
  repeated: boolean;
}

interface Row {
  id: number;
  ettn: string;
  number: string | null;
  profile: string | null;
  type_code: string | null;
  issue_date: string | null;
  sender_alias: string | null;
  receiver_alias: string | null;
  arrived_at: string | null;
  xml: Buffer;
  valid: number;
  answer: string | null;
  answer_reason: string | null;
  answer_ettn: string | null;
  answer_number: string | null;
  answer_xml: Buffer | null;
  answer_state: string | null;
}

const DAY_MS = 86_400_000;

/** When the answer window of a document closes (ISO), or undefined for a kind without answers. */
export function answerDeadline(kind: IncomingKind, arrivedAt: string | null | undefined): string | undefined {
  if (!kind.answer || !arrivedAt) return undefined;
  return new Date(new Date(arrivedAt).getTime() + kind.answer.deadlineDays * DAY_MS).toISOString();
}

export async function loadIncoming(db: Knex, kind: IncomingKind, companyVkn: string, ettn: string): Promise<Row> {
  const row = (await db('incoming_documents').where({ company_vkn: companyVkn, kind: kind.id, ettn: ettn.toLowerCase() }).first()) as Row | undefined;
  if (!row) throw new KonnektorError('INCOMING_NOT_FOUND', `No incoming ${kind.id} document ${ettn} for ${companyVkn}`, { value: ettn });
  return row;
}

/** The checks that refuse an answer, in the order a user meets them; nothing is changed when one fails. */
export function checkAnswerable(kind: IncomingKind, row: Pick<Row, 'ettn' | 'profile' | 'type_code' | 'arrived_at' | 'answer_state' | 'answer'>, choice: string, reason: string | undefined, now: Date): void {
  const answer = kind.answer;
  if (!answer) throw new KonnektorError('INCOMING_ANSWER_NOT_ALLOWED', `${kind.id} documents get no answer`, { value: row.ettn });
  const refusal = answer.refuse({ ...(row.profile ? { profile: row.profile } : {}), ...(row.type_code ? { typeCode: row.type_code } : {}) });
  if (refusal) throw new KonnektorError('INCOMING_ANSWER_NOT_ALLOWED', `${row.ettn}: ${refusal.rule}: ${refusal.message}`, { rule: refusal.rule, profile: row.profile ?? '' });
  if (row.answer_state === 'sent') {
    throw new KonnektorError('INCOMING_ALREADY_ANSWERED', `${row.ettn} was answered already (${row.answer})`, { value: row.answer ?? '' });
  }
  const option = answer.choices.find((c) => c.code === choice);
  if (!option) throw new KonnektorError('INPUT_INVALID', `Unknown answer ${choice} (${answer.choices.map((c) => c.code).join(', ')})`, { value: choice });
  if (option.reasonRequired && !reason?.trim()) throw new KonnektorError('INCOMING_ANSWER_REASON_REQUIRED', `${choice} needs a reason`);
  const deadline = answerDeadline(kind, row.arrived_at);
  if (deadline && now.getTime() > new Date(deadline).getTime()) {
    throw new KonnektorError('INCOMING_ANSWER_TOO_LATE', `${row.ettn} arrived ${row.arrived_at}; answers were possible until ${deadline}`, { deadline });
  }
}

export async function answerIncoming(opts: AnswerOptions): Promise<AnswerResult> {
  const now = opts.now ?? (() => new Date());
  const kind = opts.kind;
  const answerKind = kind.answer;
  let row = await loadIncoming(opts.store, kind, opts.companyVkn, opts.ettn);
  // A prepared answer whose send may or may not have reached the integrator: only the same answer may follow.
  if (row.answer_state === 'prepared' && row.answer !== null && row.answer !== opts.choice) {
    throw new KonnektorError('INCOMING_ALREADY_ANSWERED', `${row.ettn} has a ${row.answer} answer on its way; it is sent again, not changed`, { value: row.answer });
  }
  checkAnswerable(kind, row, opts.choice, opts.reason, now());
  if (!answerKind) throw new Error('unreachable');
  if (!row.valid) {
    // The document failed GİB's checks: answering it is allowed (RED is the usual answer), but it is logged.
    logger.warn('answering an incoming document that failed its checks', { kind: kind.id, ettn: row.ettn });
  }

  let repeated = false;
  if (row.answer_state !== 'prepared') {
    const { date, time, year } = turkeyDateTime(now());
    const uuid = crypto.randomUUID();
    const reason = opts.reason?.trim();
    // The answer's number: the kind's series, per company and year, counted from the answers already given.
    const number = await opts.store.transaction(async (trx) => {
      const used = (await trx('incoming_documents')
        .where({ company_vkn: opts.companyVkn })
        .whereNotNull('answer_number')
        .where('answer_number', 'like', `${answerKind.prefix}${year}%`)
        .max({ n: 'answer_number' })) as { n: string | null }[];
      const next = used[0]?.n ? Number(used[0].n.slice(7)) + 1 : 1;
      const id = `${answerKind.prefix}${year}${String(next).padStart(9, '0')}`;
      const xml = answerKind.build({
        xml: row.xml.toString('utf8'),
        facts: { ettn: row.ettn, ...(row.number ? { number: row.number } : {}), ...(row.issue_date ? { issueDate: row.issue_date } : {}), ...(row.profile ? { profile: row.profile } : {}) },
        choice: opts.choice,
        ...(reason ? { reason } : {}),
        ...(opts.lines && opts.lines.length > 0 ? { lines: opts.lines } : {}),
        ...(opts.lateDelivery?.trim() ? { lateDelivery: opts.lateDelivery.trim() } : {}),
        id,
        uuid,
        issueDate: date,
        issueTime: time,
      });
      const checked = await opts.validator.validate(xml, answerKind.schematron);
      if (!checked.valid) {
        throw new KonnektorError('INCOMING_ANSWER_INVALID', `The ${opts.choice} answer to ${row.ettn} fails GİB's checks: ${checked.issues.map((i) => `${i.rule}: ${i.message}`).join('; ')}`, {
          issues: checked.issues,
        });
      }
      await trx('incoming_documents')
        .where({ id: row.id })
        .update({
          answer: opts.choice,
          answer_reason: reason ?? null,
          answer_ettn: uuid,
          answer_number: id,
          answer_xml: Buffer.from(xml, 'utf8'),
          answer_state: 'prepared',
          answer_error: null,
          answered_by: opts.actor,
        });
      return id;
    });
    logger.info('incoming answer prepared', { kind: kind.id, ettn: row.ettn, answer: opts.choice, number });
    row = await loadIncoming(opts.store, kind, opts.companyVkn, opts.ettn);
  } else repeated = true;

  try {
    // belgeNo = the answered document's ETTN: the integrator itself then takes one answer per document ([ABAP]).
    const { belgeOid } = await opts.efatura.sendInvoice({
      senderVkn: opts.companyVkn,
      localDocNo: row.ettn,
      xml: row.answer_xml!,
      belgeTuru: answerKind.sendAs,
      ...(row.sender_alias ? { receiverAlias: row.sender_alias } : {}),
      ...(row.receiver_alias ? { senderAlias: row.receiver_alias } : {}),
    });
    await opts.store('incoming_documents').where({ id: row.id }).update({ answer_state: 'sent', answer_belge_oid: belgeOid, answered_at: now().toISOString(), answer_error: null });
    return { ettn: row.ettn, answer: row.answer!, answerEttn: row.answer_ettn!, answerNumber: row.answer_number!, belgeOid, repeated };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await opts.store('incoming_documents').where({ id: row.id }).update({ answer_error: message });
    throw e;
  }
}
