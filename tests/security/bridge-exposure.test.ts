import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserServer, type BrowserServer } from '../../cli/browser';
import type { KonnektorApi } from '../../core/api';
import { SCREEN_METHODS } from '../../core/api/bridge';
import { apiSchemas } from '../../core/api/schemas';
import { INVOKE_CHANNEL, registerKonnektorIpc } from '../../electron/ipc';
import { handleInvoke } from '../../runtime/invoke';

/**
 * The bridges (Electron IPC, browser mode's HTTP bridge) answer exactly the methods the screens call. Everything
 * else of core/api — the demo set-up, GİB package installs, CLI sends, receipt cancellations — is the CLI's, which
 * calls core directly; from a page it is BRIDGE_METHOD_NOT_EXPOSED and never runs.
 */
const ROOT = path.resolve(__dirname, '../..');

/** The method names the renderer's code passes to `invoke`, read from its sources. */
function rendererCalls(): { methods: Set<string>; dynamic: string[] } {
  const methods = new Set<string>();
  const dynamic: string[] = [];
  const dir = path.join(ROOT, 'renderer');
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((x) => /\.(ts|tsx)$/.test(x))) {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    for (const m of text.matchAll(/\binvoke(?:<[^>]*>)?\(\s*([^,)]*)/g)) {
      const literal = /^'([\w.]+)'$/.exec(m[1]!.trim());
      if (literal) methods.add(literal[1]!);
      else if (f !== 'api.ts') dynamic.push(`${f}: invoke(${m[1]}`);
    }
  }
  return { methods, dynamic };
}

/** An API whose every method records that it ran: the guard must stop a call before any of them. */
const calls: string[] = [];
const api = new Proxy({}, { get: (_t, name) => async () => (calls.push(String(name)), { ran: String(name) }) }) as unknown as KonnektorApi;
const hidden = Object.keys(apiSchemas).filter((m) => !(SCREEN_METHODS as readonly string[]).includes(m));

describe('what the bridges expose', () => {
  it('is exactly what the screens call, named literally', () => {
    const { methods, dynamic } = rendererCalls();
    expect(dynamic).toEqual([]);
    expect([...SCREEN_METHODS].sort()).toEqual([...methods].sort());
    expect(hidden.length).toBeGreaterThan(10);
    for (const m of ['demo.init', 'gib.install', 'documents.send', 'documents.export', 'documents.cancel', 'registry.chooseAlias', 'incoming.answer']) {
      if (Object.hasOwn(apiSchemas, m) && !methods.has(m)) expect(hidden).toContain(m);
    }
  });

  it('refuses every other API method before it runs', async () => {
    calls.length = 0;
    for (const method of hidden) {
      expect([method, await handleInvoke(api, method, {})]).toEqual([method, { ok: false, error: expect.objectContaining({ code: 'BRIDGE_METHOD_NOT_EXPOSED' }) }]);
    }
    expect(calls).toEqual([]);
    expect(await handleInvoke(api, 'session.defaults', {})).toEqual({ ok: true, value: { ran: 'session.defaults' } });
  });

  it('over Electron IPC', async () => {
    const handlers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    registerKonnektorIpc({ handle: (ch: string, fn: never) => void handlers.set(ch, fn) } as never, api, (url) => url.startsWith('app://'));
    const frame = { senderFrame: { url: 'app://konnektor/index.html' } };
    calls.length = 0;
    expect(await handlers.get(INVOKE_CHANNEL)!(frame, 'demo.init', { dir: '/tmp/x' })).toMatchObject({ ok: false, error: { code: 'BRIDGE_METHOD_NOT_EXPOSED' } });
    expect(calls).toEqual([]);
  });

  describe('over the browser-mode HTTP bridge, with the run’s token', () => {
    let server: BrowserServer;
    let dir: string;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-expose-'));
      fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Konnektör</title>');
      server = await startBrowserServer({ api, staticDir: dir });
    });
    afterAll(async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const post = (method: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/invoke', headers: { 'content-type': 'application/json', host: `127.0.0.1:${server.port}`, origin: server.origin, 'x-konnektor-token': server.token } },
          (res) => {
            let body = '';
            res.on('data', (c) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ method, input: {} }));
      });

    it('a non-screen method is refused, a screen method answered', async () => {
      calls.length = 0;
      for (const method of ['demo.init', 'gib.install', 'documents.send'].filter((m) => hidden.includes(m))) {
        expect(JSON.parse((await post(method)).body)).toMatchObject({ ok: false, error: { code: 'BRIDGE_METHOD_NOT_EXPOSED' } });
      }
      expect(calls).toEqual([]);
      expect(JSON.parse((await post('app.startup')).body)).toEqual({ ok: true, value: { ran: 'app.startup' } });
    });
  });
});
