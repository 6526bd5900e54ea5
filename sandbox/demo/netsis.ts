import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { EBELGE_BY_KIND, FATUEK_FIELDS, OUTGOING_FTIRSIP, RETURN_TIPI, formatExemption, formatReturnRef, formatWithholding } from '../../connectors/netsis/codes';
import { serializeInvoiceKey } from '../../connectors/netsis/map';
import { NETSIS_SYSTEM_DATABASE } from '../../connectors/netsis/tables';
import { damageToCp1252 } from '../../connectors/shared/encoding';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { netsisErpMigrations } from '../../migrations/erp/netsis';
import { NETSIS_DESPATCH } from '../../connectors/netsis/despatch';
import { demoDespatches } from './despatch';
import { demoInvoices, type DemoInvoice, type DemoWorld } from './scenario';

/**
 * The Netsis demo server: the system database NETSIS (company list SIRKETLER30, currency list KUR) and one
 * database per company and year, with the real Netsis table and column names (erp-schemas.md §4) plus the columns
 * a real database carries around them. Text is stored the way old Netsis databases hold it — Windows-1254 letters
 * read as Windows-1252 (Ý Þ Ð) — so the connector's repair is exercised on every read.
 */

const SYSTEM_DDL = `
CREATE TABLE SIRKETLER30 (SIRKET TEXT NOT NULL PRIMARY KEY, SIRKETYILI INTEGER, UNVAN TEXT, VERGI_DAIRESI TEXT, VERGI_NUMARASI TEXT,
  ADRES TEXT, ILCE TEXT, IL TEXT, POSTAKODU TEXT, TEL TEXT, EMAIL TEXT);
CREATE TABLE KUR (SIRA INTEGER NOT NULL PRIMARY KEY, ISIM TEXT, BIRIM TEXT, ACIKLAMA TEXT);
`;

