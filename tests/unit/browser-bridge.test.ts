import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
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

describe('browser-mode bridge: what every answer says and carries', () => {
  let server: BrowserServer;
  let dir: string;
  const api = { 'session.defaults': vi.fn(async () => ({ demo: true })) } as unknown as KonnektorApi;
  const host = () => ({ host: `127.0.0.1:${server.port}` });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-static-'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Konnektör</title>');
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'assets', 'app.css'), 'body{}');
    fs.writeFileSync(path.join(dir, 'assets', 'data.bin'), Buffer.from([1, 2, 3]));
    server = await startBrowserServer({ api, staticDir: dir });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const SAFETY = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
  const refusal = (r: { status: number; headers: http.IncomingHttpHeaders; body: string }, status: number, code: string, detail: string | RegExp) => {
    expect(r.status).toBe(status);
    expect(r.headers).toMatchObject({ ...SAFETY, 'content-type': 'application/json' });
    const body = JSON.parse(r.body) as { ok: boolean; error: { code: string; message: string; detail: string } };
    expect(body).toMatchObject({ ok: false, error: { code, message: 'Bu adres Konnektör’e bağlanamaz.' } });
    expect(body.error.detail).toMatch(detail);
  };
  const api_ = (headers: Record<string, string>, body = JSON.stringify({ method: 'session.defaults', input: {} }), method = 'POST') =>
    request(server.port, { method, path: '/api/invoke', headers: { 'content-type': 'application/json', ...host(), 'x-konnektor-token': server.token, ...headers }, body });

  it('refuses with a stable code, a Turkish message and the reason in the detail, with the safety headers', async () => {
    refusal(await api_({ host: `evil.example:${server.port}` }), 421, 'BRIDGE_FORBIDDEN', `Host evil.example:${server.port} is not this listener`);
    refusal(await api_({ origin: 'null' }), 403, 'BRIDGE_FORBIDDEN', 'Origin null is not this listener');
    refusal(await api_({ 'x-konnektor-token': '' }), 401, 'BRIDGE_FORBIDDEN', 'Missing or wrong bridge token');
    refusal(await api_({ 'x-konnektor-token': `${server.token}x` }), 401, 'BRIDGE_FORBIDDEN', 'Missing or wrong bridge token');
    refusal(await api_({ 'x-konnektor-token': server.token.slice(0, -1) + (server.token.endsWith('A') ? 'B' : 'A') }), 401, 'BRIDGE_FORBIDDEN', 'Missing or wrong bridge token');
    refusal(await api_({ 'content-type': 'text/plain' }), 415, 'INPUT_INVALID', 'JSON only');
    refusal(await api_({ 'content-type': 'text/plain; x=application/json' }), 415, 'INPUT_INVALID', 'JSON only');
    refusal(await api_({}, '{"method":'), 400, 'INPUT_INVALID', 'Body is not JSON');
    expect(api['session.defaults']).not.toHaveBeenCalled();
  });

  it('answers the API with JSON that is never cached, and only to POST', async () => {
    const ok = await api_({ 'content-type': 'Application/JSON; charset=utf-8' });
    expect(ok.status).toBe(200);
    expect(ok.headers).toMatchObject({ ...SAFETY, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    expect(JSON.parse(ok.body)).toEqual({ ok: true, value: { demo: true } });
    const get = await api_({}, '', 'GET');
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect(get.body).toBe('POST only');
    expect(get.headers['content-type']).toBe('text/plain');
    // No content type at all is not JSON either.
    const untyped = await request(server.port, { method: 'POST', path: '/api/invoke', headers: { ...host(), 'x-konnektor-token': server.token }, body: '{}' });
    expect(untyped.status).toBe(415);
    // A request without any Host (HTTP/1.0) is not for this listener.
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.end('GET / HTTP/1.0\r\n\r\n'));
      let text = '';
      socket.on('data', (c) => (text += c));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.[01] 421 /);
    // A JSON body that is not a call object is the IPC handler's to refuse, not a crash.
    for (const body of ['null', '7', '"x"', '[]']) expect(JSON.parse((await api_({}, body)).body)).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
  });

  it('serves the renderer’s files with their types, the page uncached and assets cached', async () => {
    const page = await request(server.port, { path: '/', headers: host() });
    expect(page.headers).toMatchObject({ ...SAFETY, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    expect(page.body).toContain('<title>Konnektör</title>');
    const js = await request(server.port, { path: '/assets/app.js', headers: host() });
    expect(js.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'max-age=3600' });
    expect(js.headers['content-security-policy']).toContain("script-src 'self'");
    expect(js.body).toBe('console.log(1)');
    expect((await request(server.port, { path: '/assets/app.css', headers: host() })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(server.port, { path: '/assets/data.bin', headers: host() })).headers['content-type']).toBe('application/octet-stream');
    expect((await request(server.port, { path: '/%2F%2Fassets%2Fapp.js', headers: host() })).body).toBe('console.log(1)');
    // Anything that is not a file is the single-page app: its routes, a folder, a missing file.
    for (const p of ['/belgeler', '/assets', '/assets/', '/no/such/file.js']) {
      const r = await request(server.port, { path: p, headers: host() });
      expect({ p, status: r.status, type: r.headers['content-type'], body: r.body }).toEqual({ p, status: 200, type: 'text/html; charset=utf-8', body: '<!doctype html><title>Konnektör</title>' });
    }
    // `/.` is the folder itself: the app, not a refusal.
    expect((await request(server.port, { path: '/%2E', headers: host() })).body).toBe('<!doctype html><title>Konnektör</title>');
    for (const [file, type] of [
      ['i.svg', 'image/svg+xml'],
      ['i.png', 'image/png'],
      ['f.ico', 'image/x-icon'],
      ['m.json', 'application/json; charset=utf-8'],
      ['f.woff2', 'font/woff2'],
    ] as const) {
      fs.writeFileSync(path.join(dir, 'assets', file), 'x');
      expect({ file, type: (await request(server.port, { path: `/assets/${file}`, headers: host() })).headers['content-type'] }).toEqual({ file, type });
    }
    expect((await request(server.port, { method: 'HEAD', path: '/', headers: host() })).status).toBe(200);
    const post = await request(server.port, { method: 'POST', path: '/', headers: host() });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET');
    expect(post.headers['content-type']).toBe('text/plain');
    expect(post.body).toBe('GET only');
    for (const p of ['/..%2F..%2Fetc%2Fpasswd', '/assets/..%2F..%2F..%2Fetc%2Fhostname', '/..%2F' + path.basename(dir) + 'x%2Findex.html']) {
      const r = await request(server.port, { path: p, headers: host() });
      expect(r.status).toBe(404);
      expect(r.body).toBe('not found');
      expect(r.headers['content-type']).toBe('text/plain');
    }
  });

  it('says the renderer is not built when its folder is empty', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-static-empty-'));
    const bare = await startBrowserServer({ api, staticDir: empty });
    try {
      const r = await request(bare.port, { path: '/', headers: { host: `localhost:${bare.port}` } });
      expect(r.status).toBe(503);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.body).toMatch(/^Renderer is not built/);
    } finally {
      await bare.close();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('listens on the port asked for, with a token given or a fresh one each run', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const fixed = await startBrowserServer({ api, staticDir: dir, port, token: 'a-token-of-the-caller-0123456789' });
    const other = await startBrowserServer({ api, staticDir: dir });
    try {
      expect(fixed.port).toBe(port);
      expect(fixed.token).toBe('a-token-of-the-caller-0123456789');
      expect(fixed.origin).toBe(`http://127.0.0.1:${port}`);
      expect(other.token).not.toBe(server.token);
      expect(other.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      // A token of one run opens nothing on another.
      const r = await request(other.port, { method: 'POST', path: '/api/invoke', headers: { host: `127.0.0.1:${other.port}`, 'content-type': 'application/json', 'x-konnektor-token': server.token }, body: '{}' });
      expect(r.status).toBe(401);
      // Only the loopback: from this machine's other addresses (when it has one) nothing answers.
      const outside = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
      if (outside) {
        const reached = await new Promise<string>((resolve) => {
          const req = http.request({ host: outside.address, port: fixed.port, path: '/', timeout: 3000 }, () => resolve('answered'));
          req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
          req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
          req.end();
        });
        expect(reached).not.toBe('answered');
      }
      // A port in use is an error, not a silent other port.
      await expect(startBrowserServer({ api, staticDir: dir, port })).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await fixed.close();
      await other.close();
    }
  });
});
