import path from 'node:path';
import type { SafeStorage } from 'electron';
import { EncryptedFileVault, fileKeyCipher, type Vault, type VaultCipher } from '../core/auth';
import { logger } from '../core/logging';

/** Electron's safeStorage: DPAPI on Windows, Keychain on macOS, the desktop keyring (libsecret/kwallet) on Linux. */
export function safeStorageCipher(safeStorage: Pick<SafeStorage, 'encryptString' | 'decryptString'>): VaultCipher {
  return {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (data) => safeStorage.decryptString(data),
  };
}

/**
 * The desktop app's vault in the user data folder. On a Linux desktop without a keyring safeStorage would only
 * obfuscate (`basic_text`), so the 0600 file key of browser mode is used instead.
 */
export function createDesktopVault(
  userData: string,
  safeStorage: Pick<SafeStorage, 'encryptString' | 'decryptString' | 'isEncryptionAvailable'> & { getSelectedStorageBackend?: () => string },
): Vault {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  if (safeStorage.isEncryptionAvailable() && backend !== 'basic_text') {
    return new EncryptedFileVault(path.join(userData, 'vault', 'vault.safe.json'), safeStorageCipher(safeStorage));
  }
  logger.warn('safeStorage has no OS keyring here; secrets use the 0600 file key', { backend });
  const dir = path.join(userData, 'vault');
  return new EncryptedFileVault(path.join(dir, 'vault.json'), fileKeyCipher(path.join(dir, 'vault.key')));
}
