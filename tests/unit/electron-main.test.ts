import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INVOKE_CHANNEL } from '../../electron/ipc';
import { APP_ORIGIN, hardenContents, isAppUrl, rendererResponse, runDesktopApp, windowOptions, type ElectronModules } from '../../electron/main';
import { createDesktopVault } from '../../electron/vault';

type Listener = (...args: unknown[]) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: (() => { action: string }) | undefined;
  let permission: ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
  return {
    listeners,
    open: () => openHandler!(),
    permission: (p: string) => new Promise<boolean>((resolve) => permission!(null, p, resolve)),
    contents: {
      on: (name: string, fn: Listener) => void listeners.set(name, fn),
      setWindowOpenHandler: (fn: () => { action: string }) => void (openHandler = fn),
      session: { setPermissionRequestHandler: (fn: typeof permission) => void (permission = fn) },
    },
  };
}

describe('Electron main process (electron mocked, no binary needed)', () => {
  const homes: string[] = [];
  afterEach(() => {
    for (const h of homes.splice(0)) fs.rmSync(h, { recursive: true, force: true });
    delete process.env.KONNEKTOR_HOME;
    delete process.env.KONNEKTOR_DEMO;
  });

  it('opens the renderer isolated: contextIsolation and sandbox on, nodeIntegration off, no webviews', () => {
    const prefs = windowOptions('/x/preload.cjs').webPreferences!;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, webviewTag: false, preload: '/x/preload.cjs' });
  });

  it('blocks navigation away from the app, new windows, webviews and permission requests', async () => {
    const f = fakeContents();
    hardenContents(f.contents as never);
    expect(f.open()).toEqual({ action: 'deny' });
    const nav = { preventDefault: vi.fn() };
    f.listeners.get('will-navigate')!(nav, 'https://evil.example/');
    expect(nav.preventDefault).toHaveBeenCalledOnce();
    const own = { preventDefault: vi.fn() };
    f.listeners.get('will-navigate')!(own, `${APP_ORIGIN}/index.html`);
    expect(own.preventDefault).not.toHaveBeenCalled();
    const webview = { preventDefault: vi.fn() };
    f.listeners.get('will-attach-webview')!(webview);
    expect(webview.preventDefault).toHaveBeenCalledOnce();
    expect(await f.permission('media')).toBe(false);
    expect(isAppUrl('app://konnektor.evil/')).toBe(false);
  });

  it('serves only the renderer folder, with the strict CSP', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-renderer-'));
    homes.push(dir);
    fs.writeFileSync(path.join(dir, 'index.html'), '<html></html>');
    const ok = rendererResponse(`${APP_ORIGIN}/index.html`, dir);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('Content-Security-Policy')).toContain("script-src 'self'");
    expect(rendererResponse(`${APP_ORIGIN}/..%2F..%2Fetc%2Fpasswd`, dir).status).toBe(404);
  });

  it('registers the one IPC handler over core/api, keeps secrets in safeStorage and loads app://konnektor', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-electron-'));
    homes.push(home);
    process.env.KONNEKTOR_HOME = home;
    process.env.KONNEKTOR_DEMO = 'off';
    const handlers = new Map<string, (...a: unknown[]) => Promise<unknown>>();
    const appEvents = new Map<string, Listener>();
    const loaded: string[] = [];
    let created: unknown;
    class FakeWindow {
      constructor(options: unknown) {
        created = options;
      }
      once() {}
      async loadURL(url: string) {
        loaded.push(url);
      }
    }
    const electron = {
      app: { on: (n: string, fn: Listener) => void appEvents.set(n, fn), whenReady: async () => undefined, getPath: () => home, quit: vi.fn() },
      BrowserWindow: FakeWindow,
      ipcMain: { handle: (ch: string, fn: never) => void handlers.set(ch, fn) },
      protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
      safeStorage: {
        isEncryptionAvailable: () => true,
        getSelectedStorageBackend: () => 'gnome_libsecret',
        encryptString: (s: string) => Buffer.from(`enc:${Buffer.from(s).toString('base64')}`),
        decryptString: (b: Buffer) => Buffer.from(b.toString().slice(4), 'base64').toString(),
      },
      session: { defaultSession: {} },
    } as unknown as ElectronModules;
    const { runtime } = await runDesktopApp(electron);
    try {
      expect([...handlers.keys()]).toEqual([INVOKE_CHANNEL]);
      expect(loaded).toEqual([`${APP_ORIGIN}/index.html`]);
      expect((created as { webPreferences: { sandbox: boolean } }).webPreferences.sandbox).toBe(true);
      const reply = await handlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: `${APP_ORIGIN}/index.html` } }, 'session.defaults', { module: 'efatura' });
      expect(reply).toMatchObject({ ok: true, value: { module: 'efatura' } });
      const refused = await handlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: 'https://evil.example' } }, 'session.defaults', { module: 'efatura' });
      expect(refused).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
      const invalid = await handlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: `${APP_ORIGIN}/` } }, 'session.login', { module: 'efatura', user: 1 });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
    } finally {
      await runtime.close();
    }
  });

  it('uses the 0600 file key where safeStorage has no keyring (basic_text)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-vault-'));
    homes.push(home);
    const plain = { isEncryptionAvailable: () => true, getSelectedStorageBackend: () => 'basic_text', encryptString: vi.fn(), decryptString: vi.fn() };
    const vault = createDesktopVault(home, plain as never);
    await vault.put('integrator:x', 'gizli-şifre');
    expect(plain.encryptString).not.toHaveBeenCalled();
    expect(await vault.get('integrator:x')).toBe('gizli-şifre');
    if (process.platform !== 'win32') expect(fs.statSync(path.join(home, 'vault', 'vault.key')).mode & 0o777).toBe(0o600);
  });
});
