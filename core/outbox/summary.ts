import type { Knex } from 'knex';
import { readUblFacts } from '../documents/ubl/read';
import { xmlOf, type OutboxEntry } from './store';

/** What the document screens show of a queued document once the ERP no longer lists it as unsent. */
export interface QueuedDocumentSummary {
  issueDate?: string;
  /** The receiver: company title or person's name. */
  customer?: string;
  customerTaxId?: string;
  total?: string;
  currency?: string;
}

/** The summary of one queued UBL; a document that cannot be read shows without these fields rather than failing the list. */
export function summaryOfUbl(xml: string | undefined): QueuedDocumentSummary {
  if (!xml) return {};
  let facts;
  try {
    facts = readUblFacts(xml);
  } catch {
    return {};
  }
  return {
    ...(facts.issueDate ? { issueDate: facts.issueDate } : {}),
    ...(facts.receiver.name ? { customer: facts.receiver.name } : {}),
    ...(facts.receiver.id ? { customerTaxId: facts.receiver.id } : {}),
    ...(facts.payable && facts.currency ? { total: facts.payable, currency: facts.currency } : {}),
  };
}

/**
 * Summaries of queued documents, each read and parsed once: party, date and total of a document do not change
 * once it is queued (a correction keeps the ETTN, and with it the same receiver and date).
 */
export class QueuedSummaries {
  private readonly seen = new Map<string, QueuedDocumentSummary>();

  async of(db: Knex, entry: Pick<OutboxEntry, 'id' | 'ettn'>): Promise<QueuedDocumentSummary> {
    let summary = this.seen.get(entry.ettn);
    if (!summary) {
      summary = summaryOfUbl(await xmlOf(db, entry.id));
      this.seen.set(entry.ettn, summary);
    }
    return summary;
  }
}
