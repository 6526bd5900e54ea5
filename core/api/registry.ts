import path from 'node:path';
import { chooseAlias, replaceRegistry } from '../../db/registry';
import { parseUserList } from '../documents/userList';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';

export interface RegistryHandlers {
  'registry.import'(input: ParsedInput<'registry.import'>): Promise<{ users: number; source: string }>;
  'registry.chooseAlias'(input: ParsedInput<'registry.chooseAlias'>): Promise<{ identifier: string; alias: string }>;
}

/** GİB's registered-user list (who gets an e-Fatura, at which mailbox) and the user's choice among several mailboxes. */
export function createRegistryHandlers(ctx: ApiContext): RegistryHandlers {
  return {
    async 'registry.import'(input) {
      const users = parseUserList(ctx.readFile(input.file));
      const count = await replaceRegistry(await ctx.store(), users, path.basename(input.file));
      return { users: count, source: input.file };
    },
    async 'registry.chooseAlias'(input) {
      await chooseAlias(await ctx.store(), input.identifier, input.alias, input.actor);
      return { identifier: input.identifier, alias: input.alias };
    },
  };
}