const COMPANY_DDL = `
CREATE TABLE TBLCASABIT (CARI_KOD TEXT NOT NULL PRIMARY KEY, SUBE_KODU INTEGER DEFAULT 0, ISLETME_KODU INTEGER DEFAULT 1, CARI_ISIM TEXT,
  CARI_TEL TEXT, CARI_IL TEXT, ULKE_KODU TEXT, CARI_ADRES TEXT, CARI_ILCE TEXT, VERGI_DAIRESI TEXT, VERGI_NUMARASI TEXT, POSTAKODU TEXT,
  FAX TEXT, EMAIL TEXT, WEB TEXT, CARI_TIP TEXT DEFAULT 'A', GRUP_KODU TEXT, RAPOR_KODU1 TEXT, RAPOR_KODU2 TEXT, RAPOR_KODU3 TEXT,
  M_KOD TEXT, DOVIZ_TIPI INTEGER DEFAULT 0, ODEMETIPI TEXT, KAYITYAPANKUL TEXT, KAYITTARIHI TEXT, DUZELTMEYAPANKUL TEXT, DUZELTMETARIHI TEXT);
CREATE TABLE TBLCASABITEK (CARI_KOD TEXT NOT NULL PRIMARY KEY, TCKIMLIKNO TEXT, CARIALIAS TEXT, KULL1S TEXT, KULL2S TEXT, KULL3S TEXT, KULL4S TEXT,
  KULL5S TEXT, KULL6S TEXT, KULL7S TEXT, KULL8S TEXT, KAYITTARIHI TEXT);
CREATE TABLE TBLSTSABIT (STOK_KODU TEXT NOT NULL PRIMARY KEY, SUBE_KODU INTEGER DEFAULT 0, ISLETME_KODU INTEGER DEFAULT 1, STOK_ADI TEXT,
  URETICI_KODU TEXT, GRUP_KODU TEXT, KOD_1 TEXT, KOD_2 TEXT, KOD_3 TEXT, KOD_4 TEXT, KOD_5 TEXT, OLCU_BR1 TEXT, OLCU_BR2 TEXT,
  OLCU_BR3 TEXT, PAY_1 REAL DEFAULT 1, PAYDA_1 REAL DEFAULT 1, PAY2 REAL DEFAULT 1, PAYDA2 REAL DEFAULT 1, KDV_ORANI REAL,
  SATIS_FIAT1 REAL, SATIS_FIAT2 REAL, SATIS_FIAT3 REAL, SATIS_FIAT4 REAL, ALIS_FIAT1 REAL, BARKOD1 TEXT, BARKOD2 TEXT, BARKOD3 TEXT,
  DEPO_KODU INTEGER DEFAULT 1, KAYITTARIHI TEXT);
CREATE TABLE TBLFATUIRS (SUBE_KODU INTEGER NOT NULL DEFAULT 0, FTIRSIP TEXT NOT NULL, FATIRS_NO TEXT NOT NULL, CARI_KODU TEXT NOT NULL,
  TARIH TEXT, TIPI INTEGER, BRUTTUTAR REAL DEFAULT 0, SAT_ISKT REAL DEFAULT 0, MFAZ_ISKT REAL DEFAULT 0, GEN_ISK1T REAL DEFAULT 0,
  GEN_ISK2T REAL DEFAULT 0, GEN_ISK3T REAL DEFAULT 0, GEN_ISK1O REAL DEFAULT 0, GEN_ISK2O REAL DEFAULT 0, GEN_ISK3O REAL DEFAULT 0,
  KDV REAL DEFAULT 0, FAT_ALTM1 REAL DEFAULT 0, FAT_ALTM2 REAL DEFAULT 0, ACIKLAMA TEXT, KOD1 TEXT, KOD2 TEXT, ODEMEGUNU INTEGER,
  ODEMETARIHI TEXT, KDV_DAHILMI TEXT DEFAULT 'H', FATKALEM_ADEDI INTEGER, SIPARIS_TEST TEXT, TOPLAM_MIK REAL, TOPDEPO INTEGER,
  YEDEK22 TEXT, CARI_KOD2 TEXT, YEDEK TEXT, UPDATE_KODU TEXT, SIRANO INTEGER, KDV_DAHIL_BRUT_TOP REAL, KDV_TENZIL REAL,
  MALFAZLASIKDVSI REAL, GENELTOPLAM REAL DEFAULT 0, YUVARLAMA REAL DEFAULT 0, SATIS_KOND TEXT, PLA_KODU TEXT, DOVIZTIP INTEGER DEFAULT 0,
  DOVIZTUT REAL DEFAULT 0, KS_KODU TEXT, BAG_TUTAR REAL, YEDEK2 TEXT, HIZMET_FAT TEXT, VADEBAZT TEXT, KAPATILMIS TEXT DEFAULT 'H',
  S_YEDEK1 TEXT, S_YEDEK2 TEXT, F_YEDEK3 REAL, F_YEDEK4 REAL, F_YEDEK5 REAL, C_YEDEK6 TEXT, B_YEDEK7 INTEGER, I_YEDEK8 INTEGER,
  L_YEDEK9 INTEGER, AMBAR_KBLNO TEXT, D_YEDEK10 TEXT, PROJE_KODU TEXT, KOSULKODU TEXT, FIYATTARIHI TEXT, KOSULTARIHI TEXT,
  GENISK1TIP INTEGER DEFAULT 0, GENISK2TIP INTEGER DEFAULT 0, GENISK3TIP INTEGER DEFAULT 0, EXPORTTYPE INTEGER DEFAULT 0, EXGUMRUKNO TEXT,
  EXGUMTARIH TEXT, EXFIILITARIH TEXT, EXPORTREFNO TEXT, KAYITYAPANKUL TEXT, KAYITTARIHI TEXT, DUZELTMEYAPANKUL TEXT, DUZELTMETARIHI TEXT,
  GELSUBE_KODU INTEGER, GITSUBE_KODU INTEGER, ONAYTIPI TEXT DEFAULT 'A', ONAYNUM INTEGER DEFAULT 0, ISLETME_KODU INTEGER DEFAULT 1,
  ODEKOD TEXT, BRMALIYET REAL, KOSVADEGUNU INTEGER, YAPKOD TEXT, HAZIRLAYAN TEXT, TRANSFER_NO TEXT, GIB_FATIRS_NO TEXT,
  EBELGE INTEGER DEFAULT 0, EXTERNALAPPID TEXT, EXTERNALREFID TEXT,
  PRIMARY KEY (SUBE_KODU, FTIRSIP, FATIRS_NO, CARI_KODU));
CREATE TABLE TBLFATUEK (SUBE_KODU INTEGER NOT NULL DEFAULT 0, FKOD TEXT NOT NULL, FATIRSNO TEXT NOT NULL, CKOD TEXT NOT NULL,
  ACIK1 TEXT, ACIK2 TEXT, ACIK3 TEXT, ACIK4 TEXT, ACIK5 TEXT, ACIK6 TEXT, ACIK7 TEXT, ACIK8 TEXT, ACIK9 TEXT, ACIK10 TEXT, ACIK11 TEXT,
  ACIK12 TEXT, ACIK13 TEXT, ACIK14 TEXT, ACIK15 TEXT, ACIK16 TEXT, KOSULKODU TEXT, SIRALAMATURU TEXT, LIMITALTITEVKIFAT TEXT,
  PRIMARY KEY (SUBE_KODU, FKOD, FATIRSNO, CKOD));
CREATE TABLE TBLSTHAR (INCKEYNO INTEGER PRIMARY KEY, STOK_KODU TEXT NOT NULL, FISNO TEXT, STHAR_GCMIK REAL DEFAULT 0,
  STHAR_GCMIK2 REAL DEFAULT 0, CEVRIM REAL DEFAULT 0, STHAR_GCKOD TEXT NOT NULL, STHAR_TARIH TEXT, STHAR_NF REAL DEFAULT 0,
  STHAR_BF REAL DEFAULT 0, STHAR_IAF REAL DEFAULT 0, STHAR_KDV REAL DEFAULT 0, DEPO_KODU INTEGER DEFAULT 0, STHAR_ACIKLAMA TEXT,
  STHAR_SATISK REAL DEFAULT 0, STHAR_MALFISK REAL DEFAULT 0, STHAR_FTIRSIP TEXT, STHAR_SATISK2 REAL DEFAULT 0, LISTE_FIAT INTEGER DEFAULT 0,
  STHAR_HTUR TEXT NOT NULL, STHAR_DOVTIP INTEGER DEFAULT 0, PROMASYON_KODU INTEGER DEFAULT 0, STHAR_DOVFIAT REAL DEFAULT 0,
  STHAR_ODEGUN INTEGER, STRA_SATISK3 REAL DEFAULT 0, STRA_SATISK4 REAL DEFAULT 0, STRA_SATISK5 REAL DEFAULT 0, STRA_SATISK6 REAL DEFAULT 0,
  STHAR_BGTIP TEXT, STHAR_KOD1 TEXT, STHAR_KOD2 TEXT, STHAR_SIPNUM TEXT, STHAR_CARIKOD TEXT, STHAR_SIP_TURU TEXT, PLASIYER_KODU TEXT,
  EKALAN_NEDEN TEXT, EKALAN TEXT, EKALAN1 TEXT, REDMIK REAL DEFAULT 0, REDNEDEN INTEGER DEFAULT 0, SIRA INTEGER DEFAULT 0,
  STRA_SIPKONT INTEGER DEFAULT 0, AMBAR_KABULNO TEXT, FIRMA_DOVTIP INTEGER DEFAULT 0, FIRMA_DOVTUT REAL DEFAULT 0,
  FIRMA_DOVMAL REAL DEFAULT 0, UPDATE_KODU TEXT, IRSALIYE_NO TEXT, IRSALIYE_TARIH TEXT, KOSULKODU TEXT, ECZA_FAT_TIP INTEGER DEFAULT 0,
  STHAR_TESTAR TEXT, OLCUBR INTEGER DEFAULT 0, VADE_TARIHI TEXT, LISTE_NO TEXT, BAGLANTI_NO INTEGER DEFAULT 0, SUBE_KODU INTEGER DEFAULT 0,
  MUH_KODU TEXT, S_YEDEK1 TEXT, S_YEDEK2 TEXT, F_YEDEK3 REAL, F_YEDEK4 REAL, F_YEDEK5 REAL DEFAULT 0, C_YEDEK6 TEXT, B_YEDEK7 INTEGER,
  I_YEDEK8 INTEGER, L_YEDEK9 INTEGER DEFAULT 0, D_YEDEK10 TEXT, PROJE_KODU TEXT, FIYATTARIHI TEXT, KOSULTARIHI TEXT,
  EXPORTTYPE INTEGER DEFAULT 0, EXPORTMIK REAL DEFAULT 0, ONAYTIPI TEXT NOT NULL DEFAULT 'A', ONAYNUM INTEGER, KKMALF REAL DEFAULT 0,
  STRA_IRSKONT INTEGER DEFAULT 0, YAPKOD TEXT, MAMYAPKOD TEXT, OTVFIYAT REAL DEFAULT 0, IRS_INCKEYNO INTEGER, DUZELTMETARIHI TEXT);
CREATE TABLE TBLEIRSMAS (INCKEYNO INTEGER PRIMARY KEY, FATIRS_NO TEXT, UUID TEXT, TARIH TEXT, TIPI INTEGER, SUPP_CARI_VERGINUMARASI TEXT,
  CUST_CARI_VERGINUMARASI TEXT, CUST_CARI_TCKIMLIKNO TEXT, SHIP_SEVKTAR TEXT, SHIP_LICENSEPLATEID TEXT, SHIPDORSEPLAKA1 TEXT,
  SHIPDORSEPLAKA2 TEXT, SHIPDORSEPLAKA3 TEXT, SHIP_CARRIERVKN TEXT, SHIP_CARRIERNAME TEXT, SHIP_CARRIERCITY TEXT, SHIP_CARRIERSUBCITY TEXT,
  SHIP_CARRIERCOUNTRY TEXT, SHIP_CARRIERPOSTAL TEXT, SHIP_DPERSON1FIRSTNAME TEXT, SHIP_DPERSON1FAMILYNAME TEXT, SHIP_DPERSON1NID TEXT,
  SHIP_DPERSON2FIRSTNAME TEXT, SHIP_DPERSON2FAMILYNAME TEXT, SHIP_DPERSON2NID TEXT, SHIP_DPERSON3FIRSTNAME TEXT, SHIP_DPERSON3FAMILYNAME TEXT,
  SHIP_DPERSON3NID TEXT);
CREATE TABLE TBLEFATCARI (IDENTIFIER TEXT NOT NULL, ALIAS TEXT NOT NULL, TITLE TEXT, EFATTYPE INTEGER, TARIH TEXT, PROFILEID TEXT,
  PRIMARY KEY (IDENTIFIER, ALIAS));
`;

