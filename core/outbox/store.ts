import type { Knex } from 'knex';
import type { ErpDocumentRef } from '../documents/model';
import type { Module } from '../modules';
import { TRANSITIONS, type OutboxState } from './states';

/** One row of the outbox, as the sender and the poller use it. */
export interface OutboxEntry {
  id: number;
  module: Module;
  /** The document kind (core/documents/kinds): how it is sent and followed. */
  kind: string;
  companyVkn: string;
  ref: ErpDocumentRef;
  erpNumber: string;
  ettn: string;
  number?: string;
  profile?: string;
  alias?: string;
  xml?: string;
  md5?: string;
  state: OutboxState;
  attempts: number;
  nextAttemptAt?: string;
  inFlightSince?: string;
  belgeOid?: string;
  gibCode?: string;
  gibMessage?: string;
  errorCode?: string;
  errorDetail?: string;
  writtenBackState?: string;
  updatedAt: string;
}

type Row = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? undefined : String(v));

export function entryOf(r: Row): OutboxEntry {
  const e: OutboxEntry = {
    id: Number(r.id),
    module: r.module as OutboxEntry['module'],
    kind: String(r.kind ?? r.module),
    companyVkn: String(r.company_vkn),
    ref: {
      connector: String(r.erp_connector),
      database: String(r.erp_database),
      ...(r.erp_firm ? { firm: String(r.erp_firm) } : {}),
      ...(r.erp_period ? { period: String(r.erp_period) } : {}),
      key: String(r.erp_key),
    },
    erpNumber: String(r.erp_number),
    ettn: String(r.ettn),
    state: r.state as OutboxState,
    attempts: Number(r.attempts),
    updatedAt: String(r.updated_at),
  };
  const optional: [keyof OutboxEntry, string][] = [
    ['number', 'number'], ['profile', 'profile'], ['alias', 'alias'], ['xml', 'xml'], ['md5', 'md5'], ['nextAttemptAt', 'next_attempt_at'],
    ['inFlightSince', 'in_flight_since'], ['belgeOid', 'belge_oid'], ['gibCode', 'gib_code'], ['gibMessage', 'gib_message'],
    ['errorCode', 'error_code'], ['errorDetail', 'error_detail'], ['writtenBackState', 'written_back_state'],
  ];
  for (const [k, col] of optional) {
    const v = str(r[col]);
    if (v !== undefined) (e as unknown as Record<string, unknown>)[k] = v;
  }
  return e;
}

export function refColumns(companyVkn: string, module: string, ref: ErpDocumentRef) {
  return {
    company_vkn: companyVkn,
    module,
    erp_connector: ref.connector,
    erp_database: ref.database,
    erp_firm: ref.firm ?? '',
    erp_period: ref.period ?? '',
    erp_key: ref.key,
  };
}

export class OutboxTransitionError extends Error {}

/**
 * Moves one entry to a new state in one transaction, with its history row. Refuses moves the state machine does
 * not allow, and moves from a state the entry is no longer in (another worker got there first).
 */
export async function transition(
  db: Knex,
  id: number,
  from: OutboxState,
  to: OutboxState,
  changes: Row = {},
  detail?: string,
  now = new Date(),
): Promise<void> {
  if (!TRANSITIONS[from].includes(to)) throw new OutboxTransitionError(`Outbox entry ${id}: ${from} → ${to} is not allowed`);
  await db.transaction(async (trx) => {
    const updated = await trx('outbox').where({ id, state: from }).update({ ...changes, state: to, updated_at: now.toISOString() });
    if (updated !== 1) throw new OutboxTransitionError(`Outbox entry ${id} is no longer ${from}`);
    await trx('outbox_history').insert({ outbox_id: id, at: now.toISOString(), from_state: from, to_state: to, detail: detail ?? null });
  });
}

/** Changes fields of an entry without a state change (attempt counters, in-flight marks). */
export async function touch(db: Knex, id: number, changes: Row, now = new Date()): Promise<void> {
  await db('outbox').where({ id }).update({ ...changes, updated_at: now.toISOString() });
}

export async function findEntry(db: Knex, companyVkn: string, module: string, ref: ErpDocumentRef): Promise<OutboxEntry | undefined> {
  const row = (await db('outbox').where(refColumns(companyVkn, module, ref)).first()) as Row | undefined;
  return row ? entryOf(row) : undefined;
}

/**
 * Entries in the given states, oldest first. `withXml: false` leaves the document bytes out: the outbox's own loops
 * run over every open entry each round, and with thousands of invoices the XML would be most of the memory.
 */
export async function entriesIn(db: Knex, states: readonly OutboxState[], module?: string, options: { withXml?: boolean } = {}): Promise<OutboxEntry[]> {
  const q = db('outbox').whereIn('state', states).orderBy('id');
  if (options.withXml === false) q.select(db.raw("outbox.*, NULL AS xml"));
  if (module) q.where('module', module);
  return ((await q) as Row[]).map(entryOf);
}

/** The entry of one document, by its ETTN (unique in the outbox). */
export async function entryByEttn(db: Knex, ettn: string): Promise<OutboxEntry | undefined> {
  const row = (await db('outbox').where({ ettn }).first()) as Row | undefined;
  return row ? entryOf(row) : undefined;
}

/** The exact bytes that were queued for one entry. */
export async function xmlOf(db: Knex, id: number): Promise<string> {
  const row = (await db('outbox').where({ id }).first('xml')) as { xml: string | null } | undefined;
  return row?.xml ?? '';
}

export async function historyOf(db: Knex, id: number): Promise<{ from?: string; to: string; detail?: string }[]> {
  const rows = (await db('outbox_history').where({ outbox_id: id }).orderBy('id')) as Row[];
  return rows.map((r) => ({ ...(r.from_state ? { from: String(r.from_state) } : {}), to: String(r.to_state), ...(r.detail ? { detail: String(r.detail) } : {}) }));
}
