import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../cli/browser';
import type { KonnektorApi } from '../../core/api';

/** Raw requests, so Host and Origin can be anything a hostile page or a rebinding DNS name would send. */
function request(port: number, o: { method?: string; path?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: o.method ?? 'GET', path: o.path ?? '/', headers: o.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

describe('browser-mode bridge on 127.0.0.1', () => {
  let server: BrowserServer;
  let dir: string;
  const api = { 'session.defaults': vi.fn(async () => [{ id: 'logo' }]) } as unknown as KonnektorApi;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-static-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Konnektör</title>');
    server = await startBrowserServer({ api, staticDir: dir });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const invoke = (headers: Record<string, string>, body = JSON.stringify({ method: 'session.defaults', input: {} })) =>
    request(server.port, { method: 'POST', path: '/api/invoke', headers: { 'content-type': 'application/json', host: `127.0.0.1:${server.port}`, ...headers }, body });

  it('prints a loopback URL carrying the per-run token in the fragment', () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[A-Za-z0-9_-]{20,}$`));
  });

  it('answers the API only with the run token', async () => {
    expect((await invoke({})).status).toBe(401);
    expect((await invoke({ 'x-konnektor-token': 'wrong' })).status).toBe(401);
    const ok = await invoke({ 'x-konnektor-token': server.token, origin: server.origin });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: [{ id: 'logo' }] });
  });

  it('refuses another Host (DNS rebinding) and another Origin, even with the token', async () => {
    expect((await invoke({ 'x-konnektor-token': server.token, host: `evil.example:${server.port}` })).status).toBe(421);
    expect((await invoke({ 'x-konnektor-token': server.token, origin: 'https://evil.example' })).status).toBe(403);
  });

  it('refuses Origin null, another loopback port or scheme, and a look-alike host, even with the token', async () => {
    const callsBefore = vi.mocked(api['session.defaults']).mock.calls.length;
    const other = server.port === 65535 ? server.port - 1 : server.port + 1;
    const refusedOrigins = [
      'null', // sandboxed frames, data: and file: pages
      `http://127.0.0.1:${other}`, // another program on this machine
      `http://localhost:${other}`,
      `https://127.0.0.1:${server.port}`,
      `http://127.0.0.2:${server.port}`,
      `http://[::1]:${server.port}`,
      `http://127.0.0.1:${server.port}.evil.example`,
      `http://127.0.0.1`,
      `http://127.0.0.1:${server.port}/`,
      '',
    ];
    for (const origin of refusedOrigins) {
      const r = await invoke({ 'x-konnektor-token': server.token, origin });
      expect({ origin, status: r.status }).toEqual({ origin, status: 403 });
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'BRIDGE_FORBIDDEN' } });
    }
    // The page itself is refused to another origin too, not only the API.
    expect((await request(server.port, { headers: { host: `127.0.0.1:${server.port}`, origin: 'null' } })).status).toBe(403);
    for (const host of [`127.0.0.1:${other}`, `localhost:${other}`, '127.0.0.1', `[::1]:${server.port}`, `127.0.0.1:${server.port}.evil.example`]) {
      const r = await invoke({ 'x-konnektor-token': server.token, host });
      expect({ host, status: r.status }).toEqual({ host, status: 421 });
    }
    // Both names of this very listener are its own.
    for (const name of ['127.0.0.1', 'localhost']) {
      const r = await invoke({ 'x-konnektor-token': server.token, host: `${name}:${server.port}`, origin: `http://${name}:${server.port}` });
      expect({ name, status: r.status }).toEqual({ name, status: 200 });
    }
    expect(api['session.defaults']).toHaveBeenCalledTimes(callsBefore + 2);
  });

  it('validates like the IPC handler: unknown methods and bad bodies are refused', async () => {
    const unknown = await invoke({ 'x-konnektor-token': server.token }, JSON.stringify({ method: '__proto__', input: {} }));
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
    expect((await invoke({ 'x-konnektor-token': server.token }, '{not json')).status).toBe(400);
  });

  it('serves the renderer with the strict CSP and nothing outside its folder', async () => {
    const page = await request(server.port, { headers: { host: `127.0.0.1:${server.port}` } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const escape = await request(server.port, { path: '/..%2F..%2Fetc%2Fpasswd', headers: { host: `127.0.0.1:${server.port}` } });
    expect(escape.body).not.toContain('root:');
  });
});
