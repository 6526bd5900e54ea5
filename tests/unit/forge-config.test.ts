import { describe, expect, it } from 'vitest';
import config, { PACKAGE_IGNORE } from '../../forge.config';

describe('packaging (electron-forge)', () => {
  it('makes Squirrel for Windows and zip/deb for Linux', () => {
    const makers = (config.makers ?? []) as { name: string; platforms?: string[] | null; platformsToMakeOn?: string[] }[];
    const names = makers.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['squirrel', 'zip', 'deb']));
    expect(makers.find((m) => m.name === 'zip')!.platforms).toEqual(['linux', 'win32']);
  });

  it('keeps native modules loadable (rebuilt for Electron, unpacked from the asar) and ships node_modules for knex’s dialects', () => {
    expect(config.rebuildConfig?.onlyModules).toEqual(expect.arrayContaining(['better-sqlite3', 'pkcs11js']));
    const asar = config.packagerConfig?.asar as { unpack: string };
    expect(asar.unpack).toContain('better-sqlite3');
    expect(asar.unpack).toContain('pkcs11js');
    const ignored = (p: string) => PACKAGE_IGNORE.some((re) => re.test(p));
    for (const kept of ['/node_modules/knex/lib/index.js', '/node_modules/tedious/package.json', '/node_modules/better-sqlite3/build/Release/better_sqlite3.node', '/electron/desktop.mjs', '/dist/renderer/index.html', '/core/api/index.ts']) {
      expect(ignored(kept), kept).toBe(false);
    }
    for (const dropped of ['/tests/e2e/harness.ts', '/bench/send.ts', '/out/e2e/01-login.png']) expect(ignored(dropped), dropped).toBe(true);
    expect(config.hooks?.generateAssets).toBeTypeOf('function');
  });
});
