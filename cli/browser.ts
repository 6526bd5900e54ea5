import crypto from 'node:crypto';
import { readRequestBody } from '../core/httpBody';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { KonnektorApi } from '../core/api';
import { logger } from '../core/logging';
import { RENDERER_CSP } from '../runtime/csp';
import { handleInvoke, type InvokeReply } from '../runtime/invoke';

/**
 * Browser mode's bridge: the same renderer and the same core/api as the desktop app, over HTTP on the loopback.
 * It is a thin adapter — every call goes through `handleInvoke`, so validation is the IPC handler's. What the
 * desktop app gets from Electron's isolation, this gets from three checks: a per-run token only the printed URL
 * carries, a Host header naming this very listener (DNS rebinding), and an Origin, when sent, of this listener.
 */
export interface BrowserServerOptions {
  api: KonnektorApi;
  /** The built renderer (vite build output). */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface BrowserServer {
  /** Open this: it carries the token in the fragment, which never reaches the server's logs or a Referer. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const TOKEN_HEADER = 'x-konnektor-token';
const MAX_BODY = 16 * 1024 * 1024;


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}


const refused = (code: string, detail: string): InvokeReply => ({ ok: false, error: { code, message: 'Bu adres Konnektör’e bağlanamaz.', detail } });

export async function startBrowserServer(options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? crypto.randomBytes(24).toString('base64url');
  const staticRoot = path.resolve(options.staticDir);
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();

  const send = (res: http.ServerResponse, status: number, type: string, body: string | Buffer, extra: Record<string, string> = {}) => {
    res.writeHead(status, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Frame-Options': 'DENY',
      ...extra,
    });
    res.end(body);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const host = req.headers.host ?? '';
      if (!allowedHosts.has(host)) {
        logger.warn('browser bridge refused a request for another host', { host });
        return send(res, 421, 'application/json', JSON.stringify(refused('BRIDGE_FORBIDDEN', `Host ${host} is not this listener`)));
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins.has(origin)) {
        logger.warn('browser bridge refused a request from another origin', { origin });
        return send(res, 403, 'application/json', JSON.stringify(refused('BRIDGE_FORBIDDEN', `Origin ${origin} is not this listener`)));
      }
      const url = new URL(req.url ?? '/', `http://${host}`);
      if (url.pathname === '/api/invoke') {
        if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only', { Allow: 'POST' });
        if (!sameToken(req.headers[TOKEN_HEADER] as string | undefined, token)) {
          return send(res, 401, 'application/json', JSON.stringify(refused('BRIDGE_FORBIDDEN', 'Missing or wrong bridge token')));
        }
        if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
          return send(res, 415, 'application/json', JSON.stringify(refused('INPUT_INVALID', 'JSON only')));
        }
        let call: { method?: unknown; input?: unknown };
        try {
          call = JSON.parse((await readRequestBody(req, MAX_BODY)).toString('utf8')) as typeof call;
        } catch {
          return send(res, 400, 'application/json', JSON.stringify(refused('INPUT_INVALID', 'Body is not JSON')));
        }
        const reply = await handleInvoke(options.api, call?.method, call?.input);
        return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(reply), { 'Cache-Control': 'no-store' });
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'GET only', { Allow: 'GET' });
      // Static files of the renderer; anything that is not a file is the single-page app.
      const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      let file = path.resolve(staticRoot, rel || 'index.html');
      if (!file.startsWith(staticRoot + path.sep) && file !== staticRoot) return send(res, 404, 'text/plain', 'not found');
      if (!fs.existsSync(file) || !fs.statSync(file).isFile()) file = path.join(staticRoot, 'index.html');
      if (!fs.existsSync(file)) return send(res, 503, 'text/plain; charset=utf-8', 'Renderer is not built: run npm start again or vite build.');
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      return send(res, 200, type, fs.readFileSync(file), {
        'Content-Security-Policy': RENDERER_CSP,
        'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'max-age=3600',
      });
    })().catch((e: unknown) => {
      logger.error('browser bridge failed', { detail: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error');
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
