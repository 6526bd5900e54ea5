import type { RequestRateLimiter } from './rateLimit';
import type { Element } from '@xmldom/xmldom';
import { KonnektorError, isKonnektorError } from '../errors';
import { logger } from '../logging';
import { authError, badResponse, classifyFault, faultError, httpError, type FaultClass } from './faults';
import { NS, SoapBuildError, SoapParseError, buildEnvelope, childText, parseEnvelope, readFault, responseElement, type Field } from './soap';
import { streamReturnTo, StreamedReturnError, type StreamedReturn } from './streamedReturn';
import { SoapTransport, endpointLabel, type CallContext, type StreamOptions } from './transport';
import type { Writable } from 'node:stream';
import { registerSecret } from '../secrets';
import type { IntegratorCredentials } from './types';
import { IntegratorSessionPool } from './sessionPool';

/**
 * Every call to eFinans goes through here: it builds the envelope, authenticates, posts, and turns the answer into
 * the operation's response element or a KonnektorError.
 *
 * Authentication (integrator-api.md §3):
 * - `usernameToken` (default): a WS-Security UsernameToken with the password as PasswordText in every header.
 * - `wsLogin`: one userService.wsLogin; its session cookie (CSAPSESSIONID, TEST_CSAPSESSIONID on test) goes with
 *   every later call to any of the three services, as QNB's samples share one cookie container. When the session
 *   has expired (an authentication/session fault, or HTTP 401/403) the call logs in again **once** and is repeated
 *   once; concurrent calls share one login.
 *
 * A refused password is never retried, and once refused this client answers every later call with the same
 * INTEGRATOR_AUTH_FAILED without touching the network: QNB blocks a user that keeps presenting a wrong password,
 * and the portal forces a new password every 3 months. A new client (new settings) starts afresh.
 */
export interface SoapCall {
  url: URL;
  namespace: string;
  operation: string;
  params: readonly Field[];
}

export interface SoapCallerOptions {
  credentials: IntegratorCredentials;
  userService: URL;
  transport: SoapTransport;
  /** Every HTTP request of this client waits its turn here (none for a loopback sandbox). */
  limiter?: RequestRateLimiter;
  /** wsLogin sessions shared with the other clients of the same account (one login per half hour, not per client). */
  sessionPool?: IntegratorSessionPool;
}

type Attempt = { ok: true; response: Element } | { ok: false; error: KonnektorError; authClass: boolean };
type Outcome<T> = { ok: true; response: T } | { ok: false; error: KonnektorError; authClass: boolean };

/** A fault's or an error page's body is small; anything longer is cut before it is read. */
const MAX_ERROR_BODY = 1024 * 1024;

const AUTH_CLASSES: ReadonlySet<FaultClass> = new Set(['auth', 'session']);

export class SoapCaller {
  private readonly mode: 'usernameToken' | 'wsLogin';
  private readonly cookies = new Map<string, string>();
  private login?: Promise<void>;
  /** Bumped on every successful login, so a call can tell whether someone else already logged in again. */
  private generation = 0;
  private refused?: KonnektorError;

  private readonly poolKey: string;
  /** This client uses a session of the pool: it is never logged out from here. */
  private pooled = false;

  constructor(private readonly options: SoapCallerOptions) {
    this.mode = options.credentials.auth ?? 'usernameToken';
    registerSecret(options.credentials.password);
    this.poolKey = IntegratorSessionPool.keyOf(options.userService.toString(), options.credentials.user, options.credentials.password);
  }

  /** The `<operation>Response` element of a successful call. */
  call(call: SoapCall): Promise<Element> {
    const ctx: CallContext = { operation: call.operation, endpoint: endpointLabel(call.url) };
    return this.authenticated(call, ctx, (withToken) => this.attempt(call, ctx, withToken));
  }

  /**
   * A call whose answer carries one large base64 `<return>` (the registered-user list, downloads): its bytes are
   * written to `sink` as they arrive, never held whole. Authentication, session renewal and fault mapping are those
   * of `call`; a fault or an error page is read as usual (it is small).
   */
  streamReturn(call: SoapCall, sink: () => Writable, options: StreamOptions = {}): Promise<StreamedReturn> {
    const ctx: CallContext = { operation: call.operation, endpoint: endpointLabel(call.url) };
    return this.authenticated(call, ctx, (withToken) => this.attemptStream(call, ctx, withToken, sink, options));
  }

  private async authenticated<T>(call: SoapCall, ctx: CallContext, attempt: (withToken: boolean) => Promise<Outcome<T>>): Promise<T> {
    this.throwIfRefused(ctx);
    if (this.mode === 'usernameToken') return this.settle(await attempt(true));

    const before = this.generation;
    await this.ensureLoggedIn();
    const generation = this.generation;
    const first = await attempt(false);
    if (first.ok) this.options.sessionPool?.used(this.poolKey, this.cookies);
    // A session this very call just opened has not expired: a refusal then is final.
    if (first.ok || !first.authClass || (generation !== before && !this.adopted)) return this.settle(first);
    // The session may have expired (about 30 minutes): one new login, one more try.
    logger.info('eFinans session rejected; logging in again once', { operation: call.operation });
    this.options.sessionPool?.drop(this.poolKey);
    this.adopted = false;
    await this.relogin(generation);
    const second = await attempt(false);
    if (second.ok) this.options.sessionPool?.used(this.poolKey, this.cookies);
    return this.settle(second);
  }

