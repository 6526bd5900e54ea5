import type { Knex } from 'knex';
import type { ChartAccount, GibDocumentType, LedgerDocument, LedgerEntry, LedgerLine } from '../../core/edefter/model';
import { kurusOf } from '../../core/edefter/model';
import { assertFirmCode, assertPeriodCode } from '../../core/erp/codes';
import { describeColumns, withErpErrors, type ErpDatabase } from '../../db/erp';
import type { JournalQuery } from '../contract';
import { checkTables, type TableNeed } from '../shared/checks';
import { chunks, dateBinding, dateOf, intOf, optionalText, textOf } from '../shared/values';

/**
 * Logo's general-ledger vouchers for e-Defter (erp-despatch-ledger-edefter.md §3): `LG_FFF_PP_EMFICHE` (header;
 * `JOURNALNO` = yevmiye madde no, 0 until "Yevmiye madde numaralama" has run [I]), `LG_FFF_PP_EMFLINE` (lines;
 * `SIGN` 0 borç / 1 alacak, `DEBIT`/`CREDIT`, `LINENO_`), `LG_FFF_EMUHACC` (chart of accounts), and the user list
 * `L_CAPIUSER` for who entered the voucher.
 */
export function logoLedgerTables(firm: string, period: string) {
  const f = assertFirmCode(firm);
  const p = assertPeriodCode(period);
  return {
    fiche: `LG_${f}_${p}_EMFICHE`,
    line: `LG_${f}_${p}_EMFLINE`,
    account: `LG_${f}_EMUHACC`,
    user: 'L_CAPIUSER',
  } as const;
}

export const LOGO_LEDGER_COLUMNS = {
  EMFICHE: ['LOGICALREF', 'TRCODE', 'FICHENO', 'DATE_', 'JOURNALNO', 'BRANCH', 'CANCELLED', 'GENEXP1', 'CAPIBLOCK_CREATEDBY'],
  EMFLINE: ['LOGICALREF', 'ACCFICHEREF', 'ACCOUNTREF', 'LINENO_', 'SIGN', 'DEBIT', 'CREDIT', 'LINEEXP', 'CANCELLED'],
  EMUHACC: ['LOGICALREF', 'CODE', 'DEFINITION_'],
  L_CAPIUSER: ['NR', 'NAME'],
} as const;

/**
 * The e-Defter document fields on vouchers and their lines. Logo Objects names them `EBOOK_DOCTYPE`, `EBOOK_DOCNR`…;
 * in SQL they are probably the same without underscores [I] (§3). Konnektör reads whichever spelling the database
 * has, and reads no document data where it has neither (the checks then name the missing document fields).
 */
const EBOOK_FIELDS = ['DOCTYPE', 'DOCNR', 'DOCDATE', 'NODOCUMENT', 'EXPLAIN', 'PAYTYPE'] as const;
type EbookField = (typeof EBOOK_FIELDS)[number];

/**
 * Logo's `EBOOK_DOCTYPE` numbers → GİB document types. The code list is not public [?] (§3, §7 q.2); this order
 * follows the document-type list of Logo's e-Defter screen and is **[I]** — correct it here, in one place.
 */
export const LOGO_EBOOK_DOCTYPES: Readonly<Record<number, GibDocumentType>> = {
  1: 'invoice',
  2: 'check',
  3: 'voucher',
  4: 'receipt',
  5: 'shipment',
  6: 'order-customer',
  7: 'order-vendor',
  8: 'debit-memo',
  9: 'credit-memo',
  10: 'finance-charge',
  11: 'manual-adjustment',
  99: 'other',
};

/** Which spelling of each EBOOK field a table has (undefined: neither). */
export type EbookColumns = Partial<Record<EbookField, string>>;

async function ebookColumnsOf(erp: ErpDatabase, table: string): Promise<EbookColumns> {
  const have = (await describeColumns(erp, [table])).get(table.toUpperCase()) ?? new Set<string>();
  const out: EbookColumns = {};
  for (const f of EBOOK_FIELDS) {
    const names = f === 'NODOCUMENT' ? ['EBOOK_NODOCUMENT', 'EBOOKNODOCUMENT', 'EBOOK_UNDOCUMENTED', 'EBOOKUNDOCUMENTED'] : [`EBOOK_${f}`, `EBOOK${f}`];
    const found = names.find((n) => have.has(n));
    if (found) out[f] = found;
  }
  return out;
}

export function ledgerNeeds(firm: string, period: string): TableNeed[] {
  const t = logoLedgerTables(firm, period);
  return [
    { table: t.fiche, columns: LOGO_LEDGER_COLUMNS.EMFICHE },
    { table: t.line, columns: LOGO_LEDGER_COLUMNS.EMFLINE },
    { table: t.account, columns: LOGO_LEDGER_COLUMNS.EMUHACC },
  ];
}

