import type { Knex } from 'knex';
import type { DespatchCarrier, DespatchDocument, DespatchDriver, DespatchLine, Party } from '../../core/documents/model';
import { taxIdSchemeOf } from '../../core/documents/taxid';
import { unitCodeFor } from '../../core/documents/units';
import { KonnektorError } from '../../core/errors';
import { withErpErrors, type ErpDatabase } from '../../db/erp';
import type { WriteBackResult } from '../contract';
import type { BranchFilter } from '../shared/branch';
import type { TableNeed } from '../shared/checks';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { mapRows, unreadableDespatch } from '../shared/rows';
import { chunks, dateBinding, dateOf, decimalOf, textOf } from '../shared/values';
import { codeOf, customerOf, invoiceKeyOf, netsisText, optionalNetsisText, serializeInvoiceKey, unitNameOf, type NetsisInvoiceKey, type Row } from './map';
import { NETSIS_COLUMNS, NETSIS_TABLES } from './tables';

/**
 * Netsis sales despatches (e-İrsaliye): TBLFATUIRS rows with FTIRSIP '3', their TBLSTHAR lines, and the e-İrsaliye
 * transport data Netsis keeps in TBLEIRSMAS (erp-despatch-ledger-edefter.md §4). Every fact about these columns and
 * codes is in `NETSIS_DESPATCH`, each with its confidence: [C] documented, [1S] one source, [I] inferred — the place
 * to correct after checking a live database.
 */
export const NETSIS_DESPATCH = {
  /** [C] TBLFATUIRS.FTIRSIP '3': satış irsaliyesi. */
  ftirsip: '3',
  /** [I] As for invoices: a despatch is unsent while GIB_FATIRS_NO is empty. */
  unsentColumn: 'GIB_FATIRS_NO',
  /** [I] Despatch lines: STHAR_FTIRSIP '3', goods going out (STHAR_GCKOD 'C'). */
  lineGckod: 'C',
  /** [1S] TBLEIRSMAS: one row per e-despatch, joined by FATIRS_NO [I]; key INCKEYNO (UUID is not unique). */
  transportTable: 'TBLEIRSMAS',
  drivers: [1, 2, 3],
  trailers: ['SHIPDORSEPLAKA1', 'SHIPDORSEPLAKA2', 'SHIPDORSEPLAKA3'],
  /** [I] SHIP_SEVKTAR holds the actual despatch date and time. */
  despatchDateTime: 'SHIP_SEVKTAR',
  /** [I] The delivery address is the customer card's (CARI_ADRES, CARI_ILCE, CARI_IL, POSTAKODU). */
  postalCode: 'POSTAKODU',
} as const;

const driverColumns = NETSIS_DESPATCH.drivers.flatMap((n) => [`SHIP_DPERSON${n}FIRSTNAME`, `SHIP_DPERSON${n}FAMILYNAME`, `SHIP_DPERSON${n}NID`]);

export const NETSIS_DESPATCH_COLUMNS = {
  TBLEIRSMAS: [
    'INCKEYNO', 'FATIRS_NO', 'UUID', 'SHIP_SEVKTAR', 'SHIP_LICENSEPLATEID', ...NETSIS_DESPATCH.trailers,
    'SHIP_CARRIERVKN', 'SHIP_CARRIERNAME', 'SHIP_CARRIERCITY', 'SHIP_CARRIERSUBCITY', 'SHIP_CARRIERCOUNTRY', 'SHIP_CARRIERPOSTAL', ...driverColumns,
  ],
} as const;

