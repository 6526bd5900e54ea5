import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StartupProgress, startingApi, type KonnektorApi } from '../core/api';
import { clockFromEnv, startRuntime, type Runtime } from '../runtime/runtime';
import { startBrowserServer, type BrowserServer } from './browser';
import { printResult, type Output } from './output';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const RENDERER_DIST = path.join(ROOT, 'dist', 'renderer');

interface StartOptions {
  home: string;
  out: Output;
  /** `browser` never looks for Electron (headless servers, tests). */
  mode?: 'auto' | 'browser';
  port?: number;
}

/** The Electron executable when its binary was installed; undefined under ELECTRON_SKIP_BINARY_DOWNLOAD. */
export function electronBinary(): string | undefined {
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown;
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : undefined;
  } catch {
    return undefined;
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const f of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const st = fs.statSync(path.join(dir, f));
    if (st.isFile()) newest = Math.max(newest, st.mtimeMs);
  }
  return newest;
}

/** Builds the renderer when there is no build yet or the sources are newer than it. */
export async function ensureRendererBuilt(outDir = RENDERER_DIST): Promise<string> {
  const index = path.join(outDir, 'index.html');
  const sources = path.join(ROOT, 'renderer');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= newestMtime(sources)) return outDir;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** The sandboxed preload (one CommonJS file) the desktop window loads. */
export async function ensurePreloadBuilt(): Promise<string> {
  const file = path.join(ROOT, 'dist', 'electron', 'preload.cjs');
  const source = path.join(ROOT, 'electron', 'preload.ts');
  if (fs.existsSync(file) && fs.statSync(file).mtimeMs >= fs.statSync(source).mtimeMs) return file;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'electron', 'vite.config.ts'), logLevel: 'warn' });
  return file;
}

/** Browser mode serves the renderer and the API on 127.0.0.1 (the API may still be starting: see core/api/startup). */
export async function serveBrowserMode(api: KonnektorApi, port?: number): Promise<BrowserServer> {
  const staticDir = await ensureRendererBuilt();
  return startBrowserServer({ api, staticDir, ...(port !== undefined ? { port } : {}) });
}

function envNumber(name: string): number | undefined {
  const v = process.env[name];
  return v === undefined || v === '' ? undefined : Number(v);
}

/**
 * `npm start`: the desktop app when the Electron binary is present, otherwise browser mode — the same screens and
 * API at a loopback URL. Without saved settings the embedded demo comes up (demo databases, sandbox, demo login).
 */
export async function runStart({ home, out, mode = 'auto', port }: StartOptions): Promise<void> {
  const electron = mode === 'auto' ? electronBinary() : undefined;
  if (electron) {
    await ensurePreloadBuilt();
    await ensureRendererBuilt();
    const child = spawn(electron, [path.join(ROOT, 'electron', 'desktop.mjs')], { stdio: 'inherit', env: { ...process.env, KONNEKTOR_HOME: home } });
    await new Promise<void>((resolve) => child.on('exit', () => resolve()));
    return;
  }
  const now = clockFromEnv(process.env.KONNEKTOR_NOW);
  const stepMs = envNumber('KONNEKTOR_SANDBOX_STEP_MS');
  const demoYear = envNumber('KONNEKTOR_DEMO_YEAR');
  // Progress goes to the terminal as it happens (never silent for a minute) and to the window through app.startup.
  const say = (line: string) => {
    if (!out.json) process.stdout.write(`${line}\n`);
  };
  const progress = new StartupProgress(say);
  say('Konnektör başlatılıyor…');
  const starting = startRuntime({
    home,
    progress,
    ...(now ? { now } : {}),
    ...(stepMs !== undefined ? { sandboxStepMs: stepMs } : {}),
    ...(demoYear !== undefined ? { demoYear } : {}),
    ...(process.env.KONNEKTOR_INTEGRATOR ? { integrator: process.env.KONNEKTOR_INTEGRATOR } : {}),
  });
  starting.then(
    () => progress.finish(),
    (e: unknown) => progress.finish(e),
  );
  let server: BrowserServer | undefined;
  let runtime: Runtime | undefined;
  try {
    server = await serveBrowserMode(startingApi(starting.then((r) => r.api as KonnektorApi), progress), port ?? envNumber('KONNEKTOR_PORT'));
    say(`  Adres: ${server.url}  (sayfa açılışta hazırlık adımlarını gösterir)`);
    runtime = await starting;
    printResult(out, { url: server.url, home, logs: runtime.logDir, ...(runtime.demo ? { demo: runtime.demo } : {}) }, () =>
      [
        'Konnektör tarayıcı modunda çalışıyor (Electron bulunamadı).',
        `  Adres: ${server!.url}`,
        ...(runtime!.demo
          ? [
              `  Örnek giriş: kullanıcı ${runtime!.demo.user} / şifre ${runtime!.demo.password} (e-Fatura, Logo, firma 002)`,
              `  eFinans deneme sunucusu (sandbox): ${runtime!.demo.sandbox}`,
              `  Sandbox yönetici anahtarı (hata senaryoları, POST /admin/faults): ${runtime!.sandbox?.describe().adminToken ?? '—'}`,
              `  Örnek veri tabanları: ${runtime!.demo.server}`,
            ]
          : []),
        `  Günlük dosyaları: ${runtime!.logDir}`,
        'Durdurmak için Ctrl+C.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await server?.close();
    await (runtime ?? (await starting.catch(() => undefined)))?.close();
  }
}
