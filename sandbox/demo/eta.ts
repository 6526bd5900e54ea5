import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { databaseNameOf } from '../../connectors/eta/codes';
import { ETA_MASTER_DATABASE } from '../../connectors/eta/tables';
import { encodeCp1254 } from '../../connectors/shared/encoding';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { etaErpMigrations } from '../../migrations/erp/eta';
import { demoInvoices, type DemoInvoice, type DemoWorld } from './scenario';

/**
 * The ETA demo server: ETA_MASTERV8 with the company list SIRKET and one database per company and year
 * (ETA_<SIRKOD>_<YIL>), with ETA's table and column names (docs/domain/erp-connectors.md §ETA). Text columns hold
 * Windows-1254 bytes, as ETA writes them, so the connector's decoding is exercised on every read. SABITLER exists
 * with an e-Fatura portal password in it, as in a real ETA database: the connector must never read it.
 */

const MASTER_DDL = `
CREATE TABLE SIRKET (SIRKOD TEXT NOT NULL, SIRDONEM INTEGER NOT NULL, SIRDBNAME TEXT, SIRPATH TEXT, SIRDBLOCATION TEXT, SIRCALFLAG INTEGER DEFAULT 0,
  SIRVKNTCKN TEXT, SIRUNVAN BLOB, SIRVERGIDAIRE BLOB, SIRADRES BLOB, SIRILCE BLOB, SIRIL BLOB, SIRPOSTAKOD TEXT, SIRTEL TEXT, SIREMAIL TEXT,
  PRIMARY KEY (SIRKOD, SIRDONEM));
CREATE TABLE SIRKETLOG (LOGREFNO INTEGER PRIMARY KEY, LOGSIRKOD TEXT, LOGTAR TEXT, LOGACIKLAMA BLOB);
`;

const COMPANY_DDL = `
CREATE TABLE FATFISTIP (FATFTNO INTEGER PRIMARY KEY, FATFTKOD BLOB, FATFTGCFLAG INTEGER);
CREATE TABLE CARKART (CARKOD TEXT PRIMARY KEY, CARUNVAN BLOB, CARUNVAN2 BLOB, CARUNVAN3 BLOB, CARVERDAIRE BLOB, CARVERHESNO TEXT,
  CAROZKOD1 TEXT, CAROZKOD2 TEXT, CARBAKIYE REAL DEFAULT 0);
CREATE TABLE ADRESLER (ADRKOD1 TEXT NOT NULL, ADRITEMNO INTEGER NOT NULL, ADRADRES1 BLOB, ADRADRES2 BLOB, ADRADRES3 BLOB, ADRIL BLOB, ADRILCE BLOB,
  ADRULKE BLOB, ADRPOSTAKOD TEXT, ADREMAIL1 TEXT, ADREMAIL2 TEXT, ADREMAIL3 TEXT, ADRTEL1 TEXT, PRIMARY KEY (ADRKOD1, ADRITEMNO));
CREATE TABLE KIMLIKLER (KIMKOD TEXT NOT NULL, KIMITEMNO INTEGER NOT NULL, KIMMERNISNO TEXT, PRIMARY KEY (KIMKOD, KIMITEMNO));
CREATE TABLE STKKART (STKKOD TEXT PRIMARY KEY, STKCINSI BLOB, STKBIRIM BLOB, STKKDVORAN REAL);
CREATE TABLE FATFIS (FATFISREFNO INTEGER PRIMARY KEY, FATFISTIPI INTEGER, FATFISTAR TEXT, FATFISSAAT TEXT, FATFISEVRAKNO1 TEXT, FATFISCARKOD TEXT,
  FATFISCARUNVAN BLOB, FATFISADRESNO INTEGER DEFAULT 1, FATFISGCFLAG INTEGER, FATFISKAYNAK INTEGER DEFAULT 0, FATFISKDVDAHILFLAG INTEGER DEFAULT 0,
  FATFISANADEPO TEXT, FATFISKDVORANI REAL, FATFISMALTOP REAL, FATFISKALINDYTOP REAL, FATFISBRUTTOPLAM REAL, FATFISKDVMATRAHI REAL,
  FATFISKDVTUTARI REAL, FATFISARATOPLAM REAL, FATFISGENTOPLAM REAL, FATFISTEVTUTAR REAL DEFAULT 0, FATFISDOVKOD TEXT, FATFISDOVKUR REAL DEFAULT 0,
  FATFISSEVNO INTEGER DEFAULT 1, FATFISMUHREFNO INTEGER, FATFISSTKREFNO INTEGER, FATFISCARREFNO INTEGER);
CREATE INDEX FATFIS_GCFLAG ON FATFIS (FATFISGCFLAG, FATFISTAR);
CREATE TABLE FATHAR (FATHARREFNO INTEGER NOT NULL, FATHARSIRANO INTEGER NOT NULL, FATHARTIPI INTEGER, FATHARGCFLAG INTEGER, FATHARTAR TEXT,
  FATHARCARKOD TEXT, FATHARKODTIP INTEGER, FATHARSTKKOD TEXT, FATHARSTKCINS BLOB, FATHARSTKBRM BLOB, FATHARBARKOD TEXT, FATHARMIKTAR REAL,
  FATHARFIYAT REAL, FATHARTUTAR REAL, FATHARNETFIYAT REAL, FATHARNETTUTAR REAL, FATHARTOPLAMTUT REAL, FATHARISKYUZ1 REAL DEFAULT 0,
  FATHARISKYTUT1 REAL DEFAULT 0, FATHARKDVYUZ REAL, FATHARKDVMATRAH REAL, FATHARKDVTUTAR REAL, FATHAROTVMATRAH REAL DEFAULT 0,
  FATHAROTVTUTAR REAL DEFAULT 0, FATHARACIKLAMA BLOB, FATHARDEPOKOD TEXT, FATHARIPTALFLAG INTEGER DEFAULT 0, FATHARIADE INTEGER DEFAULT 0,
  PRIMARY KEY (FATHARREFNO, FATHARSIRANO));
CREATE TABLE HARREFNO (HARREFMODUL INTEGER, HARREFKONU INTEGER, HARREFDEGER INTEGER);
CREATE TABLE SABITLER (SABMODUL INTEGER NOT NULL, SABKONU INTEGER NOT NULL, SABDEGER BLOB, PRIMARY KEY (SABMODUL, SABKONU));
`;

