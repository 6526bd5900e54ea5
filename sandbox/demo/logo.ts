import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { EINVOICE_BY_KIND, estatusFor, type LogoInvoiceKind } from '../../connectors/logo/codes';
import { unitCodeFor } from '../../core/documents/units';
import { logoPackedTime } from '../../connectors/logo/despatch';
import { DEMO_CARRIER, demoDespatches } from './despatch';
import { demoBook, demoInvoices, type BookOptions, type DemoBook, type DemoInvoice, type DemoWorld } from './scenario';

/**
 * The Logo demo database LOGODB: firms 001 and 002, each with period 01 (last year) and 02 (this year), with the
 * real Logo table and column names (erp-schemas.md §2) plus the columns a real database carries around them.
 */

const SYSTEM_DDL = `
CREATE TABLE L_CAPIFIRM (LOGICALREF INTEGER PRIMARY KEY, NR INTEGER NOT NULL UNIQUE, NAME TEXT, TITLE TEXT, TAXOFF TEXT,
  TAXOFFCODE TEXT, TAXNR TEXT, MERSISNO TEXT, TRADEREGISNO TEXT, STREET TEXT, ROAD TEXT, DOORNR TEXT, DISTRICT TEXT, CITY TEXT,
  COUNTRY TEXT, ZIPCODE TEXT, PHONE1 TEXT, EMAILADDR TEXT, WEBADDR TEXT, LOCALCTYP INTEGER, FIRMREPCURR INTEGER,
  BEGMON INTEGER, BEGDAY INTEGER, ACCEPTEINV INTEGER, USEEARCHIVE INTEGER, POSTLABELCODE TEXT, SENDERLABELCODE TEXT);
CREATE TABLE L_CAPIPERIOD (LOGICALREF INTEGER PRIMARY KEY, FIRMNR INTEGER NOT NULL, NR INTEGER NOT NULL, BEGDATE TEXT, ENDDATE TEXT,
  ACTIVE INTEGER, UNIQUE (FIRMNR, NR));
CREATE TABLE L_CURRENCYLIST (LOGICALREF INTEGER PRIMARY KEY, FIRMNR INTEGER, CURTYPE INTEGER, CURCODE TEXT, CURNAME TEXT);
CREATE TABLE L_SHPAGENT (LOGICALREF INTEGER PRIMARY KEY, CODE TEXT, TITLE TEXT, FIRMTYPE INTEGER DEFAULT 0, TAXNR TEXT, TCNO TEXT, NAME TEXT,
  SURNAME TEXT, ADDR1 TEXT, ADDR2 TEXT, CITY TEXT, CITYCODE TEXT, TOWN TEXT, TOWNCODE TEXT, DISTRICT TEXT, DISTRICTCODE TEXT, COUNTRY TEXT,
  COUNTRYCODE TEXT, POSTCODE TEXT, TELNRS1 TEXT, EMAIL TEXT);
`;

function firmDdl(f: string): string {
  return `
CREATE TABLE LG_${f}_CLCARD (LOGICALREF INTEGER PRIMARY KEY, ACTIVE INTEGER DEFAULT 0, CARDTYPE INTEGER, CODE TEXT, DEFINITION_ TEXT,
  SPECODE TEXT, ADDR1 TEXT, ADDR2 TEXT, DISTRICT TEXT, TOWN TEXT, CITY TEXT, COUNTRY TEXT, POSTCODE TEXT, TELNRS1 TEXT, TELNRS2 TEXT,
  FAXNR TEXT, TAXNR TEXT, TAXOFFICE TEXT, EMAILADDR TEXT, ISPERSCOMP INTEGER DEFAULT 0, TCKNO TEXT, NAME TEXT, SURNAME TEXT,
  ACCEPTEINV INTEGER DEFAULT 0, POSTLABELCODE TEXT, SENDERLABELCODE TEXT);
CREATE TABLE LG_${f}_ITEMS (LOGICALREF INTEGER PRIMARY KEY, ACTIVE INTEGER DEFAULT 0, CARDTYPE INTEGER, CODE TEXT, NAME TEXT,
  UNITSETREF INTEGER, VAT REAL, GTIPCODE TEXT);
CREATE TABLE LG_${f}_SRVCARD (LOGICALREF INTEGER PRIMARY KEY, ACTIVE INTEGER DEFAULT 0, CARDTYPE INTEGER, CODE TEXT, DEFINITION_ TEXT,
  UNITSETREF INTEGER, VAT REAL, DEDUCTCODE TEXT);
CREATE TABLE LG_${f}_UNITSETL (LOGICALREF INTEGER PRIMARY KEY, CODE TEXT, NAME TEXT, UNITSETREF INTEGER, LINENR INTEGER,
  MAINUNIT INTEGER, CONVFACT1 REAL, CONVFACT2 REAL, GLOBALCODE TEXT);
CREATE TABLE LG_${f}_SHIPINFO (LOGICALREF INTEGER PRIMARY KEY, CLIENTREF INTEGER, CODE TEXT, NAME TEXT, ADDR1 TEXT, ADDR2 TEXT, CITY TEXT,
  TOWN TEXT, DISTRICT TEXT, POSTCODE TEXT, TAXNR TEXT, TAXOFFICE TEXT);
`;
}

