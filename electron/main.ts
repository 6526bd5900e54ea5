import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { App, BrowserWindow as BrowserWindowType, BrowserWindowConstructorOptions, IpcMain, Protocol, SafeStorage, Session, WebContents } from 'electron';
import { StartupProgress, startingApi, type KonnektorApi } from '../core/api';
import { logger } from '../core/logging';
import { RENDERER_CSP } from '../runtime/csp';
import { clockFromEnv, startRuntime, type Runtime } from '../runtime/runtime';
import { registerKonnektorIpc } from './ipc';
import { createDesktopVault } from './vault';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');
export const PRELOAD = path.join(ROOT, 'dist', 'electron', 'preload.cjs');

/** The renderer's own origin: a privileged custom scheme, so nothing else (file://, http://) counts as the app. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://konnektor`;

export function isAppUrl(url: string): boolean {
  return url === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
}

/** Isolation as ARCHITECTURE.md §4 requires: the renderer is a sandboxed web page with one preload capability. */
export function windowOptions(preload = PRELOAD): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    title: 'Konnektör',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  };
}

/** No navigation away from the app, no new windows, no webviews, no permissions (camera, notifications…). */
export function hardenContents(contents: Pick<WebContents, 'on' | 'setWindowOpenHandler' | 'session'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };

/** Serves the built renderer under app://konnektor/ with the strict CSP; nothing outside the renderer folder. */
export function rendererResponse(url: string, dir = RENDERER_DIR): Response {
  const { pathname } = new URL(url);
  const file = path.resolve(dir, decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html');
  if (!file.startsWith(path.resolve(dir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return new Response('not found', { status: 404 });
  }
  return new Response(fs.readFileSync(file), {
    headers: { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': RENDERER_CSP },
  });
}

/**
 * Previews saved as PDF: the invoice's HTML in a hidden window that runs no script and reaches nothing, printed by
 * Chromium (A4, backgrounds on), then closed.
 */
export function createPdfPrinter(BrowserWindow: typeof BrowserWindowType): (html: string) => Promise<Uint8Array> {
  return async (html) => {
    const win = new BrowserWindow({
      show: false,
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true, images: true },
    });
    try {
      await win.loadURL(`data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`);
      return new Uint8Array(await win.webContents.printToPDF({ printBackground: true, pageSize: 'A4' }));
    } finally {
      win.destroy();
    }
  };
}

export interface ElectronModules {
  app: App;
  BrowserWindow: typeof BrowserWindowType;
  ipcMain: IpcMain;
  protocol: Protocol;
  safeStorage: SafeStorage;
  session: { defaultSession: Session };
}

/** The desktop app: one window over core/api, the single IPC handler, secrets through safeStorage. */
export async function runDesktopApp(electron?: ElectronModules): Promise<{ runtime: Runtime; window: BrowserWindowType }> {
  const e = electron ?? ((await import('electron')) as unknown as ElectronModules);
  const { app, BrowserWindow, ipcMain, protocol, safeStorage } = e;
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  app.on('web-contents-created', (_event, contents) => hardenContents(contents));
  await app.whenReady();
  protocol.handle(APP_SCHEME, (request) => rendererResponse(request.url));

  const home = process.env.KONNEKTOR_HOME ?? app.getPath('userData');
  const now = clockFromEnv(process.env.KONNEKTOR_NOW);
  // The window opens at once and shows the start-up's steps (app.startup) while GİB's rules load or compile.
  const progress = new StartupProgress((line) => logger.info('start-up', { line }));
  const starting = startRuntime({
    home,
    progress,
    vault: createDesktopVault(home, safeStorage),
    printToPdf: createPdfPrinter(BrowserWindow),
    ...(now ? { now } : {}),
    ...(process.env.KONNEKTOR_DEMO === 'off' ? { demo: 'off' as const } : {}),
  });
  starting.then(
    () => progress.finish(),
    (e: unknown) => progress.finish(e),
  );
  registerKonnektorIpc(ipcMain, startingApi(starting.then((r) => r.api as KonnektorApi), progress), isAppUrl);

  const window = new BrowserWindow(windowOptions());
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${APP_ORIGIN}/index.html`);
  const runtime = await starting;
  logger.info('desktop app started', { home, renderer: pathToFileURL(RENDERER_DIR).href });

  let closing = false;
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    void runtime.close().finally(() => app.quit());
  });
  return { runtime, window };
}
