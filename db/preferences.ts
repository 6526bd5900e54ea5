import type { Knex } from 'knex';

/**
 * The user's own preferences in the local store's `settings` table (key → JSON value): small choices such as the
 * kontör level that should warn. Connection settings are profiles (db/profiles.ts), not preferences.
 */
export async function readPreference<T>(db: Knex, key: string): Promise<T | undefined> {
  const row = (await db('settings').where({ key }).first('value')) as { value: string } | undefined;
  if (!row) return undefined;
  try {
    return JSON.parse(row.value) as T;
  } catch {
    return undefined;
  }
}

export async function writePreference(db: Knex, key: string, value: unknown): Promise<void> {
  if (value === undefined) {
    await db('settings').where({ key }).delete();
    return;
  }
  await db('settings').insert({ key, value: JSON.stringify(value) }).onConflict('key').merge();
}

/** The kontör balance under which the status bar warns, per module and company. */
export const kontorThresholdKey = (module: string, companyVkn: string | undefined) => `kontorThreshold:${module}:${companyVkn ?? ''}`;

/** e-Fatura / e-İrsaliye: the company's own sender (GB) alias its documents go out from, per module and company. */
export const senderAliasKey = (module: string, companyVkn: string | undefined) => `senderAlias:${module}:${companyVkn ?? ''}`;

/** e-Arşiv / e-MM: the portal's `sube` and `kasa` the module's documents are made under, per module and company. */
export const earsivPlaceKey = (module: string, companyVkn: string | undefined) => `earsivPlace:${module}:${companyVkn ?? ''}`;
