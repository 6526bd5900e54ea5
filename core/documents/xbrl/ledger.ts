/**
 * GİB XBRL-GL e-Defter: the month's yevmiye (Y) and kebir (K) parts, written streaming and already canonical
 * (canonical.ts), split by size, named as GİB defines (Teknik Kılavuz v1.7 §2.2, §2.4.1):
 * `VKN-YYYYMM-Y-000000.xml` for a single part, `-000001`, `-000002`… when split, `-0001` suffix for a branch.
 *
 * - Y: one `entryHeader` per voucher in book order; `lineNumber` runs on from the previous month; an entry never
 *   splits across parts. A part's `periodCoveredStart` is the 1st of the month for the first part and else the
 *   day after the previous part's end (or that same day when a day is split); the last part ends on the month's
 *   last day, the others on their last voucher's date.
 * - K: the same lines re-sorted by account (one header per sub-account, sorted by `accountMainID`; details by madde
 *   no), totals on the positive balance side (Büyük Defter Kılavuzu; `edefter_kebir.sch`). The re-sort goes through
 *   a temporary SQLite table, so memory stays bounded however large the month.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatKurus, mainAccountOf, monthBounds, type ChartAccount, type LedgerEntry, type LedgerLine, type MonthKey } from '../../edefter/model';
import { accountantName, engagementDescription, sourceApplicationOf, type BranchSettings, type EdefterSettings } from '../../edefter/settings';
import { XML_DECLARATION, escAttr, escText, nsDecls } from './canonical';

export type LedgerKind = 'journal' | 'ledger';

/** Main accounts whose month totals the berat carries (Berat Kılavuzu v1.2: 391, 191, 600, 601, 602 × D/C). */
export const BERAT_VAT_ACCOUNTS = ['391', '191', '600', '601', '602'] as const;
export type VatTotals = Record<(typeof BERAT_VAT_ACCOUNTS)[number], { D: number; C: number }>;

export interface LedgerBuildOptions {
  settings: EdefterSettings;
  month: MonthKey;
  branch?: BranchSettings;
  /** YYYY-MM-DD (Türkiye), ≥ the month's end. */
  creationDate: string;
  chart: readonly ChartAccount[];
  /** The 6-digit part sequence of `uniqueID` runs on through the fiscal year: the last one used before. */
  previousUniqueSeq: number;
  /** `lineNumber` runs on through the fiscal year: the last one used before. */
  previousLineNumber: number;
  /** Konnektör's version, for the default sourceApplication. */
  version: string;
  outDir: string;
  /** Bytes per part; default from the settings (200 MB). */
  partSizeBytes?: number;
  /** Called with every voucher as it is written (e.g. QNB's CSV writer, so the journal is read once). */
  onEntry?: (entry: LedgerEntry) => void;
}

export interface BuiltFile {
  kind: 'Y' | 'K';
  file: string;
  name: string;
  bytes: number;
  uniqueID: string;
}

export interface BuiltPart {
  /** 0 for a single-part month, else 1, 2, … */
  part: number;
  periodStart: string;
  periodEnd: string;
  entries: number;
  lines: number;
  firstJournalNo: number;
  lastJournalNo: number;
  firstLineNumber: number;
  lastLineNumber: number;
  vat: VatTotals;
  y: BuiltFile;
  k: BuiltFile;
}

