import type { IntegratorServices } from './types';

/** The eFinans service a kind is bound to; a caller that did not hand it over is a programming error. */
export function serviceOf<S extends keyof IntegratorServices>(services: Partial<IntegratorServices>, name: S): IntegratorServices[S] {
  const service = services[name];
  if (!service) throw new Error(`The ${name} integrator client was not given`);
  return service;
}
