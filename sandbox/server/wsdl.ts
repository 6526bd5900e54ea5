import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The services the sandbox serves, with production's paths (integrator-api.md §2). */
export const SERVICES = {
  connectorService: { path: '/connector/ws/connectorService', wsdl: 'connectorService.wsdl' },
  userService: { path: '/connector/ws/userService', wsdl: 'userService.wsdl' },
  earsivService: { path: '/earsiv/ws/EarsivWebService', wsdl: 'EarsivWebService.wsdl' },
  edefterService: { path: '/edefter/ws/DefterOlusturWebServices', wsdl: 'DefterOlusturWebServices.wsdl' },
} as const;

export type ServiceName = keyof typeof SERVICES;

/** The test platforms also serve connectorService and userService under /efatura/ws/ (integrator-api.md §2). */
const ALIASES: Record<string, ServiceName> = {
  '/efatura/ws/connectorService': 'connectorService',
  '/efatura/ws/userService': 'userService',
};

export function serviceForPath(pathname: string): ServiceName | undefined {
  for (const [name, s] of Object.entries(SERVICES) as [ServiceName, (typeof SERVICES)[ServiceName]][]) if (s.path === pathname) return name;
  return ALIASES[pathname];
}

const cache = new Map<ServiceName, string>();

/** The WSDL file of `sandbox/wsdl/` with the real endpoint address filled in. */
export function wsdlFor(service: ServiceName, endpointUrl: string): string {
  let text = cache.get(service);
  if (text === undefined) {
    text = fs.readFileSync(fileURLToPath(new URL(`../wsdl/${SERVICES[service].wsdl}`, import.meta.url)), 'utf8');
    cache.set(service, text);
  }
  return text.replace('location="REPLACE_WITH_ACTUAL_URL"', `location="${endpointUrl}"`);
}
