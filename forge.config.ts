import { AutoUnpackNativesPlugin } from '@electron-forge/plugin-auto-unpack-natives';
import { MakerDeb } from '@electron-forge/maker-deb';
import { MakerSquirrel } from '@electron-forge/maker-squirrel';
import { MakerZIP } from '@electron-forge/maker-zip';
import type { ForgeConfig } from '@electron-forge/shared-types';

/**
 * Packaging for Windows (Squirrel) and Linux (zip, deb). Native modules (better-sqlite3, later pkcs11js) are
 * unpacked from the asar so they load in the packaged app; the GİB reference package ships as an extra resource.
 */
const config: ForgeConfig = {
  packagerConfig: {
    name: 'Konnektor',
    executableName: 'konnektor',
    asar: true,
    extraResource: ['../shared/reference/gib'],
  },
  rebuildConfig: { onlyModules: ['better-sqlite3'] },
  makers: [
    new MakerSquirrel({ name: 'Konnektor', setupExe: 'KonnektorSetup.exe' }),
    new MakerZIP({}, ['linux', 'win32']),
    new MakerDeb({ options: { name: 'konnektor', productName: 'Konnektör', categories: ['Office'] } }),
  ],
  plugins: [new AutoUnpackNativesPlugin({})],
};

export default config;
