import type { Knex } from 'knex';
import { lookupRegisteredFast } from '../../db/registry';
import { KonnektorError } from '../errors';
import type { RegistryDocumentType } from './userListFile';

/**
 * The company's own mailboxes on GİB's registered-user list: GB (gönderici birimi, what its documents are sent
 * from — belgeGonderExt's `gonderenEtiket`) and PK (posta kutusu, where it receives). The list names aliases, not
 * their role; GİB's and QNB's own default names end the local part in `gb` / `pk` (`urn:mail:defaultgb@…`,
 * `urn:mail:defaultpk@…`), which is how a role is told here **[I]**. An alias named otherwise is offered in both
 * lists, so the user can still pick it. This is the one place to correct once the list states roles.
 */
export interface OwnAliases {
  /** Sender (GB) candidates, in the list's order. */
  gb: string[];
  /** Receiving mailboxes (PK). */
  pk: string[];
}

export function roleOfAlias(alias: string): 'gb' | 'pk' | undefined {
  const local = /^urn:mail:([^@]+)@/i.exec(alias.trim())?.[1]?.toLowerCase();
  if (!local) return undefined;
  if (local.endsWith('gb')) return 'gb';
  if (local.endsWith('pk')) return 'pk';
  return undefined;
}

export function splitOwnAliases(aliases: readonly string[]): OwnAliases {
  const gb: string[] = [];
  const pk: string[] = [];
  for (const a of aliases) {
    const role = roleOfAlias(a);
    if (role !== 'pk') gb.push(a);
    if (role !== 'gb') pk.push(a);
  }
  return { gb, pk };
}

/** The company's own entries in the cached list for a document type (Invoice for e-Fatura). */
export async function ownAliasesOf(store: Knex, vkn: string, documentType: RegistryDocumentType = 'Invoice'): Promise<OwnAliases> {
  const entry = await lookupRegisteredFast(store, vkn, documentType);
  return splitOwnAliases(entry?.aliases ?? []);
}

/** A sender alias must be one of the company's own GB entries: anything else GİB refuses (1171). */
export function requireOwnSenderAlias(own: OwnAliases, alias: string, vkn: string): string {
  const wanted = alias.trim();
  if (!own.gb.includes(wanted)) {
    throw new KonnektorError('OWN_ALIAS_NOT_LISTED', `${wanted} is not one of ${vkn}'s sender (GB) aliases on the registered-user list (${own.gb.join(', ') || 'none'})`, {
      value: wanted,
      choices: own.gb,
    });
  }
  return wanted;
}
