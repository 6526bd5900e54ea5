import type { Knex } from 'knex';
import type { ChartAccount, GibDocumentType, LedgerDocument, LedgerEntry, LedgerLine } from '../../core/edefter/model';
import { kurusOf } from '../../core/edefter/model';
import { describeColumns, withErpErrors, type ErpDatabase } from '../../db/erp';
import type { JournalQuery } from '../contract';
import { checkTables, type TableNeed } from '../shared/checks';
import { chunks, dateBinding, dateOf, intOf, textOf } from '../shared/values';
import { netsisText, optionalNetsisText } from './map';

/**
 * Netsis's general ledger for e-Defter (erp-despatch-ledger-edefter.md §4, N-KB "e-Defter Sıkça Sorulan Sorular"):
 * `TBLMUHMAS` holds the voucher with `RESM_YEVMNO` (resmi yevmiye madde no, assigned by "klasik fiş sıralama";
 * blank until then), `TBLMUHFIS` its lines (`SIRA`, `HES_KOD`, `BA` 1 borç / 2 alacak, `TUTAR`, `TARIH`,
 * `EVRAKTARIHI`, `KAYITYAPANKUL` → `TBLKULLANP.ISIM_SOYAD`), `TBLMUPLAN` the chart of accounts (`HESAP_KODU`,
 * `HS_ADI`). Table names are fixed: the company is chosen by the database, never by SQL text.
 */
export const NETSIS_LEDGER_TABLES = {
  voucher: 'TBLMUHMAS',
  line: 'TBLMUHFIS',
  account: 'TBLMUPLAN',
  user: 'TBLKULLANP',
} as const;

/**
 * How a line joins its voucher is not documented [?] (§7 q.5): Konnektör joins on FISNO **[I]**, the key both
 * tables share in every public query.
 */
export const NETSIS_LEDGER_COLUMNS = {
  TBLMUHMAS: ['FISNO', 'TARIH', 'RESM_YEVMNO'],
  TBLMUHFIS: ['FISNO', 'SIRA', 'HES_KOD', 'BA', 'TUTAR', 'TARIH', 'ACIKLAMA', 'EVRAKTARIHI', 'KAYITYAPANKUL'],
  TBLMUPLAN: ['HESAP_KODU', 'HS_ADI'],
} as const;

/**
 * e-Defter document fields of a line. Netsis's own column names for the document type, number and payment method
 * are not public [?]; these are **[I]**, read only when the database has them (the date is `EVRAKTARIHI` [O-vendor]).
 */
export const NETSIS_LEDGER_DOCUMENT_COLUMNS = { type: 'BELGE_TIPI', number: 'BELGE_NO', payment: 'ODEME_SEKLI', typeDescription: 'BELGE_ACIKLAMA' } as const;

/** Netsis's document-type words → GİB document types **[I]** (one place to correct). */
export const NETSIS_DOCUMENT_TYPES: Readonly<Record<string, GibDocumentType>> = {
  FATURA: 'invoice',
  CEK: 'check',
  SENET: 'voucher',
  MAKBUZ: 'receipt',
  IRSALIYE: 'shipment',
  SIPARIS: 'order-customer',
  DIGER: 'other',
};

export function netsisLedgerNeeds(): TableNeed[] {
  return [
    { table: NETSIS_LEDGER_TABLES.voucher, columns: NETSIS_LEDGER_COLUMNS.TBLMUHMAS },
    { table: NETSIS_LEDGER_TABLES.line, columns: NETSIS_LEDGER_COLUMNS.TBLMUHFIS },
    { table: NETSIS_LEDGER_TABLES.account, columns: NETSIS_LEDGER_COLUMNS.TBLMUPLAN },
  ];
}

/** Book order on the raw column (an index range, not a sort per page); NULL madde numbers are read first, apart. */
const YEVMNO = 'M.RESM_YEVMNO';

