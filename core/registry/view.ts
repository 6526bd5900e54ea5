import type { Knex } from 'knex';
import { cacheLiveLookup, chosenAlias, lookupRegisteredFast, type RegistryEntry } from '../../db/registry';
import type { RegisteredUserInfo } from '../integrator/types';
import type { RegistryDocumentType } from './userListFile';
import { logger } from '../logging';

/**
 * What routing asks about a customer: is it on GİB's registered-user list, with which mailboxes, and which one the
 * user chose. The cached list answers first; a customer missing from it is asked of the integrator once
 * (efaturaKullaniciBilgisi, one row per alias) before the document is routed — a customer registered since the last
 * daily refresh must not get an e-Arşiv invoice — and the answer is kept in the cache. An integrator that cannot be
 * reached leaves the cache's answer standing (logged), so routing never waits on a dead line.
 */
export interface RegistryLookup {
  /**
   * `documentType`: GİB's list per document (Invoice by default; DespatchAdvice for e-İrsaliye, whose aliases are
   * separate). Only the invoice list is asked live: efaturaKullaniciBilgisi knows no despatch aliases.
   */
  lookup(identifier: string, documentType?: RegistryDocumentType): Promise<{ userType: 'OZEL' | 'KAMU'; aliases: string[] } | undefined>;
  chosenAlias(identifier: string, documentType?: RegistryDocumentType): Promise<string | undefined>;
  /** Taxpayers the integrator was asked about live during this view's life. */
  readonly liveLookups: number;
}

export type LiveUserLookup = (identifier: string) => Promise<RegisteredUserInfo[]>;

export function createRegistryView(store: Knex, live?: LiveUserLookup): RegistryLookup {
  // A customer the integrator said is not registered is not asked again within one run.
  const unregistered = new Set<string>();
  let liveLookups = 0;
  return {
    get liveLookups() {
      return liveLookups;
    },
    async lookup(identifier, documentType = 'Invoice') {
      const cached = await lookupRegisteredFast(store, identifier, documentType);
      if (cached || !live || documentType !== 'Invoice' || unregistered.has(identifier)) return cached && strip(cached);
      liveLookups += 1;
      let rows: RegisteredUserInfo[];
      try {
        rows = await live(identifier);
      } catch (e) {
        logger.warn('live registered-user lookup failed; routing with the cached list', { identifier, error: e instanceof Error ? e.message : String(e) });
        return undefined;
      }
      if (rows.length === 0) {
        unregistered.add(identifier);
        return undefined;
      }
      await cacheLiveLookup(
        store,
        identifier,
        rows.map((r) => ({
          identifier,
          alias: r.alias,
          title: r.title,
          userType: r.kamu ? 'KAMU' : 'OZEL',
          ...(r.registeredAt ? { firstCreation: r.registeredAt } : {}),
        })),
      );
      const entry = await lookupRegisteredFast(store, identifier);
      return entry && strip(entry);
    },
    chosenAlias: (identifier, documentType = 'Invoice') => chosenAlias(store, identifier, documentType),
  };
}

const strip = (e: RegistryEntry) => ({ userType: e.userType, aliases: e.aliases });
