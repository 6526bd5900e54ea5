/**
 * The berat of a sealed defter part (Teknik Kılavuz v1.7 §2.3, Berat Kılavuzu v1.2, `edefter_berat.sch`): the
 * defter's `xbrl` header without its entries; `xbrli:segment` with a fresh UUID, the defter's size in MB and (journal
 * only) its number of entries; one `entryHeader` with the ten VAT period-change totals (391, 191, 600, 601, 602 × D/C);
 * the defter's own `ds:SignatureValue`; then, once sealed, the berat's `ds:Signature`. GİB matches defter and berat
 * by that signature value. Written canonical, like the defter.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { formatKurus } from '../../edefter/model';
import type { BranchSettings, EdefterSettings } from '../../edefter/settings';
import { XML_DECLARATION, escText } from './canonical';
import { BERAT_VAT_ACCOUNTS, documentFrame, partFileName, type BuiltPart, type VatTotals } from './ledger';

const VAT_NAMES: Record<(typeof BERAT_VAT_ACCOUNTS)[number], string> = {
  '391': 'Hesaplanan KDV',
  '191': 'İndirilecek KDV',
  '600': 'Yurtiçi Satışlar',
  '601': 'Yurtdışı Satışlar',
  '602': 'Diğer Gelirler',
};

/** Size in MiB with two decimals, as GİB counts it (66,135 bytes → 0.06). */
export function sizeInMb(bytes: number): string {
  return (Math.round((bytes / 1024 / 1024) * 100) / 100).toFixed(2);
}

export interface BeratOptions {
  settings: EdefterSettings;
  month: string;
  kind: 'journal' | 'ledger';
  part: BuiltPart;
  /** The sealed defter's size and its `ds:SignatureValue`. */
  defterBytes: number;
  signatureValue: string;
  signatureValueId: string;
  creationDate: string;
  version: string;
  outDir: string;
  branch?: BranchSettings;
  /** Fixed UUID for tests; default a fresh one. */
  uuid?: string;
}

export function vatHeader(vat: VatTotals, c: string): string {
  let line = 0;
  let xml = `<gl-cor:entryHeader><gl-cor:qualifierEntry contextRef="${c}">standard</gl-cor:qualifierEntry>`;
  for (const acc of BERAT_VAT_ACCOUNTS) {
    for (const dc of ['D', 'C'] as const) {
      line++;
      xml +=
        `<gl-cor:entryDetail><gl-cor:lineNumber contextRef="${c}">${line}</gl-cor:lineNumber>` +
        `<gl-cor:account><gl-cor:accountMainID contextRef="${c}">${acc}</gl-cor:accountMainID><gl-cor:accountMainDescription contextRef="${c}">${escText(VAT_NAMES[acc])}</gl-cor:accountMainDescription></gl-cor:account>` +
        `<gl-cor:amount contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(vat[acc][dc])}</gl-cor:amount>` +
        `<gl-cor:debitCreditCode contextRef="${c}">${dc}</gl-cor:debitCreditCode>` +
        `<gl-cor:xbrlInfo><gl-cor:xbrlInclude contextRef="${c}">period_change</gl-cor:xbrlInclude></gl-cor:xbrlInfo></gl-cor:entryDetail>`;
    }
  }
  return `${xml}</gl-cor:entryHeader>`;
}

/** Writes the unsigned berat (`…-YB-…` / `…-KB-…`) and returns its path. */
export function writeBerat(o: BeratOptions): { file: string; name: string; uuid: string } {
  const c = o.kind === 'journal' ? 'journal_context' : 'ledger_context';
  const uuid = o.uuid ?? crypto.randomUUID();
  const segment =
    (o.kind === 'journal' ? `<gl-bus:numberOfEntries contextRef="${c}" unitRef="countable">${o.part.entries}</gl-bus:numberOfEntries>` : '') +
    `<gl-cor:uniqueID contextRef="${c}">${uuid}</gl-cor:uniqueID>` +
    `<gl-bus:measurableQuantity contextRef="${c}" unitRef="countable">${sizeInMb(o.defterBytes)}</gl-bus:measurableQuantity>`;
  const frame = documentFrame({
    settings: o.settings,
    kind: o.kind,
    uniqueID: o.kind === 'journal' ? o.part.y.uniqueID : o.part.k.uniqueID,
    creationDate: o.creationDate,
    periodStart: o.part.periodStart,
    periodEnd: o.part.periodEnd,
    version: o.version,
    root: 'berat',
    segment,
    berat: true,
    ...(o.branch ? { branch: o.branch } : {}),
  });
  const name = partFileName(o.settings.firm.taxId, o.month, o.kind === 'journal' ? 'YB' : 'KB', o.part.part, o.branch?.code);
  const file = path.join(o.outDir, name);
  const xml =
    frame.head +
    vatHeader(o.part.vat, c) +
    frame.tail +
    `<ds:SignatureValue Id="${o.signatureValueId}">${o.signatureValue}</ds:SignatureValue>` +
    frame.rootEnd;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, xml);
  fs.renameSync(tmp, file);
  if (!xml.startsWith(XML_DECLARATION)) throw new Error('berat layout');
  return { file, name, uuid };
}
