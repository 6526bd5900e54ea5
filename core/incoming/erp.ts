import type { Knex } from 'knex';
import type { ConnectorContext, ErpConnector, IncomingErpRecord } from '../../connectors/contract';
import { readUblFacts } from '../documents/ubl/read';
import type { ErpTarget } from '../erp/target';
import { logger } from '../logging';
import type { IncomingKind } from './kinds';
import { listIncoming, showIncoming, type IncomingRow } from './list';

/**
 * Received documents into the accounting database, through Konnektör's own helper table only (KNK_GELEN_BELGE,
 * installed by the ERP migrations): after they are committed in the local store, and again when they are answered.
 * The local store is the source: each run writes every document whose row in the helper table is missing or
 * behind (state, answer), so a run interrupted after the local commit is caught up by the next one, and a run that
 * finds everything up to date writes nothing. The connector gets plain facts, never UBL.
 */
/**
 * What reached the accounting database's helper table (KNK_GELEN_BELGE) after the local commit: the rows written, or
 * why nothing could be (the table not installed, the server unreachable). The documents are safe locally either way
 * and the next fetch or answer writes whatever is behind.
 */
export interface ErpWrite {
  written: number;
  error?: { code: string; message: string };
}

export interface IncomingErpSync {
  /** Rows inserted or updated in the helper table. */
  written: number;
}

/** The helper table's record of a document: facts from the local store, totals read from its XML here. */
export function erpRecordOf(kind: IncomingKind, doc: IncomingRow & { xml: string; answerReason?: string }, answeredAt?: string): IncomingErpRecord {
  let totals: NonNullable<ReturnType<typeof readUblFacts>['totals']> = {};
  let typeCode: string | undefined;
  try {
    const facts = readUblFacts(doc.xml);
    totals = facts.totals ?? {};
    typeCode = facts.typeCode;
  } catch {
    // Not well-formed: stored as it came, its totals left empty.
  }
  return {
    module: kind.module,
    ettn: doc.ettn,
    ...(doc.number ? { number: doc.number } : {}),
    ...(doc.senderVkn ? { senderTaxId: doc.senderVkn } : {}),
    ...(doc.senderName ? { senderName: doc.senderName } : {}),
    ...(doc.profile ? { profile: doc.profile } : {}),
    ...(typeCode ? { typeCode } : {}),
    ...(doc.issueDate ? { issueDate: doc.issueDate } : {}),
    ...(doc.arrivedAt ? { arrivedAt: doc.arrivedAt } : {}),
    ...totals,
    ...(doc.payable ? { payable: doc.payable } : {}),
    ...(doc.currency ? { currency: doc.currency } : {}),
    state: doc.state,
    ...(doc.answer && doc.state === 'answered' ? { answer: doc.answer } : {}),
    ...(doc.answerReason && doc.state === 'answered' ? { answerReason: doc.answerReason } : {}),
    ...(answeredAt ? { answeredAt } : {}),
    xml: doc.xml,
  };
}

export async function syncIncomingToErp(opts: {
  store: Knex;
  kind: IncomingKind;
  companyVkn: string;
  connector: ErpConnector;
  ctx: ConnectorContext;
  target: ErpTarget;
  now?: Date;
}): Promise<IncomingErpSync> {
  const table = opts.connector.incoming;
  if (!table) return { written: 0 };
  const now = opts.now ?? new Date();
  const recorded = await table.recorded(opts.ctx, opts.target);
  const rows = await listIncoming(opts.store, opts.kind, opts.companyVkn, {}, now);
  let written = 0;
  for (const row of rows) {
    const there = recorded.get(row.ettn.toLowerCase());
    const answer = row.state === 'answered' ? row.answer : undefined;
    if (there && there.state === row.state && there.answer === answer) continue;
    const doc = await showIncoming(opts.store, opts.kind, opts.companyVkn, row.ettn, now);
    const answeredAt = ((await opts.store('incoming_documents').where({ company_vkn: opts.companyVkn, kind: opts.kind.id, ettn: row.ettn }).first('answered_at')) as { answered_at: string | null } | undefined)?.answered_at;
    await table.upsert(opts.ctx, opts.target, erpRecordOf(opts.kind, doc, answeredAt ?? undefined));
    written += 1;
  }
  if (written > 0) logger.info('incoming documents written to the ERP helper table', { kind: opts.kind.id, connector: opts.connector.id, written });
  return { written };
}
