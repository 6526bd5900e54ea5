import crypto from 'node:crypto';
import type { SandboxDb } from './store';
import { readUblFacts } from '../../core/documents/ubl/read';

/**
 * Incoming documents (gelen belgeler) per receiving taxpayer. `belge_sira_no` is the portal-wide, increasing
 * belgeSiraNo that clients page with (integrator-api.md §9).
 */
export type IncomingKind = 'FATURA' | 'UYGULAMA_YANITI' | 'IRSALIYE' | 'IRSALIYE_YANITI';

export interface IncomingInput {
  receiverVkn: string;
  xml: Buffer;
  kind?: IncomingKind;
  senderAlias?: string;
  receiverAlias?: string;
  arrivedAt: number;
  /** For a document whose XML cannot be read (fault injection): the ETTN it is listed under. */
  ettn?: string;
}

export interface IncomingRow {
  belge_sira_no: number;
  receiver_vkn: string;
  receiver_alias: string | null;
  receiver_title: string | null;
  sender_vkn: string;
  sender_alias: string | null;
  sender_title: string | null;
  belge_turu: string;
  ettn: string;
  belge_no: string | null;
  belge_tarihi: string | null;
  profile_id: string | null;
  payable: string | null;
  currency: string | null;
  xml: Buffer;
  zarf_id: string;
  arrived_at: number;
  taken_at: number | null;
}

export function addIncoming(db: SandboxDb, input: IncomingInput): { belgeSiraNo: number; ettn: string } {
  // A broken document (fault injection) is delivered all the same: listed under its given ETTN, its bytes as they are.
  let facts: ReturnType<typeof readUblFacts>;
  try {
    facts = readUblFacts(input.xml.toString('utf8'));
  } catch {
    facts = { root: 'Invoice', sender: {}, receiver: {} };
  }
  const ettn = input.ettn ?? facts.uuid ?? crypto.randomUUID();
  const result = db
    .prepare(
      `INSERT INTO incoming (receiver_vkn, receiver_alias, receiver_title, sender_vkn, sender_alias, sender_title, belge_turu, ettn, belge_no,
         belge_tarihi, profile_id, payable, currency, xml, zarf_id, arrived_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      input.receiverVkn,
      input.receiverAlias ?? null,
      facts.receiver.name ?? null,
      facts.sender.id ?? '',
      input.senderAlias ?? null,
      facts.sender.name ?? null,
      input.kind ?? (facts.root === 'ApplicationResponse' ? 'UYGULAMA_YANITI' : facts.root === 'DespatchAdvice' ? 'IRSALIYE' : facts.root === 'ReceiptAdvice' ? 'IRSALIYE_YANITI' : 'FATURA'),
      ettn,
      facts.id ?? null,
      facts.issueDate ?? null,
      facts.profileId ?? null,
      facts.payable ?? null,
      facts.currency ?? null,
      input.xml,
      crypto.randomUUID().toUpperCase(),
      input.arrivedAt,
    );
  return { belgeSiraNo: Number(result.lastInsertRowid), ettn };
}

/** The next page after the cursor: at most `limit` documents, in belgeSiraNo order. */
export function listIncomingAfter(db: SandboxDb, receiverVkn: string, kind: string, after: number, limit: number): IncomingRow[] {
  return db
    .prepare('SELECT * FROM incoming WHERE receiver_vkn = ? AND belge_turu = ? AND belge_sira_no > ? ORDER BY belge_sira_no LIMIT ?')
    .all(receiverVkn, kind, after, limit) as IncomingRow[];
}

/** Arrival-date listing hides documents already marked with belgelerAlindi (integrator-api.md §9). */
export function listIncomingArrived(db: SandboxDb, receiverVkn: string, kind: string, from: number, to: number, limit: number): IncomingRow[] {
  return db
    .prepare(
      `SELECT * FROM incoming WHERE receiver_vkn = ? AND belge_turu = ? AND arrived_at BETWEEN ? AND ? AND taken_at IS NULL
       ORDER BY belge_sira_no LIMIT ?`,
    )
    .all(receiverVkn, kind, from, to, limit) as IncomingRow[];
}

export function findIncoming(db: SandboxDb, receiverVkn: string, ettns: readonly string[]): IncomingRow[] {
  const find = db.prepare('SELECT * FROM incoming WHERE receiver_vkn = ? AND ettn = ? ORDER BY belge_sira_no');
  return ettns.flatMap((e) => find.all(receiverVkn, e) as IncomingRow[]);
}

export function markIncomingTaken(db: SandboxDb, receiverVkn: string, ettns: readonly string[], at: number): number {
  const mark = db.prepare('UPDATE incoming SET taken_at = ? WHERE receiver_vkn = ? AND ettn = ? AND taken_at IS NULL');
  return db.transaction(() => ettns.reduce((n, e) => n + mark.run(at, receiverVkn, e).changes, 0))();
}

export function countIncoming(db: SandboxDb): { total: number; taken: number } {
  return db.prepare('SELECT COUNT(*) AS total, COUNT(taken_at) AS taken FROM incoming').get() as { total: number; taken: number };
}