/** FATFISTIP of the demo: the site's own invoice types. */
const TYPES: [number, string, number][] = [
  [1, 'SATIŞ', 2],
  [2, 'ALIM', 1],
  [3, 'ALIM İADE', 2],
  [4, 'SATIŞ İADE', 1],
];
const SALE_TYPE = 1;
const RETURN_TYPE = 3;

/** FATFISDOVKOD as ETA users type it (ETA has no currency numbering): names the connector maps to ISO codes. */
const DOVKOD: Record<DemoInvoice['currency'], string> = { TRY: '', USD: 'USD', EUR: 'EURO' };

export interface EtaDemoCompany {
  sirkod: string;
  companyIndex: 0 | 1;
  fiscalYear: number;
  count: number;
  sentShare: number;
}

/** Last year's Örnek Tekstil (30 %, mostly sent), this year's (50 %) and Anadolu Gıda (20 %). */
export function etaDemoPlan(opts: { invoices: number; year: number }): EtaDemoCompany[] {
  const count = (share: number) => Math.max(1, Math.round(opts.invoices * share));
  return [
    { sirkod: 'ORNEK', companyIndex: 0, fiscalYear: opts.year - 1, count: count(0.3), sentShare: 0.95 },
    { sirkod: 'ORNEK', companyIndex: 0, fiscalYear: opts.year, count: count(0.5), sentShare: 0.25 },
    { sirkod: 'ANADOLU', companyIndex: 1, fiscalYear: opts.year, count: count(0.2), sentShare: 0.25 },
  ];
}

/** A text as ETA stores it: Windows-1254 bytes. */
export function cp1254(text: string | undefined | null): Buffer | null {
  if (text === undefined || text === null) return null;
  const bytes = encodeCp1254(text.normalize('NFC'));
  if (!bytes) throw new Error(`Not representable in Windows-1254: ${text}`);
  return Buffer.from(bytes);
}

const num = (d: Decimal) => d.toNumber();
const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

function removeDatabaseFiles(dir: string, name: string): void {
  for (const suffix of ['.sqlite', '.sqlite-wal', '.sqlite-shm']) fs.rmSync(path.join(dir, `${name}${suffix}`), { force: true });
}

