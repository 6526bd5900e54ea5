import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KonnektorError } from '../errors';

/**
 * Where passwords live (integrator and ERP): the local store and profiles hold only a reference. The cipher is the
 * platform's: Electron `safeStorage` (DPAPI, Keychain, libsecret) in the desktop app, a 0600 key file in browser
 * mode. Secrets never appear in the store, in logs or in exports.
 */
export interface Vault {
  put(ref: string, secret: string): Promise<void>;
  get(ref: string): Promise<string | undefined>;
  delete(ref: string): Promise<void>;
}

export interface VaultCipher {
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

/** Secrets encrypted one by one with the cipher, kept in one JSON file (ref → base64), written with mode 0600. */
export class EncryptedFileVault implements Vault {
  constructor(
    private readonly file: string,
    private readonly cipher: VaultCipher,
  ) {}

  private read(): Record<string, string> {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new KonnektorError('VAULT_UNAVAILABLE', `Cannot read vault ${this.file}: ${(e as Error).message}`);
    }
  }

  private write(entries: Record<string, string>): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entries), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }

  async put(ref: string, secret: string): Promise<void> {
    const entries = this.read();
    entries[ref] = this.cipher.encrypt(secret).toString('base64');
    this.write(entries);
  }

  async get(ref: string): Promise<string | undefined> {
    const value = this.read()[ref];
    if (value === undefined) return undefined;
    try {
      return this.cipher.decrypt(Buffer.from(value, 'base64'));
    } catch (e) {
      throw new KonnektorError('VAULT_UNAVAILABLE', `Cannot decrypt vault entry ${ref}: ${(e as Error).message}`);
    }
  }

  async delete(ref: string): Promise<void> {
    const entries = this.read();
    if (!(ref in entries)) return;
    delete entries[ref];
    this.write(entries);
  }
}

/**
 * Browser mode has no OS keychain: AES-256-GCM with a random key in a file only the user can read (0600). A key
 * file with wider permissions is refused rather than used, since anyone who can read it can read every password.
 */
export function fileKeyCipher(keyFile: string): VaultCipher {
  let key: Buffer;
  if (fs.existsSync(keyFile)) {
    const mode = fs.statSync(keyFile).mode & 0o777;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new KonnektorError('VAULT_UNAVAILABLE', `Vault key ${keyFile} is readable by others (mode ${mode.toString(8)}); expected 600`);
    }
    key = Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64');
  } else {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    key = crypto.randomBytes(32);
    fs.writeFileSync(keyFile, key.toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  if (key.length !== 32) throw new KonnektorError('VAULT_UNAVAILABLE', `Vault key ${keyFile} is not a 256-bit key`);
  return {
    encrypt(plain) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decrypt(data) {
      const d = crypto.createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      d.setAuthTag(data.subarray(12, 28));
      return Buffer.concat([d.update(data.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** Browser mode's vault in the user data folder. */
export function createFileKeyVault(dir: string): Vault {
  return new EncryptedFileVault(path.join(dir, 'vault.json'), fileKeyCipher(path.join(dir, 'vault.key')));
}

/** For tests and for runs that must not persist secrets. */
export class MemoryVault implements Vault {
  private readonly entries = new Map<string, string>();
  async put(ref: string, secret: string) {
    this.entries.set(ref, secret);
  }
  async get(ref: string) {
    return this.entries.get(ref);
  }
  async delete(ref: string) {
    this.entries.delete(ref);
  }
}