  /** Ends a wsLogin session (best effort). */
  async logout(): Promise<void> {
    // A pooled session goes on serving the account's other clients: it lapses on its own.
    if (this.pooled) return;
    if (this.mode !== 'wsLogin' || this.cookies.size === 0 || this.refused) return;
    const call: SoapCall = { url: this.options.userService, namespace: NS.user, operation: 'logout', params: [] };
    try {
      await this.attempt(call, { operation: 'logout', endpoint: endpointLabel(call.url) }, false);
    } catch {
      // The session times out on its own.
    }
    this.cookies.clear();
  }

  private throwIfRefused(ctx: CallContext): void {
    if (!this.refused) return;
    throw new KonnektorError('INTEGRATOR_AUTH_FAILED', `${ctx.operation}: not sent, eFinans already refused these credentials: ${this.refused.message}`, {
      ...this.refused.details,
      ...ctx,
      transient: false,
      notSent: true,
      mayHaveReachedServer: false,
    });
  }

  private settle<T>(result: Outcome<T>): T {
    if (result.ok) return result.response;
    if (result.error.code === 'INTEGRATOR_AUTH_FAILED') this.refuse(result.error);
    throw result.error;
  }

  /** From now on every call fails at once: the password is not presented again. */
  private refuse(error: KonnektorError): void {
    this.options.sessionPool?.drop(this.poolKey);
    if (this.refused) return;
    this.refused = error;
    logger.warn('eFinans refused the credentials; no further calls with them', { operation: error.details.operation, faultstring: error.details.faultstring });
  }

  /** The session in use came from the pool (opened by another client), so a refusal may mean it has lapsed. */
  private adopted = false;

  private ensureLoggedIn(): Promise<void> {
    if (this.generation > 0 && !this.login) return Promise.resolve();
    const shared = this.generation === 0 && !this.login ? this.options.sessionPool?.take(this.poolKey) : undefined;
    if (shared) {
      for (const [k, v] of shared) this.cookies.set(k, v);
      this.generation += 1;
      this.adopted = true;
      this.pooled = true;
      return Promise.resolve();
    }
    return this.relogin(this.generation);
  }

  private relogin(seen: number): Promise<void> {
    if (this.login) return this.login;
    this.throwIfRefused({ operation: 'wsLogin', endpoint: endpointLabel(this.options.userService) });
    if (this.generation !== seen) return Promise.resolve();
    this.login = this.wsLogin().finally(() => (this.login = undefined));
    return this.login;
  }

  private async wsLogin(): Promise<void> {
    const { user, password } = this.options.credentials;
    const call: SoapCall = {
      url: this.options.userService,
      namespace: NS.user,
      operation: 'wsLogin',
      params: [
        ['userId', user],
        ['password', password],
        ['lang', 'tr'],
      ],
    };
    const ctx: CallContext = { operation: 'wsLogin', endpoint: endpointLabel(call.url) };
    this.cookies.clear();
    const result = await this.attempt(call, ctx, false);
    if (!result.ok) {
      // Any refusal of wsLogin itself is about the credentials.
      const refusal = result.authClass || (result.error.code === 'INTEGRATOR_FAULT' && result.error.details.transient !== true);
      const error = refusal ? authError(ctx, String(result.error.details.faultstring ?? result.error.message), result.error.details) : result.error;
      if (error.code === 'INTEGRATOR_AUTH_FAILED') this.refuse(error);
      throw error;
    }
    if (childText(result.response, 'return') === 'false') {
      const error = authError(ctx, 'wsLogin returned false');
      this.refuse(error);
      throw error;
    }
    if (this.cookies.size === 0) throw badResponse(ctx, 'wsLogin answered without a session cookie', false);
    this.generation += 1;
    if (this.options.sessionPool) {
      this.options.sessionPool.opened(this.poolKey, this.cookies);
      this.pooled = true;
    }
    logger.debug('eFinans wsLogin', { cookies: [...this.cookies.keys()] });
  }

  private request(call: SoapCall, ctx: CallContext, withToken: boolean): { body: Buffer; headers: Record<string, string> } {
    const { user, password } = this.options.credentials;
    let envelope: string;
    try {
      envelope = buildEnvelope({
        namespace: call.namespace,
        operation: call.operation,
        params: call.params,
        ...(withToken ? { usernameToken: { username: user, password } } : {}),
      });
    } catch (e) {
      if (!(e instanceof SoapBuildError)) throw e;
      // The value itself stays out of the error: it may be the password.
      throw new KonnektorError('INPUT_INVALID', `${call.operation}: ${e.message}`, { ...ctx, field: e.field });
    }
    const body = Buffer.from(envelope, 'utf8');
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      Accept: 'text/xml',
      SOAPAction: '""',
    };
    if (this.mode === 'wsLogin' && this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return { body, headers };
  }

