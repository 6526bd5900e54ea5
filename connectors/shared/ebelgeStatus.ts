import type { Knex } from 'knex';
import { KonnektorError } from '../../core/errors';
import { mapErpError, type ErpDatabase } from '../../db/erp';
import { EBELGE_TABLE } from '../../migrations/erp/common';
import type { WriteBackResult } from '../contract';

export interface EbelgeKey {
  firm?: string;
  period?: string;
  module: string;
  erpKey: string;
}

/** Records ETTN, number and status of one ERP document in KNK_EBELGE (update, or insert the first time). */
export async function recordEbelgeStatus(erp: ErpDatabase, key: EbelgeKey, result: WriteBackResult, trx: Knex | Knex.Transaction = erp.db): Promise<void> {
  if (!(await trx.schema.hasTable(EBELGE_TABLE))) {
    throw new KonnektorError('ERP_HELPER_OBJECTS_MISSING', `${EBELGE_TABLE} is not installed in ${erp.name}`, { database: erp.name });
  }
  const where = { FIRMA: key.firm ?? '', DONEM: key.period ?? '', MODUL: key.module, ERP_ANAHTAR: key.erpKey };
  const values = {
    ETTN: result.ettn,
    BELGE_NO: result.number,
    DURUM: result.status,
    GIB_KODU: result.gibCode ?? null,
    ACIKLAMA: result.message?.slice(0, 1000) ?? null,
    GUNCELLEME: new Date().toISOString(),
  };
  try {
    const existing = (await trx.from(EBELGE_TABLE).select('ETTN', 'DURUM').where(where).first()) as { ETTN: string; DURUM: string | null } | undefined;
    // A failed document may come back under a new ETTN (the integrator's processing error: new number and UUID).
    if (existing && existing.ETTN.toLowerCase() !== result.ettn.toLowerCase() && existing.DURUM !== 'failed') {
      throw new KonnektorError('ERP_ETTN_CONFLICT', `Document ${key.erpKey} already has ETTN ${existing.ETTN}`, { ettn: existing.ETTN });
    }
    if (existing) await trx(EBELGE_TABLE).where(where).update(values);
    else await trx(EBELGE_TABLE).insert({ ...where, ...values });
  } catch (e) {
    throw mapErpError(e, { server: erp.server, database: erp.name });
  }
}
