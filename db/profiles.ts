import type { Knex } from 'knex';
import type { ErpTarget } from '../core/erp/target';
import type { Module } from '../core/modules';
import { redactServer } from '../core/erp/target';

export interface Profile {
  id: number;
  module: Module;
  companyVkn: string;
  fiscalYear: number;
  branch: string;
  target: ErpTarget;
  integrator: { endpoint?: string; user?: string; secretRef?: string };
  erpSecretRef?: string;
  createdAt: string;
  updatedAt: string;
}

export type ProfileInput = Omit<Profile, 'id' | 'createdAt' | 'updatedAt'>;

interface ProfileRow {
  id: number;
  module: string;
  company_vkn: string;
  fiscal_year: number;
  branch: string;
  connector: string;
  erp_server: string;
  erp_database: string | null;
  erp_firm: string | null;
  erp_period: string | null;
  erp_fiscal_year: number | null;
  erp_secret_ref: string | null;
  integrator_endpoint: string | null;
  integrator_user: string | null;
  integrator_secret_ref: string | null;
  created_at: string;
  updated_at: string;
}

function fromRow(r: ProfileRow): Profile {
  return {
    id: r.id,
    module: r.module as Module,
    companyVkn: r.company_vkn,
    fiscalYear: r.fiscal_year,
    branch: r.branch,
    target: {
      connector: r.connector,
      server: r.erp_server,
      ...(r.erp_database ? { database: r.erp_database } : {}),
      ...(r.erp_firm ? { firm: r.erp_firm } : {}),
      ...(r.erp_period ? { period: r.erp_period } : {}),
      ...(r.erp_fiscal_year ? { fiscalYear: r.erp_fiscal_year } : {}),
      ...(r.branch ? { branch: r.branch } : {}),
    },
    integrator: {
      ...(r.integrator_endpoint ? { endpoint: r.integrator_endpoint } : {}),
      ...(r.integrator_user ? { user: r.integrator_user } : {}),
      ...(r.integrator_secret_ref ? { secretRef: r.integrator_secret_ref } : {}),
    },
    ...(r.erp_secret_ref ? { erpSecretRef: r.erp_secret_ref } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/**
 * Saves the profile of one module × company × fiscal year (× branch). The ERP server is stored without its
 * password: secrets live in the vault and are referenced by `erpSecretRef`.
 */
export async function saveProfile(db: Knex, input: ProfileInput, now = new Date()): Promise<Profile> {
  const key = { module: input.module, company_vkn: input.companyVkn, fiscal_year: input.fiscalYear, branch: input.branch };
  const values = {
    connector: input.target.connector,
    erp_server: redactServer(input.target.server),
    erp_database: input.target.database ?? null,
    erp_firm: input.target.firm ?? null,
    erp_period: input.target.period ?? null,
    erp_fiscal_year: input.target.fiscalYear ?? null,
    erp_secret_ref: input.erpSecretRef ?? null,
    integrator_endpoint: input.integrator.endpoint ?? null,
    integrator_user: input.integrator.user ?? null,
    integrator_secret_ref: input.integrator.secretRef ?? null,
    updated_at: now.toISOString(),
  };
  await db.transaction(async (trx) => {
    const updated = await trx('profiles').where(key).update(values);
    if (updated === 0) await trx('profiles').insert({ ...key, ...values, created_at: now.toISOString() });
  });
  const row = (await db('profiles').where(key).first()) as ProfileRow;
  return fromRow(row);
}

export async function listProfiles(db: Knex, filter: { module?: Module; companyVkn?: string } = {}): Promise<Profile[]> {
  const q = db('profiles').select('*').orderBy([{ column: 'module' }, { column: 'company_vkn' }, { column: 'fiscal_year', order: 'desc' }]);
  if (filter.module) q.where('module', filter.module);
  if (filter.companyVkn) q.where('company_vkn', filter.companyVkn);
  return ((await q) as ProfileRow[]).map(fromRow);
}
