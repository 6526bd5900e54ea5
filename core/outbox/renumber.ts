import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { KonnektorError } from '../errors';
import { entryByEttn, refColumns } from './store';

/** The GİB code the poller records for QNB's `durum = 2` (a processing error at the integrator). */
export const PROCESSING_ERROR_CODE = 'DURUM_2';

export interface RenumberOutcome {
  erpNumber: string;
  oldEttn: string;
  oldNumber?: string;
  newEttn: string;
}

/**
 * QNB's documented handling of `durum = 2` (efinans-despatch-receipts-ledger.md §3.4): the invoice gets a new
 * number and a new UUID and is sent again. Never done by itself — only when the user asks for it on this document:
 * its identity is given a fresh ETTN and its number released (the series moves on, the old number is never given
 * again), and the history says which ETTN and number it had. The next send of the document rebuilds it with them.
 */
export async function renumberAfterProcessingError(store: Knex, ettn: string, actor: string, now = new Date()): Promise<RenumberOutcome> {
  const entry = await entryByEttn(store, ettn);
  if (!entry) throw new KonnektorError('DOCUMENT_NOT_IN_OUTBOX', `No outbox entry with ETTN ${ettn}`, { value: ettn });
  if (entry.state !== 'failed' || entry.gibCode !== PROCESSING_ERROR_CODE) {
    throw new KonnektorError('DOCUMENT_NOT_RENUMBERABLE', `Document ${ettn} is ${entry.state} (${entry.gibCode ?? 'no code'}), not failed with the integrator's processing error (durum 2)`, {
      value: entry.erpNumber,
      state: entry.state,
    });
  }
  const newEttn = crypto.randomUUID();
  const ref = refColumns(entry.companyVkn, entry.module, entry.ref);
  await store.transaction(async (trx) => {
    const updated = await trx('document_identities')
      .where({
        company_vkn: ref.company_vkn,
        module: ref.module,
        erp_connector: ref.erp_connector,
        erp_database: ref.erp_database,
        erp_firm: ref.erp_firm,
        erp_period: ref.erp_period,
        erp_key: ref.erp_key,
      })
      .update({ ettn: newEttn, number: null, numbered_at: null });
    if (updated !== 1) throw new KonnektorError('UNEXPECTED', `No document identity for ${entry.erpNumber}`);
    await trx('outbox').where({ id: entry.id }).update({ gib_code: 'DURUM_2_RENUMBERED', updated_at: now.toISOString() });
    await trx('outbox_history').insert({
      outbox_id: entry.id,
      at: now.toISOString(),
      from_state: 'failed',
      to_state: 'failed',
      detail: `durum 2: renumbered by ${actor}; ETTN ${entry.ettn}${entry.number ? ` and number ${entry.number}` : ''} given up, new ETTN ${newEttn}, a new number follows`,
    });
  });
  return { erpNumber: entry.erpNumber, oldEttn: entry.ettn, ...(entry.number ? { oldNumber: entry.number } : {}), newEttn };
}