function dayAfter(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

export function netsisVouchersQuery(
  db: Knex,
  range: { from: string; to: string },
  after: { date: unknown; journalNo: number; fisNo: string } | undefined,
  pageSize: number,
  nullJournalNo = false,
): Knex.QueryBuilder {
  const t = NETSIS_LEDGER_TABLES;
  const q = db
    .from({ M: t.voucher })
    .select('M.FISNO', 'M.TARIH', 'M.RESM_YEVMNO')
    .where('M.TARIH', '>=', dateBinding(db, range.from))
    .andWhere('M.TARIH', '<', dateBinding(db, dayAfter(range.to)))
    .orderBy([{ column: 'M.TARIH' }, { column: YEVMNO }, { column: 'M.FISNO' }])
    .limit(pageSize);
  if (nullJournalNo) q.whereNull(YEVMNO);
  else q.whereNotNull(YEVMNO);
  if (after) {
    q.andWhere(function keyset() {
      this.where('M.TARIH', '>', after.date as Knex.Value)
        .orWhere(function sameDay() {
          this.where('M.TARIH', '=', after.date as Knex.Value).andWhere(YEVMNO, '>', after.journalNo);
        })
        .orWhere(function sameNumber() {
          this.where('M.TARIH', '=', after.date as Knex.Value).andWhere(YEVMNO, '=', after.journalNo).andWhere('M.FISNO', '>', after.fisNo);
        });
    });
  }
  return q;
}

export function netsisLedgerLinesQuery(db: Knex, fisNos: string[], documentColumns: readonly string[], withUsers: boolean): Knex.QueryBuilder {
  const t = NETSIS_LEDGER_TABLES;
  const q = db
    .from({ F: t.line })
    .select('F.FISNO', 'F.SIRA', 'F.HES_KOD', 'F.BA', 'F.TUTAR', 'F.ACIKLAMA', 'F.EVRAKTARIHI', 'F.KAYITYAPANKUL', ...documentColumns.map((c) => `F.${c}`))
    .whereIn('F.FISNO', fisNos)
    .orderBy([{ column: 'F.FISNO' }, { column: 'F.SIRA' }]);
  if (withUsers) q.leftJoin({ U: t.user }, 'U.KULLANICI_ADI', 'F.KAYITYAPANKUL').select('U.ISIM_SOYAD');
  return q;
}

type Row = Record<string, unknown>;

function documentOf(row: Row): LedgerDocument | undefined {
  const c = NETSIS_LEDGER_DOCUMENT_COLUMNS;
  const word = netsisText(row[c.type]).toLocaleUpperCase('tr-TR').replace('Ç', 'C').replace('İ', 'I');
  const number = optionalNetsisText(row[c.number]);
  const raw = row.EVRAKTARIHI;
  const date = raw === null || raw === undefined || textOf(raw) === '' ? undefined : dateOf(raw);
  if (word === '') return number ? { type: 'other', number, ...(date ? { date } : {}) } : undefined;
  const type = NETSIS_DOCUMENT_TYPES[word] ?? 'other';
  const description = optionalNetsisText(row[c.typeDescription]) ?? (NETSIS_DOCUMENT_TYPES[word] ? undefined : netsisText(row[c.type]));
  return { type, ...(type === 'other' && description ? { typeDescription: description } : {}), ...(number ? { number } : {}), ...(date ? { date } : {}) };
}

function mapLine(row: Row): LedgerLine {
  const credit = intOf(row.BA) === 2;
  const payment = optionalNetsisText(row[NETSIS_LEDGER_DOCUMENT_COLUMNS.payment]);
  const document = documentOf(row);
  return {
    lineNo: intOf(row.SIRA),
    account: textOf(row.HES_KOD),
    debitCredit: credit ? 'C' : 'D',
    amountKurus: kurusOf(row.TUTAR),
    ...(optionalNetsisText(row.ACIKLAMA) ? { comment: optionalNetsisText(row.ACIKLAMA) } : {}),
    ...(document ? { document } : {}),
    ...(payment ? { paymentMethod: payment } : {}),
  };
}

const PAGE = 2000;

/** The vouchers of a date range in book order (date, RESM_YEVMNO, FISNO), a page at a time. */
export async function* readNetsisJournal(erp: ErpDatabase, query: JournalQuery): AsyncGenerator<LedgerEntry> {
  await checkTables(erp, netsisLedgerNeeds());
  const described = await withErpErrors(erp, () => describeColumns(erp, [NETSIS_LEDGER_TABLES.line, NETSIS_LEDGER_TABLES.user]));
  const lineColumns = described.get(NETSIS_LEDGER_TABLES.line) ?? new Set<string>();
  const documentColumns = Object.values(NETSIS_LEDGER_DOCUMENT_COLUMNS).filter((c) => lineColumns.has(c));
  const userColumns = described.get(NETSIS_LEDGER_TABLES.user);
  const withUsers = !!userColumns && userColumns.has('KULLANICI_ADI') && userColumns.has('ISIM_SOYAD');
  const page = async function* (nullJournalNo: boolean): AsyncGenerator<LedgerEntry> {
    let after: { date: unknown; journalNo: number; fisNo: string } | undefined;
    for (;;) {
      const vouchers = (await withErpErrors(erp, () => netsisVouchersQuery(erp.db, query, nullJournalNo ? undefined : after, nullJournalNo ? 1_000_000 : PAGE, nullJournalNo))) as Row[];
      if (vouchers.length === 0) return;
      const lines: Row[] = [];
      for (const part of chunks(vouchers.map((v) => textOf(v.FISNO)), 2000)) {
        lines.push(...((await withErpErrors(erp, () => netsisLedgerLinesQuery(erp.db, part, documentColumns, withUsers))) as Row[]));
      }
      const byFis = new Map<string, Row[]>();
      for (const l of lines) {
        const key = textOf(l.FISNO);
        let list = byFis.get(key);
        if (!list) byFis.set(key, (list = []));
        list.push(l);
      }
      for (const v of vouchers) {
        const fisNo = textOf(v.FISNO);
        const rows = byFis.get(fisNo) ?? [];
        const first = rows[0];
        // The person's name when TBLKULLANP has it, else the user code Netsis recorded.
        const enteredBy = first ? (optionalNetsisText(first.ISIM_SOYAD) ?? netsisText(first.KAYITYAPANKUL)) : '';
        const journalNo = intOf(v.RESM_YEVMNO);
        yield { erpRef: fisNo, voucherNo: fisNo, journalNo: journalNo > 0 ? journalNo : null, date: dateOf(v.TARIH), enteredBy, lines: rows.map(mapLine) };
      }
      if (nullJournalNo || vouchers.length < PAGE) return;
      const last = vouchers[vouchers.length - 1]!;
      after = { date: last.TARIH, journalNo: intOf(last.RESM_YEVMNO), fisNo: textOf(last.FISNO) };
    }
  };
  yield* page(true);
  yield* page(false);
}

export async function readNetsisChartOfAccounts(erp: ErpDatabase): Promise<ChartAccount[]> {
  await checkTables(erp, [{ table: NETSIS_LEDGER_TABLES.account, columns: NETSIS_LEDGER_COLUMNS.TBLMUPLAN }]);
  const rows = (await withErpErrors(erp, () => erp.db.from(NETSIS_LEDGER_TABLES.account).select('HESAP_KODU', 'HS_ADI').orderBy('HESAP_KODU'))) as Row[];
  return rows.map((r) => ({ code: textOf(r.HESAP_KODU), name: netsisText(r.HS_ADI) }));
}
