/**
 * "Yevmiye Numarası Doğrulama" (QNB eFinans product guide, e-Defter → Firma İşlemleri): a company that moves to
 * Konnektör mid-year uploads the last signed yevmiye (Y) its previous software produced; Konnektör reads the last
 * madde no, the last line number and the uniqueID part sequence from it and continues without a gap or an overlap.
 * Without it numbering would restart at 1.
 *
 * The file must be what it claims: an `edefter:defter` journal (`entriesType` journal, `uniqueID` YEV…) sealed with an
 * enveloped signature that verifies (core/signing/verify.ts, against the certificate in its KeyInfo). Anything else
 * is refused.
 */
import fs from 'node:fs';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { verifyEnvelopedSignature } from '../signing/verify';
import { KonnektorError } from '../errors';
import { NS } from '../documents/xbrl/canonical';

export interface LastYevmiye {
  taxId: string;
  uniqueID: string;
  /** 6-digit part sequence of the uniqueID. */
  uniqueSeq: number;
  periodStart: string;
  periodEnd: string;
  lastJournalNo: number;
  lastLineNumber: number;
  entries: number;
  signer: string;
}

const invalid = (why: string, file: string) => new KonnektorError('EDEFTER_LAST_YEVMIYE_INVALID', `${file}: ${why}`, { file });

function kids(el: Element, ns: string, name: string): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === name) out.push(c as Element);
  return out;
}
const kid = (el: Element | undefined, ns: string, name: string) => (el ? kids(el, ns, name)[0] : undefined);
const textOf = (el: Element | undefined) => (el?.textContent ?? '').trim();

export function readLastYevmiye(file: string): LastYevmiye {
  let xml: string;
  try {
    xml = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new KonnektorError('FILE_NOT_FOUND', `cannot read ${file}`, { file }, { cause: e });
  }
  let doc;
  try {
    doc = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(xml, 'text/xml');
  } catch (e) {
    throw invalid(`not XML (${(e as Error).message})`, file);
  }
  const root = doc.documentElement as unknown as Element | null;
  if (!root || root.namespaceURI !== NS.edefter || root.localName !== 'defter') throw invalid('root is not edefter:defter', file);
  const xbrl = kid(root, NS.xbrli, 'xbrl');
  const entries = kid(xbrl, NS['gl-cor'], 'accountingEntries');
  const info = kid(entries, NS['gl-cor'], 'documentInfo');
  if (textOf(kid(info, NS['gl-cor'], 'entriesType')) !== 'journal') throw invalid('not a yevmiye (entriesType is not journal)', file);
  const uniqueID = textOf(kid(info, NS['gl-cor'], 'uniqueID'));
  if (!/^YEV\d{12}$/.test(uniqueID)) throw invalid(`uniqueID ${uniqueID || '(none)'} is not a yevmiye uniqueID`, file);
  const signature = kid(root, NS.ds, 'Signature');
  if (!signature) throw invalid('not signed (no ds:Signature)', file);
  const verdict = verifyEnvelopedSignature(doc as never, signature);
  if (!verdict.ok || !verdict.certificate) throw invalid(`the signature does not verify: ${verdict.reason ?? 'unknown'}`, file);
  const cert = verdict.certificate;
  const taxId = textOf(kid(kid(kid(xbrl, NS.xbrli, 'context'), NS.xbrli, 'entity'), NS.xbrli, 'identifier'));
  const headers = entries ? kids(entries, NS['gl-cor'], 'entryHeader') : [];
  const lastHeader = headers.at(-1);
  if (!lastHeader) throw invalid('the yevmiye holds no entries', file);
  const details = kids(lastHeader, NS['gl-cor'], 'entryDetail');
  const lastJournalNo = Number(textOf(kid(lastHeader, NS['gl-cor'], 'entryNumberCounter')));
  const lastLineNumber = Number(textOf(kid(details.at(-1)!, NS['gl-cor'], 'lineNumber')));
  if (!Number.isInteger(lastJournalNo) || !Number.isInteger(lastLineNumber)) throw invalid('the last entry has no madde or line number', file);
  return {
    taxId,
    uniqueID,
    uniqueSeq: Number(uniqueID.slice(-6)),
    periodStart: textOf(kid(info, NS['gl-cor'], 'periodCoveredStart')),
    periodEnd: textOf(kid(info, NS['gl-cor'], 'periodCoveredEnd')),
    lastJournalNo,
    lastLineNumber,
    entries: headers.length,
    signer: /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? cert.subject,
  };
}
