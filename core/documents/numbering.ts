import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { KonnektorError } from '../errors';
import type { DocumentIssue } from './issues';
import type { ErpDocumentRef } from './model';

/**
 * GİB document numbers: 3-character series + 4-digit year + 9-digit sequence (ABC2026000000001), one series per
 * company, prefix, module and year, restarting at 1 in a new year (ubl-tr.md §5). A number is taken only for a
 * document that passed validation, inside one transaction with the series, so the series has no gaps; once a
 * document has a number it keeps it, and no number is ever given twice (unique index).
 */
export const GIB_ID = /^[A-Z0-9]{3}20\d{2}\d{9}$/;
const PREFIX = /^[A-Z0-9]{3}$/;
const MAX_SEQ = 999_999_999;

export function validatePrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new KonnektorError('NUMBER_PREFIX_INVALID', `Series prefix must be 3 of A-Z/0-9, got ${JSON.stringify(prefix)}`, { value: prefix });
  }
  return prefix;
}

export function formatGibNumber(prefix: string, year: number, seq: number): string {
  return `${validatePrefix(prefix)}${year}${String(seq).padStart(9, '0')}`;
}

/** An ERP document of one company (the supplier VKN), as one module sends it. */
export interface DocumentKey {
  companyVkn: string;
  module: string;
  ref: ErpDocumentRef;
}

function keyColumns(key: DocumentKey) {
  return {
    company_vkn: key.companyVkn,
    module: key.module,
    erp_connector: key.ref.connector,
    erp_database: key.ref.database,
    erp_firm: key.ref.firm ?? '',
    erp_period: key.ref.period ?? '',
    erp_key: key.ref.key,
  };
}

export interface DocumentIdentity {
  ettn: string;
  number?: string;
  /** Why the ERP's own GUID could not be the ETTN (malformed, or another document's): the document's own issue. */
  problem?: DocumentIssue;
}

/** The UUID form GİB requires of an ETTN (8-4-4-4-12 hex digits). */
export const ETTN_FORM = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The ERP's GUID as an ETTN: lower case, braces dropped; undefined when it is not a UUID at all. */
export function ettnFromErp(guid: string | undefined): string | undefined {
  const text = guid?.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
  return text && ETTN_FORM.test(text) ? text : undefined;
}

/**
 * The ETTN of an ERP document: the ERP's own GUID when it has a valid one that no other document holds, otherwise
 * one of ours; kept from then on. Until the document has been queued for sending, a GUID the user corrected in the
 * ERP replaces the one kept (GİB has not seen it yet); after that, never. A malformed GUID, or one another document
 * already holds, is that document's own issue (ERP_ETTN_INVALID, ERP_DUPLICATE_ETTN), never an error of the batch.
 */