  /** One HTTP exchange; never throws a KonnektorError, returns it. */
  private async attempt(call: SoapCall, ctx: CallContext, withToken: boolean): Promise<Attempt> {
    const { body, headers } = this.request(call, ctx, withToken);
    await this.options.limiter?.acquire();
    const started = Date.now();
    let reply;
    try {
      reply = await this.options.transport.post(call.url, body, headers, ctx);
    } catch (e) {
      if (isKonnektorError(e)) {
        logger.warn('eFinans call failed', { operation: call.operation, code: e.code, reason: e.details.reason, ms: Date.now() - started });
        return { ok: false, error: e, authClass: false };
      }
      throw e;
    }
    if (this.mode === 'wsLogin') this.keepCookies(reply.headers['set-cookie']);
    logger.debug('eFinans call', { operation: call.operation, status: reply.status, requestBytes: body.length, responseBytes: reply.body.length, ms: Date.now() - started });
    const result = this.interpret(reply.status, reply.body, call.operation, ctx, reply.headers.location);
    if (!result.ok) logger.info('eFinans refused a call', { operation: call.operation, code: result.error.code, status: reply.status, faultstring: result.error.details.faultstring });
    return result;
  }

  /** One streamed exchange: a 2xx answer goes to the sink as it arrives; anything else is read and interpreted. */
  private async attemptStream(call: SoapCall, ctx: CallContext, withToken: boolean, sink: () => Writable, options: StreamOptions): Promise<Outcome<StreamedReturn>> {
    const { body, headers } = this.request(call, ctx, withToken);
    await this.options.limiter?.acquire();
    const started = Date.now();
    try {
      const reply = await this.options.transport.postStream(call.url, body, headers, ctx, options);
      if (this.mode === 'wsLogin') this.keepCookies(reply.headers['set-cookie']);
      if (reply.status < 200 || reply.status >= 300) {
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of reply.body as AsyncIterable<Buffer>) {
          if (size < MAX_ERROR_BODY) chunks.push(chunk);
          size += chunk.length;
        }
        const result = this.interpret(reply.status, Buffer.concat(chunks), call.operation, ctx, reply.headers.location);
        return result.ok ? { ok: false, error: badResponse(ctx, `HTTP ${reply.status} with an answer`, false), authClass: false } : result;
      }
      const streamed = await streamReturnTo(reply.body, sink(), { operation: call.operation, maxBytes: this.options.transport.maxResponseBytes });
      logger.debug('eFinans streamed call', { operation: call.operation, status: reply.status, bytes: streamed.bytes, ms: Date.now() - started });
      if (streamed.fault) {
        const cls = classifyFault(streamed.fault);
        return { ok: false, error: faultError(streamed.fault, ctx, reply.status, cls), authClass: AUTH_CLASSES.has(cls) };
      }
      return { ok: true, response: streamed };
    } catch (e) {
      if (e instanceof StreamedReturnError) return { ok: false, error: badResponse(ctx, e.message, e.transient), authClass: false };
      if (isKonnektorError(e)) {
        logger.warn('eFinans streamed call failed', { operation: call.operation, code: e.code, reason: e.details.reason, ms: Date.now() - started });
        return { ok: false, error: e, authClass: false };
      }
      throw e;
    }
  }

  private interpret(status: number, raw: Buffer, operation: string, ctx: CallContext, location: string | undefined): Attempt {
    const text = raw.toString('utf8').replace(/^\uFEFF/, '');
    let bodyEl: Element | undefined;
    let parseProblem: string | undefined;
    try {
      bodyEl = parseEnvelope(text);
    } catch (e) {
      if (!(e instanceof SoapParseError)) throw e;
      parseProblem = e.message;
    }
    const fault = bodyEl ? readFault(bodyEl) : undefined;
    if (fault) {
      const cls = classifyFault(fault);
      return { ok: false, error: faultError(fault, ctx, status, cls), authClass: AUTH_CLASSES.has(cls) };
    }
    if (status === 401 || status === 403) {
      return { ok: false, error: authError(ctx, `HTTP ${status}`, { status }), authClass: true };
    }
    if (status < 200 || status >= 300) {
      // A redirect to a login page is how a servlet container often says the session is gone.
      const toLogin = status >= 300 && status < 400 && /login/i.test(location ?? '');
      return { ok: false, error: httpError(status, ctx, text.slice(0, 200).replace(/\s+/g, ' ').trim()), authClass: toLogin && this.mode === 'wsLogin' };
    }
    if (!bodyEl) {
      // Garbled or cut: an infrastructure hiccup more often than a protocol change.
      return { ok: false, error: badResponse(ctx, parseProblem ?? 'no SOAP envelope', true, { status }), authClass: false };
    }
    const response = responseElement(bodyEl, operation);
    if (!response) {
      return { ok: false, error: badResponse(ctx, `the SOAP body holds no ${operation}Response`, false, { status }), authClass: false };
    }
    return { ok: true, response };
  }

  private keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
