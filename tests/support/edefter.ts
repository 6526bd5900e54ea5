import { spawnSync } from 'node:child_process';
import { createTestSealToken, type TestToken } from '../../core/signing/softhsm';

/**
 * Test helpers for the e-Defter seal: a SoftHSM2 token initialised in the test's own temp folder (never a global
 * store), and signature verification by xmlsec1 — a C library that shares no code with Konnektör's signer.
 */
export async function testToken(dir: string, label = 'malimuhur', extra: Partial<Parameters<typeof createTestSealToken>[0]> = {}): Promise<TestToken> {
  return createTestSealToken({ dir, label, pin: '1234', soPin: '87654321', commonName: 'Örnek Tekstil Sanayi ve Ticaret A.Ş.', taxId: '1234567890', ...extra });
}

/** xmlsec1's verdict on an enveloped XAdES signature (SignedProperties referenced by its Id). */
export function xmlsecVerify(file: string, certPem: string): { ok: boolean; output: string } {
  const r = spawnSync('xmlsec1', ['--verify', '--pubkey-cert-pem', certPem, '--id-attr:Id', 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties', file], {
    encoding: 'utf8',
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('xmlsec1 is not installed (Debian package xmlsec1); .ci/run installs it');
  // xmlsec1 reports on stderr: "OK" and "SignedInfo References (ok/all): 2/2".
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
