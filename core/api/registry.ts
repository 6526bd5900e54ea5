import { chooseAlias, lookupRegisteredFast, registryStatus, type RegistryStatus } from '../../db/registry';
import { listProfiles } from '../../db/profiles';
import { KonnektorError } from '../errors';
import { RegistryRefresher, type RefreshRecord } from '../registry/refresh';
import { syncRegisteredUsers, type RegistrySyncResult } from '../registry/sync';
import type { IntegratorAccess } from './integratorAccess';
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
  'registry.refresh'(input: ParsedInput<'registry.refresh'>): Promise<RefreshRecord>;
  'session.registryRefresh'(input: ParsedInput<'session.registryRefresh'>): Promise<RefreshRecord>;
  'registry.refreshStatus'(input: ParsedInput<'registry.refreshStatus'>): Promise<RefreshRecord>;
}

/** The background side of the registry handlers: the host process starts and stops the daily refresh. */
export interface RegistryBackground {
  startRegistryRefresh(): Promise<void>;
  stopRegistryRefresh(): void;
}

/** GİB's registered-user list (who gets an e-Fatura, at which mailbox) and the user's choice among several mailboxes. */
export function createRegistryHandlers(ctx: ApiContext): RegistryHandlers & RegistryBackground {
  /** The list is one for the whole store: it is downloaded with the e-Fatura module's saved integrator account. */
  const savedAccount = async (): Promise<IntegratorAccess> => {
    const profiles = (await listProfiles(await ctx.store(), { module: 'efatura' })).filter((p) => p.integrator.endpoint && p.integrator.user && p.integrator.secretRef);
    const latest = profiles.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    const password = latest && ctx.sd.vault ? await ctx.sd.vault.get(latest.integrator.secretRef!) : undefined;
    if (!latest || !password) throw new KonnektorError('REGISTRY_NO_ACCOUNT', 'No saved e-Fatura integrator account to download the registered-user list with');
    return { integrator: latest.integrator.endpoint!, user: latest.integrator.user!, password };
  };
  const syncWith = async (access: IntegratorAccess): Promise<RegistrySyncResult> => {
    const store = await ctx.store();
    return withIntegrator(access, (clients) => syncRegisteredUsers({ store, source: { client: clients.efatura }, now: ctx.now }));
  };
  let refresher: Promise<RegistryRefresher> | undefined;
  const refresherOf = () =>
    (refresher ??= ctx.store().then(
      (store) =>
        new RegistryRefresher({
          store,
          sync: async () => syncWith(await savedAccount()),
          now: ctx.now,
          ...(ctx.deps.registryRefresh?.timers ? { timers: ctx.deps.registryRefresh.timers } : {}),
          ...(ctx.deps.registryRefresh?.intervalMs ? { intervalMs: ctx.deps.registryRefresh.intervalMs } : {}),
          ...(ctx.deps.registryRefresh?.retryMs ? { retryMs: ctx.deps.registryRefresh.retryMs } : {}),
        }),
    ));
  // The on-demand refresh reports its failure like any call; the record keeps it for the status line too.
  const failed = (record: RefreshRecord): RefreshRecord => {
    if (record.lastOutcome && !record.lastOutcome.ok) throw new KonnektorError(record.lastOutcome.code as never, record.lastOutcome.detail);
    return record;
  };
  return {
    async startRegistryRefresh() {
      await (await refresherOf()).start();
    },
    stopRegistryRefresh() {
      void refresher?.then((r) => r.stop());
    },
    async 'registry.refresh'() {
      return failed(await (await refresherOf()).refreshNow());
    },
    async 'session.registryRefresh'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const c = ctx.sessions.credentials(session.id);
      await ctx.staffAudit(session, 'registry.refresh');
      return failed(await (await refresherOf()).refreshNow(() => syncWith({ integrator: session.integrator, user: c.user, password: c.password })));
    },
    async 'registry.refreshStatus'() {
      return (await refresherOf()).record();
    },
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
