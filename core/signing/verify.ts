/**
 * Verifies an enveloped XAdES signature of an e-Defter document (defter or berat) as XMLDSig defines it, for files
 * other software produced ("Yevmiye Numarası Doğrulama"): `Reference URI=""` covers the whole document — the
 * `xml-stylesheet` instruction before the root included — minus the signature; the `SignedProperties` reference is
 * canonicalised with its in-scope namespaces; the SignatureValue is checked over the canonical SignedInfo with the
 * certificate in KeyInfo. Canonicalisation comes from xml-crypto (its own `checkSignature` digests only the root
 * element for `URI=""`, which drops the stylesheet instruction GİB's files carry, so it is not used whole).
 */
import crypto, { X509Certificate } from 'node:crypto';
import type { Document, Element, Node } from '@xmldom/xmldom';
import { C14nCanonicalization, C14nCanonicalizationWithComments, ExclusiveCanonicalization } from 'xml-crypto';
import { findAncestorNsForElement } from 'xml-crypto/lib/utils';

const DS = 'http://www.w3.org/2000/09/xmldsig#';

export interface VerifyResult {
  ok: boolean;
  reason?: string;
  certificate?: X509Certificate;
}

function kids(el: Element | Document, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  return out;
}

function canonicalizer(algorithm: string) {
  if (algorithm === 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315') return new C14nCanonicalization();
  if (algorithm === 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments') return new C14nCanonicalizationWithComments();
  if (algorithm === 'http://www.w3.org/2001/10/xml-exc-c14n#') return new ExclusiveCanonicalization();
  return undefined;
}

const HASHES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};
const SIGNATURES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': 'sha384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'sha512',
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': 'sha256',
};

/** Canonical form of the whole document without `signature` (enveloped transform + inclusive C14N, no comments). */
function documentWithout(doc: Document, signature: Element): string {
  const parent = signature.parentNode!;
  const next = signature.nextSibling;
  parent.removeChild(signature);
  try {
    const parts: string[] = [];
    let seenRoot = false;
    for (let n: Node | null = doc.firstChild; n; n = n.nextSibling) {
      // xmldom shows the XML declaration as a processing instruction; it is not one (C14N drops it).
      if (n.nodeType === 7 && (n as unknown as { target: string }).target !== 'xml') {
        const pi = n as unknown as { target: string; data: string };
        parts.push(`${seenRoot ? '\n' : ''}<?${pi.target}${pi.data ? ` ${pi.data}` : ''}?>${seenRoot ? '' : '\n'}`);
      } else if (n.nodeType === 1) {
        parts.push(new C14nCanonicalization().process(n as never, { ancestorNamespaces: [] }));
        seenRoot = true;
      }
    }
    return parts.join('');
  } finally {
    parent.insertBefore(signature, next);
  }
}

export function verifyEnvelopedSignature(doc: Document, signature: Element): VerifyResult {
  const signedInfo = kids(signature, DS, 'SignedInfo')[0];
  if (!signedInfo) return { ok: false, reason: 'no SignedInfo' };
  const certText = kids(kids(kids(signature, DS, 'KeyInfo')[0] ?? signature, DS, 'X509Data')[0] ?? signature, DS, 'X509Certificate')[0]?.textContent?.replace(/\s+/g, '');
  if (!certText) return { ok: false, reason: 'no certificate in KeyInfo' };
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(certText, 'base64'));
  } catch {
    return { ok: false, reason: 'unreadable certificate' };
  }
  const references = kids(signedInfo, DS, 'Reference');
  if (references.filter((r) => r.getAttribute('URI') === '').length !== 1) return { ok: false, reason: 'not exactly one Reference URI=""', certificate };
  for (const ref of references) {
    const uri = ref.getAttribute('URI') ?? '';
    const hash = HASHES[kids(ref, DS, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? ''];
    if (!hash) return { ok: false, reason: `unsupported digest for ${uri || '""'}`, certificate };
    const transforms = kids(kids(ref, DS, 'Transforms')[0] ?? ref, DS, 'Transform').map((t) => t.getAttribute('Algorithm') ?? '');
    let canonical: string;
    if (uri === '') {
      if (transforms.some((t) => t !== 'http://www.w3.org/2000/09/xmldsig#enveloped-signature' && t !== 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315')) {
        return { ok: false, reason: `unsupported transform ${transforms.join(', ')}`, certificate };
      }
      canonical = documentWithout(doc, signature);
    } else if (uri.startsWith('#')) {
      const id = uri.slice(1);
      const target = findById(doc.documentElement as unknown as Element, id);
      if (!target) return { ok: false, reason: `${uri} not found`, certificate };
      const c14n = canonicalizer(transforms.find((t) => canonicalizer(t)) ?? 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315')!;
      canonical = c14n.process(target as never, { ancestorNamespaces: findAncestorNsForElement(target as never) });
    } else return { ok: false, reason: `external reference ${uri}`, certificate };
    const digest = crypto.createHash(hash).update(canonical, 'utf8').digest('base64');
    const claimed = (kids(ref, DS, 'DigestValue')[0]?.textContent ?? '').replace(/\s+/g, '');
    if (digest !== claimed) return { ok: false, reason: `digest of ${uri || 'the document'} does not match: the content changed after signing`, certificate };
  }
  const c14n = canonicalizer(kids(signedInfo, DS, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm') ?? '');
  const sigHash = SIGNATURES[kids(signedInfo, DS, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? ''];
  if (!c14n || !sigHash) return { ok: false, reason: 'unsupported SignedInfo algorithms', certificate };
  const info = c14n.process(signedInfo as never, { ancestorNamespaces: findAncestorNsForElement(signedInfo as never) });
  const value = Buffer.from((kids(signature, DS, 'SignatureValue')[0]?.textContent ?? '').replace(/\s+/g, ''), 'base64');
  const ec = certificate.publicKey.asymmetricKeyType === 'ec';
  const ok = crypto.verify(sigHash, Buffer.from(info, 'utf8'), ec ? { key: certificate.publicKey, dsaEncoding: 'ieee-p1363' } : certificate.publicKey, value);
  return ok ? { ok, certificate } : { ok, reason: 'SignatureValue does not verify', certificate };
}

function findById(el: Element, id: string): Element | undefined {
  if (el.getAttribute?.('Id') === id) return el;
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const found = findById(c as Element, id);
    if (found) return found;
  }
  return undefined;
}