export interface LedgerBuildResult {
  month: MonthKey;
  parts: BuiltPart[];
  entries: number;
  lines: number;
  lastUniqueSeq: number;
  lastLineNumber: number;
  lastJournalNo: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

export function partFileName(taxId: string, month: MonthKey, kind: 'Y' | 'K' | 'YB' | 'KB' | 'DR', part: number, branch?: string): string {
  return `${taxId}-${month.replace('-', '')}-${kind}-${pad(part, 6)}${branch ? `-${branch}` : ''}.xml`;
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const trMonths = ['Ocak', 'Şubat', 'Mart', 'Nisan', 'Mayıs', 'Haziran', 'Temmuz', 'Ağustos', 'Eylül', 'Ekim', 'Kasım', 'Aralık'];
const trMonthYear = (d: string) => `${trMonths[Number(d.slice(5, 7)) - 1]} ${d.slice(0, 4)}`;

/** periodCoveredEnd is written as this placeholder while a part is streamed, then patched in place (same length). */
const END_PLACEHOLDER = '0000-00-00';

/** Buffered synchronous writer: a few MB in memory at most, whatever the file size. */
class FileSink {
  private readonly fd: number;
  private chunks: string[] = [];
  private pending = 0;
  /** UTF-8 bytes written so far (flushed or not). */
  bytes = 0;
  constructor(file: string) {
    this.fd = fs.openSync(file, 'w');
  }
  write(s: string, byteLength = Buffer.byteLength(s, 'utf8')): void {
    this.chunks.push(s);
    this.bytes += byteLength;
    this.pending += s.length;
    if (this.pending > 1 << 20) this.flush();
  }
  flush(): void {
    if (this.chunks.length === 0) return;
    fs.writeSync(this.fd, Buffer.from(this.chunks.join(''), 'utf8'));
    this.chunks = [];
    this.pending = 0;
  }
  close(): number {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }

}

/** The parts of the document around its entries: root, `xbrli:xbrl` header, `documentInfo`, `entityInformation`. */
export interface DocumentFrame {
  /** From the XML declaration to the last element before the first entryHeader. */
  head: string;
  /** After the last entryHeader, up to (not including) the root's end tag. */
  tail: string;
  rootEnd: string;
}

export interface FrameOptions {
  settings: EdefterSettings;
  kind: LedgerKind;
  uniqueID: string;
  creationDate: string;
  periodStart: string;
  periodEnd: string;
  branch?: BranchSettings;
  version: string;
  root: 'defter' | 'berat';
  /** Berat only: the xbrli:segment content. */
  segment?: string;
  /** Berat only: "Beratı" added to the comment (Teknik Kılavuz §2.3). */
  berat?: boolean;
}

export function documentFrame(o: FrameOptions): DocumentFrame {
  const c = o.kind === 'journal' ? 'journal_context' : 'ledger_context';
  const f = o.settings.firm;
  const t = (name: string, value: string) => `<${name} contextRef="${c}">${escText(value)}</${name}>`;
  const stylesheet = o.root === 'berat' ? 'berat.xslt' : o.kind === 'journal' ? 'yevmiye.xslt' : 'kebir.xslt';
  const kindWord = o.kind === 'journal' ? 'Yevmiye' : 'Kebir';
  // Free text (XBRL-GL Genel Açıklamalar §4.1.6); it names the month, not the part's end, so a streamed part's
  // header keeps its length when periodCoveredEnd is filled in at the end.
  const comment = `${trMonthYear(o.periodStart)} dönemine ait ${f.title} ${kindWord} Defteri${o.berat ? ' Beratı' : ''}`;
  const org = (id: string, description: string) =>
    `<gl-bus:organizationIdentifiers>${t('gl-bus:organizationIdentifier', id)}${t('gl-bus:organizationDescription', description)}</gl-bus:organizationIdentifiers>`;
  const accountants = o.settings.contracts
    .map(
      (k) =>
        `<gl-bus:accountantInformation>${t('gl-bus:accountantName', accountantName(k))}${t('gl-bus:accountantEngagementTypeDescription', engagementDescription(k))}</gl-bus:accountantInformation>`,
    )
    .join('');
  const head =
    XML_DECLARATION +
    `<?xml-stylesheet type="text/xsl" href="${stylesheet}"?>\n` +
    `<edefter:${o.root}${nsDecls(['ds', 'edefter', 'xades', 'xsi'])} xsi:schemaLocation="http://www.edefter.gov.tr ../xsd/edefter.xsd">` +
    `<xbrli:xbrl${nsDecls(['gl-bus', 'gl-cor', 'gl-muc', 'iso4217', 'iso639', 'link', 'xbrli', 'xlink'])} xsi:schemaLocation="http://www.xbrl.org/int/gl/plt/2006-10-25 ../xsd/2006-10-25/plt/case-c-b/gl-plt-2006-10-25.xsd">` +
    `<link:schemaRef xlink:href="../xsd/2006-10-25/plt/case-c-b/gl-plt-2006-10-25.xsd" xlink:type="simple"></link:schemaRef>` +
    `<xbrli:context id="${c}"><xbrli:entity><xbrli:identifier scheme="http://www.gib.gov.tr">${escText(f.taxId)}</xbrli:identifier>${o.segment ? `<xbrli:segment>${o.segment}</xbrli:segment>` : ''}</xbrli:entity>` +
    `<xbrli:period><xbrli:instant>${o.creationDate}</xbrli:instant></xbrli:period></xbrli:context>` +
    `<xbrli:unit id="try"><xbrli:measure>iso4217:TRY</xbrli:measure></xbrli:unit>` +
    `<xbrli:unit id="countable"><xbrli:measure>xbrli:pure</xbrli:measure></xbrli:unit>` +
    `<gl-cor:accountingEntries>` +
    `<gl-cor:documentInfo>${t('gl-cor:entriesType', o.kind)}${t('gl-cor:uniqueID', o.uniqueID)}${t('gl-cor:language', 'iso639:tr')}` +
    `${t('gl-cor:creationDate', o.creationDate)}${t('gl-bus:creator', f.ledger.creator ?? f.title)}${t('gl-cor:entriesComment', comment)}` +
    `${t('gl-cor:periodCoveredStart', o.periodStart)}${t('gl-cor:periodCoveredEnd', o.periodEnd)}${t('gl-bus:sourceApplication', sourceApplicationOf(f, o.version))}</gl-cor:documentInfo>` +
    `<gl-cor:entityInformation>` +
    `<gl-bus:entityPhoneNumber>${t('gl-bus:phoneNumberDescription', 'main')}${t('gl-bus:phoneNumber', f.phone)}</gl-bus:entityPhoneNumber>` +
    (f.fax ? `<gl-bus:entityFaxNumberStructure>${t('gl-bus:entityFaxNumber', f.fax)}</gl-bus:entityFaxNumberStructure>` : '') +
    `<gl-bus:entityEmailAddressStructure>${t('gl-bus:entityEmailAddress', f.email)}</gl-bus:entityEmailAddressStructure>` +
    org(f.title, f.taxId.length === 11 ? 'Adı Soyadı' : 'Kurum Unvanı') +
    (o.branch ? org(o.branch.name, 'Şube Adı') + org(o.branch.code, 'Şube No') : '') +
    `<gl-bus:organizationAddress>${t('gl-bus:organizationBuildingNumber', f.address.buildingNumber)}${t('gl-bus:organizationAddressStreet', f.address.street)}` +
    (f.address.street2 ? t('gl-bus:organizationAddressStreet2', f.address.street2) : '') +
    `${t('gl-bus:organizationAddressCity', f.address.city)}${t('gl-bus:organizationAddressZipOrPostalCode', f.address.postalCode)}${t('gl-bus:organizationAddressCountry', f.address.country)}</gl-bus:organizationAddress>` +
    `<gl-bus:entityWebSite>${t('gl-bus:webSiteURL', f.webSite)}</gl-bus:entityWebSite>` +
    `${t('gl-bus:businessDescription', f.nace)}${t('gl-bus:fiscalYearStart', f.fiscalYearStart)}${t('gl-bus:fiscalYearEnd', f.fiscalYearEnd)}` +
    accountants +
    `</gl-cor:entityInformation>\n`;
  return { head, tail: '</gl-cor:accountingEntries></xbrli:xbrl>', rootEnd: `</edefter:${o.root}>` };
}

/** Account names by code, and a lookup that meets Netsis's 120-01-001 and Logo's 120.01.001. */
export class AccountNames {
  private readonly names = new Map<string, string>();
  constructor(chart: readonly ChartAccount[]) {
    for (const a of chart) this.names.set(AccountNames.key(a.code), a.name);
  }
  static key(code: string): string {
    return code.trim().replace(/[\s\-/]+/g, '.').toLocaleUpperCase('tr-TR');
  }
  of(code: string): string | undefined {
    return this.names.get(AccountNames.key(code));
  }
}

interface AccountRef {
  main: string;
  mainName: string;
  sub?: string;
  subName?: string;
}

function accountRef(code: string, names: AccountNames): AccountRef {
  const trimmed = code.trim();
  const main = mainAccountOf(trimmed);
  const mainName = names.of(main) ?? trimmed;
  if (trimmed === main) return { main, mainName };
  return { main, mainName, sub: trimmed, subName: names.of(trimmed) ?? mainName };
}

function accountXml(a: AccountRef, c: string): string {
  const sub = a.sub
    ? `<gl-cor:accountSub><gl-cor:accountSubDescription contextRef="${c}">${escText(a.subName!)}</gl-cor:accountSubDescription><gl-cor:accountSubID contextRef="${c}">${escText(a.sub)}</gl-cor:accountSubID></gl-cor:accountSub>`
    : '';
  return `<gl-cor:account><gl-cor:accountMainID contextRef="${c}">${escText(a.main)}</gl-cor:accountMainID><gl-cor:accountMainDescription contextRef="${c}">${escText(a.mainName)}</gl-cor:accountMainDescription>${sub}</gl-cor:account>`;
}

interface DetailData {
  lineNumber: number;
  counter: number;
  account: AccountRef;
  amount: number;
  dc: 'D' | 'C';
  date: string;
  voucherNo: string;
  docType?: string | null;
  docDescription?: string | null;
  docNumber?: string | null;
  docDate?: string | null;
  payment?: string | null;
  comment?: string | null;
}

function detailXml(d: DetailData, c: string): string {
  const t = (name: string, value: string) => `<${name} contextRef="${c}">${escText(value)}</${name}>`;
  return (
    `<gl-cor:entryDetail>${t('gl-cor:lineNumber', String(d.lineNumber))}` +
    `<gl-cor:lineNumberCounter contextRef="${c}" decimals="INF" unitRef="countable">${d.counter}</gl-cor:lineNumberCounter>` +
    accountXml(d.account, c) +
    `<gl-cor:amount contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(d.amount)}</gl-cor:amount>` +
    t('gl-cor:debitCreditCode', d.dc) +
    t('gl-cor:postingDate', d.date) +
    (d.docType ? t('gl-cor:documentType', d.docType) : '') +
    (d.docType && d.docDescription ? t('gl-cor:documentTypeDescription', d.docDescription) : '') +
    (d.docType && d.docNumber ? t('gl-cor:documentNumber', d.docNumber) : '') +
    t('gl-cor:documentReference', d.voucherNo) +
    (d.docType && d.docDate ? t('gl-cor:documentDate', d.docDate) : '') +
    (d.payment ? t('gl-bus:paymentMethod', d.payment) : '') +
    (d.comment ? t('gl-cor:detailComment', d.comment) : '') +
    `</gl-cor:entryDetail>`
  );
}

function journalEntryXml(entry: LedgerEntry, counter: number, firstLine: number, names: AccountNames, branch?: BranchSettings): string {
  const c = 'journal_context';
  const t = (name: string, value: string) => `<${name} contextRef="${c}">${escText(value)}</${name}>`;
  let debit = 0;
  let credit = 0;
  for (const l of entry.lines) {
    if (l.debitCredit === 'D') debit += l.amountKurus;
    else credit += l.amountKurus;
  }
  let xml =
    `<gl-cor:entryHeader>${t('gl-cor:enteredBy', entry.enteredBy)}${t('gl-cor:enteredDate', entry.date)}${t('gl-cor:entryNumber', entry.voucherNo)}` +
    (entry.comment ? t('gl-cor:entryComment', entry.comment) : '') +
    (branch ? t('gl-bus:batchID', branch.code) + t('gl-bus:batchDescription', `${branch.name} Şubesi`) : '') +
    `<gl-bus:totalDebit contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(debit)}</gl-bus:totalDebit>` +
    `<gl-bus:totalCredit contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(credit)}</gl-bus:totalCredit>` +
    `<gl-cor:entryNumberCounter contextRef="${c}" decimals="INF" unitRef="countable">${counter}</gl-cor:entryNumberCounter>`;
  entry.lines.forEach((l, i) => {
    xml += detailXml(lineData(entry, l, counter, firstLine + i, names), c);
  });
  return `${xml}</gl-cor:entryHeader>\n`;
}

function lineData(entry: LedgerEntry, l: LedgerLine, counter: number, lineNumber: number, names: AccountNames): DetailData {
  return {
    lineNumber,
    counter,
    account: accountRef(l.account, names),
    amount: l.amountKurus,
    dc: l.debitCredit,
    date: entry.date,
    voucherNo: entry.voucherNo,
    docType: l.document?.type ?? null,
    docDescription: l.document?.typeDescription ?? null,
    docNumber: l.document?.number ?? null,
    docDate: l.document?.date ?? null,
    payment: l.paymentMethod ?? null,
    comment: l.comment ?? entry.comment ?? null,
  };
}

const emptyVat = (): VatTotals => ({ '391': { D: 0, C: 0 }, '191': { D: 0, C: 0 }, '600': { D: 0, C: 0 }, '601': { D: 0, C: 0 }, '602': { D: 0, C: 0 } });

interface OpenPart {
  index: number;
  /** The Y file while it is written (renamed to its GİB name once the part count is known). */
  tmpFile: string;
  sink: FileSink;
  /** Byte offset of periodCoveredEnd's placeholder in the file. */
  endOffset: number;
  uniqueSeq: number;
  periodStart: string;
  entries: number;
  lines: number;
  firstDate: string;
  lastDate: string;
  firstJournalNo: number;
  lastJournalNo: number;
  firstLine: number;
  lastLine: number;
  vat: VatTotals;
}

/**
 * Writes the month's Y and K parts from a journal stream that has passed the checks (numbered, balanced, in book
 * order). Y parts stream straight into their files (periodCoveredEnd patched in place when a part closes); K parts
 * are written from the sorted table afterwards. Files are unsigned; sealing digests them (core/signing/xades.ts).
 */
export async function buildLedger(entries: AsyncIterable<LedgerEntry>, o: LedgerBuildOptions): Promise<LedgerBuildResult> {
  const { first: monthFirst, last: monthLast } = monthBounds(o.month);
  const taxId = o.settings.firm.taxId;
  const limit = o.partSizeBytes ?? o.settings.firm.ledger.partSizeMb * 1024 * 1024;
  const names = new AccountNames(o.chart);
  const ym = o.month.replace('-', '');
  fs.mkdirSync(o.outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(o.outDir, '.build-'));
  const sortDb = new Database(path.join(work, 'kebir.sqlite'));
  sortDb.pragma('journal_mode = OFF');
  sortDb.pragma('synchronous = OFF');
  sortDb.exec(`CREATE TABLE line (part INTEGER, main TEXT, sub TEXT, mainName TEXT, subName TEXT, counter INTEGER, lineNumber INTEGER,
    date TEXT, dc TEXT, amount INTEGER, voucherNo TEXT, docType TEXT, docDescription TEXT, docNumber TEXT, docDate TEXT, payment TEXT, comment TEXT)`);
  const insert = sortDb.prepare(`INSERT INTO line VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  let pendingRows: unknown[][] = [];
  const flushRows = sortDb.transaction((rows: unknown[][]) => {
    for (const r of rows) insert.run(r);
  });
  const common = (periodStart: string, periodEnd: string) => ({
    settings: o.settings,
    creationDate: o.creationDate,
    periodStart,
    periodEnd,
    version: o.version,
    root: 'defter' as const,
    ...(o.branch ? { branch: o.branch } : {}),
  });

  const closed: OpenPart[] = [];
  let part: OpenPart | undefined;
  let lineNumber = o.previousLineNumber;
  let totalEntries = 0;
  let totalLines = 0;
  let lastJournalNo = 0;
  const openPart = (firstDate: string): OpenPart => {
    const index = closed.length + 1;
    const prev = closed.at(-1);
    // Teknik Kılavuz §2.2: the first part starts on the 1st; a later one the day after the previous part ends, or on
    // that same day when the cut falls inside a day.
    const periodStart = !prev ? monthFirst : firstDate === prev.lastDate ? prev.lastDate : addDays(prev.lastDate, 1);
    const uniqueSeq = o.previousUniqueSeq + index;
    const frame = documentFrame({ ...common(periodStart, END_PLACEHOLDER), kind: 'journal', uniqueID: `YEV${ym}${pad(uniqueSeq, 6)}` });
    const marker = `<gl-cor:periodCoveredEnd contextRef="journal_context">${END_PLACEHOLDER}`;
    const endOffset = Buffer.byteLength(frame.head.slice(0, frame.head.indexOf(marker) + marker.length - END_PLACEHOLDER.length), 'utf8');
    const tmpFile = path.join(work, `y-${index}.xml`);
    const sink = new FileSink(tmpFile);
    sink.write(frame.head);
    return { index, tmpFile, sink, endOffset, uniqueSeq, periodStart, entries: 0, lines: 0, firstDate, lastDate: firstDate, firstJournalNo: 0, lastJournalNo: 0, firstLine: 0, lastLine: 0, vat: emptyVat() };
  };
  const closePart = (p: OpenPart, isLast: boolean) => {
    const frame = documentFrame({ ...common(p.periodStart, END_PLACEHOLDER), kind: 'journal', uniqueID: '' });
    p.sink.write(frame.tail + frame.rootEnd);
    p.sink.close();
    const fd = fs.openSync(p.tmpFile, 'r+');
    try {
      fs.writeSync(fd, Buffer.from(isLast ? monthLast : p.lastDate, 'utf8'), 0, END_PLACEHOLDER.length, p.endOffset);
    } finally {
      fs.closeSync(fd);
    }
  };
  try {
    for await (const entry of entries) {
      const counter = entry.journalNo!;
      const xml = journalEntryXml(entry, counter, lineNumber + 1, names, o.branch);
      const size = Buffer.byteLength(xml, 'utf8');
      // An entry never splits across parts; room is kept for the part's closing tags.
      if (part && part.entries > 0 && part.sink.bytes + size + 1024 > limit) {
        closePart(part, false);
        closed.push(part);
        part = undefined;
      }
      part ??= openPart(entry.date);
      if (part.entries === 0) {
        part.firstJournalNo = counter;
        part.firstLine = lineNumber + 1;
        part.firstDate = entry.date;
      }
      part.sink.write(xml, size);
      o.onEntry?.(entry);
      for (const l of entry.lines) {
        lineNumber++;
        const d = lineData(entry, l, counter, lineNumber, names);
        const main = d.account.main as keyof VatTotals;
        if (main in part.vat) part.vat[main][l.debitCredit] += l.amountKurus;
        pendingRows.push([part.index, d.account.main, d.account.sub ?? '', d.account.mainName, d.account.subName ?? null, counter, lineNumber, d.date, d.dc, d.amount,
          d.voucherNo, d.docType, d.docDescription, d.docNumber, d.docDate, d.payment, d.comment]);
      }
      if (pendingRows.length >= 5000) {
        flushRows(pendingRows);
        pendingRows = [];
      }
      part.entries++;
      part.lines += entry.lines.length;
      part.lastDate = entry.date;
      part.lastJournalNo = counter;
      part.lastLine = lineNumber;
      totalEntries++;
      totalLines += entry.lines.length;
      lastJournalNo = counter;
    }
    flushRows(pendingRows);
    pendingRows = [];
    if (part) {
      closePart(part, true);
      closed.push(part);
      part = undefined;
    }
    sortDb.exec('CREATE INDEX line_order ON line (part, main, sub, counter, lineNumber)');

    const single = closed.length === 1;
    const built: BuiltPart[] = [];
    for (const [i, p] of closed.entries()) {
      const isLast = i === closed.length - 1;
      const periodEnd = isLast ? monthLast : p.lastDate;
      const number = single ? 0 : p.index;
      const yName = partFileName(taxId, o.month, 'Y', number, o.branch?.code);
      const yFile = path.join(o.outDir, yName);
      fs.renameSync(p.tmpFile, yFile);
      const kName = partFileName(taxId, o.month, 'K', number, o.branch?.code);
      const kUnique = `KEB${ym}${pad(p.uniqueSeq, 6)}`;
      const kFrame = documentFrame({ ...common(p.periodStart, periodEnd), kind: 'ledger', uniqueID: kUnique });
      const kFile = path.join(o.outDir, kName);
      const k = new FileSink(kFile);
      k.write(kFrame.head);
      writeKebirBody(sortDb, p.index, (s) => k.write(s), o.branch);
      k.write(kFrame.tail + kFrame.rootEnd);
      const kBytes = k.close();
      built.push({
        part: number,
        periodStart: p.periodStart,
        periodEnd,
        entries: p.entries,
        lines: p.lines,
        firstJournalNo: p.firstJournalNo,
        lastJournalNo: p.lastJournalNo,
        firstLineNumber: p.firstLine,
        lastLineNumber: p.lastLine,
        vat: p.vat,
        y: { kind: 'Y', file: yFile, name: yName, bytes: fs.statSync(yFile).size, uniqueID: `YEV${ym}${pad(p.uniqueSeq, 6)}` },
        k: { kind: 'K', file: kFile, name: kName, bytes: kBytes, uniqueID: kUnique },
      });
    }
    return { month: o.month, parts: built, entries: totalEntries, lines: totalLines, lastUniqueSeq: o.previousUniqueSeq + closed.length, lastLineNumber: lineNumber, lastJournalNo };
  } finally {
    if (part) safeClose(part.sink);
    sortDb.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function safeClose(sink: FileSink): void {
  try {
    sink.close();
  } catch {
    // already closed
  }
}

interface SortedLine {
  main: string;
  sub: string;
  mainName: string;
  subName: string | null;
  counter: number;
  lineNumber: number;
  date: string;
  dc: 'D' | 'C';
  amount: number;
  voucherNo: string;
  docType: string | null;
  docDescription: string | null;
  docNumber: string | null;
  docDate: string | null;
  payment: string | null;
  comment: string | null;
}

/** K body: per account (main, sub), totals first (one small GROUP BY), then the lines streamed in madde order. */
function writeKebirBody(db: Database.Database, part: number, write: (s: string) => void, branch?: BranchSettings): void {
  const c = 'ledger_context';
  const totals = new Map<string, { d: number; c: number }>();
  for (const r of db.prepare(`SELECT main, sub, SUM(CASE WHEN dc = 'D' THEN amount ELSE 0 END) AS d, SUM(CASE WHEN dc = 'C' THEN amount ELSE 0 END) AS c
      FROM line WHERE part = ? GROUP BY main, sub`).iterate(part) as Iterable<{ main: string; sub: string; d: number; c: number }>) {
    totals.set(`${r.main}\u0000${r.sub}`, { d: r.d, c: r.c });
  }
  let current: string | undefined;
  let chunk = '';
  for (const r of db.prepare('SELECT * FROM line WHERE part = ? ORDER BY main, sub, counter, lineNumber').iterate(part) as Iterable<SortedLine>) {
    const key = `${r.main}\u0000${r.sub}`;
    if (key !== current) {
      if (current !== undefined) chunk += '</gl-cor:entryHeader>\n';
      current = key;
      const tot = totals.get(key)!;
      const net = tot.d - tot.c;
      chunk +=
        `<gl-cor:entryHeader>` +
        (branch ? `<gl-bus:batchID contextRef="${c}">${escText(branch.code)}</gl-bus:batchID><gl-bus:batchDescription contextRef="${c}">${escText(`${branch.name} Şubesi`)}</gl-bus:batchDescription>` : '') +
        `<gl-bus:totalDebit contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(net > 0 ? net : 0)}</gl-bus:totalDebit>` +
        `<gl-bus:totalCredit contextRef="${c}" decimals="INF" unitRef="try">${formatKurus(net < 0 ? -net : 0)}</gl-bus:totalCredit>`;
    }
    chunk += detailXml(
      {
        lineNumber: r.lineNumber,
        counter: r.counter,
        account: { main: r.main, mainName: r.mainName, ...(r.sub ? { sub: r.sub, subName: r.subName ?? r.mainName } : {}) },
        amount: r.amount,
        dc: r.dc,
        date: r.date,
        voucherNo: r.voucherNo,
        docType: r.docType,
        docDescription: r.docDescription,
        docNumber: r.docNumber,
        docDate: r.docDate,
        payment: r.payment,
        comment: r.comment,
      },
      c,
    );
    if (chunk.length > 1 << 20) {
      write(chunk);
      chunk = '';
    }
  }
  if (current !== undefined) chunk += '</gl-cor:entryHeader>\n';
  write(chunk);
}

export { escAttr };
