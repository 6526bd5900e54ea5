import http from 'node:http';
import https from 'node:https';
import type { Readable } from 'node:stream';
import { KonnektorError } from '../errors';

/**
 * One HTTP POST to an eFinans service: keep-alive agents, one deadline for the whole exchange (connect, send, the
 * complete answer), and the network failures mapped to integrator error codes. No retries here: the outbox decides,
 * from `details.transient`, what is worth another attempt. `details.mayHaveReachedServer` false means the
 * integrator certainly did not get the request (refused, no route); true means it may have processed it.
 */
export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** An answer whose body is read as it arrives (the GİB user list: tens of megabytes of base64). */
export interface HttpStreamReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Readable;
}

export interface StreamOptions {
  /** Longest pause between two pieces of the answer once it has started (default: the transport's timeout). */
  idleTimeoutMs?: number;
}

export interface TransportOptions {
  timeoutMs: number;
  maxResponseBytes: number;
}

/** Which call: goes into every error's details and log line. */
export interface CallContext {
  operation: string;
  endpoint: string;
}

/** The address without credentials or query, for logs and error details. */
export function endpointLabel(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/** Connection never made: the request cannot have reached the integrator. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ENETDOWN']);
/** Certificate or TLS setup problems: a retry in a minute will not fix them, a person has to look. */
const TLS_FAILURE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_OSSL_)/;

export class SoapTransport {
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 8 });

  constructor(private readonly options: TransportOptions) {}

  post(url: URL, body: Buffer, headers: Record<string, string>, ctx: CallContext): Promise<HttpReply> {
    const isHttps = url.protocol === 'https:';
    const controller = new AbortController();
    let timedOut = false;
    let connected = false;
    let answered = false;
    return new Promise<HttpReply>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, this.options.timeoutMs);
      const finish = (error: KonnektorError | undefined, reply?: HttpReply) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(reply!);
      };
      const fail = (e: unknown) => finish(this.networkError(e, ctx, { timedOut, connected, answered }));

      const req = (isHttps ? https : http).request(
        url,
        {
          method: 'POST',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          signal: controller.signal,
          headers: { ...headers, 'Content-Length': String(body.length) },
        },
        (res) => {
          answered = true;
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > this.options.maxResponseBytes) {
              // Settled first: destroying the stream reports an abort of its own.
              finish(
                new KonnektorError('INTEGRATOR_BAD_RESPONSE', `${ctx.operation}: the answer exceeds ${this.options.maxResponseBytes} bytes`, {
                  ...ctx,
                  transient: false,
                  limitBytes: this.options.maxResponseBytes,
                }),
              );
              res.destroy();
              return;
            }
            chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('aborted', () => fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' })));
          res.on('end', () => {
            if (!res.complete) {
              fail(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
              return;
            }
            finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once(isHttps ? 'secureConnect' : 'connect', () => (connected = true));
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  /**
   * The same POST, but the answer's body is handed over as a stream as soon as the status line arrives. The
   * transport's timeout covers connecting and the first byte; after that the answer may take as long as it needs
   * while pieces keep coming (`idleTimeoutMs` between two pieces). Errors while reading arrive on the stream as
   * KonnektorErrors of the same codes as `post`. The reader enforces its own size limit (`maxResponseBytes`).
   */
  postStream(url: URL, body: Buffer, headers: Record<string, string>, ctx: CallContext, options: StreamOptions = {}): Promise<HttpStreamReply> {
    const isHttps = url.protocol === 'https:';
    const controller = new AbortController();
    const state = { timedOut: false, connected: false, answered: false };
    const idleMs = options.idleTimeoutMs ?? this.options.timeoutMs;
    return new Promise<HttpStreamReply>((resolve, reject) => {
      let settled = false;
      const timer = setTimeout(() => {
        state.timedOut = true;
        controller.abort();
      }, this.options.timeoutMs);
      const req = (isHttps ? https : http).request(
        url,
        {
          method: 'POST',
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          signal: controller.signal,
          headers: { ...headers, 'Content-Length': String(body.length) },
        },
        (res) => {
          state.answered = true;
          clearTimeout(timer);
          settled = true;
          // From here on a stalled answer is a timeout of its own; the stream reports it.
          res.setTimeout(idleMs, () => {
            state.timedOut = true;
            res.destroy(this.networkError(new Error(`no data for ${idleMs} ms`), ctx, state));
          });
          res.on('aborted', () => res.destroy(this.networkError(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }), ctx, state)));
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
        },
      );
      req.on('socket', (socket) => {
        if (!socket.connecting) state.connected = true;
        else socket.once(isHttps ? 'secureConnect' : 'connect', () => (state.connected = true));
      });
      req.on('error', (e) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(this.networkError(e, ctx, state));
      });
      req.end(body);
    });
  }

  private networkError(e: unknown, ctx: CallContext, state: { timedOut: boolean; connected: boolean; answered: boolean }): KonnektorError {
    const code = (e as { code?: unknown } | null)?.code;
    const errno = typeof code === 'string' ? code : undefined;
    const message = e instanceof Error ? e.message : String(e);
    if (state.timedOut) {
      return new KonnektorError('INTEGRATOR_TIMEOUT', `${ctx.operation}: no complete answer within ${this.options.timeoutMs} ms`, {
        ...ctx,
        transient: true,
        timeoutMs: this.options.timeoutMs,
        mayHaveReachedServer: state.connected,
      }, { cause: e });
    }
    if (errno && TLS_FAILURE.test(errno)) {
      return new KonnektorError('INTEGRATOR_UNREACHABLE', `${ctx.operation}: TLS failure (${errno}): ${message}`, {
        ...ctx,
        transient: false,
        reason: 'tls',
        errno,
        mayHaveReachedServer: false,
      }, { cause: e });
    }
    const notConnected = errno !== undefined && NOT_CONNECTED.has(errno);
    const reason = notConnected ? (errno === 'ECONNREFUSED' ? 'refused' : 'no-route') : state.answered ? 'dropped-during-answer' : 'dropped';
    return new KonnektorError('INTEGRATOR_UNREACHABLE', `${ctx.operation}: ${errno ?? 'network error'}: ${message}`, {
      ...ctx,
      transient: true,
      reason,
      ...(errno ? { errno } : {}),
      mayHaveReachedServer: !notConnected && state.connected,
    }, { cause: e });
  }

  get maxResponseBytes(): number {
    return this.options.maxResponseBytes;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
