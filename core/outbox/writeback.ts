import type { Knex } from 'knex';
import type { ConnectorContext, ErpConnector, WriteBackStatus } from '../../connectors/contract';
import type { ErpTarget } from '../erp/target';
import { isKonnektorError } from '../errors';
import { logger } from '../logging';
import { entriesIn, touch } from './store';
import type { OutboxState } from './states';

const STATUS_OF: Partial<Record<OutboxState, WriteBackStatus>> = {
  sent: 'sent',
  processing: 'sent',
  delivered: 'delivered',
  accepted: 'accepted',
  rejected: 'rejected',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The ERP row is gone: reported once, never written again (a later status change has nowhere to go). */
const ERP_ROW_GONE = 'erp_row_gone';

export interface WriteBackSummary {
  written: number;
  /** ERP rows that no longer exist (deleted between read and write-back): reported, never retried. */
  missing: { ettn: string; erpNumber: string }[];
  errors: number;
}

/**
 * Writes each document's latest outcome (ETTN, number, status, GİB code) back into the ERP row it came from. Rows of
 * the same program's other databases, firms or periods on the same server are written too: after the year-end
 * switch, last year's documents still get their final answers, through last year's period or company database.
 */
export async function writeBackOutcomes(store: Knex, connector: ErpConnector, ctx: ConnectorContext, target: ErpTarget): Promise<WriteBackSummary> {
  const summary: WriteBackSummary = { written: 0, missing: [], errors: 0 };
  const entries = (await entriesIn(store, ['sent', 'processing', 'delivered', 'accepted', 'rejected', 'failed', 'cancelled'], undefined, { withXml: false })).filter(
    (e) => e.ref.connector === target.connector && e.writtenBackState !== STATUS_OF[e.state] && e.writtenBackState !== ERP_ROW_GONE && e.number,
  );
  for (const e of entries) {
    const status = STATUS_OF[e.state]!;
    try {
      const rowTarget: ErpTarget = {
        ...target,
        database: e.ref.database,
        ...(e.ref.firm ? { firm: e.ref.firm } : {}),
        ...(e.ref.period ? { period: e.ref.period } : {}),
      };
      await connector.writeBack(ctx, rowTarget, e.ref, {
        ettn: e.ettn,
        number: e.number!,
        status,
        ...(e.gibCode ? { gibCode: e.gibCode } : {}),
        ...(e.gibMessage ? { message: e.gibMessage } : {}),
      });
      await touch(store, e.id, { written_back_state: status });
      summary.written++;
    } catch (err) {
      if (isKonnektorError(err) && err.code === 'ERP_DOCUMENT_NOT_FOUND') {
        await touch(store, e.id, { written_back_state: ERP_ROW_GONE, error_code: err.code, error_detail: err.message });
        summary.missing.push({ ettn: e.ettn, erpNumber: e.erpNumber });
      } else {
        summary.errors++;
        logger.warn('write-back failed', { ettn: e.ettn, code: isKonnektorError(err) ? err.code : 'UNEXPECTED', detail: String(err) });
      }
    }
  }
  return summary;
}
