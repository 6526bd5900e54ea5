/**
 * XAdES-BES enveloped signatures with the profile GİB's e-Defter rules demand (Teknik Kılavuz v1.7 §2.1.3 sample,
 * `edefter_{yevmiye,kebir,berat}.sch`; erp-despatch-ledger-edefter.md §5.5):
 * - one `Reference URI=""` with the enveloped-signature transform, plus the `SignedProperties` reference; SHA-256
 *   digests and rsa-sha256 (ecdsa-sha256 for EC keys), never SHA-1;
 * - `KeyInfo` = `KeyValue/RSAKeyValue` + `X509Data` (`X509SubjectName`, `X509Certificate`) — what xadesjs leaves out;
 * - `SignedProperties`: `SigningTime`, `SigningCertificate` (SHA-256 CertDigest + IssuerSerial), `SignerRole`;
 * - `ds:SignatureValue` with an `Id` (the berat schematron requires it; xadesjs omits it too).
 *
 * Digest-then-sign over a streamed canonical form (the DOM route took 3 GB for 47 MB, §6.4): the file is already
 * canonical (core/documents/xbrl/canonical.ts), so its bytes after the XML declaration are digested as they are read,
 * and the signature is inserted before the root's end tag. SignedInfo and SignedProperties are canonicalised here:
 * inclusive C14N 1.0 renders every namespace in scope on the apex, i.e. the root's declarations.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KonnektorError } from '../errors';
import { XML_DECLARATION, escAttr, escText } from '../documents/xbrl/canonical';
import type { CertificateInfo } from './certificate';

export const ALG = {
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ecdsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  signedProperties: 'http://uri.etsi.org/01903#SignedProperties',
} as const;

/** Signs canonical SignedInfo bytes (the token hashes and signs). */
export type SignFn = (signedInfo: Buffer) => Buffer | Promise<Buffer>;

export interface SignatureInput {
  /** Base64 SHA-256 of the canonical document without its signature. */
  documentDigest: string;
  certificate: CertificateInfo;
  /** `xmlns:p="uri"` pairs in scope where the signature goes (the root's declarations). */
  inScopeNamespaces: Record<string, string>;
  signingTime: Date;
  claimedRole: string;
  sign: SignFn;
  /** Unique suffix of the Id attributes. */
  id?: string;
}

export interface SignatureOutput {
  /** The `ds:Signature` element, canonical. */
  xml: string;
  signatureValue: string;
  signatureValueId: string;
}

/** `xsd:dateTime` in Türkiye time (UTC+03:00 all year since 2016). */
export function turkeyDateTimeString(d: Date): string {
  const t = new Date(d.getTime() + 3 * 3600_000).toISOString().slice(0, 19);
  return `${t}+03:00`;
}

function nsAttrs(ns: Record<string, string>): string {
  return Object.keys(ns)
    .sort()
    .map((p) => ` xmlns:${p}="${escAttr(ns[p]!)}"`)
    .join('');
}

const b64 = (b: Buffer) => b.toString('base64');
const sha256 = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('base64');

export async function buildSignature(input: SignatureInput): Promise<SignatureOutput> {
  const id = input.id ?? crypto.randomUUID();
  const cert = input.certificate;
  const ns = input.inScopeNamespaces;
  if (ns.ds !== 'http://www.w3.org/2000/09/xmldsig#' || ns.xades !== 'http://uri.etsi.org/01903/v1.3.2#') {
    throw new KonnektorError('SIGN_FAILED', 'the document root must declare the ds and xades namespaces (GİB prefixes)');
  }
  const sigId = `Signature-${id}`;
  const propsId = `SignedProperties-${id}`;
  const valueId = `SignatureValue-${id}`;
  const propsBody =
    `<xades:SignedSignatureProperties><xades:SigningTime>${turkeyDateTimeString(input.signingTime)}</xades:SigningTime>` +
    `<xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${sha256(cert.der)}</ds:DigestValue></xades:CertDigest>` +
    `<xades:IssuerSerial><ds:X509IssuerName>${escText(cert.issuer)}</ds:X509IssuerName><ds:X509SerialNumber>${cert.serialDecimal}</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate>` +
    `<xades:SignerRole><xades:ClaimedRoles><xades:ClaimedRole>${escText(input.claimedRole)}</xades:ClaimedRole></xades:ClaimedRoles></xades:SignerRole>` +
    `</xades:SignedSignatureProperties>`;
  const propsInDocument = `<xades:SignedProperties Id="${propsId}">${propsBody}</xades:SignedProperties>`;
  const propsCanonical = `<xades:SignedProperties${nsAttrs(ns)} Id="${propsId}">${propsBody}</xades:SignedProperties>`;
  const method = cert.keyType === 'ec' ? ALG.ecdsaSha256 : ALG.rsaSha256;
  const infoBody =
    `<ds:CanonicalizationMethod Algorithm="${ALG.c14n}"></ds:CanonicalizationMethod><ds:SignatureMethod Algorithm="${method}"></ds:SignatureMethod>` +
    `<ds:Reference Id="Reference-${id}" URI=""><ds:Transforms><ds:Transform Algorithm="${ALG.enveloped}"></ds:Transform></ds:Transforms>` +
    `<ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${input.documentDigest}</ds:DigestValue></ds:Reference>` +
    `<ds:Reference Type="${ALG.signedProperties}" URI="#${propsId}"><ds:DigestMethod Algorithm="${ALG.sha256}"></ds:DigestMethod><ds:DigestValue>${sha256(propsCanonical)}</ds:DigestValue></ds:Reference>`;
  const infoCanonical = `<ds:SignedInfo${nsAttrs(ns)}>${infoBody}</ds:SignedInfo>`;
  const value = b64(Buffer.from(await input.sign(Buffer.from(infoCanonical, 'utf8'))));
  let keyValue = '';
  if (cert.keyType === 'rsa') {
    const jwk = new crypto.X509Certificate(cert.der).publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    keyValue = `<ds:KeyValue><ds:RSAKeyValue><ds:Modulus>${Buffer.from(jwk.n, 'base64url').toString('base64')}</ds:Modulus><ds:Exponent>${Buffer.from(jwk.e, 'base64url').toString('base64')}</ds:Exponent></ds:RSAKeyValue></ds:KeyValue>`;
  }
  const xml =
    `<ds:Signature Id="${sigId}"><ds:SignedInfo>${infoBody}</ds:SignedInfo><ds:SignatureValue Id="${valueId}">${value}</ds:SignatureValue>` +
    `<ds:KeyInfo>${keyValue}<ds:X509Data><ds:X509SubjectName>${escText(cert.subject)}</ds:X509SubjectName><ds:X509Certificate>${b64(cert.der)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>` +
    `<ds:Object><xades:QualifyingProperties Target="#${sigId}">${propsInDocument}</xades:QualifyingProperties></ds:Object></ds:Signature>`;
  return { xml, signatureValue: value, signatureValueId: valueId };
}