const ebookSelect = (alias: string, cols: EbookColumns, prefix: string): string[] =>
  Object.entries(cols).map(([field, column]) => `${alias}.${column} as ${prefix}${field}`);

/**
 * Book order is (DATE_, JOURNALNO, LOGICALREF) on the raw columns, so the keyset walks an index instead of sorting
 * the month for every page. A NULL JOURNALNO would drop out of such a keyset, so those vouchers (unnumbered, like 0)
 * are read by a query of their own first: they are never silently skipped.
 */
const JOURNAL_NO = 'H.JOURNALNO';

/** Vouchers of a date range, in book order (date, madde no, ref), a page after the keyset `after`. */
export function ledgerHeadersQuery(
  db: Knex,
  firm: string,
  period: string,
  range: { from: string; to: string },
  after: { date: unknown; journalNo: number; ref: number } | undefined,
  pageSize: number,
  options: { ebook?: EbookColumns; withUsers?: boolean; nullJournalNo?: boolean } = {},
): Knex.QueryBuilder {
  const t = logoLedgerTables(firm, period);
  const withUsers = options.withUsers ?? true;
  const q = db
    .from({ H: t.fiche })
    .select('H.LOGICALREF', 'H.FICHENO', 'H.DATE_', 'H.JOURNALNO', 'H.BRANCH', 'H.GENEXP1', ...ebookSelect('H', options.ebook ?? {}, 'H_'))
    .where('H.CANCELLED', 0)
    .andWhere('H.DATE_', '>=', dateBinding(db, range.from))
    .andWhere('H.DATE_', '<', dateBinding(db, dayAfter(range.to)))
    .orderBy([{ column: 'H.DATE_' }, { column: JOURNAL_NO }, { column: 'H.LOGICALREF' }])
    .limit(pageSize);
  if (options.nullJournalNo) q.whereNull(JOURNAL_NO);
  else q.whereNotNull(JOURNAL_NO);
  // Without the system user list the name stays empty and the checks ask for it.
  if (withUsers) q.leftJoin({ U: t.user }, 'U.NR', 'H.CAPIBLOCK_CREATEDBY').select('U.NAME as USERNAME');
  if (after) {
    q.andWhere(function keyset() {
      this.where('H.DATE_', '>', after.date as Knex.Value)
        .orWhere(function sameDay() {
          this.where('H.DATE_', '=', after.date as Knex.Value).andWhere(JOURNAL_NO, '>', after.journalNo);
        })
        .orWhere(function sameNumber() {
          this.where('H.DATE_', '=', after.date as Knex.Value).andWhere(JOURNAL_NO, '=', after.journalNo).andWhere('H.LOGICALREF', '>', after.ref);
        });
    });
  }
  return q;
}

/** Lines of the given vouchers with their account codes. */
export function ledgerLinesQuery(db: Knex, firm: string, period: string, ficheRefs: number[], ebook: EbookColumns = {}): Knex.QueryBuilder {
  const t = logoLedgerTables(firm, period);
  return db
    .from({ L: t.line })
    .leftJoin({ A: t.account }, 'A.LOGICALREF', 'L.ACCOUNTREF')
    .select('L.LOGICALREF', 'L.ACCFICHEREF', 'L.LINENO_', 'L.SIGN', 'L.DEBIT', 'L.CREDIT', 'L.LINEEXP', 'A.CODE as ACCOUNTCODE', ...ebookSelect('L', ebook, 'L_'))
    .whereIn('L.ACCFICHEREF', ficheRefs)
    .andWhere('L.CANCELLED', 0)
    .orderBy([{ column: 'L.ACCFICHEREF' }, { column: 'L.LINENO_' }, { column: 'L.LOGICALREF' }]);
}

export function chartOfAccountsQuery(db: Knex, firm: string): Knex.QueryBuilder {
  return db.from(`LG_${assertFirmCode(firm)}_EMUHACC`).select('CODE', 'DEFINITION_').orderBy('CODE');
}

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

type Row = Record<string, unknown>;

function documentOf(row: Row, prefix: 'H_' | 'L_'): LedgerDocument | undefined | null {
  const has = (f: EbookField) => `${prefix}${f}` in row;
  if (!has('DOCTYPE') && !has('DOCNR')) return undefined;
  if (intOf(row[`${prefix}NODOCUMENT`]) === 1) return null;
  const code = intOf(row[`${prefix}DOCTYPE`]);
  const number = optionalText(row[`${prefix}DOCNR`]);
  const rawDate = row[`${prefix}DOCDATE`];
  const date = rawDate === null || rawDate === undefined || textOf(rawDate) === '' ? undefined : dateOf(rawDate);
  if (code === 0 && !number && !date) return undefined;
  const type = LOGO_EBOOK_DOCTYPES[code];
  return {
    // An unknown code stays visible: the checks report "other" without a description.
    type: type ?? 'other',
    ...(type === 'other' || !type ? { typeDescription: optionalText(row[`${prefix}EXPLAIN`]) ?? (type ? undefined : `Logo belge türü ${code}`) } : {}),
    ...(number ? { number } : {}),
    ...(date ? { date } : {}),
  };
}