function periodDdl(f: string, p: string): string {
  return `
CREATE TABLE LG_${f}_${p}_INVOICE (LOGICALREF INTEGER PRIMARY KEY, GRPCODE INTEGER, TRCODE INTEGER, FICHENO TEXT, DATE_ TEXT, TIME_ INTEGER,
  DOCODE TEXT, SPECODE TEXT, CYPHCODE TEXT, CLIENTREF INTEGER, RECVREF INTEGER, SOURCEINDEX INTEGER, BRANCH INTEGER DEFAULT 0,
  DEPARTMENT INTEGER DEFAULT 0, CANCELLED INTEGER DEFAULT 0, ACCOUNTED INTEGER DEFAULT 0, STATUS INTEGER DEFAULT 0,
  ADDDISCOUNTS REAL, TOTALDISCOUNTS REAL, TOTALDISCOUNTED REAL, ADDEXPENSES REAL, TOTALEXPENSES REAL, TOTALPROMOTIONS REAL,
  TOTALVAT REAL, GROSSTOTAL REAL, NETTOTAL REAL, GENEXP1 TEXT, GENEXP2 TEXT, GENEXP3 TEXT, GENEXP4 TEXT, REPORTRATE REAL, REPORTNET REAL,
  TRCURR INTEGER DEFAULT 0, TRRATE REAL DEFAULT 0, TRNET REAL, GVATINC INTEGER DEFAULT 0, DOCDATE TEXT, GUID TEXT, EINVOICE INTEGER DEFAULT 0,
  PROFILEID INTEGER DEFAULT 0, ESTATUS INTEGER DEFAULT 0, EINVOICETYP INTEGER DEFAULT 0, VATEXCEPTCODE TEXT, VATEXCEPTREASON TEXT,
  ESTARTDATE TEXT, EENDDATE TEXT);
CREATE INDEX I_${f}_${p}_INVOICE_SEND ON LG_${f}_${p}_INVOICE (ESTATUS, EINVOICE, TRCODE);
CREATE TABLE LG_${f}_${p}_STLINE (LOGICALREF INTEGER PRIMARY KEY, STOCKREF INTEGER, LINETYPE INTEGER, GLOBTRANS INTEGER DEFAULT 0,
  TRCODE INTEGER, DATE_ TEXT, INVOICEREF INTEGER, INVOICELNNO INTEGER, CLIENTREF INTEGER, AMOUNT REAL, PRICE REAL, TOTAL REAL,
  LINENET REAL, DISCPER REAL DEFAULT 0, VAT REAL, VATAMNT REAL, VATMATRAH REAL, VATINC INTEGER DEFAULT 0, UOMREF INTEGER, USREF INTEGER,
  UINFO1 REAL, UINFO2 REAL, LINEEXP TEXT, PRCURR INTEGER DEFAULT 0, PRPRICE REAL DEFAULT 0, TRCURR INTEGER DEFAULT 0, TRRATE REAL DEFAULT 0,
  CANCELLED INTEGER DEFAULT 0, BILLED INTEGER DEFAULT 1, SOURCELINK INTEGER DEFAULT 0, DEDUCTCODE TEXT, DEDUCTIONPART1 INTEGER DEFAULT 0,
  DEDUCTIONPART2 INTEGER DEFAULT 0, VATEXCEPTCODE TEXT, VATEXCEPTREASON TEXT, GTIPCODE TEXT, STFICHEREF INTEGER DEFAULT 0,
  STFICHELNNO INTEGER DEFAULT 0);
CREATE INDEX I_${f}_${p}_STLINE_INVOICE ON LG_${f}_${p}_STLINE (INVOICEREF, INVOICELNNO);
CREATE INDEX I_${f}_${p}_STLINE_STFICHE ON LG_${f}_${p}_STLINE (STFICHEREF, STFICHELNNO);
CREATE TABLE LG_${f}_${p}_STFICHE (LOGICALREF INTEGER PRIMARY KEY, GRPCODE INTEGER, TRCODE INTEGER, IOCODE INTEGER, FICHENO TEXT, DATE_ TEXT,
  FTIME INTEGER, DOCODE TEXT, INVNO TEXT, INVOICEREF INTEGER DEFAULT 0, CLIENTREF INTEGER, SHIPINFOREF INTEGER DEFAULT 0, SOURCEINDEX INTEGER,
  BRANCH INTEGER DEFAULT 0, BILLED INTEGER DEFAULT 0, CANCELLED INTEGER DEFAULT 0, GENEXP1 TEXT, GENEXP2 TEXT, SHPTYPCOD TEXT, SHPAGNCOD TEXT,
  NETTOTAL REAL DEFAULT 0, GUID TEXT, EDESPATCH INTEGER DEFAULT 0, EDESPSTATUS INTEGER DEFAULT 0, PROFILEID INTEGER DEFAULT 0, DOCDATE TEXT,
  SHIPDATE TEXT, SHIPTIME INTEGER);
CREATE INDEX I_${f}_${p}_STFICHE_SEND ON LG_${f}_${p}_STFICHE (EDESPSTATUS, EDESPATCH, TRCODE);
CREATE TABLE LG_${f}_${p}_EINVOICEDET (LOGICALREF INTEGER PRIMARY KEY, INVOICEREF INTEGER DEFAULT 0, STFREF INTEGER DEFAULT 0,
  DRIVERNAME1 TEXT, DRIVERSURNAME1 TEXT, DRIVERTCKNO1 TEXT, DRIVERNAME2 TEXT, DRIVERSURNAME2 TEXT, DRIVERTCKNO2 TEXT,
  DRIVERNAME3 TEXT, DRIVERSURNAME3 TEXT, DRIVERTCKNO3 TEXT, PLATENUM1 TEXT, PLATENUM2 TEXT, PLATENUM3 TEXT, CHASSISNUM1 TEXT,
  CHASSISNUM2 TEXT, CHASSISNUM3 TEXT, CHAINDELIVERY INTEGER DEFAULT 0);
`;
}

