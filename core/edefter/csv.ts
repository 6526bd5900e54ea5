/**
 * QNB eFinans's e-Defter input: the journal as CSV parts, zipped, uploaded with `eDefterCsvFileYukle`; QNB builds
 * the XBRL-GL ledger from them (efinans-despatch-receipts-ledger.md §5, integrator-api.md §16).
 *
 * Known [R] (an integrator's ABAP client, a second one agreeing on the request): `;` separated, UTF-8 with BOM,
 * `.` decimals; the zip entry `<VKN>_<şube 4 digits>_<YYYYMM>_<part>.csv`; a header record (creator,
 * periodCoveredStart/End, fiscalYearStart/End, taxid) in part 1 only; the item fields named below.
 * **[I]**: the column ORDER (QNB does not publish it), the absence of a title row, 1-based part numbers and the
 * part size. They live in this one place to correct once QNB confirms them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Zip, ZipDeflate } from 'fflate';
import { formatKurus, mainAccountOf, type LedgerEntry, type MonthKey } from './model';
import type { EdefterSettings } from './settings';
import { AccountNames } from '../documents/xbrl/ledger';

/** Item columns, in the order Konnektör writes them **[I]**. */
export const QNB_CSV_COLUMNS = [
  'yevmiyeNo',
  'enteredBy',
  'enteredDate',
  'entryNumber',
  'totalDebit',
  'totalCredit',
  'accountMainID',
  'accountMainDescription',
  'accountSubID',
  'accountSubDescription',
  'amount',
  'debitCreditCode',
  'postingDate',
  'documentReference',
  'detailComment',
  'documentType',
  'documentTypeDescription',
  'documentNumber',
  'documentDate',
  'paymentMethod',
] as const;

/** Header record fields (part 1 only) [R]. */
export const QNB_CSV_HEADER = ['creator', 'periodCoveredStart', 'periodCoveredEnd', 'fiscalYearStart', 'fiscalYearEnd', 'taxid'] as const;

/** Lines per CSV part **[I]**: keeps a part's zip well under any upload limit. */
export const QNB_CSV_LINES_PER_PART = 250_000;

const BOM = '\uFEFF';

export function csvField(value: string): string {
  return /[;"\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function qnbPartName(taxId: string, month: MonthKey, part: number, branchCode = '0000'): string {
  return `${taxId}_${branchCode}_${month.replace('-', '')}_${part}`;
}

export interface CsvPart {
  part: number;
  /** The zip file and the name of the CSV inside it. */
  zipFile: string;
  zipName: string;
  csvName: string;
  lines: number;
  bytes: number;
}

/** Writes the month's CSV parts as zips into `outDir`, streaming (one part's zip buffer at a time). */
export async function writeQnbCsv(
  entries: AsyncIterable<LedgerEntry>,
  o: { settings: EdefterSettings; month: MonthKey; chart: readonly { code: string; name: string }[]; outDir: string; branchCode?: string; linesPerPart?: number },
): Promise<CsvPart[]> {
  const names = new AccountNames(o.chart);
  const perPart = o.linesPerPart ?? QNB_CSV_LINES_PER_PART;
  const taxId = o.settings.firm.taxId;
  const first = `${o.month}-01`;
  const lastDay = new Date(Date.UTC(Number(o.month.slice(0, 4)), Number(o.month.slice(5, 7)), 0)).getUTCDate();
  const last = `${o.month}-${String(lastDay).padStart(2, '0')}`;
  fs.mkdirSync(o.outDir, { recursive: true });
  const parts: CsvPart[] = [];
  let current: { part: number; zip: Zip; file: ZipDeflate; fd: number; lines: number; zipFile: string; base: string; done: Promise<void>; pending: string[] } | undefined;

  const open = (part: number) => {
    const base = qnbPartName(taxId, o.month, part, o.branchCode);
    const zipFile = path.join(o.outDir, `${base}.zip`);
    const fd = fs.openSync(zipFile, 'w');
    let resolveDone!: () => void;
    let rejectDone!: (e: Error) => void;
    const done = new Promise<void>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    const zip = new Zip((err, data, final) => {
      if (err) return rejectDone(err);
      fs.writeSync(fd, data);
      if (final) resolveDone();
    });
    const file = new ZipDeflate(`${base}.csv`, { level: 6 });
    zip.add(file);
    const c = { part, zip, file, fd, lines: 0, zipFile, base, done, pending: [BOM] as string[] };
    if (part === 1) {
      const f = o.settings.firm;
      c.pending.push([f.ledger.creator ?? f.title, first, last, f.fiscalYearStart, f.fiscalYearEnd, taxId].map(csvField).join(';') + '\r\n');
    }
    return c;
  };
  const flush = (final: boolean) => {
    if (!current) return;
    current.file.push(Buffer.from(current.pending.join(''), 'utf8'), final);
    current.pending = [];
  };
  const close = async () => {
    if (!current) return;
    flush(true);
    current.zip.end();
    await current.done;
    fs.closeSync(current.fd);
    parts.push({ part: current.part, zipFile: current.zipFile, zipName: `${current.base}.zip`, csvName: `${current.base}.csv`, lines: current.lines, bytes: fs.statSync(current.zipFile).size });
    current = undefined;
  };

  for await (const e of entries) {
    if (current && current.lines + e.lines.length > perPart && current.lines > 0) await close();
    current ??= open(parts.length + 1);
    let debit = 0;
    let credit = 0;
    for (const l of e.lines) {
      if (l.debitCredit === 'D') debit += l.amountKurus;
      else credit += l.amountKurus;
    }
    for (const l of e.lines) {
      const main = mainAccountOf(l.account);
      const sub = l.account.trim() === main ? '' : l.account.trim();
      const row = [
        String(e.journalNo ?? ''),
        e.enteredBy,
        e.date,
        e.voucherNo,
        formatKurus(debit),
        formatKurus(credit),
        main,
        names.of(main) ?? main,
        sub,
        sub ? (names.of(sub) ?? '') : '',
        formatKurus(l.amountKurus),
        l.debitCredit,
        e.date,
        e.voucherNo,
        l.comment ?? e.comment ?? '',
        l.document?.type ?? '',
        l.document?.typeDescription ?? '',
        l.document?.number ?? '',
        l.document?.date ?? '',
        l.paymentMethod ?? '',
      ];
      current.pending.push(row.map(csvField).join(';') + '\r\n');
      current.lines++;
    }
    if (current.pending.length > 4096) flush(false);
  }
  await close();
  return parts;
}