/** The root element's namespace declarations, read from the start of an already canonical file. */
export function rootNamespaces(head: string): { name: string; ns: Record<string, string> } {
  let i = XML_DECLARATION.length;
  // Skip processing instructions (xml-stylesheet) before the root.
  for (;;) {
    i = head.indexOf('<', i);
    if (i < 0 || !head.startsWith('<?', i)) break;
    i = head.indexOf('?>', i) + 2;
  }
  const end = head.indexOf('>', i);
  const tag = head.slice(i, end);
  const name = /^<([^\s>]+)/.exec(tag)?.[1];
  if (!name) throw new KonnektorError('SIGN_FAILED', 'no root element found');
  const ns: Record<string, string> = {};
  for (const m of tag.matchAll(/\sxmlns:([\w.-]+)="([^"]*)"/g)) ns[m[1]!] = m[2]!;
  return { name, ns };
}

export interface SignFileResult {
  digest: string;
  signatureValue: string;
  signatureValueId: string;
  bytes: number;
}

/**
 * Signs an unsigned canonical e-Defter file (defter or berat) in place: streams it once to digest it, then writes
 * the signed copy beside it and renames it over the original (a crash leaves either file whole).
 */
export async function signCanonicalFile(
  file: string,
  options: { certificate: CertificateInfo; sign: SignFn; signingTime: Date; claimedRole: string },
): Promise<SignFileResult> {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r');
  const headBuf = Buffer.alloc(Math.min(size, 8192));
  fs.readSync(fd, headBuf, 0, headBuf.length, 0);
  const head = headBuf.toString('utf8');
  if (!head.startsWith(XML_DECLARATION)) {
    fs.closeSync(fd);
    throw new KonnektorError('SIGN_FAILED', `${path.basename(file)} is not a file Konnektör wrote (no canonical layout)`, { file });
  }
  const { name, ns } = rootNamespaces(head);
  const endTag = Buffer.from(`</${name}>`, 'utf8');
  const tail = Buffer.alloc(endTag.length);
  fs.readSync(fd, tail, 0, tail.length, size - tail.length);
  if (!tail.equals(endTag)) {
    fs.closeSync(fd);
    throw new KonnektorError('SIGN_FAILED', `${path.basename(file)} does not end with its root's end tag`, { file });
  }
  // One pass: the body is copied and digested together; the signature, which needs the digest, follows it.
  const hash = crypto.createHash('sha256');
  const buf = Buffer.allocUnsafe(4 << 20);
  const tmp = `${file}.${process.pid}.signing`;
  const out = fs.openSync(tmp, 'w');
  let sig: SignatureOutput;
  let digest: string;
  try {
    let pos = 0;
    const bodyEnd = size - endTag.length;
    while (pos < bodyEnd) {
      const n = fs.readSync(fd, buf, 0, Math.min(buf.length, bodyEnd - pos), pos);
      if (n === 0) throw new KonnektorError('SIGN_FAILED', `${path.basename(file)} changed while it was being sealed`, { file });
      const chunk = buf.subarray(0, n);
      // The XML declaration is outside the canonical form: written, not digested.
      hash.update(pos >= XML_DECLARATION.length ? chunk : chunk.subarray(Math.min(n, XML_DECLARATION.length - pos)));
      fs.writeSync(out, chunk);
      pos += n;
    }
    hash.update(endTag);
    digest = hash.digest('base64');
    sig = await buildSignature({ documentDigest: digest, certificate: options.certificate, inScopeNamespaces: ns, signingTime: options.signingTime, claimedRole: options.claimedRole, sign: options.sign });
    fs.writeSync(out, Buffer.from(sig.xml, 'utf8'));
    fs.writeSync(out, endTag);
    fs.fsyncSync(out);
  } catch (e) {
    fs.closeSync(out);
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(out);
  fs.closeSync(fd);
  fs.renameSync(tmp, file);
  return { digest, signatureValue: sig.signatureValue, signatureValueId: sig.signatureValueId, bytes: fs.statSync(file).size };
}
