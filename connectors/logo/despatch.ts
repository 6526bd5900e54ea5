import Decimal from 'decimal.js';
import type { Knex } from 'knex';
import type { Address, DespatchCarrier, DespatchDocument, DespatchDriver, DespatchLine, DespatchSourceField, Party } from '../../core/documents/model';
import { unitCodeFor } from '../../core/documents/units';
import { assertFirmCode, assertPeriodCode } from '../../core/erp/codes';
import { KonnektorError } from '../../core/errors';
import { withErpErrors, type ErpDatabase } from '../../db/erp';
import type { WriteBackResult } from '../contract';
import type { BranchFilter } from '../shared/branch';
import { ColumnSet, type TableNeed } from '../shared/checks';
import { recordEbelgeStatus } from '../shared/ebelgeStatus';
import { mapRows, unreadableDespatch } from '../shared/rows';
import { chunks, dateBinding, dateOf, decimalOf, intOf, optionalText, textOf } from '../shared/values';
import { customerOf, type Row } from './map';
import { LOGO_COLUMNS, LOGO_OPTIONAL, LOGO_SYSTEM_TABLES, logoTables, optionalColumnsOf } from './tables';

/**
 * Logo's sales despatches (e-İrsaliye): STFICHE headers with their STLINE lines, the transport data Logo keeps in
 * EINVOICEDET (STFREF → STFICHE: drivers and plates), the carrier firm L_SHPAGENT (STFICHE.SHPAGNCOD = CODE) and the
 * shipping address LG_FFF_SHIPINFO (erp-despatch-ledger-edefter.md §3, erp-schemas.md §2.7).
 *
 * Every fact about Logo's despatch columns and codes is in `LOGO_DESPATCH` below, each with its confidence: [C]
 * documented by two or more sources or GİB-side, [I] inferred — the place to correct after checking a live database.
 */
export const LOGO_DESPATCH = {
  /** [C] STFICHE.TRCODE 7 perakende satış irsaliyesi, 8 toptan satış irsaliyesi (6 alım iade is not a sale: left out [I]). */
  salesTrcodes: [7, 8],
  /** [C] GRPCODE 2: sales. */
  salesGrpcode: 2,
  /** [1S] STFICHE.EDESPATCH marks the slip as an e-İrsaliye; [I] 2 marks one issued on paper first (MATBUDAN). */
  edespatch: { electronic: 1, fromPaper: 2 },
  /** [C] EDESPSTATUS 0 not sent, 10 sent; [I] the other values of 0–25. */
  status: { unsent: 0, sent: 10 },
  /** [I] For MATBUDAN: the paper despatch's number is the slip's DOCODE (Belge No), its date DOCDATE. */
  paperNumber: 'DOCODE',
  paperDate: 'DOCDATE',
  /** [1S] EINVOICEDET: drivers 1–3 (DRIVERNAME/DRIVERSURNAME/DRIVERTCKNO) and plates 1–3 (PLATENUM). */
  drivers: [1, 2, 3],
  /** [I] PLATENUM1 is the vehicle (çekici), PLATENUM2–3 its trailers (dorse). */
  vehiclePlate: 'PLATENUM1',
  trailerPlates: ['PLATENUM2', 'PLATENUM3'],
  /** [I] SHIPTIME/FTIME are packed as hour·2²⁴ + minute·2¹⁶ + second·2⁸ (the Logo community's decoding; erp-schemas.md §2.1 [?]). */
  packedTime: true,
  /** [I] L_SHPAGENT: a carrier with TCNO and no TAXNR is a person. */
} as const;

export function logoDespatchTables(firm: string, period: string) {
  const f = assertFirmCode(firm);
  const p = assertPeriodCode(period);
  return {
    stfiche: `LG_${f}_${p}_STFICHE`,
    einvoicedet: `LG_${f}_${p}_EINVOICEDET`,
    shipinfo: `LG_${f}_SHIPINFO`,
    shpagent: 'L_SHPAGENT',
    ...logoTables(firm, period),
  } as const;
}

