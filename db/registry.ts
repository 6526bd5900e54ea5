import type { Knex } from 'knex';
import type { RegisteredUser } from '../core/documents/userList';
import { KonnektorError } from '../core/errors';

export type RegistryDocumentType = 'Invoice' | 'DespatchAdvice';

export interface RegistryEntry {
  identifier: string;
  title: string;
  userType: 'OZEL' | 'KAMU';
  /** Open (not deleted) aliases for the document type. */
  aliases: string[];
}

/**
 * Replaces the cached registered-user list with a fresh one from the integrator (or a GİB list file). Only open
 * aliases are kept; a user whose every alias is closed is no longer registered.
 */
export async function replaceRegistry(db: Knex, users: readonly RegisteredUser[], source: string, now = new Date()): Promise<number> {
  const rows = users.flatMap((u) =>
    u.documents.flatMap((d) =>
      d.aliases
        .filter((a) => !a.deletionTime && a.name !== '')
        .map((a) => ({
          identifier: u.identifier,
          document_type: d.type,
          alias: a.name,
          title: u.title,
          user_type: u.type,
          account_type: u.accountType ?? null,
          first_creation: u.firstCreationTime ?? null,
          alias_created: a.creationTime ?? null,
        })),
    ),
  );
  await db.transaction(async (trx) => {
    await trx('registered_users').del();
    for (let i = 0; i < rows.length; i += 500) await trx('registered_users').insert(rows.slice(i, i + 500));
    for (const type of ['Invoice', 'DespatchAdvice']) {
      const count = new Set(rows.filter((r) => r.document_type === type).map((r) => r.identifier)).size;
      await trx('registry_sync').where('document_type', type).del();
      await trx('registry_sync').insert({ document_type: type, synced_at: now.toISOString(), users: count, source });
    }
  });
  return new Set(rows.map((r) => r.identifier)).size;
}

export async function lookupRegistered(db: Knex, identifier: string, type: RegistryDocumentType = 'Invoice'): Promise<RegistryEntry | undefined> {
  const rows = (await db('registered_users').where({ identifier, document_type: type }).orderBy('alias')) as {
    title: string;
    user_type: string;
    alias: string;
  }[];
  if (rows.length === 0) return undefined;
  return { identifier, title: rows[0]!.title, userType: rows[0]!.user_type === 'KAMU' ? 'KAMU' : 'OZEL', aliases: rows.map((r) => r.alias) };
}

/**
 * The cached list as connectors see it: is this VKN/TCKN a registered e-Fatura user? (What programs that do not
 * record e-Fatura vs e-Arşiv on the invoice split their invoices by.)
 */
export function recipientDirectory(store: () => Knex | Promise<Knex>): { isEfaturaUser(taxId: string): Promise<boolean> } {
  return {
    async isEfaturaUser(taxId) {
      return (await lookupRegistered(await store(), taxId)) !== undefined;
    },
  };
}

export async function registrySyncedAt(db: Knex, type: RegistryDocumentType = 'Invoice'): Promise<string | undefined> {
  const row = (await db('registry_sync').where('document_type', type).first()) as { synced_at: string } | undefined;
  return row?.synced_at;
}

/** The user's choice of mailbox for a customer with several aliases. */
export async function chooseAlias(db: Knex, identifier: string, alias: string, actor: string, type: RegistryDocumentType = 'Invoice', now = new Date()) {
  const entry = await lookupRegistered(db, identifier, type);
  if (!entry || !entry.aliases.includes(alias)) {
    throw new KonnektorError('ALIAS_NOT_REGISTERED', `${alias} is not an open ${type} alias of ${identifier}`, { value: alias });
  }
  await db.transaction(async (trx) => {
    await trx('alias_choices').where({ identifier, document_type: type }).del();
    await trx('alias_choices').insert({ identifier, document_type: type, alias, chosen_by: actor, chosen_at: now.toISOString() });
  });
}

export async function chosenAlias(db: Knex, identifier: string, type: RegistryDocumentType = 'Invoice'): Promise<string | undefined> {
  const row = (await db('alias_choices').where({ identifier, document_type: type }).first()) as { alias: string } | undefined;
  return row?.alias;
}
