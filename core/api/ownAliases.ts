import { readPreference, senderAliasKey, writePreference } from '../../db/preferences';
import type { DocumentKindDescriptor } from '../documents/kinds';
import type { Module } from '../modules';
import { ownAliasesOf, requireOwnSenderAlias, type OwnAliases } from '../registry/ownAliases';
import type { RegistryDocumentType } from '../registry/userListFile';
import type { ApiContext } from './context';

/** Kinds sent through connectorService from a GB alias (e-Fatura, e-İrsaliye): which list names their mailboxes. */
export function ownAliasListOf(kind: Pick<DocumentKindDescriptor, 'integrator' | 'direction' | 'format'> | undefined): RegistryDocumentType | undefined {
  if (!kind || kind.direction !== 'outgoing' || kind.integrator.service !== 'connectorService') return undefined;
  return kind.format.type === 'ubl' && kind.format.root === 'DespatchAdvice' ? 'DespatchAdvice' : 'Invoice';
}

export interface OwnMailboxes extends OwnAliases {
  /** The GB alias chosen in the module's settings; absent: the integrator's default. */
  senderAlias?: string;
}

/** The company's own GB/PK aliases on the cached list and the chosen sender alias; undefined for modules without. */
export async function ownMailboxesOf(ctx: ApiContext, module: Module, companyVkn: string | undefined): Promise<OwnMailboxes | undefined> {
  const list = ownAliasListOf(ctx.kinds.find(module));
  if (!list || !companyVkn) return undefined;
  const store = await ctx.store();
  const own = await ownAliasesOf(store, companyVkn, list);
  const chosen = await readPreference<string>(store, senderAliasKey(module, companyVkn));
  return { ...own, ...(chosen ? { senderAlias: chosen } : {}) };
}

/** The sender alias a send of the module goes out from (the saved choice), if any. */
export async function senderAliasOf(ctx: ApiContext, module: Module, companyVkn: string | undefined): Promise<string | undefined> {
  if (!ownAliasListOf(ctx.kinds.find(module)) || !companyVkn) return undefined;
  return readPreference<string>(await ctx.store(), senderAliasKey(module, companyVkn));
}

/** Checks a chosen sender alias against the company's own GB entries (OWN_ALIAS_NOT_LISTED), before anything is saved. */
export async function checkSenderAlias(ctx: ApiContext, module: Module, companyVkn: string | undefined, alias: string): Promise<string> {
  const list = ownAliasListOf(ctx.kinds.find(module));
  const own = list && companyVkn ? await ownAliasesOf(await ctx.store(), companyVkn, list) : { gb: [], pk: [] };
  return requireOwnSenderAlias(own, alias, companyVkn ?? '');
}

export async function saveSenderAlias(ctx: ApiContext, module: Module, companyVkn: string, alias: string): Promise<void> {
  await writePreference(await ctx.store(), senderAliasKey(module, companyVkn), alias);
}
