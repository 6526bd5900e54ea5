import type { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { KonnektorError } from '../errors';

/**
 * A mali mühür (e-seal) certificate from Kamu SM carries the extended key usage 2.16.792.1.2.1.1.5.7.50.1 on its
 * signing certificate (the encryption one has …50.2) [2S] (erp-despatch-ledger-edefter.md §5.5). The ledger is sealed
 * only with such a certificate that is valid at signing time.
 */
export const MALI_MUHUR_SIGNING_EKU = '2.16.792.1.2.1.1.5.7.50.1';

export interface CertificateInfo {
  /** RFC 4514 subject, as `ds:X509SubjectName` carries it. */
  subject: string;
  /** The owner's name (CN) and, where present, the VKN in the serialNumber attribute. */
  owner: string;
  issuer: string;
  serialDecimal: string;
  validFrom: string;
  validTo: string;
  maliMuhur: boolean;
  keyType: 'rsa' | 'ec' | 'other';
  der: Buffer;
}

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  const parsed = new x509.X509Certificate(cert.raw);
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(parsed.subject)?.[1] ?? parsed.subject;
  return {
    subject: parsed.subject,
    owner: cn,
    issuer: parsed.issuer,
    serialDecimal: BigInt(`0x${cert.serialNumber}`).toString(10),
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    maliMuhur: (cert.keyUsage ?? []).includes(MALI_MUHUR_SIGNING_EKU),
    keyType: cert.publicKey.asymmetricKeyType === 'rsa' ? 'rsa' : cert.publicKey.asymmetricKeyType === 'ec' ? 'ec' : 'other',
    der: cert.raw,
  };
}

/** Refuses a certificate that is expired (or not yet valid) at `now`, or is not a mali mühür signing certificate. */
export function assertSealCertificate(info: CertificateInfo, now: Date): void {
  if (now < new Date(info.validFrom) || now > new Date(info.validTo)) {
    throw new KonnektorError('SIGN_CERT_EXPIRED', `certificate of ${info.owner} is valid ${info.validFrom} … ${info.validTo}, not at ${now.toISOString()}`, {
      owner: info.owner,
      validTo: info.validTo,
    });
  }
  if (!info.maliMuhur) {
    throw new KonnektorError('SIGN_CERT_NOT_MALI_MUHUR', `certificate of ${info.owner} lacks the mali mühür key usage ${MALI_MUHUR_SIGNING_EKU}`, { owner: info.owner });
  }
  if (info.keyType === 'other') throw new KonnektorError('SIGN_CERT_NOT_MALI_MUHUR', `certificate of ${info.owner} has neither an RSA nor an EC key`, { owner: info.owner });
}