/** Logo's TRCURR numbers (LDDS list). */
const TRCURR: Record<DemoInvoice['currency'], number> = { TRY: 0, USD: 1, EUR: 20 };

export interface LogoDemoPeriod {
  firm: string;
  period: string;
  fiscalYear: number;
  /** What demoBook/demoInvoices generate for this firm and period. */
  bookOptions: BookOptions;
}

/** Which books go where: 40 % of the invoices to last year's periods, 60 % to this year's, split between firms. */
export function logoDemoPlan(world: DemoWorld, opts: { seed: number; invoices: number; year: number }): LogoDemoPeriod[] {
  const share = [0.2, 0.3, 0.2, 0.3];
  const plan: [number, string, number][] = [
    [0, '01', opts.year - 1],
    [0, '02', opts.year],
    [1, '01', opts.year - 1],
    [1, '02', opts.year],
  ];
  return plan.map(([companyIdx, period, fiscalYear], i) => ({
    firm: String(companyIdx + 1).padStart(3, '0'),
    period,
    fiscalYear,
    bookOptions: {
      seed: opts.seed,
      company: world.companies[companyIdx]!,
      fiscalYear,
      count: Math.max(1, Math.round(opts.invoices * share[i]!)),
      sentShare: fiscalYear < opts.year ? 0.95 : 0.25,
    },
  }));
}

/** The books of a plan, collected: what tests compare the connector's reading with. */
export function logoDemoBooks(world: DemoWorld, plan: readonly LogoDemoPeriod[]): (LogoDemoPeriod & { book: DemoBook })[] {
  return plan.map((p) => ({ ...p, book: demoBook(world, p.bookOptions) }));
}

/** An invoice that was already sent in an earlier session (gets its KNK_EBELGE row after migrations). */
export interface SentDemoInvoice {
  firm: string;
  period: string;
  module: LogoInvoiceKind | 'eirsaliye';
  key: string;
  ettn: string;
  gibNumber: string;
  date: string;
}

const num = (d: Decimal) => d.toNumber();
const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

