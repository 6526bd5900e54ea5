import crypto from 'node:crypto';
import { readRequestBody } from '../../core/httpBody';
import http from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import type { RegisteredUser } from '../../core/documents/userList';
import { logger } from '../../core/logging';
import { createValidator, type DocumentValidator } from '../../core/validation';
import { Authenticator, listAccounts, SESSION_COOKIE, sessionIdFromCookie } from './accounts';
import { createAdmin, handleAdminRequest, type SandboxAdmin } from './admin';
import { systemClock, type Clock } from './clock';
import { connectorOperations } from './connector';
import { StreamedAnswer, type OperationHandler, type ServiceContext } from './context';
import { base64Stream } from './userList';
import { earsivInvoiceXml, earsivOperations } from './earsiv';
import { edefterOperations } from './edefter';
import { esmmOperations, mustahsilOperations } from './receipts';
import { FaultInjector, type FaultConfig } from './faults';
import { OutgoingDocuments } from './outgoing';
import { SEED_ACCOUNTS, seedSandbox } from './seed';
import { field, NAMESPACES, parseSoapRequest, SoapFault, soapFaultXml, soapResponse, xmlFields, type SoapRequest } from './soap';
import { getMeta, openSandboxDb } from './store';
import { SERVICES, serviceForPath, wsdlFor, type ServiceName } from './wsdl';

/**
 * Konnektör's own eFinans-compatible integrator on 127.0.0.1, for the demo, tests and benchmarks: connectorService,
 * userService and EarsivWebService over SOAP 1.1 at production's paths, WSDLs at `…?wsdl`, state in SQLite under
 * `dataDir` (a restart loses nothing), GİB's validation through core/validation, fault injection and an admin API.
 *
 *   const sb = await startSandbox({ dataDir, stepMs: 20 });
 *   // … point a SOAP client at sb.endpoints.connectorService, user `demo` / `demo123` …
 *   await sb.close();
 */
export interface SandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  dataDir: string;
  clock?: Clock;
  /** How long each status step of an outgoing document takes (default 2000 ms; tests use a few ms). */
  stepMs?: number;
  /** Seed of the demo world (companies, customers); default 1, as `konnektor demo init`. */
  seed?: number;
  /** XSD + schematron on every received invoice (default true). */
  validate?: boolean;
  /** Validator worker threads (default 1). */
  validatorWorkers?: number;
  /** Idle lifetime of a wsLogin session (default 30 minutes, as eFinans). */
  sessionTtlMs?: number;
  /** More sender VKNs the `demo` account owns. */
  extraSenders?: string[];
  /** More GİB registered users (receivers). */
  extraRegisteredUsers?: RegisteredUser[];
  /** Made-up taxpayers served after the stored ones by kayitliKullaniciListeleExtended (benchmarks: 1,000,000). */
  generatedUsers?: number;
  /** Faults from the start (same JSON as POST /admin/faults). */
  faults?: FaultConfig;
  /** Fixed admin token (default: random per start). */
  adminToken?: string;
}

export interface SandboxEndpoints {
  connectorService: string;
  userService: string;
  earsivService: string;
  /** QNB's e-Defter service (DefterOlusturWebServices). */
  edefterService: string;
  /** e-MM: QNB's MustahsilWebService. */
  mustahsilService: string;
  /** e-SMM: the service under the inferred contract (core/integrator/esmmService.ts). */
  esmmService: string;
}

export interface SandboxDescription {
  url: string;
  endpoints: SandboxEndpoints;
  wsdl: SandboxEndpoints;
  dataDir: string;
  stepMs: number;
  seed: number;
  validate: boolean;
  /** Sandbox-only credentials: they exist nowhere but in this sandbox's database. */
  accounts: { userId: string; password: string; staff: boolean; vkns: string[]; title: string }[];
  sessionCookie: string;
  adminToken: string;
  admin: string[];
}

