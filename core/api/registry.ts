import { chooseAlias, lookupRegisteredFast, registryStatus, type RegistryStatus } from '../../db/registry';
import { syncRegisteredUsers, type RegistrySyncResult } from '../registry/sync';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';
import { withIntegrator } from './integratorAccess';

export interface RegistrySyncReport extends RegistrySyncResult {
  /** The company's own open mailboxes in the refreshed list, when its VKN was given. */
  ownAliases?: string[];
}

export interface RegistryHandlers {
  'registry.import'(input: ParsedInput<'registry.import'>): Promise<{ users: number; source: string }>;
  'registry.sync'(input: ParsedInput<'registry.sync'>): Promise<RegistrySyncReport>;
  'registry.status'(input: ParsedInput<'registry.status'>): Promise<RegistryStatus>;
  'registry.chooseAlias'(input: ParsedInput<'registry.chooseAlias'>): Promise<{ identifier: string; alias: string }>;
}

/** GİB's registered-user list (who gets an e-Fatura, at which mailbox) and the user's choice among several mailboxes. */
export function createRegistryHandlers(ctx: ApiContext): RegistryHandlers {
  return {
    async 'registry.import'(input) {
      // A file the user names replaces the cache deliberately: no truncation guard.
      const store = await ctx.store();
      const r = await syncRegisteredUsers({ store, source: { file: input.file }, maxDropShare: 1, now: ctx.now });
      // GİB's list also names the e-İrsaliye mailboxes (Document type DespatchAdvice): kept as their own list.
      await syncRegisteredUsers({ store, source: { file: input.file, documentType: 'DespatchAdvice' }, maxDropShare: 1, now: ctx.now });
      return { users: r.after, source: input.file };
    },
    async 'registry.sync'(input) {
      const store = await ctx.store();
      const result = await withIntegrator(input, (clients) =>
        syncRegisteredUsers({
          store,
          source: { client: clients.efatura },
          ...(input.maxDropShare !== undefined ? { maxDropShare: input.maxDropShare } : {}),
          now: ctx.now,
        }),
      );
      if (!input.vkn) return result;
      const own = await lookupRegisteredFast(store, input.vkn);
      return { ...result, ownAliases: own?.aliases ?? [] };
    },
    async 'registry.status'() {
      return registryStatus(await ctx.store());
    },
    async 'registry.chooseAlias'(input) {
      await chooseAlias(await ctx.store(), input.identifier, input.alias, input.actor);
      return { identifier: input.identifier, alias: input.alias };
    },
  };
}
