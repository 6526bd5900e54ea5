/**
 * SoftHSM2 tokens for the demo and the tests (Debian `softhsm2`; erp-despatch-ledger-edefter.md §6.2): a token
 * initialised in a folder of its own (SOFTHSM2_CONF points at it), holding a self-issued test seal — an RSA-2048
 * key and a certificate with the mali mühür key usage — imported through PKCS#11 like a real card's objects.
 * Never used with a real token.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { MALI_MUHUR_SIGNING_EKU } from './certificate';

const require = createRequire(import.meta.url);

export const SOFTHSM_MODULE_CANDIDATES = [
  '/usr/lib/softhsm/libsofthsm2.so',
  '/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so',
  '/usr/local/lib/softhsm/libsofthsm2.so',
  '/opt/homebrew/lib/softhsm/libsofthsm2.so',
];

/** The SoftHSM2 PKCS#11 module and its `softhsm2-util`, when installed. */
export function findSoftHsm(): { module: string; util: string } | undefined {
  const module = SOFTHSM_MODULE_CANDIDATES.find((p) => fs.existsSync(p));
  if (!module) return undefined;
  for (const dir of (process.env.PATH ?? '/usr/bin').split(path.delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    const util = path.join(dir, 'softhsm2-util');
    if (fs.existsSync(util)) return { module, util };
  }
  return undefined;
}

export interface TestSealOptions {
  /** Folder for the token store and its config. */
  dir: string;
  label: string;
  pin: string;
  soPin: string;
  /** Certificate subject fields. */
  commonName: string;
  taxId: string;
  /** Validity; default: from yesterday for two years. */
  notBefore?: Date;
  notAfter?: Date;
  /** Leave the mali mühür key usage out (for the "not a mali mühür" case). */
  withoutSealUsage?: boolean;
  keyId?: string;
}

export interface TestToken {
  module: string;
  /** SOFTHSM2_CONF for processes that use the token. */
  conf: string;
  slot: number;
  pin: string;
  label: string;
  certificatePem: string;
}

/** Initialises a SoftHSM2 token in `dir` and imports a freshly generated test seal. Sets process.env.SOFTHSM2_CONF. */
export async function createTestSealToken(o: TestSealOptions): Promise<TestToken> {
  const soft = findSoftHsm();
  if (!soft) throw new Error('SoftHSM2 is not installed (Debian package softhsm2)');
  const tokens = path.join(o.dir, 'tokens');
  fs.mkdirSync(tokens, { recursive: true });
  const conf = path.join(o.dir, 'softhsm2.conf');
  // Several tokens may share one store (SoftHSM reads its config once per process): each gets its own label.
  if (!fs.existsSync(conf)) fs.writeFileSync(conf, `directories.tokendir = ${tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`);
  process.env.SOFTHSM2_CONF = conf;
  execFileSync(soft.util, ['--init-token', '--free', '--label', o.label, '--so-pin', o.soPin, '--pin', o.pin], { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'pipe' });

  x509.cryptoProvider.set(crypto.webcrypto as never);
  const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await crypto.webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as crypto.webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: crypto.randomBytes(8).toString('hex').replace(/^[89a-f]/, '1'),
    name: `CN=${o.commonName}, 2.5.4.5=${o.taxId}, O=Konnektör Test, C=TR`,
    notBefore: o.notBefore ?? new Date(now - 86_400_000),
    notAfter: o.notAfter ?? new Date(now + 2 * 365 * 86_400_000),
    signingAlgorithm: alg,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true),
      ...(o.withoutSealUsage ? [] : [new x509.ExtendedKeyUsageExtension([MALI_MUHUR_SIGNING_EKU])]),
    ],
  });
  const jwk = (await crypto.webcrypto.subtle.exportKey('jwk', keys.privateKey)) as Record<string, string>;
  const big = (v: string) => Buffer.from(v, 'base64url');

  const pkcs11 = require('pkcs11js') as typeof import('pkcs11js');
  const p = new pkcs11.PKCS11();
  p.load(soft.module);
  p.C_Initialize();
  try {
    const slots = p.C_GetSlotList(true);
    const slot = slots.findIndex((s) => String(p.C_GetTokenInfo(s).label).replace(/\0/g, '').trim() === o.label);
    const session = p.C_OpenSession(slots[slot]!, pkcs11.CKF_SERIAL_SESSION | pkcs11.CKF_RW_SESSION);
    p.C_Login(session, pkcs11.CKU_USER, o.pin);
    const id = Buffer.from(o.keyId ?? 'a1b2', 'hex');
    p.C_CreateObject(session, [
      { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_PRIVATE_KEY },
      { type: pkcs11.CKA_KEY_TYPE, value: pkcs11.CKK_RSA },
      { type: pkcs11.CKA_TOKEN, value: true },
      { type: pkcs11.CKA_PRIVATE, value: true },
      { type: pkcs11.CKA_SENSITIVE, value: true },
      { type: pkcs11.CKA_SIGN, value: true },
      { type: pkcs11.CKA_ID, value: id },
      { type: pkcs11.CKA_LABEL, value: 'mali-muhur' },
      { type: pkcs11.CKA_MODULUS, value: big(jwk.n!) },
      { type: pkcs11.CKA_PUBLIC_EXPONENT, value: big(jwk.e!) },
      { type: pkcs11.CKA_PRIVATE_EXPONENT, value: big(jwk.d!) },
      { type: pkcs11.CKA_PRIME_1, value: big(jwk.p!) },
      { type: pkcs11.CKA_PRIME_2, value: big(jwk.q!) },
      { type: pkcs11.CKA_EXPONENT_1, value: big(jwk.dp!) },
      { type: pkcs11.CKA_EXPONENT_2, value: big(jwk.dq!) },
      { type: pkcs11.CKA_COEFFICIENT, value: big(jwk.qi!) },
    ]);
    const der = Buffer.from(cert.rawData);
    p.C_CreateObject(session, [
      { type: pkcs11.CKA_CLASS, value: pkcs11.CKO_CERTIFICATE },
      { type: pkcs11.CKA_CERTIFICATE_TYPE, value: pkcs11.CKC_X_509 },
      { type: pkcs11.CKA_TOKEN, value: true },
      { type: pkcs11.CKA_ID, value: id },
      { type: pkcs11.CKA_LABEL, value: 'mali-muhur' },
      { type: pkcs11.CKA_SUBJECT, value: Buffer.from(cert.subjectName.toArrayBuffer()) },
      { type: pkcs11.CKA_VALUE, value: der },
    ]);
    p.C_Logout(session);
    p.C_CloseSession(session);
    return { module: soft.module, conf, slot, pin: o.pin, label: o.label, certificatePem: cert.toString('pem') };
  } finally {
    p.C_Finalize();
  }
}
