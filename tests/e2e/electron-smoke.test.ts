import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { electronBinary, ensurePreloadBuilt } from '../../cli/start';

const binary = electronBinary();

/**
 * The real desktop app through Playwright's Electron driver. It needs the Electron binary, which installs skipped
 * here (ELECTRON_SKIP_BINARY_DOWNLOAD=1): without it the test reports itself skipped; everything it would cover
 * short of the real window runs in browser mode and in tests/unit/electron-main.test.ts.
 */
describe('Electron smoke test', () => {
  it.skipIf(!binary)('opens the login window with the isolated preload bridge', async () => {
    const { _electron } = await import('playwright-core');
    await ensurePreloadBuilt();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-electron-smoke-'));
    const app = await _electron.launch({
      executablePath: binary!,
      args: [path.resolve(__dirname, '../../electron/desktop.mjs'), '--no-sandbox'],
      env: { ...process.env, KONNEKTOR_HOME: home, KONNEKTOR_DEMO: 'off' },
    });
    try {
      const window = await app.firstWindow();
      await window.getByRole('button', { name: 'Giriş', exact: true }).waitFor({ timeout: 30_000 });
      expect(window.url()).toMatch(/^app:\/\/konnektor\//);
      expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await window.evaluate(() => Object.keys((globalThis as { konnektor?: object }).konnektor ?? {}))).toEqual(['invoke']);
    } finally {
      await app.close();
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