export async function assignEttn(db: Knex, key: DocumentKey, erpEttn?: string, now = new Date()): Promise<DocumentIdentity> {
  const fromErp = ettnFromErp(erpEttn);
  const given = erpEttn?.trim() ? erpEttn.trim() : undefined;
  return db.transaction(async (trx) => {
    const row = (await trx('document_identities').where(keyColumns(key)).first()) as { id: number; ettn: string; number: string | null } | undefined;
    const holderOf = async (ettn: string) => {
      const q = trx('document_identities').where({ ettn });
      if (row) q.whereNot({ id: row.id });
      return (await q.first()) as { erp_key: string; erp_database: string } | undefined;
    };
    const duplicate = (other: { erp_key: string; erp_database: string }): DocumentIssue => ({
      source: 'precheck',
      rule: 'ERP_DUPLICATE_ETTN',
      message: `Belgenin muhasebe programındaki ETTN’si (GUID ${fromErp}) başka bir belgede de kayıtlı (${other.erp_database} kayıt ${other.erp_key}); programda belgeye yeni bir GUID verin ya da GUID’i boşaltın.`,
    });
    const malformed: DocumentIssue | undefined =
      given && !fromErp
        ? { source: 'precheck', rule: 'ERP_ETTN_INVALID', message: `Belgenin muhasebe programındaki ETTN’si (GUID “${given.slice(0, 60)}”) UUID biçiminde değil; programda düzeltin ya da boşaltın.` }
        : undefined;
    if (row) {
      const identity = { ettn: row.ettn, ...(row.number ? { number: row.number } : {}) };
      const kept = ETTN_FORM.test(row.ettn);
      if (fromErp === row.ettn || (!fromErp && kept)) return malformed ? { ...identity, problem: malformed } : identity;
      if (await wasQueued(trx, key)) return identity; // GİB may have seen the kept one: it stays
      if (fromErp) {
        const other = await holderOf(fromErp);
        if (other) return { ...identity, problem: duplicate(other) };
        await trx('document_identities').where({ id: row.id }).update({ ettn: fromErp });
        return { ...identity, ettn: fromErp };
      }
      // The kept ETTN is not a UUID (an older Konnektör took the ERP's malformed GUID): a fresh one, not yet sent.
      const fresh = crypto.randomUUID();
      await trx('document_identities').where({ id: row.id }).update({ ettn: fresh });
      return { ...identity, ettn: fresh, ...(malformed ? { problem: malformed } : {}) };
    }
    const other = fromErp ? await holderOf(fromErp) : undefined;
    const ettn = fromErp && !other ? fromErp : crypto.randomUUID();
    await trx('document_identities').insert({ ...keyColumns(key), ettn, created_at: now.toISOString() });
    const problem = other ? duplicate(other) : malformed;
    return { ettn, ...(problem ? { problem } : {}) };
  });
}

/** Whether the document ever reached the queue (its outbox entry is past the local checks). */
async function wasQueued(trx: Knex, key: DocumentKey): Promise<boolean> {
  const entry = (await trx('outbox').where(keyColumns(key)).first('state')) as { state: string } | undefined;
  return entry !== undefined && entry.state !== 'invalid';
}

export interface SeriesKey {
  prefix: string;
  year: number;
}

/**
 * Gives the document the next number of its series, or returns the number it already has. The series row and the
 * document row change in one transaction.
 */
export async function assignNumber(db: Knex, key: DocumentKey, series: SeriesKey, now = new Date()): Promise<string> {
  validatePrefix(series.prefix);
  return db.transaction(async (trx) => {
    const doc = (await trx('document_identities').where(keyColumns(key)).first()) as { id: number; number: string | null } | undefined;
    if (!doc) throw new Error(`assignNumber before assignEttn for ${key.ref.key}`);
    if (doc.number) return doc.number;
    const where = { company_vkn: key.companyVkn, module: key.module, prefix: series.prefix, year: series.year };
    const current = (await trx('number_series').where(where).first()) as { last_seq: number } | undefined;
    const seq = (current?.last_seq ?? 0) + 1;
    if (seq > MAX_SEQ) {
      throw new KonnektorError('NUMBER_SERIES_EXHAUSTED', `Series ${series.prefix}${series.year} is full`, { value: series.prefix });
    }
    if (current) await trx('number_series').where(where).update({ last_seq: seq, updated_at: now.toISOString() });
    else await trx('number_series').insert({ ...where, last_seq: seq, updated_at: now.toISOString() });
    const number = formatGibNumber(series.prefix, series.year, seq);
    await trx('document_identities').where('id', doc.id).update({ number, numbered_at: now.toISOString() });
    return number;
  });
}

/** The number a document would get next (for building before the number is taken); takes nothing. */
export async function peekNextNumber(db: Knex, owner: { companyVkn: string; module: string }, series: SeriesKey): Promise<string> {
  const row = (await db('number_series')
    .where({ company_vkn: owner.companyVkn, module: owner.module, prefix: series.prefix, year: series.year })
    .first()) as { last_seq: number } | undefined;
  return formatGibNumber(series.prefix, series.year, (row?.last_seq ?? 0) + 1);
}