// Created after the bulk insert, as a real database has them (names as in Netsis: TBLSTHAR_IND_n).
const COMPANY_INDEXES = `
CREATE INDEX TBLSTHAR_IND_1 ON TBLSTHAR (STOK_KODU);
CREATE INDEX TBLSTHAR_IND_8 ON TBLSTHAR (FISNO, STHAR_FTIRSIP, STHAR_ACIKLAMA, SIRA);
CREATE INDEX TBLFATUIRS_IND_TARIH ON TBLFATUIRS (FTIRSIP, TARIH);
`;

/** DOVIZTIP numbers of the demo (NETSIS..KUR.SIRA). */
const DOVIZTIP: Record<DemoInvoice['currency'], number> = { TRY: 0, USD: 1, EUR: 2 };
const KUR_ROWS: [number, string, string, string][] = [
  [0, 'TL', 'TL', 'Türk Lirası'],
  [1, 'USD', 'USD', 'Amerikan Doları'],
  [2, 'EUR', 'EUR', 'Euro'],
];

/** Units an item is counted in under its packaging: OLCU_BR1 is the piece, the line uses unit 2 (OLCUBR = 2). */
const PACKAGED_UNITS = new Set(['KOLİ', 'PAKET']);

export interface NetsisDemoCompany {
  database: string;
  companyIndex: 0 | 1;
  fiscalYear: number;
  count: number;
  sentShare: number;
}