function writeMaster(dir: string, world: DemoWorld, plan: readonly EtaDemoCompany[]): void {
  const db = new Database(path.join(dir, `${ETA_MASTER_DATABASE}.sqlite`));
  try {
    db.exec(MASTER_DDL);
    const ins = db.prepare(`INSERT INTO SIRKET (SIRKOD, SIRDONEM, SIRDBNAME, SIRPATH, SIRVKNTCKN, SIRUNVAN, SIRVERGIDAIRE, SIRADRES, SIRILCE, SIRIL,
      SIRPOSTAKOD, SIRTEL, SIREMAIL) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const c of plan) {
      const co = world.companies[c.companyIndex]!;
      ins.run(c.sirkod, c.fiscalYear, databaseNameOf(c.sirkod, c.fiscalYear), `C:\\ETA\\${c.sirkod}`, co.vkn, cp1254(co.name), cp1254(co.taxOffice),
        cp1254(co.street), cp1254(co.district), cp1254(co.city), co.postalCode, co.phone, co.email);
    }
  } finally {
    db.close();
  }
}

function writeCompany(file: string, world: DemoWorld, c: EtaDemoCompany, invoices: Iterable<DemoInvoice>) {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  let invoiceCount = 0;
  let lineCount = 0;
  const sent: { refNo: number; module: string; ettn: string; gibNumber: string; date: string }[] = [];
  try {
    db.exec(COMPANY_DDL);
    db.transaction(() => {
      const insType = db.prepare('INSERT INTO FATFISTIP (FATFTNO, FATFTKOD, FATFTGCFLAG) VALUES (?, ?, ?)');
      for (const [no, kod, gc] of TYPES) insType.run(no, cp1254(kod), gc);
      // ETA keeps the e-Fatura settings and the GİB portal password in SABITLER (module 14, topic 39).
      db.prepare('INSERT INTO SABITLER (SABMODUL, SABKONU, SABDEGER) VALUES (14, 39, ?)').run(cp1254('GİB-portal-şifresi-ÇOKGİZLİ'));
      const insCar = db.prepare('INSERT INTO CARKART (CARKOD, CARUNVAN, CARUNVAN2, CARVERDAIRE, CARVERHESNO) VALUES (?, ?, ?, ?, ?)');
      const insAdr = db.prepare(`INSERT INTO ADRESLER (ADRKOD1, ADRITEMNO, ADRADRES1, ADRIL, ADRILCE, ADRULKE, ADRPOSTAKOD, ADREMAIL1, ADRTEL1)
        VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?)`);
      const insKim = db.prepare('INSERT INTO KIMLIKLER (KIMKOD, KIMITEMNO, KIMMERNISNO) VALUES (?, 1, ?)');
      for (const cu of world.customers) {
        insCar.run(cu.code, cp1254(cu.name), null, cp1254(cu.taxOffice), cu.vkn ?? null);
        insAdr.run(cu.code, cp1254(cu.street), cp1254(cu.city), cp1254(cu.district), cp1254(cu.country), cu.postalCode, cu.email, cu.phone);
        if (cu.tckn) insKim.run(cu.code, cu.tckn);
      }
      const insItem = db.prepare('INSERT INTO STKKART (STKKOD, STKCINSI, STKBIRIM, STKKDVORAN) VALUES (?, ?, ?, ?)');
      for (const it of world.items) insItem.run(it.code, cp1254(it.name), cp1254(it.unit), it.vatRate);
      const insFis = db.prepare(`INSERT INTO FATFIS (FATFISREFNO, FATFISTIPI, FATFISTAR, FATFISSAAT, FATFISEVRAKNO1, FATFISCARKOD, FATFISCARUNVAN,
        FATFISGCFLAG, FATFISMALTOP, FATFISKALINDYTOP, FATFISBRUTTOPLAM, FATFISKDVMATRAHI, FATFISKDVTUTARI, FATFISARATOPLAM, FATFISGENTOPLAM,
        FATFISTEVTUTAR, FATFISDOVKOD, FATFISDOVKUR) VALUES (?, ?, ?, '10:30', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      const insHar = db.prepare(`INSERT INTO FATHAR (FATHARREFNO, FATHARSIRANO, FATHARTIPI, FATHARGCFLAG, FATHARTAR, FATHARCARKOD, FATHARKODTIP,
        FATHARSTKKOD, FATHARSTKCINS, FATHARSTKBRM, FATHARMIKTAR, FATHARFIYAT, FATHARTUTAR, FATHARNETFIYAT, FATHARNETTUTAR, FATHARISKYUZ1,
        FATHARISKYTUT1, FATHARKDVYUZ, FATHARKDVMATRAH, FATHARKDVTUTAR, FATHARACIKLAMA, FATHARIPTALFLAG)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      let refNo = 0;
      for (const inv of invoices) {
        invoiceCount++;
        refNo = inv.seq * 10;
        const rate = inv.rate;
        const tl = (d: Decimal) => (rate ? r2(d.mul(rate)) : d);
        const tipi = inv.type === 'IADE' ? RETURN_TYPE : SALE_TYPE;
        const base = inv.totals.vatBase;
        insFis.run(refNo, tipi, inv.date, inv.erpNumber, inv.customer.code, cp1254(inv.customer.name), 2, num(tl(inv.totals.gross)),
          num(tl(inv.totals.lineDiscounts)), num(tl(inv.totals.net)), num(tl(base)), num(tl(inv.totals.vat)), num(tl(base)),
          num(tl(base.plus(inv.totals.vat))), num(tl(inv.totals.withheld)), DOVKOD[inv.currency], rate ? num(rate) : 0);
        let sira = 0;
        for (const note of inv.notes) insHar.run(refNo, ++sira, tipi, 2, inv.date, inv.customer.code, 3, null, cp1254(note), null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, cp1254(note), 0);
        for (const l of inv.lines) {
          const percent = l.discountLevels.length === 1 ? num(l.discountLevels[0]!) : 0;
          insHar.run(refNo, ++sira, tipi, 2, inv.date, inv.customer.code, l.item.kind === 'service' ? 2 : 1, l.item.code, cp1254(l.ownText ?? l.item.name),
            cp1254(l.item.unit), num(l.quantity), num(tl(l.unitPrice)), num(tl(l.gross)), 0, num(tl(l.net)), percent, num(tl(l.discount)), l.vatRate,
            num(tl(l.vatBase)), num(tl(l.vat)), null, 0);
        }
        if (!inv.totals.globalDiscount.isZero()) {
          insHar.run(refNo, ++sira, tipi, 2, inv.date, inv.customer.code, 4, null, cp1254('Genel iskonto'), null, 0, 0, num(tl(inv.totals.globalDiscount)), 0, 0,
            0, 0, 0, 0, 0, null, 0);
        }
        // Now and then a line was cancelled after entry: it stays in FATHAR, flagged.
        if (inv.seq % 11 === 0) {
          insHar.run(refNo, ++sira, tipi, 2, inv.date, inv.customer.code, 1, world.items[0]!.code, cp1254('İptal edilen satır'), cp1254('ADET'), 1, 999, 999, 0,
            999, 0, 0, 20, 999, 199.8, null, 1);
        }
        lineCount += inv.lines.length;
        if (inv.sent) sent.push({ refNo, module: inv.module, ettn: inv.sent.ettn, gibNumber: inv.sent.gibNumber, date: inv.date });
        if (inv.seq % 50 === 0) {
          // A purchase invoice from the same party (giriş) under the same number: never an outgoing e-invoice.
          insFis.run(refNo + 1, 2, inv.date, inv.erpNumber, inv.customer.code, cp1254(inv.customer.name), 1, 100, 0, 100, 100, 20, 100, 120, 0, '', 0);
          insHar.run(refNo + 1, 1, 2, 1, inv.date, inv.customer.code, 1, world.items[0]!.code, cp1254('Alış'), cp1254('ADET'), 1, 100, 100, 0, 100, 0, 0, 20, 100, 20,
            null, 0);
        }
      }
      db.prepare('INSERT INTO HARREFNO (HARREFMODUL, HARREFKONU, HARREFDEGER) VALUES (3, 1, ?)').run(refNo + 10);
    })();
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  return { invoices: invoiceCount, lines: lineCount, sent };
}

/** Creates ETA_MASTERV8 and the company-year databases of `etaDemoPlan` in `dir` (replacing earlier ones). */
export async function createEtaDemo(
  dir: string,
  world: DemoWorld,
  opts: { seed: number; invoices: number; year: number },
): Promise<{ databases: string[]; invoices: number; lines: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const plan = etaDemoPlan(opts);
  const names = [ETA_MASTER_DATABASE, ...plan.map((c) => databaseNameOf(c.sirkod, c.fiscalYear))];
  for (const name of names) removeDatabaseFiles(dir, name);
  writeMaster(dir, world, plan);
  let invoices = 0;
  let lines = 0;
  const connections = new ErpConnections();
  try {
    for (const c of plan) {
      const company = world.companies[c.companyIndex]!;
      const name = databaseNameOf(c.sirkod, c.fiscalYear);
      const book = demoInvoices(world, { seed: opts.seed, company, fiscalYear: c.fiscalYear, count: c.count, sentShare: c.sentShare });
      const written = writeCompany(path.join(dir, `${name}.sqlite`), world, c, book);
      invoices += written.invoices;
      lines += written.lines;
      const erp = await connections.database(`sqlite:${dir}`, name);
      await applyErpMigrations(erp, etaErpMigrations);
      for (let i = 0; i < written.sent.length; i += 200) {
        await erp.db('KNK_EBELGE').insert(
          written.sent.slice(i, i + 200).map((s) => ({
            FIRMA: '', DONEM: '', MODUL: s.module, ERP_ANAHTAR: String(s.refNo), ETTN: s.ettn, BELGE_NO: s.gibNumber,
            DURUM: s.module === 'efatura' ? 'accepted' : 'delivered', GIB_KODU: '1300', ACIKLAMA: 'Başarıyla tamamlandı', GUNCELLEME: `${s.date}T12:00:00.000Z`,
          })),
        );
      }
    }
  } finally {
    await connections.closeAll();
  }
  return { databases: names, invoices, lines };
}
