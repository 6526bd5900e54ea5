/**
 * The mali mühür on its token (AKİS smart card, or SoftHSM2 in tests and the demo) through PKCS#11, via pkcs11js
 * (erp-despatch-ledger-edefter.md §6). Konnektör signs by digest-then-sign: it hands the token the canonical
 * SignedInfo and the token computes SHA-256 and the RSA (or ECDSA) signature; the ledger itself never leaves disk.
 *
 * The PIN is used for one login and forgotten: never stored, never logged, never retried. A wrong PIN stops at the
 * first failure, so Konnektör never walks a real card towards its lock-out counter.
 */
import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import { KonnektorError } from '../errors';
import { describeCertificate, type CertificateInfo } from './certificate';

const require = createRequire(import.meta.url);

type Pkcs11Module = typeof import('pkcs11js');
type Pkcs11 = InstanceType<Pkcs11Module['PKCS11']>;
type Handle = Buffer;

function pkcs11js(): Pkcs11Module {
  return require('pkcs11js') as Pkcs11Module;
}

export interface TokenSlot {
  /** Index in the list of slots with a token: what `--slot` and the screens use. */
  index: number;
  label: string;
  manufacturer: string;
  model: string;
  serial: string;
}

export interface TokenCertificate extends CertificateInfo {
  /** CKA_ID (hex): pairs the certificate with its private key. */
  id: string;
  label: string;
}

const CKR = (e: unknown): string => {
  const m = /CKR_[A-Z_]+/.exec(String((e as Error)?.message ?? e));
  return m ? m[0] : '';
};

function load(modulePath: string): Pkcs11 {
  const mod = pkcs11js();
  const p = new mod.PKCS11();
  try {
    p.load(modulePath);
  } catch (e) {
    throw new KonnektorError('SIGN_MODULE_LOAD_FAILED', `cannot load the PKCS#11 module ${modulePath}: ${(e as Error).message}`, { module: modulePath }, { cause: e });
  }
  try {
    p.C_Initialize();
  } catch (e) {
    if (CKR(e) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') {
      throw new KonnektorError('SIGN_MODULE_LOAD_FAILED', `C_Initialize of ${modulePath} failed: ${(e as Error).message}`, { module: modulePath }, { cause: e });
    }
  }
  return p;
}

function text(b: string | Buffer): string {
  return String(b).replace(/\0/g, '').trim();
}

/** The tokens present in the module's slots (no login). */
export function listTokens(modulePath: string): TokenSlot[] {
  const p = load(modulePath);
  try {
    return p.C_GetSlotList(true).map((slot, index) => {
      const info = p.C_GetTokenInfo(slot);
      return { index, label: text(info.label), manufacturer: text(info.manufacturerID), model: text(info.model), serial: text(info.serialNumber) };
    });
  } finally {
    p.C_Finalize();
  }
}

export interface TokenSession {
  readonly slot: TokenSlot;
  certificates(): TokenCertificate[];
  /** Signs `data` with the private key whose CKA_ID is `id`: SHA-256 + RSA PKCS#1 v1.5, or raw r||s ECDSA. */
  sign(id: string, data: Buffer): Buffer;
  close(): void;
}

/**
 * Opens the token in slot `slotIndex` and logs in with `pin` (once). CKR_PIN_INCORRECT → SIGN_PIN_WRONG,
 * CKR_PIN_LOCKED → SIGN_PIN_LOCKED; the session is closed before the error leaves.
 */