const driverColumns = LOGO_DESPATCH.drivers.flatMap((n) => [`DRIVERNAME${n}`, `DRIVERSURNAME${n}`, `DRIVERTCKNO${n}`]);

export const LOGO_DESPATCH_COLUMNS = {
  STFICHE: ['LOGICALREF', 'GRPCODE', 'TRCODE', 'FICHENO', 'DATE_', 'FTIME', 'DOCODE', 'CLIENTREF', 'SHIPINFOREF', 'CANCELLED', 'SHPAGNCOD', 'GENEXP1', 'GENEXP2', 'BRANCH'],
  STFICHE_OPTIONAL: [
    { column: 'GUID', lost: 'irsaliyenin ETTN’si programa yazılamaz.' },
    { column: 'EDESPATCH', lost: 'e-İrsaliye işaretli irsaliyeler ayırt edilemez.' },
    { column: 'EDESPSTATUS', lost: 'gönderilmiş irsaliyeler ayırt edilemez.' },
    { column: 'DOCDATE', lost: 'matbu irsaliyenin tarihi okunamaz.' },
    { column: 'SHIPDATE', lost: 'fiili sevk tarihi okunamaz; irsaliye tarihi kullanılır.' },
    { column: 'SHIPTIME', lost: 'fiili sevk saati okunamaz; irsaliye saati kullanılır.' },
  ],
  STLINE: ['LOGICALREF', 'STFICHEREF', 'STFICHELNNO', 'LINETYPE', 'STOCKREF', 'AMOUNT', 'PRICE', 'TOTAL', 'UOMREF', 'LINEEXP', 'CANCELLED'],
  EINVOICEDET: ['LOGICALREF', 'STFREF', ...driverColumns, 'PLATENUM1', 'PLATENUM2', 'PLATENUM3'],
  L_SHPAGENT: ['CODE', 'TITLE', 'TAXNR', 'TCNO', 'NAME', 'SURNAME', 'ADDR1', 'ADDR2', 'CITY', 'TOWN', 'DISTRICT', 'COUNTRY', 'POSTCODE'],
  SHIPINFO: ['LOGICALREF', 'CLIENTREF', 'ADDR1', 'ADDR2', 'CITY', 'TOWN', 'DISTRICT', 'POSTCODE'],
} as const;

export function despatchModuleNeeds(firm: string, period: string): TableNeed[] {
  const t = logoDespatchTables(firm, period);
  return [
    { table: LOGO_SYSTEM_TABLES.firm, columns: LOGO_COLUMNS.L_CAPIFIRM },
    { table: LOGO_SYSTEM_TABLES.period, columns: LOGO_COLUMNS.L_CAPIPERIOD },
    { table: t.stfiche, columns: LOGO_DESPATCH_COLUMNS.STFICHE, optional: LOGO_DESPATCH_COLUMNS.STFICHE_OPTIONAL },
    { table: t.stline, columns: LOGO_DESPATCH_COLUMNS.STLINE },
    { table: t.einvoicedet, columns: LOGO_DESPATCH_COLUMNS.EINVOICEDET },
    { table: t.shpagent, columns: LOGO_DESPATCH_COLUMNS.L_SHPAGENT },
    { table: t.shipinfo, columns: LOGO_DESPATCH_COLUMNS.SHIPINFO },
    { table: t.clcard, columns: LOGO_COLUMNS.CLCARD, optional: LOGO_OPTIONAL.CLCARD },
    { table: t.items, columns: LOGO_COLUMNS.ITEMS },
    { table: t.unitsetl, columns: LOGO_COLUMNS.UNITSETL, optional: LOGO_OPTIONAL.UNITSETL },
  ];
}