export function createLogoDemo(dir: string, world: DemoWorld, opts: { seed: number; invoices: number; year: number }) {
  const layout = logoDemoPlan(world, opts);
  const sent: SentDemoInvoice[] = [];
  const file = path.join(dir, 'LOGODB.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  let invoiceCount = 0;
  let lineCount = 0;
  let despatchCount = 0;
  const sentDespatches: SentDemoInvoice[] = [];
  try {
    db.exec(SYSTEM_DDL);
    const firms = [...new Set(layout.map((l) => l.firm))];
    const units = [...new Set(world.items.map((i) => i.unit))];
    const write = db.transaction(() => {
      const insFirm = db.prepare(`INSERT INTO L_CAPIFIRM (NR, NAME, TITLE, TAXOFF, TAXNR, STREET, DISTRICT, CITY, COUNTRY, ZIPCODE, PHONE1,
        EMAILADDR, LOCALCTYP, BEGMON, BEGDAY, ACCEPTEINV, USEEARCHIVE) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'Türkiye', ?, ?, ?, 160, 1, 1, 1, 1)`);
      const insPeriod = db.prepare('INSERT INTO L_CAPIPERIOD (FIRMNR, NR, BEGDATE, ENDDATE, ACTIVE) VALUES (?, ?, ?, ?, ?)');
      const insCur = db.prepare('INSERT INTO L_CURRENCYLIST (FIRMNR, CURTYPE, CURCODE, CURNAME) VALUES (?, ?, ?, ?)');
      for (const f of firms) {
        const company = world.companies[Number(f) - 1]!;
        insFirm.run(Number(f), company.name.slice(0, 50), company.name, company.taxOffice, company.vkn, company.street, company.district,
          company.city, company.postalCode, company.phone, company.email);
        if (f === firms[0]) {
          db.prepare(`INSERT INTO L_SHPAGENT (CODE, TITLE, FIRMTYPE, TAXNR, ADDR1, CITY, TOWN, COUNTRY, POSTCODE) VALUES (?, ?, 1, ?, ?, ?, ?, 'Türkiye', ?)`)
            .run(DEMO_CARRIER.code, DEMO_CARRIER.title, DEMO_CARRIER.vkn, DEMO_CARRIER.street, DEMO_CARRIER.city, DEMO_CARRIER.district, DEMO_CARRIER.postalCode);
        }
        for (const [type, code, name] of [[0, 'TL', 'Türk Lirası'], [160, 'TL', 'Türk Lirası'], [1, 'USD', 'Amerikan Doları'], [20, 'EUR', 'Euro']] as const) {
          insCur.run(Number(f), type, code, name);
        }
        db.exec(firmDdl(f));
        const insUnit = db.prepare(`INSERT INTO LG_${f}_UNITSETL (LOGICALREF, CODE, NAME, UNITSETREF, LINENR, MAINUNIT, CONVFACT1, CONVFACT2, GLOBALCODE)
          VALUES (?, ?, ?, ?, 1, 1, 1, 1, ?)`);
        // Half of the unit lines carry the international code, as newer Logo versions do; the rest rely on the name.
        units.forEach((u, i) => insUnit.run(i + 1, u, u, i + 1, i % 2 === 0 ? null : (unitCodeFor(u) ?? null)));
        const insItem = db.prepare(`INSERT INTO LG_${f}_ITEMS (LOGICALREF, CARDTYPE, CODE, NAME, UNITSETREF, VAT) VALUES (?, 1, ?, ?, ?, ?)`);
        const insSrv = db.prepare(`INSERT INTO LG_${f}_SRVCARD (LOGICALREF, CARDTYPE, CODE, DEFINITION_, UNITSETREF, VAT) VALUES (?, 2, ?, ?, ?, ?)`);
        world.items.forEach((it, i) => {
          (it.kind === 'goods' ? insItem : insSrv).run(i + 1, it.code, it.name, units.indexOf(it.unit) + 1, it.vatRate);
        });
        const insCl = db.prepare(`INSERT INTO LG_${f}_CLCARD (LOGICALREF, ACTIVE, CARDTYPE, CODE, DEFINITION_, ADDR1, DISTRICT, TOWN, CITY, COUNTRY,
          POSTCODE, TELNRS1, TAXNR, TAXOFFICE, EMAILADDR, ISPERSCOMP, TCKNO, NAME, SURNAME, ACCEPTEINV, POSTLABELCODE)
          VALUES (?, 0, 3, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        world.customers.forEach((c, i) => {
          insCl.run(i + 1, c.code, c.name, c.street, c.district, c.district, c.city, c.country, c.postalCode, c.phone, c.vkn ?? null, c.taxOffice,
            c.email, c.kind === 'person' ? 1 : 0, c.tckn ?? null, c.firstName ?? null, c.familyName ?? null, c.registered ? 1 : 0,
            c.aliases.length === 1 ? c.aliases[0] : null);
        });
        addProducerCards(db, f);
      }
      for (const l of layout) {
        insPeriod.run(Number(l.firm), Number(l.period), `${l.fiscalYear}-01-01`, `${l.fiscalYear}-12-31`, l.fiscalYear === opts.year ? 1 : 0);
        db.exec(periodDdl(l.firm, l.period));
        const insInv = db.prepare(`INSERT INTO LG_${l.firm}_${l.period}_INVOICE (LOGICALREF, GRPCODE, TRCODE, FICHENO, DATE_, TIME_, DOCODE, CLIENTREF,
          TOTALDISCOUNTS, TOTALVAT, GROSSTOTAL, NETTOTAL, GENEXP1, GENEXP2, GENEXP3, GENEXP4, TRCURR, TRRATE, TRNET, DOCDATE, GUID, EINVOICE,
          PROFILEID, ESTATUS, EINVOICETYP, VATEXCEPTCODE, VATEXCEPTREASON)
          VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        const insLine = db.prepare(`INSERT INTO LG_${l.firm}_${l.period}_STLINE (STOCKREF, LINETYPE, GLOBTRANS, TRCODE, DATE_, INVOICEREF, INVOICELNNO,
          CLIENTREF, AMOUNT, PRICE, TOTAL, LINENET, DISCPER, VAT, VATAMNT, VATMATRAH, VATINC, UOMREF, LINEEXP, PRCURR, PRPRICE, TRCURR, TRRATE,
          DEDUCTCODE, DEDUCTIONPART1, DEDUCTIONPART2, VATEXCEPTCODE, VATEXCEPTREASON)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
        for (const inv of demoInvoices(world, l.bookOptions)) {
          if (inv.sent) {
            sent.push({ firm: l.firm, period: l.period, module: inv.module, key: String(inv.seq), ettn: inv.sent.ettn, gibNumber: inv.sent.gibNumber, date: inv.date });
          }
          // 6 alım iade, 9 verilen hizmet, 7 perakende (persons), 8 toptan, and now and then 14 verilen fiyat farkı.
          const trcode =
            inv.type === 'IADE' ? 6
            : inv.lines.every((x) => x.item.kind === 'service') ? 9
            : inv.customer.kind === 'person' ? 7
            : inv.type === 'SATIS' && inv.seq % 23 === 0 ? 14
            : 8;
          const rate = inv.rate ?? new Decimal(1);
          const tl = (d: Decimal) => num(inv.rate ? r2(d.mul(rate)) : d);
          const clientRef = world.customers.indexOf(inv.customer) + 1;
          const cur = TRCURR[inv.currency];
          insInv.run(inv.seq, trcode === 6 ? 1 : 2, trcode, inv.erpNumber, inv.date, inv.returnOf?.number ?? null, clientRef,
            tl(inv.totals.lineDiscounts.plus(inv.totals.globalDiscount)), tl(inv.totals.vat), tl(inv.totals.gross),
            tl(inv.totals.vatBase.plus(inv.totals.vat)), inv.notes[0] ?? null, inv.notes[1] ?? null, null, null, cur,
            inv.rate ? num(inv.rate) : 0, num(inv.totals.vatBase.plus(inv.totals.vat)), inv.returnOf?.date ?? null,
            inv.sent ? inv.sent.ettn.toUpperCase() : null, EINVOICE_BY_KIND[inv.module], inv.profile === 'TICARIFATURA' ? 2 : 1,
            inv.sent ? (estatusFor(inv.module, 'delivered') ?? 0) : 0, inv.type === 'TEVKIFAT' ? 4 : inv.type === 'ISTISNA' ? 2 : 0,
            inv.type === 'ISTISNA' ? '350' : null, inv.type === 'ISTISNA' ? 'Diğerleri' : null);
          let lineNo = 0;
          for (const line of inv.lines) {
            const itemRef = world.items.indexOf(line.item) + 1;
            insLine.run(itemRef, line.item.kind === 'service' ? 4 : 0, 0, trcode, inv.date, inv.seq, ++lineNo, clientRef, num(line.quantity),
              num(line.unitPrice.mul(rate).toDecimalPlaces(4)), tl(line.gross), tl(line.vatBase), 0, line.vatRate, tl(line.vat), tl(line.vatBase),
              units.indexOf(line.item.unit) + 1, line.note ?? null, cur, num(line.unitPrice), cur, inv.rate ? num(inv.rate) : 0,
              line.withholding?.code ?? null, line.withholding?.part1 ?? 0, line.withholding?.part2 ?? 0, line.exemption?.code ?? null,
              line.exemption?.reason ?? null);
            // One discount row per level, each on what the previous left.
            let rest = line.gross;
            for (const level of line.discountLevels) {
              const amount = r2(rest.mul(level).div(100));
              rest = rest.minus(amount);
              insLine.run(0, 2, 0, trcode, inv.date, inv.seq, ++lineNo, clientRef, 0, 0, tl(amount), 0, num(level), 0, 0, 0,
                0, null, cur, 0, cur, inv.rate ? num(inv.rate) : 0, null, 0, 0, null, null);
            }
          }
          if (!inv.globalDiscountPercent.isZero()) {
            insLine.run(0, 2, 1, trcode, inv.date, inv.seq, ++lineNo, clientRef, 0, 0, tl(inv.totals.globalDiscount), 0, num(inv.globalDiscountPercent),
              0, 0, 0, 0, 'Genel iskonto', cur, 0, cur, inv.rate ? num(inv.rate) : 0, null, 0, 0, null, null);
          }
          invoiceCount++;
          lineCount += lineNo;
        }
        despatchCount += writeLogoDespatches(db, l, world, opts.year, sentDespatches, units);
        if (l.fiscalYear === opts.year) addProducerReceipts(db, l.firm, l.period, l.fiscalYear);
      }
    });
    write();
  } finally {
    db.close();
  }
  return { databases: ['LOGODB'], invoices: invoiceCount, lines: lineCount, despatches: despatchCount, plan: layout, sent: [...sent, ...sentDespatches] };
}

/**
 * The period's despatch scenarios (sandbox/demo/despatch.ts) as Logo keeps them: STFICHE (TRCODE 8, EDESPATCH 1, or
 * 2 for MATBUDAN with the paper number in DOCODE), STLINE rows on STFICHEREF, drivers and plates in EINVOICEDET, the
 * carrier by SHPAGNCOD, the delivery address in SHIPINFO.
 */
function writeLogoDespatches(db: Database.Database, l: LogoDemoPeriod, world: DemoWorld, year: number, sent: SentDemoInvoice[], units: string[]): number {
  const despatches = demoDespatches(world, { company: l.bookOptions.company, fiscalYear: l.fiscalYear, current: l.fiscalYear === year });
  const insShip = db.prepare(`INSERT INTO LG_${l.firm}_SHIPINFO (CLIENTREF, CODE, NAME, ADDR1, CITY, TOWN, DISTRICT, POSTCODE) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
  const insFiche = db.prepare(`INSERT INTO LG_${l.firm}_${l.period}_STFICHE (LOGICALREF, GRPCODE, TRCODE, IOCODE, FICHENO, DATE_, FTIME, DOCODE, CLIENTREF,
    SHIPINFOREF, CANCELLED, GENEXP1, SHPAGNCOD, GUID, EDESPATCH, EDESPSTATUS, DOCDATE, SHIPDATE, SHIPTIME)
    VALUES (?, 2, 8, 3, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insLine = db.prepare(`INSERT INTO LG_${l.firm}_${l.period}_STLINE (STOCKREF, LINETYPE, TRCODE, DATE_, INVOICEREF, STFICHEREF, STFICHELNNO,
    CLIENTREF, AMOUNT, PRICE, TOTAL, LINENET, VAT, UOMREF, BILLED) VALUES (?, 0, 8, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)`);
  const insDet = db.prepare(`INSERT INTO LG_${l.firm}_${l.period}_EINVOICEDET (STFREF, DRIVERNAME1, DRIVERSURNAME1, DRIVERTCKNO1, DRIVERNAME2,
    DRIVERSURNAME2, DRIVERTCKNO2, PLATENUM1, PLATENUM2) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // Despatch slips are numbered after the period's invoices' range, far from it.
  const refBase = 900_000;
  for (const d of despatches) {
    const ref = refBase + d.seq;
    const clientRef = world.customers.indexOf(d.customer) + 1;
    const shipRef = Number(insShip.run(clientRef, `SEVK${d.seq}`, d.customer.name.slice(0, 50), d.shipTo.street, d.shipTo.city, d.shipTo.district, d.shipTo.district, d.shipTo.postalCode).lastInsertRowid);
    insFiche.run(ref, d.erpNumber, d.date, logoPackedTime(d.time), d.paper?.number ?? null, clientRef, shipRef, d.cancelled ? 1 : 0, d.note,
      d.carrier?.code ?? null, d.sent ? d.sent.ettn.toUpperCase() : null, d.paper ? 2 : 1, d.sent ? 10 : 0, d.paper?.date ?? null, d.shipDate, logoPackedTime(d.shipTime));
    d.lines.forEach((line, i) => {
      const price = line.unitPrice ?? new Decimal(0);
      const total = line.quantity.mul(price).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
      insLine.run(world.items.indexOf(line.item) + 1, d.date, ref, i + 1, clientRef, line.quantity.toNumber(), price.toNumber(), total, total, line.item.vatRate,
        units.indexOf(line.item.unit) + 1);
    });
    if (d.drivers.length > 0 || d.plate) {
      const [a, b] = d.drivers;
      insDet.run(ref, a?.firstName ?? null, a?.familyName ?? null, a?.tckn ?? null, b?.firstName ?? null, b?.familyName ?? null, b?.tckn ?? null, d.plate ?? null, d.trailers[0] ?? null);
    }
    if (d.sent) sent.push({ firm: l.firm, period: l.period, module: 'eirsaliye', key: `STF:${ref}`, ettn: d.sent.ettn, gibNumber: d.sent.gibNumber, date: d.date });
  }
  return despatches.length;
}

/**
 * e-MM demo: farmers (person cards with TCKN; one without) and this year's müstahsil makbuzları, INVOICE rows of
 * TRCODE 26 whose lines carry the stopaj rate and amount where connectors/logo/receipts.ts reads them (1, 2, 4 % and
 * a 0 % line with exemption 350), plus one slip of a farmer without TCKN that Konnektör must refuse.
 */
export const LOGO_DEMO_PRODUCER_BASE = 1_900_000_000;
const FARMERS = [
  { code: '320.90.001', first: 'Hasan', family: 'Çiftçi', tckn: '12345678950', town: 'Polatlı', city: 'Ankara' },
  { code: '320.90.002', first: 'Ayşe', family: 'Toprak', tckn: '23456789138', town: 'Çarşamba', city: 'Samsun' },
  { code: '320.90.003', first: 'Mehmet', family: 'Bağcı', tckn: '34567891238', town: 'Akçaabat', city: 'Trabzon' },
  { code: '320.90.004', first: 'Fatma', family: 'Yılmaz', tckn: null, town: 'Salihli', city: 'Manisa' },
] as const;
const PRODUCE = [
  { code: 'URN.BUGDAY', name: 'Buğday', unit: 'KG', global: 'KGM' },
  { code: 'URN.SUT', name: 'Çiğ süt', unit: 'LT', global: 'LTR' },
  { code: 'URN.FINDIK', name: 'Kabuklu fındık', unit: 'KG', global: 'KGM' },
  { code: 'URN.HASAT', name: 'Ceviz hasat hizmeti', unit: 'GUN', global: 'DAY' },
  { code: 'URN.ARPA', name: 'Arpa', unit: 'KG', global: 'KGM' },
] as const;
/** [farmer, produce, quantity, price, stopaj %, exemption] per slip. */
export const LOGO_DEMO_PRODUCER_RECEIPTS: readonly [number, number, number, number, number, string | null][] = [
  [0, 0, 10000, 9.5, 2, null],
  [1, 1, 1250, 14.4, 1, null],
  [2, 3, 3, 2500, 4, null],
  [0, 2, 500, 123.45, 0, '350'],
  [3, 4, 100, 10, 2, null],
];

function addProducerCards(db: Database.Database, f: string): void {
  const base = LOGO_DEMO_PRODUCER_BASE;
  const cl = db.prepare(`INSERT INTO LG_${f}_CLCARD (LOGICALREF, ACTIVE, CARDTYPE, CODE, DEFINITION_, DISTRICT, TOWN, CITY, COUNTRY, ISPERSCOMP, TCKNO,
    NAME, SURNAME) VALUES (?, 0, 2, ?, ?, ?, ?, ?, 'Türkiye', 1, ?, ?, ?)`);
  FARMERS.forEach((x, i) => cl.run(base + i + 1, x.code, `${x.first} ${x.family}`, x.town, x.town, x.city, x.tckn, x.first, x.family));
  const unit = db.prepare(`INSERT INTO LG_${f}_UNITSETL (LOGICALREF, CODE, NAME, UNITSETREF, LINENR, MAINUNIT, CONVFACT1, CONVFACT2, GLOBALCODE)
    VALUES (?, ?, ?, ?, 1, 1, 1, 1, ?)`);
  const item = db.prepare(`INSERT INTO LG_${f}_ITEMS (LOGICALREF, CARDTYPE, CODE, NAME, UNITSETREF, VAT) VALUES (?, 1, ?, ?, ?, 0)`);
  PRODUCE.forEach((p, i) => {
    unit.run(base + i + 1, p.unit, p.unit, base + i + 1, p.global);
    item.run(base + i + 1, p.code, p.name, base + i + 1);
  });
}

function addProducerReceipts(db: Database.Database, f: string, p: string, year: number): void {
  const base = LOGO_DEMO_PRODUCER_BASE;
  const inv = db.prepare(`INSERT INTO LG_${f}_${p}_INVOICE (LOGICALREF, GRPCODE, TRCODE, FICHENO, DATE_, TIME_, CLIENTREF, TOTALVAT, GROSSTOTAL,
    NETTOTAL, TRCURR, TRNET, EINVOICE, ESTATUS) VALUES (?, 1, 26, ?, ?, 0, ?, 0, ?, ?, 0, ?, 0, 0)`);
  const line = db.prepare(`INSERT INTO LG_${f}_${p}_STLINE (STOCKREF, LINETYPE, TRCODE, DATE_, INVOICEREF, INVOICELNNO, CLIENTREF, AMOUNT, PRICE,
    TOTAL, LINENET, VAT, VATAMNT, VATMATRAH, UOMREF, VATEXCEPTCODE, VATEXCEPTREASON) VALUES (?, 0, 26, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  LOGO_DEMO_PRODUCER_RECEIPTS.forEach(([farmer, produce, quantity, price, stopaj, exemption], i) => {
    const ref = base + i + 1;
    const date = `${year}-01-${String(5 + i).padStart(2, '0')}`;
    const gross = r2(new Decimal(quantity).mul(price));
    const withheld = r2(gross.mul(stopaj).div(100));
    const net = gross.minus(withheld);
    inv.run(ref, `MM${year}-${String(i + 1).padStart(4, '0')}`, date, base + farmer + 1, num(gross), num(net), num(net));
    line.run(base + produce + 1, date, ref, base + farmer + 1, quantity, price, num(gross), num(net), stopaj, num(withheld), num(gross), base + produce + 1,
      exemption, exemption ? 'Diğerleri' : null);
  });
}

/** Invoices sent in earlier sessions also have their KNK_EBELGE row (after the ERP migrations are applied). */
export function recordLogoDemoSent(dir: string, sent: readonly SentDemoInvoice[]): void {
  const db = new Database(path.join(dir, 'LOGODB.sqlite'));
  try {
    const ins = db.prepare(`INSERT INTO KNK_EBELGE (FIRMA, DONEM, MODUL, ERP_ANAHTAR, ETTN, BELGE_NO, DURUM, GIB_KODU, ACIKLAMA, GUNCELLEME)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    db.transaction(() => {
      for (const s of sent) {
        ins.run(s.firm, s.period, s.module, s.key, s.ettn, s.gibNumber, s.module === 'efatura' ? 'accepted' : 'delivered', '1300',
          'Başarıyla tamamlandı', `${s.date}T12:00:00.000Z`);
      }
    })();
  } finally {
    db.close();
  }
}

/**
 * Opens period 03, 04… of both Logo firms for the years after the demo's "this year" up to `untilYear`, empty, the
 * newest one active — what Logo's new-year transfer leaves. The year-end wizard then has a next period to propose.
 */
export function openFollowingLogoPeriods(dir: string, year: number, untilYear: number): void {
  if (untilYear <= year) return;
  const db = new Database(path.join(dir, 'LOGODB.sqlite'));
  try {
    const open = db.transaction(() => {
      for (const firmNr of [1, 2]) {
        const f = String(firmNr).padStart(3, '0');
        db.prepare('UPDATE L_CAPIPERIOD SET ACTIVE = 0 WHERE FIRMNR = ?').run(firmNr);
        for (let y = year + 1, nr = 3; y <= untilYear; y++, nr++) {
          const p = String(nr).padStart(2, '0');
          db.prepare('INSERT INTO L_CAPIPERIOD (FIRMNR, NR, BEGDATE, ENDDATE, ACTIVE) VALUES (?, ?, ?, ?, ?)').run(firmNr, nr, `${y}-01-01`, `${y}-12-31`, y === untilYear ? 1 : 0);
          db.exec(`CREATE TABLE LG_${f}_${p}_INVOICE AS SELECT * FROM LG_${f}_02_INVOICE WHERE 0; CREATE TABLE LG_${f}_${p}_STLINE AS SELECT * FROM LG_${f}_02_STLINE WHERE 0;`);
        }
      }
    });
    open();
  } finally {
    db.close();
  }
}
