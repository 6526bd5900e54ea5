import { SoapCaller } from './caller';
import { createConnectorClients } from './connectorService';
import { createEarsivClient } from './earsivService';
import { ESMM_CONTRACT, receiptServiceUrls } from './esmmService';
import { MUSTAHSIL_OPERATIONS, createReceiptServiceClient, type ReceiptServiceClient } from './mustahsilService';
import { RequestRateLimiter } from './rateLimit';
import { processSessionPool } from './sessionPool';
import { createIntegratorTransport, integratorUrl, isLoopbackHost } from './transport';
import type { EarsivClient, EfaturaClient, IncomingClient, IntegratorClientOptions } from './types';

/**
 * The eFinans clients over SOAP 1.1, built by hand: envelopes with xmlbuilder2, answers read namespace-aware with
 * @xmldom/xmldom, HTTP with node:http(s) keep-alive agents, zips with fflate.
 *
 * Why not the `soap` package: it needs the WSDL at run time (a request to QNB on every start, or a copy to keep in
 * step), decides itself how base64Binary and namespaces are written — exactly where other clients went wrong
 * (double base64 → "Hash hatası", qualified parameters ignored by JAXB) — and its errors would need the same
 * mapping anyway. The requests are a handful of fixed document/literal wrappers, so writing them out keeps every
 * byte on the wire visible, testable against QNB's samples, and independent of the sandbox's WSDL.
 *
 * No retries inside (the outbox owns retry and backoff) except one new wsLogin when a session has expired.
 */
export interface IntegratorClients {
  efatura: EfaturaClient;
  earsiv: EarsivClient;
  incoming: IncomingClient;
  /** e-MM: MustahsilWebService. */
  mustahsil: ReceiptServiceClient;
  /** e-SMM: the inferred sibling service (esmmService.ts). */
  esmm: ReceiptServiceClient;
  /** Ends a wsLogin session and closes idle connections. */
  close(): Promise<void>;
}

export const DEFAULT_TIMEOUT_MS = 60_000;
/** Under QNB's 180 requests/minute per account (integrator-api.md §4), with room for the portal and other tools. */
export const DEFAULT_RATE_PER_MINUTE = 150;
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export function createIntegratorClients(options: IntegratorClientOptions): IntegratorClients {
  const urls = {
    connector: integratorUrl(options.endpoints.connectorService, 'connectorService'),
    user: integratorUrl(options.endpoints.userService, 'userService'),
    earsiv: integratorUrl(options.endpoints.earsivService, 'EarsivWebService'),
  };
  const receipts = receiptServiceUrls(urls.earsiv.toString());
  const transport = createIntegratorTransport({
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
  });
  // The integrator's request limit protects QNB's servers; a sandbox on this machine has none unless asked for.
  const onLoopback = [urls.connector, urls.user, urls.earsiv].every((u) => isLoopbackHost(u.hostname));
  const rate = options.ratePerMinute ?? (onLoopback ? undefined : DEFAULT_RATE_PER_MINUTE);
  const caller = new SoapCaller({
    credentials: options.credentials,
    userService: urls.user,
    transport,
    ...(rate ? { limiter: new RequestRateLimiter(rate) } : {}),
    ...(options.sessionPool !== null ? { sessionPool: options.sessionPool ?? processSessionPool } : {}),
  });
  const { efatura, incoming } = createConnectorClients(caller, {
    url: urls.connector,
    erpCode: options.erpCode,
    belgeHashCase: options.belgeHashCase ?? 'lower',
    ...(options.senderAlias ? { senderAlias: options.senderAlias } : {}),
  });
  const place = options.place ? { branch: options.place.branch, till: options.place.till } : {};
  const earsiv = createEarsivClient(caller, { url: urls.earsiv, erpCode: options.erpCode, ...place });
  const mustahsil = createReceiptServiceClient(caller, { url: new URL(receipts.mustahsil), erpCode: options.erpCode, operations: MUSTAHSIL_OPERATIONS, ...place });
  const esmm = createReceiptServiceClient(caller, { url: new URL(receipts.esmm), erpCode: options.erpCode, operations: ESMM_CONTRACT.operations, namespace: ESMM_CONTRACT.namespace });
  return {
    efatura,
    earsiv,
    incoming,
    mustahsil,
    esmm,
    async close() {
      try {
        await caller.logout();
      } finally {
        transport.close();
      }
    },
  };
}

export { earsivError, EARSIV_OK } from './earsivService';
export type { ReceiptKey, ReceiptReportStatus, ReceiptServiceClient, ReceiptServiceResult } from './mustahsilService';
export { classifyFault } from './faults';
export type * from './types';
export { endpointsFromBase } from './types';
