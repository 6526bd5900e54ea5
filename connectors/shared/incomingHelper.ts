import { requireDatabase, type ErpTarget } from '../../core/erp/target';
import { KonnektorError } from '../../core/errors';
import { mapErpError, type ErpDatabase } from '../../db/erp';
import { GELEN_BELGE_TABLE } from '../../migrations/erp/common';
import type { ConnectorContext, IncomingErpRecord, IncomingErpState, IncomingHelperTable } from '../contract';

/**
 * KNK_GELEN_BELGE, the helper table Konnektör's ERP migrations install in every program's database: the same table
 * and the same writes for Logo, Netsis, Mikro and ETA. Only this table is written; the program's own purchase tables
 * are the accountant's to fill (from this table, or a report over it).
 */
const DECIMAL = /^-?\d{1,17}(\.\d{1,2})?$/;
/** Amounts as the column takes them; anything else (a broken document's text) is left empty, never guessed. */
const amount = (v: string | undefined): string | null => (v !== undefined && DECIMAL.test(v.trim()) ? v.trim() : null);
const text = (v: string | undefined, max: number): string | null => (v ? v.slice(0, max) : null);
const dateTime = (v: string | undefined): string | null => (v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : null);

async function open(ctx: ConnectorContext, target: ErpTarget): Promise<ErpDatabase> {
  const erp = await ctx.connections.database(target.server, requireDatabase(target));
  let installed: boolean;
  try {
    installed = await erp.db.schema.hasTable(GELEN_BELGE_TABLE);
  } catch (e) {
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
  if (!installed) throw new KonnektorError('ERP_HELPER_OBJECTS_MISSING', `${GELEN_BELGE_TABLE} is not installed in ${erp.name}`, { database: erp.name });
  return erp;
}

export const incomingHelperTable: IncomingHelperTable = {
  async recorded(ctx, target) {
    const erp = await open(ctx, target);
    try {
      const rows = (await erp.db.from(GELEN_BELGE_TABLE).where({ FIRMA: target.firm ?? '' }).select('ETTN', 'DURUM', 'YANIT')) as { ETTN: string; DURUM: string; YANIT: string | null }[];
      return new Map<string, IncomingErpState>(rows.map((r) => [r.ETTN.toLowerCase(), { state: r.DURUM, ...(r.YANIT ? { answer: r.YANIT } : {}) }]));
    } catch (e) {
      throw mapErpError(e, { server: erp.server, database: erp.name });
    }
  },

  async upsert(ctx, target, r: IncomingErpRecord) {
    const erp = await open(ctx, target);
    const ettn = r.ettn.toLowerCase();
    const values = {
      FIRMA: target.firm ?? '',
      DONEM: target.period ?? '',
      MODUL: r.module,
      BELGE_NO: text(r.number, 16),
      GONDEREN_VKN: text(r.senderTaxId, 11),
      GONDEREN_UNVAN: text(r.senderName, 250),
      SENARYO: text(r.profile, 32),
      BELGE_TIPI: text(r.typeCode, 32),
      BELGE_TARIHI: r.issueDate && /^\d{4}-\d{2}-\d{2}$/.test(r.issueDate) ? r.issueDate : null,
      GELIS_ZAMANI: dateTime(r.arrivedAt),
      MAL_HIZMET_TOPLAM: amount(r.lineExtension),
      VERGI_HARIC_TUTAR: amount(r.taxExclusive),
      VERGI_DAHIL_TUTAR: amount(r.taxInclusive),
      KDV_TOPLAM: amount(r.taxTotal),
      ODENECEK_TUTAR: amount(r.payable),
      PARA_BIRIMI: text(r.currency, 3),
      DURUM: r.state.slice(0, 16),
      YANIT: text(r.answer, 8),
      YANIT_GEREKCE: text(r.answerReason, 1000),
      YANIT_ZAMANI: dateTime(r.answeredAt),
      XML: r.xml,
      GUNCELLEME: new Date().toISOString(),
    };
    try {
      await erp.db.transaction(async (trx) => {
        const known = await trx.from(GELEN_BELGE_TABLE).where({ ETTN: ettn }).first('ID');
        if (known) await trx(GELEN_BELGE_TABLE).where({ ETTN: ettn }).update(values);
        else await trx(GELEN_BELGE_TABLE).insert({ ETTN: ettn, ...values });
      });
    } catch (e) {
      throw mapErpError(e, { server: erp.server, database: erp.name });
    }
  },
};