/** Which books go where: last year's Örnek Tekstil (30 %, mostly sent), this year's (50 %) and Anadolu Gıda (20 %). */
export function netsisDemoPlan(opts: { invoices: number; year: number }): NetsisDemoCompany[] {
  const count = (share: number) => Math.max(1, Math.round(opts.invoices * share));
  return [
    { database: `ORNEKTEKSTIL${opts.year - 1}`, companyIndex: 0, fiscalYear: opts.year - 1, count: count(0.3), sentShare: 0.95 },
    { database: `ORNEKTEKSTIL${opts.year}`, companyIndex: 0, fiscalYear: opts.year, count: count(0.5), sentShare: 0.25 },
    { database: `ANADOLUGIDA${opts.year}`, companyIndex: 1, fiscalYear: opts.year, count: count(0.2), sentShare: 0.25 },
  ];
}

const num = (d: Decimal) => d.toNumber();
const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const damaged = (text: string | undefined | null): string | null => (text === undefined || text === null ? null : damageToCp1252(text));

function removeDatabaseFiles(dir: string, name: string): void {
  for (const suffix of ['.sqlite', '.sqlite-wal', '.sqlite-shm']) fs.rmSync(path.join(dir, `${name}${suffix}`), { force: true });
}

/** SIRKETLER30 also carries the company's identity here ([I] columns, see connectors/netsis/tables.ts). */
function writeSystemDatabase(dir: string, world: DemoWorld, plan: readonly NetsisDemoCompany[]): void {
  const db = new Database(path.join(dir, `${NETSIS_SYSTEM_DATABASE}.sqlite`));
  try {
    db.exec(SYSTEM_DDL);
    db.transaction(() => {
      const insCompany = db.prepare(`INSERT INTO SIRKETLER30 (SIRKET, SIRKETYILI, UNVAN, VERGI_DAIRESI, VERGI_NUMARASI, ADRES, ILCE, IL, POSTAKODU,
        TEL, EMAIL) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const c of plan) {
        const f = world.companies[c.companyIndex]!;
        insCompany.run(c.database, c.fiscalYear, damaged(f.name), damaged(f.taxOffice), f.vkn, damaged(f.street), damaged(f.district), damaged(f.city),
          f.postalCode, f.phone, f.email);
      }
      const insKur = db.prepare('INSERT INTO KUR (SIRA, ISIM, BIRIM, ACIKLAMA) VALUES (?, ?, ?, ?)');
      for (const [sira, isim, birim, aciklama] of KUR_ROWS) insKur.run(sira, isim, birim, damaged(aciklama));
    })();
  } finally {
    db.close();
  }
}

/** One company-year: cards, the book's invoices (plus a few purchase and paper invoices around them), KNK_EBELGE. */
function writeCompanyDatabase(file: string, world: DemoWorld, fiscalYear: number, invoices: Iterable<DemoInvoice>): { invoices: number; lines: number } {
  const db = new Database(file);
  // A fresh file that nobody else reads yet: no rollback journal, no fsync while loading.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  let invoiceCount = 0;
  let lineCount = 0;
  try {
    db.exec(COMPANY_DDL);
    const insCari = db.prepare(`INSERT INTO TBLCASABIT (CARI_KOD, CARI_ISIM, CARI_TEL, CARI_IL, ULKE_KODU, CARI_ADRES, CARI_ILCE, VERGI_DAIRESI,
      VERGI_NUMARASI, POSTAKODU, EMAIL, GRUP_KODU, RAPOR_KODU1, M_KOD, KAYITYAPANKUL, KAYITTARIHI)
      VALUES (?, ?, ?, ?, 'TR', ?, ?, ?, ?, ?, ?, 'MUSTERI', ?, '120', 'NETSIS', ?)`);
    const insCariEk = db.prepare('INSERT INTO TBLCASABITEK (CARI_KOD, TCKIMLIKNO, CARIALIAS, KAYITTARIHI) VALUES (?, ?, ?, ?)');
    const insEfatCari = db.prepare('INSERT INTO TBLEFATCARI (IDENTIFIER, ALIAS, TITLE, EFATTYPE, TARIH, PROFILEID) VALUES (?, ?, ?, 1, ?, ?)');
    const insItem = db.prepare(`INSERT INTO TBLSTSABIT (STOK_KODU, STOK_ADI, GRUP_KODU, KOD_1, OLCU_BR1, OLCU_BR2, OLCU_BR3, PAY_1, PAYDA_1,
      KDV_ORANI, SATIS_FIAT1, BARKOD1, KAYITTARIHI) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, 1, ?, ?, ?, ?)`);
    const insHeader = db.prepare(`INSERT INTO TBLFATUIRS (SUBE_KODU, FTIRSIP, FATIRS_NO, CARI_KODU, TARIH, TIPI, BRUTTUTAR, SAT_ISKT, GEN_ISK1T,
      GEN_ISK1O, KDV, ACIKLAMA, ODEMEGUNU, ODEMETARIHI, KDV_DAHILMI, FATKALEM_ADEDI, TOPLAM_MIK, CARI_KOD2, SIRANO, GENELTOPLAM, PLA_KODU,
      DOVIZTIP, DOVIZTUT, KAYITYAPANKUL, KAYITTARIHI, ISLETME_KODU, GIB_FATIRS_NO, EBELGE)
      VALUES (0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'H', ?, ?, ?, ?, ?, ?, ?, ?, 'NETSIS', ?, 1, ?, ?)`);
    const insExt = db.prepare(`INSERT INTO TBLFATUEK (SUBE_KODU, FKOD, FATIRSNO, CKOD, ${FATUEK_FIELDS.notes.join(', ')}, ${FATUEK_FIELDS.profile},
      ${FATUEK_FIELDS.returnRef}, ${FATUEK_FIELDS.exemption}, ${FATUEK_FIELDS.withholding}, SIRALAMATURU, LIMITALTITEVKIFAT)
      VALUES (0, ?, ?, ?, ${FATUEK_FIELDS.notes.map(() => '?').join(', ')}, ?, ?, ?, ?, 'G', 'H')`);
    const insLine = db.prepare(`INSERT INTO TBLSTHAR (STOK_KODU, FISNO, STHAR_GCMIK, STHAR_GCKOD, STHAR_TARIH, STHAR_NF, STHAR_BF, STHAR_KDV,
      DEPO_KODU, STHAR_ACIKLAMA, STHAR_SATISK, STHAR_FTIRSIP, STHAR_SATISK2, STRA_SATISK3, STRA_SATISK4, STRA_SATISK5, STRA_SATISK6,
      LISTE_FIAT, STHAR_HTUR, STHAR_DOVTIP, STHAR_DOVFIAT, STHAR_BGTIP,
      STHAR_CARIKOD, PLASIYER_KODU, EKALAN, SIRA, STRA_SIPKONT, OLCUBR, SUBE_KODU, STHAR_TESTAR, VADE_TARIHI, ONAYNUM)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'J', ?, ?, 'F', ?, ?, ?, ?, ?, ?, 0, ?, ?, 0)`);
    const insEbelge = db.prepare(`INSERT INTO KNK_EBELGE (FIRMA, DONEM, MODUL, ERP_ANAHTAR, ETTN, BELGE_NO, DURUM, GIB_KODU, ACIKLAMA, GUNCELLEME)
      VALUES ('', '', ?, ?, ?, ?, ?, '1300', 'Başarıyla tamamlandı', ?)`);

    db.transaction(() => {
      for (const c of world.customers) {
        insCari.run(c.code, damaged(c.name), c.phone, damaged(c.city), damaged(c.street), damaged(c.district), damaged(c.taxOffice), c.vkn ?? '',
          c.postalCode, c.email, c.kind === 'person' ? 'BIREYSEL' : 'KURUMSAL', `${fiscalYear}-01-01`);
        // The card's own e-Fatura mailbox, as Logo's demo keeps it: for a customer with a single alias.
        insCariEk.run(c.code, c.tckn ?? null, c.aliases.length === 1 ? c.aliases[0] : null, `${fiscalYear}-01-01`);
        for (const alias of c.aliases) insEfatCari.run(c.vkn ?? c.tckn ?? '', alias, damaged(c.name), '2020-01-01', 'TICARIFATURA');
      }
      world.items.forEach((it, i) => {
        const packaged = PACKAGED_UNITS.has(it.unit);
        insItem.run(it.code, damaged(it.name), it.kind === 'service' ? 'HIZMET' : 'MAMUL', damaged(it.kind === 'service' ? 'Hizmet' : 'Ticari Mal'),
          damaged(packaged ? 'ADET' : it.unit), damaged(packaged ? it.unit : 'KOLİ'), packaged ? 12 : 1, it.vatRate, num(it.price),
          `869${String(1000000000 + i)}`, `${fiscalYear}-01-01`);
      });

      for (const inv of invoices) {
        invoiceCount++;
        const cari = inv.customer.code;
        const rate = inv.rate;
        const tl = (d: Decimal) => num(rate ? r2(d.mul(rate)) : d);
        const taxInclusive = inv.totals.vatBase.plus(inv.totals.vat);
        const quantity = inv.lines.reduce((a, l) => a.plus(l.quantity), new Decimal(0));
        insHeader.run(OUTGOING_FTIRSIP, inv.erpNumber, cari, inv.date, inv.type === 'IADE' ? RETURN_TIPI : inv.customer.kind === 'person' ? 1 : 2,
          tl(inv.totals.gross), tl(inv.totals.lineDiscounts), tl(inv.totals.globalDiscount), num(inv.globalDiscountPercent), tl(inv.totals.vat),
          null, inv.notes.length > 1 ? 30 : 0, inv.date, inv.lines.length, num(quantity), cari, inv.seq, tl(taxInclusive), 'P01',
          DOVIZTIP[inv.currency], rate ? num(taxInclusive) : 0, inv.date, inv.sent?.gibNumber ?? null, EBELGE_BY_KIND[inv.module]);
        const exempt = inv.lines.find((l) => l.exemption)?.exemption;
        const withheld = inv.lines.find((l) => l.withholding)?.withholding;
        insExt.run(OUTGOING_FTIRSIP, inv.erpNumber, cari, ...FATUEK_FIELDS.notes.map((_, i) => damaged(inv.notes[i])),
          inv.module === 'efatura' ? inv.profile : null, inv.returnOf ? formatReturnRef(inv.returnOf.number, inv.returnOf.date) : null,
          exempt ? damaged(formatExemption(exempt.code, exempt.reason)) : null,
          withheld ? formatWithholding(withheld.code, withheld.part1, withheld.part2) : null);
        inv.lines.forEach((l, i) => {
          const packaged = PACKAGED_UNITS.has(l.item.unit);
          // STHAR_BF/NF are lira prices (gross/after line discount); STHAR_DOVFIAT the gross price in the document currency.
          const bf = rate ? l.unitPrice.mul(rate).toDecimalPlaces(8) : l.unitPrice;
          const nf = l.discountLevels.reduce((p, level) => p.mul(new Decimal(100).minus(level)).div(100), bf).toDecimalPlaces(8);
          const level = (n: number) => num(l.discountLevels[n] ?? new Decimal(0));
          insLine.run(l.item.code, inv.erpNumber, num(l.quantity), 'C', inv.date, num(nf), num(bf), l.vatRate, cari, level(0),
            OUTGOING_FTIRSIP, level(1), level(2), level(3), level(4), level(5), DOVIZTIP[inv.currency], rate ? num(l.unitPrice) : 0, cari, 'P01',
            damaged(l.ownText), i + 1, i + 1, packaged ? 2 : 1, inv.date, inv.date);
        });
        lineCount += inv.lines.length;
        if (inv.sent) {
          const key = serializeInvoiceKey({ sube: 0, ftirsip: OUTGOING_FTIRSIP, fatirsNo: inv.erpNumber, cariKodu: cari });
          insEbelge.run(inv.module, key, inv.sent.ettn, inv.sent.gibNumber, inv.module === 'efatura' ? 'accepted' : 'delivered', `${inv.date}T12:00:00.000Z`);
        }
        if (inv.seq % 50 === 0) {
          // A purchase invoice from the same party under the same number (FTIRSIP '2'), and a paper sales invoice:
          // neither may ever be read as an outgoing e-invoice, nor lend it lines.
          const item = world.items[inv.seq % world.items.length]!;
          insHeader.run('2', inv.erpNumber, cari, inv.date, 2, 100, 0, 0, 0, 20, damaged('Alış faturası'), 0, inv.date, 1, 1, cari, inv.seq, 120, null,
            0, 0, inv.date, null, 0);
          insLine.run(item.code, inv.erpNumber, 1, 'G', inv.date, 100, 100, 20, cari, 0, '2', 0, 0, 0, 0, 0, 0, 0, cari, null, null, 1, 1, 1, inv.date, inv.date);
          const paperNo = `KGT${fiscalYear}${String(inv.seq).padStart(7, '0')}`;
          insHeader.run(OUTGOING_FTIRSIP, paperNo, cari, inv.date, 2, 100, 0, 0, 0, 20, damaged('Kağıt fatura'), 0, inv.date, 1, 1, cari, inv.seq,
            120, null, 0, 0, inv.date, null, 0);
          insLine.run(item.code, paperNo, 1, 'C', inv.date, 100, 100, 20, cari, 0, OUTGOING_FTIRSIP, 0, 0, 0, 0, 0, 0, 0, cari, null, null, 1, 1, 1, inv.date, inv.date);
        }
      }
      db.exec(COMPANY_INDEXES);
    })();
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  return { invoices: invoiceCount, lines: lineCount };
}

/**
 * Creates NETSIS.sqlite and the company databases of `netsisDemoPlan` in `dir` (replacing earlier ones), with
 * Konnektör's Netsis helper tables installed by the same migrations a real database gets.
 */
export async function createNetsisDemo(
  dir: string,
  world: DemoWorld,
  opts: { seed: number; invoices: number; year: number },
): Promise<{ databases: string[]; invoices: number; lines: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const plan = netsisDemoPlan(opts);
  for (const name of [NETSIS_SYSTEM_DATABASE, ...plan.map((c) => c.database)]) removeDatabaseFiles(dir, name);
  writeSystemDatabase(dir, world, plan);

  const connections = new ErpConnections();
  try {
    for (const c of plan) {
      new Database(path.join(dir, `${c.database}.sqlite`)).close();
      await applyErpMigrations(await connections.database(`sqlite:${dir}`, c.database), netsisErpMigrations);
    }
  } finally {
    await connections.closeAll();
  }

  let invoices = 0;
  let lines = 0;
  for (const c of plan) {
    const company = world.companies[c.companyIndex]!;
    // The book of demoBook(world, sameOptions), generated one invoice at a time so 100 000 invoices fit in memory.
    const book = demoInvoices(world, { seed: opts.seed, company, fiscalYear: c.fiscalYear, count: c.count, sentShare: c.sentShare });
    const written = writeCompanyDatabase(path.join(dir, `${c.database}.sqlite`), world, c.fiscalYear, book);
    writeNetsisDespatches(path.join(dir, `${c.database}.sqlite`), world, c, opts.year);
    invoices += written.invoices;
    lines += written.lines;
  }
  return { databases: [NETSIS_SYSTEM_DATABASE, ...plan.map((c) => c.database)], invoices, lines };
}

/**
 * The company-year's despatch scenarios (sandbox/demo/despatch.ts) as Netsis keeps them: TBLFATUIRS FTIRSIP '3',
 * TBLSTHAR lines, transport in TBLEIRSMAS. Netsis has no column Konnektör knows for MATBUDAN or a cancelled despatch,
 * so those two scenarios are Logo's only.
 */
function writeNetsisDespatches(file: string, world: DemoWorld, c: NetsisDemoCompany, year: number): void {
  const despatches = demoDespatches(world, { company: world.companies[c.companyIndex]!, fiscalYear: c.fiscalYear, current: c.fiscalYear === year }).filter(
    (d) => d.scenario !== 'matbudan' && d.scenario !== 'cancelled',
  );
  const db = new Database(file);
  try {
    const ftirsip = NETSIS_DESPATCH.ftirsip;
    const insHeader = db.prepare(`INSERT INTO TBLFATUIRS (SUBE_KODU, FTIRSIP, FATIRS_NO, CARI_KODU, TARIH, TIPI, ACIKLAMA, FATKALEM_ADEDI, KAYITYAPANKUL,
      KAYITTARIHI, ISLETME_KODU, GIB_FATIRS_NO, EBELGE) VALUES (0, ?, ?, ?, ?, 1, ?, ?, 'NETSIS', ?, 1, ?, 0)`);
    const insLine = db.prepare(`INSERT INTO TBLSTHAR (STOK_KODU, FISNO, STHAR_GCMIK, STHAR_GCKOD, STHAR_TARIH, STHAR_ACIKLAMA, STHAR_FTIRSIP,
      STHAR_HTUR, SIRA, OLCUBR, SUBE_KODU) VALUES (?, ?, ?, 'C', ?, ?, ?, 'J', ?, ?, 0)`);
    const insTransport = db.prepare(`INSERT INTO TBLEIRSMAS (FATIRS_NO, UUID, TARIH, CUST_CARI_VERGINUMARASI, SHIP_SEVKTAR, SHIP_LICENSEPLATEID,
      SHIPDORSEPLAKA1, SHIP_CARRIERVKN, SHIP_CARRIERNAME, SHIP_CARRIERCITY, SHIP_CARRIERSUBCITY, SHIP_CARRIERCOUNTRY, SHIP_CARRIERPOSTAL,
      SHIP_DPERSON1FIRSTNAME, SHIP_DPERSON1FAMILYNAME, SHIP_DPERSON1NID, SHIP_DPERSON2FIRSTNAME, SHIP_DPERSON2FAMILYNAME, SHIP_DPERSON2NID)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'TR', ?, ?, ?, ?, ?, ?, ?)`);
    const insEbelge = db.prepare(`INSERT INTO KNK_EBELGE (FIRMA, DONEM, MODUL, ERP_ANAHTAR, ETTN, BELGE_NO, DURUM, GIB_KODU, ACIKLAMA, GUNCELLEME)
      VALUES ('', '', 'eirsaliye', ?, ?, ?, 'accepted', '1300', 'Başarıyla tamamlandı', ?)`);
    db.transaction(() => {
      for (const d of despatches) {
        const cari = d.customer.code;
        insHeader.run(ftirsip, d.erpNumber, cari, d.date, damaged(d.note), d.lines.length, d.date, d.sent?.gibNumber ?? null);
        d.lines.forEach((l, i) => insLine.run(l.item.code, d.erpNumber, l.quantity.toNumber(), d.date, cari, ftirsip, i + 1, PACKAGED_UNITS.has(l.item.unit) ? 2 : 1));
        const [a, b] = d.drivers;
        const k = d.carrier;
        insTransport.run(d.erpNumber, d.sent?.ettn.toUpperCase() ?? null, d.date, d.customer.vkn ?? d.customer.tckn ?? null, `${d.shipDate} ${d.shipTime}`,
          d.plate ?? null, d.trailers[0] ?? null, k?.vkn ?? null, damaged(k?.title), damaged(k?.city), damaged(k?.district), k?.postalCode ?? null,
          damaged(a?.firstName), damaged(a?.familyName), a?.tckn ?? null, damaged(b?.firstName), damaged(b?.familyName), b?.tckn ?? null);
        if (d.sent) {
          const key = serializeInvoiceKey({ sube: 0, ftirsip, fatirsNo: d.erpNumber, cariKodu: cari });
          insEbelge.run(key, d.sent.ettn, d.sent.gibNumber, `${d.date}T12:00:00.000Z`);
        }
      }
    })();
  } finally {
    db.close();
  }
}