/** The ERP key of a despatch: its STFICHE LOGICALREF, marked so it is never taken for an INVOICE one. */
export const DESPATCH_KEY_PREFIX = 'STF:';
export const despatchKeyOf = (logicalRef: number) => `${DESPATCH_KEY_PREFIX}${logicalRef}`;
export function despatchRefOf(key: string): number | undefined {
  if (!key.startsWith(DESPATCH_KEY_PREFIX)) return undefined;
  const n = Number(key.slice(DESPATCH_KEY_PREFIX.length));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** Unsent sales despatches marked for e-İrsaliye (not cancelled), oldest first, with customer, carrier and address. */
export function despatchHeadersQuery(db: Knex, firm: string, period: string, filter: BranchFilter = {}, columns: ColumnSet = ColumnSet.everything(despatchModuleNeeds(firm, period))): Knex.QueryBuilder {
  const t = logoDespatchTables(firm, period);
  const has = (c: string) => columns.has(t.stfiche, c);
  const q = db
    .from({ F: t.stfiche })
    .join({ C: t.clcard }, 'C.LOGICALREF', 'F.CLIENTREF')
    .leftJoin({ A: t.shpagent }, 'A.CODE', 'F.SHPAGNCOD')
    .leftJoin({ SI: t.shipinfo }, 'SI.LOGICALREF', 'F.SHIPINFOREF')
    .select(
      ...LOGO_DESPATCH_COLUMNS.STFICHE.map((c) => `F.${c}`),
      ...columns.pick(t.stfiche, optionalColumnsOfDespatch()).map((c) => `F.${c}`),
      'C.CODE as C_CODE', 'C.DEFINITION_ as C_DEFINITION', 'C.TAXNR as C_TAXNR', 'C.TAXOFFICE as C_TAXOFFICE', 'C.ADDR1 as C_ADDR1', 'C.ADDR2 as C_ADDR2',
      'C.DISTRICT as C_DISTRICT', 'C.TOWN as C_TOWN', 'C.CITY as C_CITY', 'C.COUNTRY as C_COUNTRY', 'C.POSTCODE as C_POSTCODE', 'C.TELNRS1 as C_TELNRS1',
      'C.EMAILADDR as C_EMAILADDR',
      ...columns.pick(t.clcard, optionalColumnsOf('CLCARD')).map((c) => `C.${c} as C_${c}`),
      ...LOGO_DESPATCH_COLUMNS.L_SHPAGENT.map((c) => `A.${c} as A_${c}`),
      ...LOGO_DESPATCH_COLUMNS.SHIPINFO.map((c) => `SI.${c} as SI_${c}`),
    )
    .whereIn('F.TRCODE', [...LOGO_DESPATCH.salesTrcodes])
    .andWhere('F.GRPCODE', LOGO_DESPATCH.salesGrpcode)
    .andWhere('F.CANCELLED', 0)
    .orderBy('F.LOGICALREF');
  if (has('EDESPATCH')) q.whereIn('F.EDESPATCH', [LOGO_DESPATCH.edespatch.electronic, LOGO_DESPATCH.edespatch.fromPaper]);
  if (has('EDESPSTATUS')) q.andWhere('F.EDESPSTATUS', LOGO_DESPATCH.status.unsent);
  if (filter.from) q.andWhere('F.DATE_', '>=', dateBinding(db, filter.from));
  if (filter.to) q.andWhere('F.DATE_', '<=', dateBinding(db, filter.to));
  if (filter.branch !== undefined) q.andWhere('F.BRANCH', filter.branch);
  if (filter.limit !== undefined) q.limit(filter.limit);
  if (filter.offset !== undefined) q.offset(filter.offset);
  return q;
}

function optionalColumnsOfDespatch(): string[] {
  return LOGO_DESPATCH_COLUMNS.STFICHE_OPTIONAL.map((o) => o.column);
}

export function despatchLinesQuery(db: Knex, firm: string, period: string, refs: number[], columns: ColumnSet = ColumnSet.everything(despatchModuleNeeds(firm, period))): Knex.QueryBuilder {
  const t = logoDespatchTables(firm, period);
  return db
    .from({ L: t.stline })
    .leftJoin({ IT: t.items }, 'IT.LOGICALREF', 'L.STOCKREF')
    .leftJoin({ U: t.unitsetl }, 'U.LOGICALREF', 'L.UOMREF')
    .select(
      ...LOGO_DESPATCH_COLUMNS.STLINE.map((c) => `L.${c}`),
      'IT.CODE as ITEM_CODE', 'IT.NAME as ITEM_NAME', 'U.CODE as UNIT_CODE',
      ...(columns.has(t.unitsetl, 'GLOBALCODE') ? ['U.GLOBALCODE as UNIT_GLOBALCODE'] : []),
    )
    .whereIn('L.STFICHEREF', refs)
    .andWhere('L.CANCELLED', 0)
    // [C] LINETYPE 0 malzeme: the goods that travel (promotion, discount and expense rows carry none).
    .andWhere('L.LINETYPE', 0)
    .orderBy([{ column: 'L.STFICHEREF' }, { column: 'L.STFICHELNNO' }]);
}

export function transportQuery(db: Knex, firm: string, period: string, refs: number[]): Knex.QueryBuilder {
  const t = logoDespatchTables(firm, period);
  return db.from(t.einvoicedet).select(...LOGO_DESPATCH_COLUMNS.EINVOICEDET).whereIn('STFREF', refs);
}

/** [I] Logo's packed time (hour·2²⁴ + minute·2¹⁶ + second·2⁸) as HH:mm:ss; undefined for 0 or an impossible value. */
export function logoTimeOf(value: unknown): string | undefined {
  const n = intOf(value);
  if (!n) return undefined;
  const h = Math.floor(n / 16777216);
  const m = Math.floor(n / 65536) % 256;
  const s = Math.floor(n / 256) % 256;
  if (h > 23 || m > 59 || s > 59) return undefined;
  return [h, m, s].map((x) => String(x).padStart(2, '0')).join(':');
}

export const logoPackedTime = (hms: string) => {
  const [h, m, s] = hms.split(':').map(Number);
  return h! * 16777216 + m! * 65536 + s! * 256;
};

function carrierOf(h: Row): DespatchCarrier | undefined {
  if (!textOf(h.SHPAGNCOD) || h.A_CODE === null || h.A_CODE === undefined) return undefined;
  const vkn = textOf(h.A_TAXNR);
  const tckn = textOf(h.A_TCNO);
  const person = !vkn && tckn !== '';
  const firstName = textOf(h.A_NAME);
  const familyName = textOf(h.A_SURNAME);
  return {
    taxId: person ? { scheme: 'TCKN', value: tckn } : { scheme: 'VKN', value: vkn },
    name: textOf(h.A_TITLE) || `${firstName} ${familyName}`.trim(),
    ...(person && firstName && familyName ? { person: { firstName, familyName } } : {}),
    address: {
      street: [textOf(h.A_ADDR1), textOf(h.A_ADDR2)].filter(Boolean).join(' ') || undefined,
      district: optionalText(h.A_DISTRICT),
      citySubdivision: optionalText(h.A_TOWN),
      city: optionalText(h.A_CITY),
      postalCode: optionalText(h.A_POSTCODE),
      country: optionalText(h.A_COUNTRY) ?? 'Türkiye',
    },
  };
}

function deliveryAddressOf(h: Row, customer: Party): Address {
  if (h.SI_LOGICALREF === null || h.SI_LOGICALREF === undefined) return customer.address;
  return {
    street: [textOf(h.SI_ADDR1), textOf(h.SI_ADDR2)].filter(Boolean).join(' ') || undefined,
    district: optionalText(h.SI_DISTRICT),
    citySubdivision: optionalText(h.SI_TOWN),
    city: optionalText(h.SI_CITY),
    postalCode: optionalText(h.SI_POSTCODE),
    country: customer.address.country,
  };
}

export interface DespatchMapContext {
  database: string;
  firm: string;
  period: string;
  supplier?: Party;
}

export function mapDespatch(h: Row, lines: readonly Row[], transport: Row | undefined, ctx: DespatchMapContext): DespatchDocument {
  const t = logoDespatchTables(ctx.firm, ctx.period);
  const customer = customerOf(h);
  const ref = intOf(h.LOGICALREF);
  const drivers: DespatchDriver[] = [];
  for (const n of LOGO_DESPATCH.drivers) {
    const firstName = textOf(transport?.[`DRIVERNAME${n}`]);
    const familyName = textOf(transport?.[`DRIVERSURNAME${n}`]);
    const tckn = textOf(transport?.[`DRIVERTCKNO${n}`]);
    if (firstName || familyName || tckn) drivers.push({ firstName, familyName, tckn });
  }
  const vehicle = textOf(transport?.[LOGO_DESPATCH.vehiclePlate]);
  const trailers = LOGO_DESPATCH.trailerPlates.map((c) => textOf(transport?.[c])).filter(Boolean);
  const fromPaper = intOf(h.EDESPATCH) === LOGO_DESPATCH.edespatch.fromPaper;
  const issueDate = dateOf(h.DATE_);
  const issueTime = logoTimeOf(h.FTIME);
  const shipDate = h.SHIPDATE ? dateOf(h.SHIPDATE) : issueDate;
  const shipTime = logoTimeOf(h.SHIPTIME) ?? issueTime ?? '';
  const carrier = carrierOf(h);
  const sourceFields: Partial<Record<DespatchSourceField, string>> = {
    driver: `${t.einvoicedet}.DRIVERNAME1 / DRIVERSURNAME1 / DRIVERTCKNO1`,
    carrier: `${t.stfiche}.SHPAGNCOD`,
    plate: `${t.einvoicedet}.${LOGO_DESPATCH.vehiclePlate}`,
    trailer: `${t.einvoicedet}.${LOGO_DESPATCH.trailerPlates.join(' / ')}`,
    deliveryAddress: h.SI_LOGICALREF === null || h.SI_LOGICALREF === undefined ? `${t.clcard}.TOWN / CITY / POSTCODE` : `${t.shipinfo}.TOWN / CITY / POSTCODE`,
    paperDocument: `${t.stfiche}.${LOGO_DESPATCH.paperNumber} / ${LOGO_DESPATCH.paperDate}`,
    despatchDate: `${t.stfiche}.SHIPDATE / SHIPTIME`,
  };
  const despatchLines: DespatchLine[] = lines.map((l, i) => {
    const price = decimalOf(l.PRICE);
    return {
      lineNo: i + 1,
      ...(optionalText(l.ITEM_CODE) ? { itemCode: textOf(l.ITEM_CODE) } : {}),
      itemName: textOf(l.ITEM_NAME),
      ...(optionalText(l.LINEEXP) ? { description: textOf(l.LINEEXP) } : {}),
      quantity: decimalOf(l.AMOUNT),
      unitCode: optionalText(l.UNIT_GLOBALCODE) ?? unitCodeFor(textOf(l.UNIT_CODE)) ?? textOf(l.UNIT_CODE),
      // A priced despatch: Logo keeps the slip's prices in lira.
      ...(price.gt(0) ? { unitPrice: price, amount: decimalOf(l.TOTAL).toDecimalPlaces(2, Decimal.ROUND_HALF_UP) } : {}),
    };
  });
  return {
    kind: 'despatch',
    module: 'eirsaliye',
    ref: { connector: 'logo', database: ctx.database, firm: ctx.firm, period: ctx.period, key: despatchKeyOf(ref) },
    erpNumber: textOf(h.FICHENO),
    issueDate,
    ...(issueTime ? { issueTime } : {}),
    ...(optionalText(h.GUID) ? { ettn: textOf(h.GUID).toLowerCase() } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    type: fromPaper ? 'MATBUDAN' : 'SEVK',
    customer,
    deliveryAddress: deliveryAddressOf(h, customer),
    despatchDate: shipDate,
    despatchTime: shipTime,
    ...(carrier ? { carrier } : {}),
    drivers,
    vehiclePlates: vehicle ? [vehicle] : [],
    trailerPlates: trailers,
    lines: despatchLines,
    notes: [textOf(h.GENEXP1), textOf(h.GENEXP2)].filter(Boolean),
    orderRefs: [],
    ...(fromPaper && optionalText(h[LOGO_DESPATCH.paperNumber])
      ? { paperDocument: { id: textOf(h[LOGO_DESPATCH.paperNumber]), ...(h[LOGO_DESPATCH.paperDate] ? { issueDate: dateOf(h[LOGO_DESPATCH.paperDate]) } : {}) } }
      : {}),
    currency: 'TRY',
    sourceFields,
  };
}

/** Reads the period's unsent sales despatches with lines and transport data. */
export async function readLogoDespatches(erp: ErpDatabase, firm: string, period: string, columns: ColumnSet, filter: BranchFilter, ctx: Omit<DespatchMapContext, 'firm' | 'period' | 'database'>): Promise<DespatchDocument[]> {
  const headers = (await withErpErrors(erp, () => despatchHeadersQuery(erp.db, firm, period, filter, columns))) as Row[];
  const refs = headers.map((h) => intOf(h.LOGICALREF));
  const lines = new Map<number, Row[]>();
  const transport = new Map<number, Row>();
  for (const part of chunks(refs)) {
    for (const l of (await withErpErrors(erp, () => despatchLinesQuery(erp.db, firm, period, part, columns))) as Row[]) {
      const ref = intOf(l.STFICHEREF);
      lines.set(ref, [...(lines.get(ref) ?? []), l]);
    }
    for (const d of (await withErpErrors(erp, () => transportQuery(erp.db, firm, period, part))) as Row[]) transport.set(intOf(d.STFREF), d);
  }
  const mapCtx = { ...ctx, database: erp.name, firm, period };
  const t = logoDespatchTables(firm, period);
  // One despatch whose rows cannot be read is that despatch's own ERP_VALUE_INVALID; the others are read on.
  return headers.map((h) => {
    const ref = intOf(h.LOGICALREF);
    const carried = transport.get(ref);
    return mapRows(
      (track) => mapDespatch(track(h, t.stfiche, ref), (lines.get(ref) ?? []).map((l) => track(l, t.stline, l.LOGICALREF)), carried && track(carried, t.einvoicedet, carried.LOGICALREF), mapCtx),
      (readError) =>
        unreadableDespatch(
          {
            ref: { connector: 'logo', database: erp.name, firm, period, key: despatchKeyOf(ref) },
            erpNumber: () => textOf(h.FICHENO),
            issueDate: () => dateOf(h.DATE_),
            customer: () => customerOf(h),
            ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
          },
          readError,
        ),
    );
  });
}

/** ETTN into STFICHE.GUID, EDESPSTATUS 10 once sent (a failed send stays 0, to correct and send again), the rest into KNK_EBELGE. */
export async function writeBackLogoDespatch(erp: ErpDatabase, firm: string, period: string, key: string, result: WriteBackResult): Promise<void> {
  const logicalRef = despatchRefOf(key);
  if (logicalRef === undefined) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not a Logo despatch key: ${JSON.stringify(key)}`, { value: key });
  const table = logoDespatchTables(firm, period).stfiche;
  await withErpErrors(erp, () =>
    erp.db.transaction(async (trx) => {
      const row = (await trx.from(table).select('LOGICALREF', 'GUID').where('LOGICALREF', logicalRef).first()) as Row | undefined;
      if (!row) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No despatch ${logicalRef} in ${table}`, { value: key });
      const current = textOf(row.GUID).toLowerCase();
      if (current !== '' && current !== result.ettn.toLowerCase()) {
        throw new KonnektorError('ERP_ETTN_CONFLICT', `Despatch ${logicalRef} already has GUID ${current}`, { ettn: current });
      }
      await trx(table)
        .where('LOGICALREF', logicalRef)
        .update({ GUID: result.ettn.toUpperCase(), ...(result.status !== 'failed' ? { EDESPSTATUS: LOGO_DESPATCH.status.sent } : {}) });
      await recordEbelgeStatus(erp, { firm, period, module: 'eirsaliye', erpKey: key }, result, trx);
    }),
  );
}
