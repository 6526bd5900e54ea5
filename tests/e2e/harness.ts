import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startBrowserServer, type BrowserServer } from '../../cli/browser';
import { RENDERER_DIST } from '../../cli/start';
import { clockFromEnv, startRuntime, type Runtime } from '../../runtime/runtime';

/**
 * Browser mode end to end: a temp Konnektör home with the embedded demo (demo databases + sandbox), the real
 * browser bridge, and Debian's chromium driven by playwright-core. Reused by every e2e test file.
 */
export const CHROMIUM = process.env.KONNEKTOR_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '../../out/e2e');

export interface AppHarnessOptions {
  /** Like KONNEKTOR_NOW: the app's clock starts there (e.g. '2027-01-05T09:00:00+03:00'). */
  now?: string;
  /** Status step of the sandbox; small so documents reach a final state within seconds. */
  sandboxStepMs?: number;
  demoYear?: number;
  /** Reuse a home (e.g. a second start of the same installation). */
  home?: string;
  /** The browser's language and time zone (the screens must stay Turkish whatever they are). */
  locale?: string;
  timezoneId?: string;
}

export interface AppHarness {
  home: string;
  runtime: Runtime;
  server: BrowserServer;
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot under out/e2e/<name>.png (CI keeps the folder as an artifact). */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM);
}

export async function startApp(options: AppHarnessOptions = {}): Promise<AppHarness> {
  // Not a skip: without the browser the end-to-end tests fail and say why (.ci/run installs Debian's chromium).
  if (!chromiumAvailable()) throw new Error(`No chromium at ${CHROMIUM}: apt-get install chromium, or set KONNEKTOR_CHROMIUM`);
  const home = options.home ?? fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-e2e-'));
  const now = clockFromEnv(options.now);
  const runtime = await startRuntime({
    home,
    sandboxStepMs: options.sandboxStepMs ?? 150,
    ...(now ? { now } : {}),
    ...(options.demoYear ? { demoYear: options.demoYear } : {}),
  });
  const server = await startBrowserServer({ api: runtime.api, staticDir: RENDERER_DIST });
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...(options.locale ? [`--lang=${options.locale}`] : []), '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
    ...(options.locale ? { locale: options.locale } : {}),
    ...(options.timezoneId ? { timezoneId: options.timezoneId } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(server.url);
  return {
    home,
    runtime,
    server,
    context,
    page,
    async screenshot(name) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      const file = path.join(ARTIFACTS, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      await server.close();
      await runtime.close();
      fs.rmSync(profileDir, { recursive: true, force: true });
      if (!options.home) fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Fills the login form the way a user does (module, credentials, ERP fields) and presses "Giriş". */
export async function login(
  page: Page,
  o: { module?: string; user: string; password: string; staff?: boolean; firm?: string; period?: string; database?: string },
): Promise<void> {
  await page.getByRole('radio', { name: o.module ?? 'e-Fatura', exact: true }).check();
  await page.locator('input[name="user"]').fill(o.user);
  await page.locator('input[name="password"]').fill(o.password);
  const staff = page.locator('input[name="staff"]');
  if (o.staff) await staff.check();
  else await staff.uncheck();
  if (o.database !== undefined) await page.locator('input[name="database"]').fill(o.database);
  if (o.firm !== undefined) await page.locator('input[name="firm"]').fill(o.firm);
  if (o.period !== undefined) await page.locator('input[name="period"]').fill(o.period);
  await page.getByRole('button', { name: 'Giriş', exact: true }).click();
}
