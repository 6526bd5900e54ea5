import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { EINVOICE_BY_KIND, estatusFor, type LogoInvoiceKind } from '../../connectors/logo/codes';
import { unitCodeFor } from '../../core/documents/units';
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
  DEDUCTIONPART2 INTEGER DEFAULT 0, VATEXCEPTCODE TEXT, VATEXCEPTREASON TEXT, GTIPCODE TEXT);
CREATE INDEX I_${f}_${p}_STLINE_INVOICE ON LG_${f}_${p}_STLINE (INVOICEREF, INVOICELNNO);
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
  module: LogoInvoiceKind;
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
      }
    });
    write();
  } finally {
    db.close();
  }
  return { databases: ['LOGODB'], invoices: invoiceCount, lines: lineCount, plan: layout, sent };
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
