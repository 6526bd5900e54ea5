import path from 'node:path';
import { AutoUnpackNativesPlugin } from '@electron-forge/plugin-auto-unpack-natives';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import type { ForgeConfig } from '@electron-forge/shared-types';

/**
 * Packaging for Windows (Squirrel) and Linux (zip, deb).
 *
 * The main process is not bundled: it runs the sources through tsx (electron/desktop.mjs), so stylesheets, schemas
 * and migrations stay next to their modules and knex finds its dialect packages (better-sqlite3, tedious) by a
 * plain require at run time. Native modules (better-sqlite3, pkcs11js for the smart card) are rebuilt for
 * Electron's ABI and unpacked from the asar, since a `.node` file cannot be loaded from inside an archive. Only the
 * renderer and the sandboxed preload are built, by the generateAssets hook.
 */
const NATIVE_MODULES = ['better-sqlite3', 'pkcs11js'];

/** What a customer's installation does not need. */
export const PACKAGE_IGNORE = [/^\/tests\//, /^\/bench\//, /^\/out\//, /^\/\.ci\//, /^\/coverage\//, /^\/\.konnektor\//, /\.sqlite(-wal|-shm)?$/];

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Konnektor',
    executableName: 'konnektor',
    asar: { unpack: `**/node_modules/{${NATIVE_MODULES.join(',')}}/**/*.node` },
    extraResource: ['../shared/reference/gib'],
    ignore: PACKAGE_IGNORE,
  },
  rebuildConfig: { onlyModules: NATIVE_MODULES, force: true },
  makers: [
    new MakerSquirrel({ name: 'Konnektor', setupExe: 'KonnektorSetup.exe' }),
    new MakerZIP({}, ['linux', 'win32']),
    new MakerDeb({ options: { name: 'konnektor', productName: 'Konnektör', categories: ['Office'] } }),
  ],
  plugins: [new AutoUnpackNativesPlugin({})],
  hooks: {
    async generateAssets() {
      const { build } = await import('vite');
      const root = path.dirname(new URL(import.meta.url).pathname);
      await build({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
      await build({ configFile: path.join(root, 'electron', 'vite.config.ts'), logLevel: 'warn' });
    },
  },
};

export default config;