export function despatchModuleNeeds(): TableNeed[] {
  return [
    { table: NETSIS_TABLES.header, columns: ['SUBE_KODU', 'FTIRSIP', 'FATIRS_NO', 'CARI_KODU', 'TARIH', 'ACIKLAMA', 'GIB_FATIRS_NO'] },
    { table: NETSIS_TABLES.lines, columns: ['INCKEYNO', 'STOK_KODU', 'FISNO', 'STHAR_FTIRSIP', 'STHAR_ACIKLAMA', 'STHAR_GCKOD', 'STHAR_GCMIK', 'OLCUBR', 'SIRA'] },
    { table: NETSIS_TABLES.party, columns: [...NETSIS_COLUMNS.TBLCASABIT, NETSIS_DESPATCH.postalCode] },
    { table: NETSIS_TABLES.partyExt, columns: NETSIS_COLUMNS.TBLCASABITEK },
    { table: NETSIS_TABLES.item, columns: NETSIS_COLUMNS.TBLSTSABIT },
    { table: NETSIS_DESPATCH.transportTable, columns: NETSIS_DESPATCH_COLUMNS.TBLEIRSMAS },
  ];
}

export function despatchHeadersQuery(db: Knex, filter: BranchFilter = {}): Knex.QueryBuilder {
  const t = NETSIS_TABLES;
  const q = db
    .from({ F: t.header })
    .leftJoin({ C: t.party }, 'C.CARI_KOD', 'F.CARI_KODU')
    .leftJoin({ CE: t.partyExt }, 'CE.CARI_KOD', 'F.CARI_KODU')
    .leftJoin({ E: NETSIS_DESPATCH.transportTable }, 'E.FATIRS_NO', 'F.FATIRS_NO')
    .select(
      'F.SUBE_KODU', 'F.FTIRSIP', 'F.FATIRS_NO', 'F.CARI_KODU', 'F.TARIH', 'F.ACIKLAMA',
      'C.CARI_ISIM as C_CARI_ISIM', 'C.CARI_ADRES as C_CARI_ADRES', 'C.CARI_IL as C_CARI_IL', 'C.CARI_ILCE as C_CARI_ILCE',
      'C.ULKE_KODU as C_ULKE_KODU', 'C.CARI_TEL as C_CARI_TEL', 'C.EMAIL as C_EMAIL', 'C.VERGI_DAIRESI as C_VERGI_DAIRESI',
      'C.VERGI_NUMARASI as C_VERGI_NUMARASI', `C.${NETSIS_DESPATCH.postalCode} as C_POSTAKODU`, 'CE.TCKIMLIKNO as CE_TCKIMLIKNO',
      ...NETSIS_DESPATCH_COLUMNS.TBLEIRSMAS.map((c) => `E.${c} as E_${c}`),
    )
    .where('F.FTIRSIP', NETSIS_DESPATCH.ftirsip)
    .andWhere((w) => w.whereNull(`F.${NETSIS_DESPATCH.unsentColumn}`).orWhere(`F.${NETSIS_DESPATCH.unsentColumn}`, ''))
    .orderBy([{ column: 'F.TARIH' }, { column: 'F.FATIRS_NO' }, { column: 'F.CARI_KODU' }, { column: 'F.SUBE_KODU' }]);
  if (filter.from) q.andWhere('F.TARIH', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('F.TARIH', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('F.SUBE_KODU', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

export function despatchLinesQuery(db: Knex, fatirsNos: readonly string[]): Knex.QueryBuilder {
  return db
    .from({ S: NETSIS_TABLES.lines })
    .leftJoin({ T: NETSIS_TABLES.item }, 'T.STOK_KODU', 'S.STOK_KODU')
    .select('S.INCKEYNO', 'S.STOK_KODU', 'S.FISNO', 'S.STHAR_ACIKLAMA', 'S.STHAR_GCMIK', 'S.OLCUBR', 'S.SIRA',
      'T.STOK_ADI as T_STOK_ADI', 'T.OLCU_BR1 as T_OLCU_BR1', 'T.OLCU_BR2 as T_OLCU_BR2', 'T.OLCU_BR3 as T_OLCU_BR3')
    .whereIn('S.FISNO', [...fatirsNos])
    .andWhere('S.STHAR_FTIRSIP', NETSIS_DESPATCH.ftirsip)
    .andWhere('S.STHAR_GCKOD', NETSIS_DESPATCH.lineGckod)
    .orderBy([{ column: 'S.FISNO' }, { column: 'S.SIRA' }, { column: 'S.INCKEYNO' }]);
}

/** SHIP_SEVKTAR as date and time (a datetime; a bare date leaves the time to the pre-check). */
function despatchMoment(value: unknown): { date?: string; time?: string } {
  if (value === null || value === undefined || value === '') return {};
  const text = value instanceof Date ? value.toISOString() : String(value);
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(text);
  if (!m) return { date: dateOf(value) };
  return { date: m[1]!, ...(m[2] ? { time: m[2].length === 5 ? `${m[2]}:00` : m[2] } : {}) };
}

function carrierOf(h: Row): DespatchCarrier | undefined {
  const id = netsisText(h.E_SHIP_CARRIERVKN);
  const name = netsisText(h.E_SHIP_CARRIERNAME);
  if (!id && !name) return undefined;
  return {
    taxId: { scheme: taxIdSchemeOf(id), value: id },
    name,
    address: {
      citySubdivision: optionalNetsisText(h.E_SHIP_CARRIERSUBCITY),
      city: optionalNetsisText(h.E_SHIP_CARRIERCITY),
      postalCode: optionalNetsisText(h.E_SHIP_CARRIERPOSTAL),
      country: optionalNetsisText(h.E_SHIP_CARRIERCOUNTRY) ?? 'Türkiye',
    },
  };
}

export function mapNetsisDespatch(h: Row, lines: readonly Row[], ctx: { database: string; supplier?: Party }): DespatchDocument {
  const key: NetsisInvoiceKey = invoiceKeyOf(h);
  const customer = customerOf(h);
  const drivers: DespatchDriver[] = [];
  for (const n of NETSIS_DESPATCH.drivers) {
    const firstName = netsisText(h[`E_SHIP_DPERSON${n}FIRSTNAME`]);
    const familyName = netsisText(h[`E_SHIP_DPERSON${n}FAMILYNAME`]);
    const tckn = netsisText(h[`E_SHIP_DPERSON${n}NID`]);
    if (firstName || familyName || tckn) drivers.push({ firstName, familyName, tckn });
  }
  const plate = netsisText(h.E_SHIP_LICENSEPLATEID);
  const trailers = NETSIS_DESPATCH.trailers.map((c) => netsisText(h[`E_${c}`])).filter(Boolean);
  const issueDate = dateOf(h.TARIH);
  const moment = despatchMoment(h.E_SHIP_SEVKTAR);
  const carrier = carrierOf(h);
  const t = NETSIS_TABLES;
  const e = NETSIS_DESPATCH.transportTable;
  const despatchLines: DespatchLine[] = lines.map((l, i) => {
    const unit = unitNameOf(l);
    return {
      lineNo: i + 1,
      itemCode: netsisText(l.STOK_KODU),
      itemName: netsisText(l.T_STOK_ADI),
      quantity: decimalOf(l.STHAR_GCMIK),
      unitCode: unitCodeFor(unit) ?? unit,
    };
  });
  return {
    kind: 'despatch',
    module: 'eirsaliye',
    ref: { connector: 'netsis', database: ctx.database, key: serializeInvoiceKey(key) },
    erpNumber: netsisText(h.FATIRS_NO),
    issueDate,
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    type: 'SEVK',
    customer,
    deliveryAddress: { ...customer.address, ...(optionalNetsisText(h.C_POSTAKODU) ? { postalCode: netsisText(h.C_POSTAKODU) } : {}) },
    despatchDate: moment.date ?? issueDate,
    despatchTime: moment.time ?? '',
    ...(carrier ? { carrier } : {}),
    drivers,
    vehiclePlates: plate ? [plate] : [],
    trailerPlates: trailers,
    lines: despatchLines,
    notes: [netsisText(h.ACIKLAMA)].filter(Boolean),
    orderRefs: [],
    sourceFields: {
      driver: `${e}.SHIP_DPERSON1FIRSTNAME / SHIP_DPERSON1FAMILYNAME / SHIP_DPERSON1NID`,
      carrier: `${e}.SHIP_CARRIERVKN / SHIP_CARRIERNAME`,
      plate: `${e}.SHIP_LICENSEPLATEID`,
      trailer: `${e}.${NETSIS_DESPATCH.trailers.join(' / ')}`,
      deliveryAddress: `${t.party}.CARI_ILCE / CARI_IL / ${NETSIS_DESPATCH.postalCode}`,
      despatchDate: `${e}.${NETSIS_DESPATCH.despatchDateTime}`,
    },
  };
}

export async function readNetsisDespatches(erp: ErpDatabase, filter: BranchFilter, ctx: { supplier?: Party }): Promise<DespatchDocument[]> {
  const headers = (await withErpErrors(erp, () => despatchHeadersQuery(erp.db, filter))) as Row[];
  const lineKey = (fisno: unknown, cari: unknown) => `${codeOf(fisno)}\u0000${codeOf(cari)}`;
  const byDespatch = new Map<string, Row[]>();
  for (const part of chunks([...new Set(headers.map((h) => codeOf(h.FATIRS_NO)))])) {
    for (const l of (await withErpErrors(erp, () => despatchLinesQuery(erp.db, part))) as Row[]) {
      const k = lineKey(l.FISNO, l.STHAR_ACIKLAMA);
      byDespatch.set(k, [...(byDespatch.get(k) ?? []), l]);
    }
  }
  const mapCtx = { database: erp.name, ...ctx };
  // One despatch whose rows cannot be read is that despatch's own ERP_VALUE_INVALID; the others are read on.
  return headers.map((h) => {
    const key = serializeInvoiceKey(invoiceKeyOf(h));
    return mapRows(
      (track) =>
        mapNetsisDespatch(
          track(h, NETSIS_TABLES.header, key),
          (byDespatch.get(lineKey(h.FATIRS_NO, h.CARI_KODU)) ?? []).map((l) => track(l, NETSIS_TABLES.lines, l.INCKEYNO)),
          mapCtx,
        ),
      (readError) =>
        unreadableDespatch(
          {
            ref: { connector: 'netsis', database: erp.name, key },
            erpNumber: () => netsisText(h.FATIRS_NO),
            issueDate: () => dateOf(h.TARIH),
            customer: () => customerOf(h),
            ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
          },
          readError,
        ),
    );
  });
}

/** The GİB number into GIB_FATIRS_NO once sent (a failed send leaves it empty), everything into KNK_EBELGE. */
export async function writeBackNetsisDespatch(erp: ErpDatabase, key: NetsisInvoiceKey, result: WriteBackResult): Promise<void> {
  const erpKey = serializeInvoiceKey(key);
  const where = { SUBE_KODU: key.sube, FTIRSIP: key.ftirsip, FATIRS_NO: key.fatirsNo, CARI_KODU: key.cariKodu };
  await withErpErrors(erp, () =>
    erp.db.transaction(async (trx) => {
      const row = (await trx.from(NETSIS_TABLES.header).select('GIB_FATIRS_NO').where(where).first()) as Row | undefined;
      if (!row) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No despatch ${erpKey} in ${NETSIS_TABLES.header} of ${erp.name}`, { value: erpKey });
      const current = textOf(row.GIB_FATIRS_NO);
      if (current !== '' && current !== result.number) {
        throw new KonnektorError('ERP_ETTN_CONFLICT', `Despatch ${erpKey} already has GİB number ${current}`, { number: current });
      }
      if (result.status !== 'failed' && current === '') await trx(NETSIS_TABLES.header).where(where).update({ GIB_FATIRS_NO: result.number });
      await recordEbelgeStatus(erp, { firm: '', period: '', module: 'eirsaliye', erpKey }, result, trx);
    }),
  );
}