function mapLine(row: Row, header: LedgerDocument | undefined | null, headerPay: string | undefined): LedgerLine {
  const credit = intOf(row.SIGN) === 1;
  const amount = kurusOf(credit ? row.CREDIT : row.DEBIT);
  const own = documentOf(row, 'L_');
  const document = own === undefined ? header : own;
  const pay = optionalText(row.L_PAYTYPE) ?? headerPay;
  return {
    lineNo: intOf(row.LINENO_),
    account: textOf(row.ACCOUNTCODE),
    debitCredit: credit ? 'C' : 'D',
    amountKurus: amount,
    ...(optionalText(row.LINEEXP) ? { comment: optionalText(row.LINEEXP) } : {}),
    ...(document ? { document } : {}),
    ...(pay ? { paymentMethod: pay } : {}),
  };
}

const PAGE = 2000;

/**
 * The vouchers of a date range in book order, a page at a time: memory stays bounded however large the month
 * (SQLite's knex stream would buffer the whole result; keyset pages behave the same on SQL Server and SQLite).
 */
export async function* readLogoJournal(erp: ErpDatabase, firm: string, period: string, query: JournalQuery): AsyncGenerator<LedgerEntry> {
  const t = logoLedgerTables(firm, period);
  await checkTables(erp, ledgerNeeds(firm, period));
  const hasUsers = (await withErpErrors(erp, () => describeColumns(erp, [t.user]))).has(t.user);
  const headerEbook = await withErpErrors(erp, () => ebookColumnsOf(erp, t.fiche));
  const lineEbook = await withErpErrors(erp, () => ebookColumnsOf(erp, t.line));
  const page = async function* (nullJournalNo: boolean): AsyncGenerator<LedgerEntry> {
    let after: { date: unknown; journalNo: number; ref: number } | undefined;
    for (;;) {
      const headers = (await withErpErrors(erp, () =>
        ledgerHeadersQuery(erp.db, firm, period, query, nullJournalNo ? undefined : after, nullJournalNo ? 1_000_000 : PAGE, { ebook: headerEbook, withUsers: hasUsers, nullJournalNo }),
      )) as Row[];
      if (headers.length === 0) return;
      const lines: Row[] = [];
      // SQL Server takes at most 2100 parameters per statement.
      for (const part of chunks(headers.map((h) => intOf(h.LOGICALREF)), 2000)) {
        lines.push(...((await withErpErrors(erp, () => ledgerLinesQuery(erp.db, firm, period, part, lineEbook))) as Row[]));
      }
      const byFiche = new Map<number, Row[]>();
      for (const l of lines) {
        const ref = intOf(l.ACCFICHEREF);
        let list = byFiche.get(ref);
        if (!list) byFiche.set(ref, (list = []));
        list.push(l);
      }
      for (const h of headers) {
        const ref = intOf(h.LOGICALREF);
        const headerDoc = documentOf(h, 'H_');
        const headerPay = optionalText(h.H_PAYTYPE);
        const journalNo = intOf(h.JOURNALNO);
        const branch = intOf(h.BRANCH);
        yield {
          erpRef: String(ref),
          voucherNo: textOf(h.FICHENO),
          journalNo: journalNo > 0 ? journalNo : null,
          date: dateOf(h.DATE_),
          enteredBy: textOf(h.USERNAME),
          ...(optionalText(h.GENEXP1) ? { comment: optionalText(h.GENEXP1) } : {}),
          ...(branch > 0 ? { branch } : {}),
          lines: (byFiche.get(ref) ?? []).map((l) => mapLine(l, headerDoc, headerPay)),
        };
      }
      if (nullJournalNo || headers.length < PAGE) return;
      const last = headers[headers.length - 1]!;
      after = { date: last.DATE_, journalNo: intOf(last.JOURNALNO), ref: intOf(last.LOGICALREF) };
    }
  };
  yield* page(true);
  yield* page(false);
}

export async function readLogoChartOfAccounts(erp: ErpDatabase, firm: string): Promise<ChartAccount[]> {
  const rows = (await withErpErrors(erp, () => chartOfAccountsQuery(erp.db, firm))) as Row[];
  return rows.map((r) => ({ code: textOf(r.CODE), name: textOf(r.DEFINITION_) }));
}
