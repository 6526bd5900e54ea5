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
import { formatKurus, mainAccountOf, monthBounds, type LedgerEntry, type MonthKey } from './model';
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

export interface QnbCsvOptions {
  settings: EdefterSettings;
  month: MonthKey;
  chart: readonly { code: string; name: string }[];
  outDir: string;
  branchCode?: string;
  linesPerPart?: number;
}

/**
 * Writes the month's CSV parts as zips into `outDir`, one voucher at a time (`add`), so it can ride along the XBRL
 * build's single pass over the journal; only the current part's pending lines are in memory.
 */
export class QnbCsvWriter {
  private readonly names: AccountNames;
  private readonly perPart: number;
  private readonly first: string;
  private readonly last: string;
  private readonly parts: CsvPart[] = [];
  private current: { part: number; zip: Zip; file: ZipDeflate; fd: number; lines: number; zipFile: string; base: string; done: Promise<void>; pending: string[]; error?: Error } | undefined;
  private closing: Promise<void> = Promise.resolve();
  private nextPart = 1;

  constructor(private readonly o: QnbCsvOptions) {
    this.names = new AccountNames(o.chart);
    this.perPart = o.linesPerPart ?? QNB_CSV_LINES_PER_PART;
    const { first, last } = monthBounds(o.month);
    this.first = first;
    this.last = last;
    fs.mkdirSync(o.outDir, { recursive: true });
  }

  private open(part: number) {
    const base = qnbPartName(this.o.settings.firm.taxId, this.o.month, part, this.o.branchCode);
    const zipFile = path.join(this.o.outDir, `${base}.zip`);
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
      const f = this.o.settings.firm;
      c.pending.push([f.ledger.creator ?? f.title, this.first, this.last, f.fiscalYearStart, f.fiscalYearEnd, f.taxId].map(csvField).join(';') + '\r\n');
    }
    return c;
  }

  private flush(final: boolean): void {
    if (!this.current) return;
    this.current.file.push(Buffer.from(this.current.pending.join(''), 'utf8'), final);
    this.current.pending = [];
  }

  private close(): void {
    const c = this.current;
    if (!c) return;
    this.flush(true);
    c.zip.end();
    this.current = undefined;
    this.closing = this.closing.then(async () => {
      await c.done;
      fs.closeSync(c.fd);
      this.parts.push({ part: c.part, zipFile: c.zipFile, zipName: `${c.base}.zip`, csvName: `${c.base}.csv`, lines: c.lines, bytes: fs.statSync(c.zipFile).size });
    });
  }

  add(e: LedgerEntry): void {
    if (this.current && this.current.lines + e.lines.length > this.perPart && this.current.lines > 0) this.close();
    this.current ??= this.open(this.nextPart++);
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
        this.names.of(main) ?? main,
        sub,
        sub ? (this.names.of(sub) ?? '') : '',
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
      this.current.pending.push(row.map(csvField).join(';') + '\r\n');
      this.current.lines++;
    }
    if (this.current.pending.length > 4096) this.flush(false);
  }

  async finish(): Promise<CsvPart[]> {
    this.close();
    await this.closing;
    return this.parts.sort((a, b) => a.part - b.part);
  }
}

/** Writes the month's CSV parts from a journal stream. */
export async function writeQnbCsv(entries: AsyncIterable<LedgerEntry>, o: QnbCsvOptions): Promise<CsvPart[]> {
  const w = new QnbCsvWriter(o);
  for await (const e of entries) w.add(e);
  return w.finish();
}
