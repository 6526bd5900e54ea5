import { earsivPlaceKey, readPreference } from '../../db/preferences';
import type { DocumentKindDescriptor } from '../documents/kinds';
import { normalizeEarsivPlace } from '../integrator/earsivPlace';
import type { EarsivPlace } from '../integrator/types';
import type { Module } from '../modules';
import type { ApiContext } from './context';

/** Kinds sent under a portal configuration record (`sube` / `kasa`): e-Arşiv and e-MM. */
export function usesEarsivPlace(kind: Pick<DocumentKindDescriptor, 'integrator'> | undefined): boolean {
  return kind?.integrator.service === 'earsivService' || kind?.integrator.service === 'mustahsilService';
}

/** The module's saved `sube` / `kasa` for the company; undefined when none is saved (the service then sends DFLT). */
export async function earsivPlaceOf(ctx: ApiContext, module: Module, companyVkn: string | undefined): Promise<EarsivPlace | undefined> {
  if (!usesEarsivPlace(ctx.kinds.find(module))) return undefined;
  const saved = await readPreference<{ branch?: string; till?: string }>(await ctx.store(), earsivPlaceKey(module, companyVkn));
  return saved ? normalizeEarsivPlace(saved) : undefined;
}
