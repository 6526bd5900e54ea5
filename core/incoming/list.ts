import type { Knex } from 'knex';
import { answerDeadline, loadIncoming } from './answer';
import type { IncomingKind } from './kinds';

/** One row of the Gelen Belgeler screen and of `konnektor incoming list`. */
export interface IncomingRow {
  ettn: string;
  number?: string;
  senderVkn?: string;
  senderName?: string;
  profile?: string;
  issueDate?: string;
  payable?: string;
  currency?: string;
  /** At the integrator (ISO). */
  arrivedAt?: string;
  /** received: stored, no answer; answered: KABUL/RED sent; answering: sent, its result not confirmed; invalid. */
  state: 'received' | 'invalid' | 'answering' | 'answered';
  answer?: string;
  /** When the answer window closes (ISO); only for documents that may still be answered. */
  answerDeadline?: string;
  /** Whether an answer can be given now. */
  answerable: boolean;
  valid: boolean;
  problems: { source: string; rule: string; message: string }[];
}

export interface IncomingFilter {
  /** Issue dates, YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
  /** Sender VKN/TCKN or a part of the sender's name (Turkish case-insensitive). */
  sender?: string;
  state?: IncomingRow['state'];
  /** Only documents whose answer window closes within this many days. */
  dueWithinDays?: number;
  limit?: number;
}

interface Stored {
  ettn: string;
  number: string | null;
  sender_vkn: string | null;
  sender_name: string | null;
  profile: string | null;
  type_code: string | null;
  issue_date: string | null;
  payable: string | null;
  currency: string | null;
  arrived_at: string | null;
  valid: number;
  problems: string | null;
  answer: string | null;
  answer_state: string | null;
}

function toRow(kind: IncomingKind, r: Stored, now: Date): IncomingRow {
  const deadline = answerDeadline(kind, r.arrived_at);
  const refused = kind.answer?.refuse({ ...(r.profile ? { profile: r.profile } : {}), ...(r.type_code ? { typeCode: r.type_code } : {}) });
  const open = !!kind.answer && !refused && r.answer_state !== 'sent' && !!deadline && now.getTime() <= new Date(deadline).getTime();
  const state: IncomingRow['state'] = r.answer_state === 'sent' ? 'answered' : r.answer_state === 'prepared' ? 'answering' : r.valid ? 'received' : 'invalid';
  return {
    ettn: r.ettn,
    ...(r.number ? { number: r.number } : {}),
    ...(r.sender_vkn ? { senderVkn: r.sender_vkn } : {}),
    ...(r.sender_name ? { senderName: r.sender_name } : {}),
    ...(r.profile ? { profile: r.profile } : {}),
    ...(r.issue_date ? { issueDate: r.issue_date } : {}),
    ...(r.payable ? { payable: r.payable } : {}),
    ...(r.currency ? { currency: r.currency } : {}),
    ...(r.arrived_at ? { arrivedAt: r.arrived_at } : {}),
    state,
    ...(r.answer ? { answer: r.answer } : {}),
    ...(open && deadline ? { answerDeadline: deadline } : {}),
    answerable: open,
    valid: r.valid === 1,
    problems: r.problems ? (JSON.parse(r.problems) as IncomingRow['problems']) : [],
  };
}

const COLUMNS = ['ettn', 'number', 'sender_vkn', 'sender_name', 'profile', 'type_code', 'issue_date', 'payable', 'currency', 'arrived_at', 'valid', 'problems', 'answer', 'answer_state'];

export async function listIncoming(db: Knex, kind: IncomingKind, companyVkn: string, filter: IncomingFilter = {}, now = new Date()): Promise<IncomingRow[]> {
  const q = db('incoming_documents').where({ company_vkn: companyVkn, kind: kind.id }).select(COLUMNS).orderBy('id', 'desc');
  if (filter.from) q.where('issue_date', '>=', filter.from);
  if (filter.to) q.where('issue_date', '<=', filter.to);
  if (filter.sender) {
    const s = filter.sender.trim();
    if (/^\d+$/.test(s)) q.where('sender_vkn', 'like', `${s}%`);
    else q.whereRaw('tr_lower(sender_name) LIKE ?', [`%${s.toLocaleLowerCase('tr-TR')}%`]);
  }
  const rows = ((await q) as Stored[]).map((r) => toRow(kind, r, now));
  const due = filter.dueWithinDays;
  const filtered = rows.filter(
    (r) =>
      (!filter.state || r.state === filter.state) &&
      (due === undefined || (r.answerDeadline !== undefined && new Date(r.answerDeadline).getTime() - now.getTime() <= due * 86_400_000)),
  );
  return filter.limit ? filtered.slice(0, filter.limit) : filtered;
}

/** One document with its original bytes (XML download, preview). */
export async function showIncoming(db: Knex, kind: IncomingKind, companyVkn: string, ettn: string, now = new Date()): Promise<IncomingRow & { xml: string; answerXml?: string; answerNumber?: string; answerEttn?: string; answerReason?: string }> {
  const r = (await loadIncoming(db, kind, companyVkn, ettn)) as unknown as Stored & { xml: Buffer; answer_xml: Buffer | null; answer_number: string | null; answer_ettn: string | null; answer_reason: string | null };
  return {
    ...toRow(kind, r, now),
    xml: r.xml.toString('utf8'),
    ...(r.answer_xml ? { answerXml: r.answer_xml.toString('utf8') } : {}),
    ...(r.answer_number ? { answerNumber: r.answer_number } : {}),
    ...(r.answer_ettn ? { answerEttn: r.answer_ettn } : {}),
    ...(r.answer_reason ? { answerReason: r.answer_reason } : {}),
  };
}