export function openToken(modulePath: string, slotIndex: number, pin: string): TokenSession {
  if (!pin) throw new KonnektorError('SIGN_PIN_REQUIRED', 'no PIN given for the token');
  const mod = pkcs11js();
  const p = load(modulePath);
  let session: Handle | undefined;
  try {
    const slots = p.C_GetSlotList(true);
    const slotId = slots[slotIndex];
    if (slotId === undefined) {
      throw new KonnektorError('SIGN_TOKEN_NOT_FOUND', `no token in slot index ${slotIndex} of ${modulePath} (${slots.length} present)`, { slot: slotIndex });
    }
    const info = p.C_GetTokenInfo(slotId);
    const slot: TokenSlot = { index: slotIndex, label: text(info.label), manufacturer: text(info.manufacturerID), model: text(info.model), serial: text(info.serialNumber) };
    session = p.C_OpenSession(slotId, mod.CKF_SERIAL_SESSION | mod.CKF_RW_SESSION);
    try {
      p.C_Login(session, mod.CKU_USER, pin);
    } catch (e) {
      const code = CKR(e);
      if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_INVALID' || code === 'CKR_PIN_LEN_RANGE') {
        throw new KonnektorError('SIGN_PIN_WRONG', 'the token refused the PIN (one attempt made, none retried)', { slot: slotIndex });
      }
      if (code === 'CKR_PIN_LOCKED') throw new KonnektorError('SIGN_PIN_LOCKED', 'the token PIN is locked', { slot: slotIndex });
      if (code !== 'CKR_USER_ALREADY_LOGGED_IN') throw new KonnektorError('SIGN_FAILED', `C_Login failed: ${code || (e as Error).message}`, {}, { cause: e });
    }
    const s = session;
    const find = (template: { type: number; value: unknown }[]): Handle[] => {
      p.C_FindObjectsInit(s, template as never);
      const out: Handle[] = [];
      for (;;) {
        const h = p.C_FindObjects(s, 100);
        if (!h || (Array.isArray(h) && h.length === 0)) break;
        if (Array.isArray(h)) out.push(...h);
        else out.push(h);
        if (!Array.isArray(h)) break;
      }
      p.C_FindObjectsFinal(s);
      return out;
    };
    return {
      slot,
      certificates() {
        return find([{ type: mod.CKA_CLASS, value: mod.CKO_CERTIFICATE }]).map((h) => {
          const [value, id, label] = p.C_GetAttributeValue(s, h, [{ type: mod.CKA_VALUE }, { type: mod.CKA_ID }, { type: mod.CKA_LABEL }]);
          const der = value!.value as Buffer;
          return { ...describeCertificate(new X509Certificate(der)), id: (id!.value as Buffer).toString('hex'), label: text(label!.value as Buffer) };
        });
      },
      sign(id, data) {
        const keys = find([
          { type: mod.CKA_CLASS, value: mod.CKO_PRIVATE_KEY },
          { type: mod.CKA_ID, value: Buffer.from(id, 'hex') },
        ]);
        const key = keys[0];
        if (!key) throw new KonnektorError('SIGN_CERT_NOT_FOUND', `no private key with CKA_ID ${id} on the token`, { id });
        const [type] = p.C_GetAttributeValue(s, key, [{ type: mod.CKA_KEY_TYPE }]);
        const keyType = Number((type!.value as Buffer).readUIntLE(0, Math.min(6, (type!.value as Buffer).length)));
        try {
          if (keyType === mod.CKK_EC) {
            // Tokens without CKM_ECDSA_SHA256 are common: hash here, sign the digest with CKM_ECDSA (raw r||s).
            const digest = require('node:crypto').createHash('sha256').update(data).digest() as Buffer;
            p.C_SignInit(s, { mechanism: mod.CKM_ECDSA }, key);
            return Buffer.from(p.C_Sign(s, digest, Buffer.alloc(256)));
          }
          p.C_SignInit(s, { mechanism: mod.CKM_SHA256_RSA_PKCS }, key);
          return Buffer.from(p.C_Sign(s, data, Buffer.alloc(1024)));
        } catch (e) {
          throw new KonnektorError('SIGN_FAILED', `the token could not sign: ${CKR(e) || (e as Error).message}`, {}, { cause: e });
        }
      },
      close() {
        try {
          p.C_Logout(s);
        } catch {
          // not logged in
        }
        try {
          p.C_CloseSession(s);
        } finally {
          p.C_Finalize();
        }
      },
    };
  } catch (e) {
    if (session) {
      try {
        p.C_CloseSession(session);
      } catch {
        // closing after a failure
      }
    }
    try {
      p.C_Finalize();
    } catch {
      // finalizing after a failure
    }
    throw e;
  }
}