export interface SandboxHandle {
  url: string;
  port: number;
  endpoints: SandboxEndpoints;
  admin: SandboxAdmin;
  describe(): SandboxDescription;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

/** A SOAP answer around a streamed base64 `<return>`. */
interface StreamedEnvelope {
  head: string;
  bytes: Readable;
  tail: string;
}

const OPERATIONS: Record<Exclude<ServiceName, 'userService'>, Record<string, OperationHandler>> = {
  connectorService: connectorOperations,
  earsivService: earsivOperations,
  edefterService: edefterOperations,
  mustahsilService: mustahsilOperations,
  esmmService: esmmOperations,
};

const NAMESPACE: Record<ServiceName, string> = {
  connectorService: NAMESPACES.connector,
  userService: NAMESPACES.user,
  earsivService: NAMESPACES.earsiv,
  edefterService: NAMESPACES.edefter,
  mustahsilService: NAMESPACES.earsiv,
  esmmService: NAMESPACES.earsiv,
};

/** An answer cut short in the middle of its body: well-formed up to the cut, never parseable. */
const brokenEnvelope = (namespace: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><ns2:belgeGonderExtResponse xmlns:ns2="${namespace}"><return>`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));


export async function startSandbox(options: SandboxOptions): Promise<SandboxHandle> {
  const clock = options.clock ?? systemClock;
  const now = () => clock.now().getTime();
  const stepMs = options.stepMs ?? 2000;
  if (!(stepMs >= 0)) throw new Error(`stepMs must be ≥ 0, got ${stepMs}`);
  const validate = options.validate ?? true;
  const db = openSandboxDb(options.dataDir);
  seedSandbox(db, {
    seed: options.seed ?? 1,
    now: now(),
    ...(options.extraSenders ? { extraSenders: options.extraSenders } : {}),
    ...(options.extraRegisteredUsers ? { extraRegisteredUsers: options.extraRegisteredUsers } : {}),
  });
  // The world the database was seeded with, even when a later start passes another seed.
  const seed = Number(getMeta(db, 'seed'));
  let validator: DocumentValidator | undefined;
  try {
    validator = validate ? await createValidator({ workers: options.validatorWorkers ?? 1 }) : undefined;
  } catch (e) {
    db.close();
    throw e;
  }
  const faults = new FaultInjector(seed);
  if (options.faults) faults.apply(options.faults);
  const outgoing = new OutgoingDocuments(db, now, stepMs, faults, validator);
  const auth = new Authenticator(db, now, options.sessionTtlMs ?? 30 * 60_000);
  const token = options.adminToken ?? crypto.randomBytes(18).toString('base64url');
  const admin = createAdmin({ db, token, now, stepMs, seed, outgoing, faults });
  let baseUrl = '';

  async function dispatch(service: ServiceName, request: SoapRequest, cookie: string | undefined, res: http.ServerResponse): Promise<string | StreamedEnvelope> {
    const namespace = NAMESPACE[service];
    const unknown = () => new SoapFault(`Cannot find dispatch method for {${request.namespace}}${request.operation}`, 'S:Client');
    if (request.namespace !== namespace) throw unknown();
    if (service === 'userService') {
      if (request.operation === 'wsLogin') {
        const { sessionId } = auth.login(field(request.body, 'userId') ?? '', field(request.body, 'password') ?? '');
        res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly`);
        return soapResponse(namespace, 'wsLogin', '');
      }
      if (request.operation === 'logout') {
        auth.logout(sessionIdFromCookie(cookie));
        res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; Max-Age=0`);
        return soapResponse(namespace, 'logout', '');
      }
      if (request.operation === 'kullaniciBilgisiGetir') {
        // Who the presented credentials belong to, and whether they are eFinans support staff: the one way a
        // client can tell a privileged support login from a customer's, without trusting its own checkbox.
        const account = auth.authenticate(request, sessionIdFromCookie(cookie));
        return soapResponse(namespace, 'kullaniciBilgisiGetir', `<return>${xmlFields([['kullaniciAdi', account.userId], ['unvan', account.title], ['personel', account.staff]])}</return>`);
      }
      throw unknown();
    }
    const handler = OPERATIONS[service][request.operation];
    if (!handler) throw unknown();
    const account = auth.authenticate(request, sessionIdFromCookie(cookie));
    const ctx: ServiceContext = { db, now, baseUrl, account, outgoing, validator, faults, generatedUsers: options.generatedUsers ?? 0, stepMs };
    const answer = await handler(request.body, ctx);
    if (answer instanceof StreamedAnswer) {
      const [head, tail] = soapResponse(namespace, request.operation, '<return>\u0000</return>').split('\u0000') as [string, string];
      return { head, bytes: answer.bytes, tail };
    }
    return soapResponse(namespace, request.operation, answer);
  }

  async function handleSoap(service: ServiceName, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): Promise<void> {
    const contentType = req.headers['content-type'] ?? '';
    if (!/^text\/xml\b/i.test(contentType)) {
      // JAX-WS serves SOAP 1.1 only; a SOAP 1.2 client (application/soap+xml) is refused the same way.
      res.writeHead(415, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Unsupported Content-Type: ${contentType || '(none)'} Supported ones are: [text/xml]`);
      return;
    }
    const namespace = NAMESPACE[service];
    let request: SoapRequest | undefined;
    let payload: string | StreamedEnvelope;
    let status = 200;
    const action = (() => {
      try {
        request = parseSoapRequest(body.toString('utf8'));
        return faults.actionFor(request.operation);
      } catch {
        return faults.actionFor('');
      }
    })();
    if (faults.latency > 0) await sleep(faults.latency);
    if (action?.kind === 'drop' && !action.afterProcessing) {
      req.socket.destroy();
      return;
    }
    if (action?.kind === 'http') {
      res.writeHead(action.status, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<html><body><h1>${action.status === 503 ? '503 Service Unavailable' : '500 Internal Server Error'}</h1></body></html>`);
      return;
    }
    if (action?.kind === 'malformed' && !action.afterProcessing) {
      res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
      res.end(brokenEnvelope(namespace));
      return;
    }
    try {
      if (action?.kind === 'soapFault') throw new SoapFault(action.message);
      if (!request) request = parseSoapRequest(body.toString('utf8'));
      payload = await dispatch(service, request, req.headers.cookie, res);
    } catch (e) {
      status = 500;
      if (e instanceof SoapFault) {
        payload = soapFaultXml(e, namespace);
      } else {
        logger.error('sandbox: operation failed', { operation: request?.operation, error: String((e as Error).stack ?? e) });
        payload = soapFaultXml(new SoapFault(`Sistem hatası: ${(e as Error).message}`), namespace);
      }
    }
    if (action?.kind === 'drop') {
      // Processed, but the answer never arrives: the client must find out by asking.
      req.socket.destroy();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'text/xml; charset=utf-8' });
    if (typeof payload === 'string' || action?.kind === 'malformed') {
      res.end(action?.kind === 'malformed' ? brokenEnvelope(namespace) : payload);
      return;
    }
    // A large answer (the user list) goes out as it is produced: the envelope around base64 written piece by piece.
    res.write(payload.head);
    try {
      await pipeline(payload.bytes, base64Stream(), res, { end: false });
      res.end(payload.tail);
    } catch (e) {
      logger.warn('sandbox: streamed answer interrupted', { operation: request?.operation, error: String(e) });
      res.destroy();
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', baseUrl);
    const body = await readRequestBody(req, MAX_BODY);
    if (url.pathname.startsWith('/admin/')) return handleAdminRequest(admin, req, res, url.pathname, body);
    const service = serviceForPath(url.pathname);
    if (service && req.method === 'GET') {
      if ([...url.searchParams.keys()].some((k) => k.toLowerCase() === 'wsdl')) {
        res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
        res.end(wsdlFor(service, `${baseUrl}${url.pathname}`, service === 'userService' ? [] : Object.keys(OPERATIONS[service])));
      } else {
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end(`${service}: SOAP 1.1 endpoint (Konnektör sandbox). WSDL: ${baseUrl}${url.pathname}?wsdl\n`);
      }
      return;
    }
    if (service && req.method === 'POST') return handleSoap(service, req, res, body);
    if (req.method === 'GET' && url.pathname === '/earsiv/goruntule.jsp') {
      const xml = earsivInvoiceXml({ db }, url.searchParams.get('vkn') ?? '', url.searchParams.get('uuid') ?? '');
      res.writeHead(xml ? 200 : 404, { 'Content-Type': xml ? 'application/xml; charset=utf-8' : 'text/plain; charset=utf-8' });
      res.end(xml ?? 'Fatura bulunamadı.');
      return;
    }
    if (req.method === 'GET' && url.pathname === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Konnektör eFinans sandbox\n${Object.values(SERVICES).map((s) => `${baseUrl}${s.path}?wsdl`).join('\n')}\n`);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      logger.error('sandbox: request failed', { url: req.url, error: String(e) });
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (e) {
    await validator?.close();
    db.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  const endpoints: SandboxEndpoints = {
    connectorService: `${baseUrl}${SERVICES.connectorService.path}`,
    userService: `${baseUrl}${SERVICES.userService.path}`,
    earsivService: `${baseUrl}${SERVICES.earsivService.path}`,
    edefterService: `${baseUrl}${SERVICES.edefterService.path}`,
    mustahsilService: `${baseUrl}${SERVICES.mustahsilService.path}`,
    esmmService: `${baseUrl}${SERVICES.esmmService.path}`,
  };

  outgoing.resumePending();
  outgoing.settleDue();
  const ticker = setInterval(() => {
    try {
      outgoing.settleDue();
    } catch (e) {
      logger.error('sandbox: settling documents failed', { error: String(e) });
    }
  }, Math.max(5, Math.min(stepMs || 250, 250)));
  ticker.unref();

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    endpoints,
    admin,
    describe: () => {
      const known = listAccounts(db);
      const accounts = [SEED_ACCOUNTS.demo, SEED_ACCOUNTS.staff].map((a) => {
        const row = known.find((x) => x.userId === a.userId);
        return { userId: a.userId, password: a.password, title: a.title, staff: row?.staff ?? false, vkns: row?.vkns ?? [] };
      });
      return {
        url: baseUrl,
        endpoints,
        wsdl: {
          connectorService: `${endpoints.connectorService}?wsdl`,
          userService: `${endpoints.userService}?wsdl`,
          earsivService: `${endpoints.earsivService}?wsdl`,
          edefterService: `${endpoints.edefterService}?wsdl`,
          mustahsilService: `${endpoints.mustahsilService}?wsdl`,
          esmmService: `${endpoints.esmmService}?wsdl`,
        },
        dataDir: options.dataDir,
        stepMs,
        seed,
        validate,
        accounts,
        sessionCookie: SESSION_COOKIE,
        adminToken: token,
        admin: [`${baseUrl}/admin/state`, `${baseUrl}/admin/documents`, `${baseUrl}/admin/deliveries`, `${baseUrl}/admin/faults`],
      };
    },
    close: () => {
      closed ??= (async () => {
        clearInterval(ticker);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await outgoing.idle();
        await validator?.close();
        db.close();
      })();
      return closed;
    },
  };
}

export type { FaultConfig } from './faults';
export type { SandboxAdmin } from './admin';
export type { Clock } from './clock';
