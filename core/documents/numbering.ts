import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { KonnektorError } from '../errors';
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
}

/** The ETTN of an ERP document: assigned (from the ERP's own GUID when it has one) the first time, then kept. */
export async function assignEttn(db: Knex, key: DocumentKey, erpEttn?: string, now = new Date()): Promise<DocumentIdentity> {
  return db.transaction(async (trx) => {
    const row = (await trx('document_identities').where(keyColumns(key)).first()) as { ettn: string; number: string | null } | undefined;
    if (row) return { ettn: row.ettn, ...(row.number ? { number: row.number } : {}) };
    const ettn = (erpEttn && /^[0-9a-f-]{36}$/i.test(erpEttn) ? erpEttn : crypto.randomUUID()).toLowerCase();
    await trx('document_identities').insert({ ...keyColumns(key), ettn, created_at: now.toISOString() });
    return { ettn };
  });
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
