import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { ExportEntry } from '../documents/export';
import type { CanonicalDocument } from '../documents/model';
import type { Module } from '../modules';
import { findEntry, refColumns, transition } from './store';
import type { OutboxState } from './states';

/** States in which a document is on its way or done: reading it from the ERP again must not queue it twice. */
const ACTIVE: readonly OutboxState[] = ['validated', 'queued', 'sent', 'processing', 'delivered', 'accepted', 'rejected'];

export async function isInOutbox(db: Knex, companyVkn: string, module: string, doc: Pick<CanonicalDocument, 'ref'>): Promise<boolean> {
  const e = await findEntry(db, companyVkn, module, doc.ref);
  return e !== undefined && ACTIVE.includes(e.state);
}

export function md5Hex(xml: string): string {
  return crypto.createHash('md5').update(Buffer.from(xml, 'utf8')).digest('hex');
}

/**
 * Puts a built, validated and numbered document in the outbox as `queued`, with its XML and MD5, before anything
 * goes over the network. A document that failed earlier (invalid, failed) is queued again with its new XML; its
 * ETTN and number stay.
 */
export async function enqueueValid(db: Knex, module: Module, entry: ExportEntry, xml: string, now = new Date()): Promise<void> {
  const key = { ...refColumns(entry.companyVkn, module, entry.erpRef), kind: entry.kind ?? module };
  const fields = {
    erp_number: entry.erpNumber,
    ettn: entry.ettn,
    number: entry.number ?? null,
    profile: entry.profile ?? null,
    alias: entry.alias ?? null,
    xml,
    md5: md5Hex(xml),
    attempts: 0,
    next_attempt_at: null,
    error_code: null,
    error_detail: null,
    issues_json: null,
  };
  const existing = await findEntry(db, entry.companyVkn, module, entry.erpRef);
  if (!existing) {
    const at = now.toISOString();
    await db.transaction(async (trx) => {
      const [id] = await trx('outbox').insert({ ...key, ...fields, state: 'queued', created_at: at, updated_at: at });
      for (const [from, to] of [[null, 'pending'], ['pending', 'built'], ['built', 'validated'], ['validated', 'queued']] as const) {
        await trx('outbox_history').insert({ outbox_id: Number(id), at, from_state: from, to_state: to, detail: null });
      }
    });
    return;
  }
  if (existing.state === 'invalid' || existing.state === 'pending') {
    if (existing.state === 'invalid') await transition(db, existing.id, 'invalid', 'pending', {}, 'corrected in the ERP', now);
    await transition(db, existing.id, 'pending', 'built', {}, undefined, now);
    await transition(db, existing.id, 'built', 'validated', {}, undefined, now);
    await transition(db, existing.id, 'validated', 'queued', fields, undefined, now);
  } else if (existing.state === 'failed') {
    await transition(db, existing.id, 'failed', 'queued', fields, 'queued again after a failure', now);
  }
}

/** Records a document that failed Konnektör's or GİB's checks: never sent, the reasons kept. */
export async function recordInvalid(db: Knex, module: Module, entry: ExportEntry, now = new Date()): Promise<void> {
  const issues = JSON.stringify(entry.issues);
  const existing = await findEntry(db, entry.companyVkn, module, entry.erpRef);
  const at = now.toISOString();
  if (!existing) {
    await db.transaction(async (trx) => {
      const [id] = await trx('outbox').insert({
        ...refColumns(entry.companyVkn, module, entry.erpRef),
        kind: entry.kind ?? module,
        erp_number: entry.erpNumber,
        ettn: entry.ettn,
        state: 'invalid',
        issues_json: issues,
        error_code: entry.issues[0]?.rule ?? null,
        error_detail: entry.issues[0]?.message ?? null,
        created_at: at,
        updated_at: at,
      });
      await trx('outbox_history').insert({ outbox_id: Number(id), at, from_state: null, to_state: 'pending', detail: null });
      await trx('outbox_history').insert({ outbox_id: Number(id), at, from_state: 'pending', to_state: 'invalid', detail: entry.issues.map((i) => i.rule).join(', ') });
    });
  } else if (existing.state === 'pending') {
    // Passed a re-check after a correction, then broke again in the ERP before it was sent.
    await transition(db, existing.id, 'pending', 'invalid', { issues_json: issues, error_code: entry.issues[0]?.rule ?? null, error_detail: entry.issues[0]?.message ?? null }, entry.issues.map((i) => i.rule).join(', '), now);
  } else if (existing.state === 'invalid' || existing.state === 'failed') {
    await db('outbox').where({ id: existing.id }).update({ issues_json: issues, error_code: entry.issues[0]?.rule ?? null, error_detail: entry.issues[0]?.message ?? null, updated_at: at });
  }
}

/**
 * A document recorded invalid that passes every check again (the user corrected it in the ERP): it leaves
 * `invalid` for `pending` — unsent, sendable with "Gönder" — and its old reasons are cleared. Nothing is numbered.
 */
export async function markCorrected(db: Knex, module: Module, entry: Pick<ExportEntry, 'companyVkn' | 'erpRef'>, now = new Date()): Promise<boolean> {
  const existing = await findEntry(db, entry.companyVkn, module, entry.erpRef);
  if (existing?.state !== 'invalid') return false;
  await transition(db, existing.id, 'invalid', 'pending', { issues_json: null, error_code: null, error_detail: null }, 'corrected in the ERP: checks passed again', now);
  return true;
}
