import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import Decimal from 'decimal.js';
import { DEMO_VAT_TABLE } from '../../connectors/mikro/read';
import { ErpConnections } from '../../db/erp';
import { applyErpMigrations } from '../../db/erpMigrate';
import { mikroErpMigrations } from '../../migrations/erp/mikro';
import { formatKurus, type LedgerDocument } from '../../core/edefter/model';
import { MIKRO_OTHER_DOCTYPES, MIKRO_PAYMENT_DOCTYPES, MIKRO_PURCHASE_DOCTYPES, MIKRO_SALES_DOCTYPES } from '../../connectors/mikro/ledger';
import { DEMO_USERS, demoChart, demoJournal, type DemoJournalEntry, type JournalOptions } from './journal';
import type { LedgerWriteResult } from './ledger';
import { demoInvoices, type DemoInvoice, type DemoWorld } from './scenario';

/**
 * The Mikro demo server: a master database (MikroDB_V17, or MikroDB_V16 for the older layout) listing the companies
 * in VERI_TABANLARI, and one database per company holding every fiscal year (FIRMA_MALIYIL_BILGILERI), with Mikro's
 * own table and column names (docs/domain/erp-connectors.md §Mikro). Örnek Tekstil keeps last year and this year in
 * one database — the shape that makes year-end propose the next year inside the same database.
 *
 * `layout: 'v16'` writes the older release: without the columns v17 added (cha_ebelge_turu, cha_ebelgeno_seri/sira,
 * cha_vergi11..20, efi_gonderildi_fl…), so version tolerance is exercised on a real shape.
 */
export type MikroLayout = 'v16' | 'v17';

const range = (prefix: string, from: number, to: number, type: string) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i} ${type}`).join(', ');

function masterDdl(layout: MikroLayout): string {
  return `
CREATE TABLE VERI_TABANLARI (DB_Guid TEXT PRIMARY KEY, DB_DBCno INTEGER DEFAULT 0, DB_iptal INTEGER DEFAULT 0, DB_kod TEXT NOT NULL, DB_isim TEXT,
  DB_merkez_server_name TEXT, DB_yerli_doviz_cins INTEGER DEFAULT 0, DB_alternatif_doviz INTEGER DEFAULT 1, DB_maliyil_baslangic_ayi INTEGER DEFAULT 1,
  DB_maliyil_takvim_bitisyili INTEGER DEFAULT 0, DB_maliyil_baslangic_gunu INTEGER DEFAULT 1${layout === 'v17' ? ', DB_YeniKullaniciYetkisiz_fl INTEGER DEFAULT 0, DB_VersionNo TEXT' : ''});
CREATE TABLE KUR_ISIMLERI (Kur_Guid TEXT PRIMARY KEY, Kur_iptal INTEGER DEFAULT 0, Kur_No INTEGER, Kur_Tip TEXT, Kur_sembol TEXT, Kur_adi TEXT);
`;
}

function companyDdl(layout: MikroLayout): string {
  const v17 = layout === 'v17';
  return `
CREATE TABLE FIRMA_MALIYIL_BILGILERI (fmy_Guid TEXT PRIMARY KEY, fmy_iptal INTEGER DEFAULT 0, fmy_sirano INTEGER DEFAULT 0, fmy_maliyil INTEGER NOT NULL,
  fmy_evrak_ilk_tarih TEXT, fmy_evrak_son_tarih TEXT, fmy_kdv_orani REAL);
CREATE TABLE FIRMALAR (fir_Guid TEXT PRIMARY KEY, fir_iptal INTEGER DEFAULT 0, fir_sirano INTEGER NOT NULL, fir_unvan TEXT, fir_unvan2 TEXT,
  fir_TCkimlik TEXT, fir_FVergiDaire TEXT, fir_FVergiNo TEXT, fir_TicSicilNo TEXT, fir_genel_email TEXT, fir_web_sayfasi TEXT,
  fir_efatura_baslangic TEXT, fir_earsiv_baslangic TEXT${v17 ? ', fir_eirsaliye_baslangic TEXT, fir_MainProgramNo INTEGER' : ''});
CREATE TABLE SUBELER (Sube_Guid TEXT PRIMARY KEY, Sube_iptal INTEGER DEFAULT 0, Sube_bag_firma INTEGER DEFAULT 0, Sube_no INTEGER NOT NULL, Sube_adi TEXT,
  Sube_kodu TEXT, sube_Cadde TEXT, sube_Mahalle TEXT, sube_Sokak TEXT, sube_Semt TEXT, sube_Apt_No TEXT, sube_Daire_No TEXT, sube_Posta_Kodu TEXT,
  sube_Ilce TEXT, sube_Il TEXT, sube_Ulke TEXT, sube_TelNo1 TEXT);
CREATE TABLE CARI_HESAPLAR (cari_Guid TEXT PRIMARY KEY, cari_iptal INTEGER DEFAULT 0, cari_kod TEXT NOT NULL UNIQUE, cari_unvan1 TEXT, cari_unvan2 TEXT,
  cari_hareket_tipi INTEGER DEFAULT 0, cari_baglanti_tipi INTEGER DEFAULT 0, cari_muh_kod TEXT, cari_doviz_cinsi INTEGER DEFAULT 0,
  cari_vdaire_adi TEXT, cari_vdaire_no TEXT, cari_sicil_no TEXT, cari_VergiKimlikNo TEXT, cari_fatura_adres_no INTEGER DEFAULT 1,
  cari_sevk_adres_no INTEGER DEFAULT 1, cari_efatura_fl INTEGER DEFAULT 0, cari_EMail TEXT, cari_CepTel TEXT, cari_def_efatura_cinsi INTEGER DEFAULT 1,
  cari_efatura_baslangic_tarihi TEXT${v17 ? ', cari_kamu_kurumu_fl INTEGER DEFAULT 0, cari_vergidairekodu TEXT' : ''});
CREATE TABLE CARI_HESAP_ADRESLERI (adr_Guid TEXT PRIMARY KEY, adr_iptal INTEGER DEFAULT 0, adr_cari_kod TEXT NOT NULL, adr_adres_no INTEGER NOT NULL,
  adr_cadde TEXT, adr_mahalle TEXT, adr_sokak TEXT, adr_Semt TEXT, adr_Apt_No TEXT, adr_Daire_No TEXT, adr_posta_kodu TEXT, adr_ilce TEXT, adr_il TEXT,
  adr_ulke TEXT, adr_tel_no1 TEXT, adr_efatura_alias TEXT, adr_eirsaliye_alias TEXT, UNIQUE (adr_cari_kod, adr_adres_no));
CREATE TABLE STOKLAR (sto_Guid TEXT PRIMARY KEY, sto_iptal INTEGER DEFAULT 0, sto_kod TEXT NOT NULL UNIQUE, sto_isim TEXT, sto_cins INTEGER DEFAULT 0,
  sto_birim1_ad TEXT, sto_birim1_katsayi REAL DEFAULT 1, sto_birim2_ad TEXT, sto_birim2_katsayi REAL, sto_birim3_ad TEXT, sto_birim4_ad TEXT,
  sto_perakende_vergi INTEGER, sto_toptan_vergi INTEGER);
CREATE TABLE CARI_HESAP_HAREKETLERI (cha_Guid TEXT PRIMARY KEY, cha_DBCno INTEGER DEFAULT 0, cha_iptal INTEGER DEFAULT 0, cha_firmano INTEGER DEFAULT 0,
  cha_subeno INTEGER DEFAULT 0, cha_evrak_tip INTEGER NOT NULL, cha_evrakno_seri TEXT, cha_evrakno_sira INTEGER, cha_satir_no INTEGER DEFAULT 0,
  cha_tarihi TEXT, cha_tip INTEGER, cha_cinsi INTEGER, cha_normal_Iade INTEGER DEFAULT 0, cha_tpoz INTEGER DEFAULT 0, cha_belge_no TEXT,
  cha_belge_tarih TEXT, cha_aciklama TEXT, cha_cari_cins INTEGER DEFAULT 0, cha_kod TEXT, cha_d_cins INTEGER DEFAULT 0, cha_d_kur REAL DEFAULT 1,
  cha_altd_kur REAL DEFAULT 1, cha_miktari REAL DEFAULT 0, cha_meblag REAL DEFAULT 0, cha_aratoplam REAL DEFAULT 0, ${range('cha_ft_iskonto', 1, 6, 'REAL DEFAULT 0')},
  ${range('cha_ft_masraf', 1, 4, 'REAL DEFAULT 0')}, cha_vergipntr INTEGER DEFAULT 0, cha_tevkifat_toplam REAL DEFAULT 0, cha_e_islem_turu INTEGER DEFAULT 0,
  cha_uuid TEXT, ${range('cha_vergi', 1, v17 ? 20 : 10, 'REAL DEFAULT 0')}${v17 ? ', cha_ebelge_turu INTEGER DEFAULT 0, cha_ebelgeno_seri TEXT, cha_ebelgeno_sira INTEGER DEFAULT 0, cha_ebelge_Islemturu INTEGER DEFAULT 0, cha_birimfiyat REAL DEFAULT 0' : ''});
CREATE INDEX NDX_CARI_HESAP_HAREKETLERI_04 ON CARI_HESAP_HAREKETLERI (cha_evrak_tip, cha_e_islem_turu, cha_tarihi);
CREATE TABLE STOK_HAREKETLERI (sth_Guid TEXT PRIMARY KEY, sth_iptal INTEGER DEFAULT 0, sth_firmano INTEGER DEFAULT 0, sth_subeno INTEGER DEFAULT 0,
  sth_tarih TEXT, sth_tip INTEGER, sth_cins INTEGER DEFAULT 0, sth_normal_iade INTEGER DEFAULT 0, sth_evraktip INTEGER, sth_evrakno_seri TEXT,
  sth_evrakno_sira INTEGER, sth_satirno INTEGER, sth_belge_no TEXT, sth_stok_kod TEXT, ${range('sth_isk_mas', 1, 10, 'INTEGER DEFAULT 0')},
  ${range('sth_sat_iskmas', 1, 10, 'INTEGER DEFAULT 0')}, sth_cari_cinsi INTEGER DEFAULT 0, sth_cari_kodu TEXT, sth_har_doviz_cinsi INTEGER DEFAULT 0,
  sth_har_doviz_kuru REAL DEFAULT 1, sth_miktar REAL, sth_miktar2 REAL, sth_birim_pntr INTEGER DEFAULT 1, sth_tutar REAL,
  ${range('sth_iskonto', 1, 6, 'REAL DEFAULT 0')}, ${range('sth_masraf', 1, 4, 'REAL DEFAULT 0')}, sth_vergi_pntr INTEGER, sth_vergi REAL,
  sth_aciklama TEXT, sth_fat_uid TEXT, sth_giris_depo_no INTEGER, sth_cikis_depo_no INTEGER, sth_Tevkifat_turu INTEGER DEFAULT 0${v17 ? ', sth_birimfiyat REAL, sth_eirs_senaryo INTEGER DEFAULT 0, sth_eirs_tipi INTEGER DEFAULT 0' : ''});
CREATE INDEX NDX_STOK_HAREKETLERI_07 ON STOK_HAREKETLERI (sth_fat_uid);
CREATE TABLE STOK_HAREKETLERI_EK (sthek_Guid TEXT PRIMARY KEY, sthek_iptal INTEGER DEFAULT 0, sthek_related_uid TEXT, sth_istisna TEXT,
  sth_iade_evrak_seri TEXT, sth_iade_evrak_sira INTEGER);
CREATE INDEX NDX_STOK_HAREKETLERI_EK_02 ON STOK_HAREKETLERI_EK (sthek_related_uid);
CREATE TABLE EVRAK_ACIKLAMALARI (egk_Guid TEXT PRIMARY KEY, egk_iptal INTEGER DEFAULT 0, egk_dosyano INTEGER, egk_hareket_tip INTEGER, egk_evr_tip INTEGER,
  egk_evr_seri TEXT, egk_evr_sira INTEGER, egk_evr_ustkod TEXT, ${range('egk_evracik', 1, 10, 'TEXT')});
CREATE TABLE EBELGE_EVRAK_HAREKETLERI (ebh_Guid TEXT PRIMARY KEY, ebh_iptal INTEGER DEFAULT 0, ebh_hareket_tipi INTEGER, ebh_related_uid TEXT,
  ebh_odeme_sekli INTEGER DEFAULT 0, ebh_iade_fat_no1 TEXT, ebh_iade_fat_tarihi1 TEXT);
CREATE TABLE E_FATURA_ISLEMLERI (efi_Guid TEXT PRIMARY KEY, efi_iptal INTEGER DEFAULT 0, efi_tip INTEGER DEFAULT 0, efi_evrakno_seri TEXT,
  efi_evrakno_sira INTEGER, efi_evrak_tipi INTEGER, efi_gib_seri_sira TEXT, efi_uuid TEXT${v17 ? ', efi_gonderildi_fl INTEGER DEFAULT 0, efi_efaturaislem_tipi INTEGER DEFAULT 0' : ''});
CREATE TABLE ${DEMO_VAT_TABLE} (pntr INTEGER PRIMARY KEY, rate REAL NOT NULL);
`;
}

/** The demo's VAT pointers (dbo.fn_VergiYuzde): 1 = 0 % (exempt), 2 = 1 %, 3 = 10 %, 4 = 20 % [fn_VergiYuzde(4) = 20 on a live V15]. */
export const MIKRO_DEMO_VAT_POINTERS: readonly [number, number][] = [[0, 0], [1, 0], [2, 1], [3, 10], [4, 20], [5, 8], [6, 18]];
const POINTER_OF_RATE = new Map<number, number>([[0, 1], [1, 2], [10, 3], [20, 4]]);

/** sth_Tevkifat_turu of a withheld share (connectors/mikro/codes.ts WITHHOLDING_PERCENT). */
const TEVKIFAT_TURU: Record<string, number> = { '3/10': 1, '9/10': 2, '4/10': 3, '2/10': 8, '5/10': 9, '7/10': 10 };

const D_CINS: Record<DemoInvoice['currency'], number> = { TRY: 0, USD: 1, EUR: 2 };

export interface MikroDemoCompany {
  kod: string;
  companyIndex: 0 | 1;
  years: { fiscalYear: number; count: number; sentShare: number }[];
}

/** Örnek Tekstil: last year (30 %, mostly sent) and this year (50 %) in one database; Anadolu Gıda this year (20 %). */
export function mikroDemoPlan(opts: { invoices: number; year: number }): MikroDemoCompany[] {
  const count = (share: number) => Math.max(1, Math.round(opts.invoices * share));
  return [
    { kod: 'ORNEK', companyIndex: 0, years: [{ fiscalYear: opts.year - 1, count: count(0.3), sentShare: 0.95 }, { fiscalYear: opts.year, count: count(0.5), sentShare: 0.25 }] },
    { kod: 'ANADOLU', companyIndex: 1, years: [{ fiscalYear: opts.year, count: count(0.2), sentShare: 0.25 }] },
  ];
}

export const mikroMasterOf = (layout: MikroLayout) => (layout === 'v16' ? 'MikroDB_V16' : 'MikroDB_V17');

const num = (d: Decimal) => d.toNumber();
const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/** Deterministic GUIDs, so a seed always writes the same database. */
function guidFactory(seed: string): () => string {
  let n = 0;
  return () => {
    const h = crypto.createHash('sha1').update(`${seed}:${n++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

function removeDatabaseFiles(dir: string, name: string): void {
  for (const suffix of ['.sqlite', '.sqlite-wal', '.sqlite-shm']) fs.rmSync(path.join(dir, `${name}${suffix}`), { force: true });
}

function writeMaster(dir: string, master: string, world: DemoWorld, plan: readonly MikroDemoCompany[], layout: MikroLayout): void {
  const db = new Database(path.join(dir, `${master}.sqlite`));
  try {
    db.exec(masterDdl(layout));
    const guid = guidFactory(`${master}`);
    const ins = db.prepare('INSERT INTO VERI_TABANLARI (DB_Guid, DB_kod, DB_isim) VALUES (?, ?, ?)');
    for (const c of plan) ins.run(guid(), c.kod, world.companies[c.companyIndex]!.name);
    const kur = db.prepare('INSERT INTO KUR_ISIMLERI (Kur_Guid, Kur_No, Kur_Tip, Kur_sembol, Kur_adi) VALUES (?, ?, ?, ?, ?)');
    for (const [no, sembol, adi] of [[0, 'TL', 'Türk Lirası'], [1, 'USD', 'Amerikan Doları'], [2, 'EUR', 'Euro']] as const) kur.run(guid(), no, 'D', sembol, adi);
  } finally {
    db.close();
  }
}

/** One company database: cards, every fiscal year's invoices (plus purchase and paper invoices around them). */
function writeCompany(
  file: string,
  world: DemoWorld,
  company: MikroDemoCompany,
  layout: MikroLayout,
  books: { fiscalYear: number; invoices: Iterable<DemoInvoice> }[],
): { invoices: number; lines: number; sent: { key: string; module: string; ettn: string; gibNumber: string; date: string }[] } {
  const v17 = layout === 'v17';
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const guid = guidFactory(path.basename(file));
  let invoiceCount = 0;
  let lineCount = 0;
  const sent: { key: string; module: string; ettn: string; gibNumber: string; date: string }[] = [];
  try {
    db.exec(companyDdl(layout));
    const co = world.companies[company.companyIndex]!;
    db.transaction(() => {
      const insYear = db.prepare('INSERT INTO FIRMA_MALIYIL_BILGILERI (fmy_Guid, fmy_maliyil, fmy_evrak_ilk_tarih, fmy_evrak_son_tarih, fmy_kdv_orani) VALUES (?, ?, ?, ?, 20)');
      for (const b of books) insYear.run(guid(), b.fiscalYear, `${b.fiscalYear}-01-01`, `${b.fiscalYear}-12-31`);
      db.prepare(`INSERT INTO FIRMALAR (fir_Guid, fir_sirano, fir_unvan, fir_FVergiDaire, fir_FVergiNo, fir_genel_email) VALUES (?, 0, ?, ?, ?, ?)`).run(
        guid(), co.name, co.taxOffice, co.vkn, co.email);
      db.prepare(`INSERT INTO SUBELER (Sube_Guid, Sube_no, Sube_adi, sube_Cadde, sube_Mahalle, sube_Posta_Kodu, sube_Ilce, sube_Il, sube_Ulke, sube_TelNo1)
        VALUES (?, 0, 'Merkez', ?, NULL, ?, ?, ?, 'Türkiye', ?)`).run(guid(), co.street, co.postalCode, co.district, co.city, co.phone);
      const insCari = db.prepare(`INSERT INTO CARI_HESAPLAR (cari_Guid, cari_kod, cari_unvan1, cari_unvan2, cari_vdaire_adi, cari_vdaire_no, cari_VergiKimlikNo,
        cari_EMail, cari_CepTel, cari_efatura_fl, cari_def_efatura_cinsi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`);
      const insAdr = db.prepare(`INSERT INTO CARI_HESAP_ADRESLERI (adr_Guid, adr_cari_kod, adr_adres_no, adr_cadde, adr_posta_kodu, adr_ilce, adr_il, adr_ulke,
        adr_tel_no1, adr_efatura_alias) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?, ?)`);
      for (const c of world.customers) {
        const person = c.kind === 'person';
        insCari.run(guid(), c.code, person ? c.firstName : c.name, person ? c.familyName : '', c.taxOffice, c.vkn ?? c.tckn, person ? null : c.vkn, c.email,
          c.phone, c.registered ? 1 : 0);
        insAdr.run(guid(), c.code, c.street, c.postalCode, c.district, c.city, c.country, c.phone, c.aliases.length === 1 ? c.aliases[0] : null);
      }
      const insItem = db.prepare('INSERT INTO STOKLAR (sto_Guid, sto_kod, sto_isim, sto_birim1_ad, sto_toptan_vergi, sto_perakende_vergi) VALUES (?, ?, ?, ?, ?, ?)');
      for (const it of world.items) insItem.run(guid(), it.code, it.name, it.unit, POINTER_OF_RATE.get(it.vatRate) ?? 4, POINTER_OF_RATE.get(it.vatRate) ?? 4);
      const insVat = db.prepare(`INSERT INTO ${DEMO_VAT_TABLE} (pntr, rate) VALUES (?, ?)`);
      for (const [p, r] of MIKRO_DEMO_VAT_POINTERS) insVat.run(p, r);

      const headerCols = [
        'cha_Guid', 'cha_evrak_tip', 'cha_evrakno_seri', 'cha_evrakno_sira', 'cha_satir_no', 'cha_tarihi', 'cha_tip', 'cha_cinsi', 'cha_normal_Iade',
        'cha_belge_tarih', 'cha_aciklama', 'cha_cari_cins', 'cha_kod', 'cha_d_cins', 'cha_d_kur', 'cha_meblag', 'cha_aratoplam', 'cha_ft_iskonto1',
        'cha_ft_iskonto2', 'cha_tevkifat_toplam', 'cha_e_islem_turu', 'cha_uuid', 'cha_vergi1', 'cha_vergi2', 'cha_vergi3', 'cha_vergi4',
        ...(v17 ? ['cha_ebelge_turu', 'cha_ebelgeno_seri', 'cha_ebelgeno_sira', 'cha_ebelge_Islemturu'] : []),
      ];
      const insHeader = db.prepare(`INSERT INTO CARI_HESAP_HAREKETLERI (${headerCols.join(', ')}) VALUES (${headerCols.map(() => '?').join(', ')})`);
      const lineCols = [
        'sth_Guid', 'sth_tarih', 'sth_tip', 'sth_normal_iade', 'sth_evraktip', 'sth_evrakno_seri', 'sth_evrakno_sira', 'sth_satirno', 'sth_stok_kod',
        'sth_cari_kodu', 'sth_har_doviz_cinsi', 'sth_har_doviz_kuru', 'sth_miktar', 'sth_birim_pntr', 'sth_tutar',
        'sth_iskonto1', 'sth_iskonto2', 'sth_iskonto3', 'sth_iskonto4', 'sth_iskonto5', 'sth_iskonto6',
        'sth_sat_iskmas1', 'sth_sat_iskmas2', 'sth_sat_iskmas3', 'sth_sat_iskmas4', 'sth_sat_iskmas5', 'sth_sat_iskmas6',
        'sth_vergi_pntr', 'sth_vergi', 'sth_aciklama', 'sth_fat_uid', 'sth_Tevkifat_turu',
      ];
      const insLine = db.prepare(`INSERT INTO STOK_HAREKETLERI (${lineCols.join(', ')}) VALUES (${lineCols.map(() => '?').join(', ')})`);
      const insLineExt = db.prepare('INSERT INTO STOK_HAREKETLERI_EK (sthek_Guid, sthek_related_uid, sth_istisna) VALUES (?, ?, ?)');
      const insNotes = db.prepare(`INSERT INTO EVRAK_ACIKLAMALARI (egk_Guid, egk_dosyano, egk_hareket_tip, egk_evr_tip, egk_evr_seri, egk_evr_sira, egk_evracik1, egk_evracik2)
        VALUES (?, 51, 0, 63, ?, ?, ?, ?)`);
      const insEbh = db.prepare('INSERT INTO EBELGE_EVRAK_HAREKETLERI (ebh_Guid, ebh_hareket_tipi, ebh_related_uid, ebh_iade_fat_no1, ebh_iade_fat_tarihi1) VALUES (?, 1, ?, ?, ?)');
      const insEfi = db.prepare(`INSERT INTO E_FATURA_ISLEMLERI (efi_Guid, efi_evrakno_seri, efi_evrakno_sira, efi_evrak_tipi, efi_gib_seri_sira, efi_uuid${v17 ? ', efi_gonderildi_fl' : ''})
        VALUES (?, ?, ?, 63, ?, ?${v17 ? ', 1' : ''})`);

      for (const book of books) {
        for (const inv of book.invoices) {
          invoiceCount++;
          const seri = inv.type === 'IADE' ? 'IAD' : 'SAT';
          const sira = book.fiscalYear * 100000 + inv.seq;
          const rate = inv.rate ?? new Decimal(1);
          const tl = (d: Decimal) => (inv.rate ? r2(d.mul(rate)) : d);
          const chaGuid = guid();
          const vatByPointer = new Map<number, Decimal>();
          for (const l of inv.lines) {
            const p = POINTER_OF_RATE.get(l.vatRate) ?? 4;
            vatByPointer.set(p, (vatByPointer.get(p) ?? new Decimal(0)).plus(l.vat));
          }
          const module = inv.module === 'efatura' ? 1 : 2;
          const sentV17 = inv.sent && v17 ? /^([A-Z0-9]{3}\d{4})(\d{9})$/.exec(inv.sent.gibNumber) : null;
          insHeader.run(
            chaGuid, 63, seri, sira, 0, inv.date, inv.type === 'IADE' ? 1 : 0, inv.customer.kind === 'person' ? 7 : 6, inv.type === 'IADE' ? 1 : 0, inv.date,
            null, 0, inv.customer.code, D_CINS[inv.currency], inv.rate ? num(inv.rate) : 1, num(inv.totals.payable), num(inv.totals.gross),
            num(inv.totals.lineDiscounts), num(inv.totals.globalDiscount), num(inv.totals.withheld), module, inv.sent ? inv.sent.ettn.toUpperCase() : null,
            ...[1, 2, 3, 4].map((p) => num(vatByPointer.get(p) ?? new Decimal(0))),
            ...(v17 ? [inv.profile === 'TICARIFATURA' ? 0 : 1, sentV17 ? sentV17[1] : null, sentV17 ? Number(sentV17[2]) : 0, module] : []),
          );
          inv.lines.forEach((l, i) => {
            const lineGuid = guid();
            // Discount levels go to sth_iskonto1..6 (line discounts); the invoice discount's share to the next free slot.
            const amounts: { amount: Decimal; onLine: boolean }[] = [];
            let rest = l.gross;
            for (const level of l.discountLevels) {
              const a = r2(rest.mul(level).div(100));
              rest = rest.minus(a);
              amounts.push({ amount: a, onLine: true });
            }
            if (!l.globalShare.isZero()) {
              if (amounts.length < 6) amounts.push({ amount: l.globalShare, onLine: false });
              else amounts[5] = { amount: amounts[5]!.amount.plus(l.globalShare), onLine: true };
            }
            const slots = Array.from({ length: 6 }, (_, n) => amounts[n]);
            const withholding = l.withholding ? TEVKIFAT_TURU[`${l.withholding.part1}/${l.withholding.part2}`] ?? 0 : 0;
            insLine.run(
              lineGuid, inv.date, 1, inv.type === 'IADE' ? 1 : 0, 4, seri, sira, i, l.item.code, inv.customer.code, D_CINS[inv.currency],
              inv.rate ? num(inv.rate) : 1, num(l.quantity), 1, num(tl(l.gross)),
              ...slots.map((s) => (s ? num(tl(s.amount)) : 0)), ...slots.map((s) => (s && s.onLine ? 1 : 0)),
              POINTER_OF_RATE.get(l.vatRate) ?? 4, num(tl(l.vat)), l.ownText ?? null, chaGuid, withholding,
            );
            if (l.exemption) insLineExt.run(guid(), lineGuid, l.exemption.code);
          });
          lineCount += inv.lines.length;
          insNotes.run(guid(), seri, sira, inv.notes[0] ?? null, inv.notes[1] ?? null);
          if (inv.returnOf) insEbh.run(guid(), chaGuid, inv.returnOf.number, inv.returnOf.date);
          if (inv.sent) {
            sent.push({ key: chaGuid, module: inv.module, ettn: inv.sent.ettn, gibNumber: inv.sent.gibNumber, date: inv.date });
            // Half of the earlier sends went through Mikro's own e-invoice module, which records them in E_FATURA_ISLEMLERI.
            if (inv.seq % 2 === 0) insEfi.run(guid(), seri, sira, inv.sent.gibNumber, inv.sent.ettn.toUpperCase());
          }
          if (inv.seq % 50 === 0) {
            // A purchase invoice of the same party (cha_evrak_tip 0) and a paper sales invoice (cha_e_islem_turu 0):
            // neither may ever be read as an outgoing e-invoice.
            for (const [tip, eIslem] of [[0, 0], [63, 0]] as const) {
              const g = guid();
              insHeader.run(g, tip, 'KGT', sira, 0, inv.date, tip === 0 ? 1 : 0, 6, 0, inv.date, null, 0, inv.customer.code, 0, 1, 120, 100, 0, 0, 0, eIslem,
                null, 0, 0, 0, 20, ...(v17 ? [1, null, 0, 0] : []));
              insLine.run(guid(), inv.date, tip === 0 ? 0 : 1, 0, tip === 0 ? 3 : 4, 'KGT', sira, 0, world.items[0]!.code, inv.customer.code, 0, 1, 1, 1, 100,
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 20, null, g, 0);
            }
          }
        }
      }
    })();
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
  return { invoices: invoiceCount, lines: lineCount, sent };
}

/**
 * Creates the Mikro master database and the company databases of `mikroDemoPlan` in `dir` (replacing earlier
 * ones), with Konnektör's helper table installed by the same migration a real database gets and the invoices sent in
 * earlier sessions recorded there.
 */
export async function createMikroDemo(
  dir: string,
  world: DemoWorld,
  opts: { seed: number; invoices: number; year: number; layout?: MikroLayout },
): Promise<{ databases: string[]; invoices: number; lines: number }> {
  const layout = opts.layout ?? 'v17';
  const master = mikroMasterOf(layout);
  const plan = mikroDemoPlan(opts);
  const names = [master, ...plan.map((c) => `${master}_${c.kod}`)];
  fs.mkdirSync(dir, { recursive: true });
  for (const name of names) removeDatabaseFiles(dir, name);
  writeMaster(dir, master, world, plan, layout);
  let invoices = 0;
  let lines = 0;
  const sentByDb = new Map<string, { key: string; module: string; ettn: string; gibNumber: string; date: string }[]>();
  for (const c of plan) {
    const company = world.companies[c.companyIndex]!;
    const books = c.years.map((y) => ({
      fiscalYear: y.fiscalYear,
      invoices: demoInvoices(world, { seed: opts.seed, company, fiscalYear: y.fiscalYear, count: y.count, sentShare: y.sentShare }),
    }));
    const name = `${master}_${c.kod}`;
    const written = writeCompany(path.join(dir, `${name}.sqlite`), world, c, layout, books);
    invoices += written.invoices;
    lines += written.lines;
    sentByDb.set(name, written.sent);
  }
  const connections = new ErpConnections();
  try {
    for (const [name, sent] of sentByDb) {
      const erp = await connections.database(`sqlite:${dir}`, name);
      await applyErpMigrations(erp, mikroErpMigrations);
      for (const part of chunkRows(sent, 200)) {
        await erp.db('KNK_EBELGE').insert(
          part.map((s) => ({
            FIRMA: '', DONEM: '', MODUL: s.module, ERP_ANAHTAR: s.key, ETTN: s.ettn, BELGE_NO: s.gibNumber,
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

function chunkRows<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const MIKRO_LEDGER_DDL = `
CREATE TABLE IF NOT EXISTS MUHASEBE_HESAP_PLANI (muh_Guid TEXT PRIMARY KEY, muh_iptal INTEGER DEFAULT 0, muh_hesap_kod TEXT NOT NULL UNIQUE,
  muh_hesap_isim1 TEXT, muh_hesap_isim2 TEXT, muh_hesap_tip INTEGER DEFAULT 0, muh_grupkodu TEXT);
CREATE TABLE IF NOT EXISTS MUHASEBE_FISLERI (fis_Guid TEXT PRIMARY KEY, fis_DBCno INTEGER DEFAULT 0, fis_iptal INTEGER DEFAULT 0, fis_hidden INTEGER DEFAULT 0,
  fis_create_user INTEGER, fis_create_date TEXT, fis_firmano INTEGER DEFAULT 0, fis_subeno INTEGER DEFAULT 0, fis_maliyil INTEGER NOT NULL,
  fis_tarih TEXT NOT NULL, fis_sira_no INTEGER NOT NULL, fis_tur INTEGER DEFAULT 0, fis_hesap_kod TEXT, fis_satir_no INTEGER NOT NULL, fis_aciklama1 TEXT,
  fis_meblag0 REAL DEFAULT 0, fis_meblag1 REAL DEFAULT 0, fis_meblag2 REAL DEFAULT 0, fis_sorumluluk_kodu TEXT, fis_ticari_tip INTEGER DEFAULT 0,
  fis_ticari_uid TEXT, fis_ticari_evraktip INTEGER DEFAULT 0, fis_tic_evrak_seri TEXT, fis_tic_evrak_sira INTEGER DEFAULT 0, fis_tic_belgeno TEXT,
  fis_tic_belgetarihi TEXT, fis_yevmiye_no INTEGER DEFAULT 0, fis_fmahsup_tipi INTEGER DEFAULT 0, fis_aktif_pasif INTEGER DEFAULT 0);
CREATE UNIQUE INDEX IF NOT EXISTS NDX_MUHASEBE_FISLERI_02 ON MUHASEBE_FISLERI (fis_firmano, fis_maliyil, fis_yevmiye_no, fis_satir_no);
CREATE UNIQUE INDEX IF NOT EXISTS NDX_MUHASEBE_FISLERI_03 ON MUHASEBE_FISLERI (fis_tarih, fis_sira_no, fis_satir_no);
CREATE INDEX IF NOT EXISTS NDX_MUHASEBE_FISLERI_BOOK ON MUHASEBE_FISLERI (fis_tarih, fis_yevmiye_no, fis_sira_no, fis_satir_no);
CREATE TABLE IF NOT EXISTS MUHASEBE_FIS_DETAYLARI (mfd_Guid TEXT PRIMARY KEY, mfd_iptal INTEGER DEFAULT 0, mfd_ticari_tip INTEGER DEFAULT 0,
  mfd_evraktip INTEGER DEFAULT 0, mfd_evrak_seri TEXT, mfd_evrak_sira INTEGER DEFAULT 0, mfd_cariunvan TEXT, mfd_belgetarihi TEXT, mfd_belgeno TEXT,
  mfd_satistipi INTEGER DEFAULT 0, mfd_alistipi INTEGER DEFAULT 0, mfd_tahtedtipi INTEGER DEFAULT 0, mfd_digerevrakadi TEXT, mfd_e_belgemi INTEGER DEFAULT 0,
  mfd_evrak_baglantisi INTEGER DEFAULT 0);
CREATE UNIQUE INDEX IF NOT EXISTS NDX_MUHASEBE_FIS_DETAYLARI_02 ON MUHASEBE_FIS_DETAYLARI (mfd_ticari_tip, mfd_evraktip, mfd_evrak_seri, mfd_evrak_sira, mfd_evrak_baglantisi);
`;

/** Mikro's document fields for a demo document: the first of the connector's code lists that reads back as it. */
function mikroDocumentFields(doc: LedgerDocument, payment: string | undefined): { evraktip: number; satis: number; alis: number; tahted: number; diger: string | null } {
  const fits = (t: { type: string; description?: string }) => t.type === doc.type && (doc.type !== 'other' || t.description === doc.typeDescription);
  const pick = (table: Readonly<Record<number, { type: string; description?: string; payment?: string }>>, ok = (_: { payment?: string }) => true) =>
    Object.entries(table).find(([, t]) => fits(t) && ok(t))?.[0];
  const tahted = payment ? pick(MIKRO_PAYMENT_DOCTYPES, (t) => t.payment === payment) : undefined;
  if (tahted !== undefined) return { evraktip: 3, satis: 0, alis: 0, tahted: Number(tahted), diger: null };
  const satis = pick(MIKRO_SALES_DOCTYPES);
  if (satis !== undefined) return { evraktip: 1, satis: Number(satis), alis: 0, tahted: 0, diger: null };
  const alis = pick(MIKRO_PURCHASE_DOCTYPES);
  if (alis !== undefined) return { evraktip: 2, satis: 0, alis: Number(alis), tahted: 0, diger: null };
  const rest = pick(MIKRO_OTHER_DOCTYPES);
  if (rest !== undefined) return { evraktip: Number(rest), satis: 0, alis: 0, tahted: 0, diger: null };
  // Any other document: a sales document of type "Diğer", named.
  return { evraktip: 1, satis: 7, alis: 0, tahted: 0, diger: doc.typeDescription ?? null };
}

/**
 * The demo journal in a Mikro company database: MUHASEBE_FISLERI (one row per line, the madde no on every line, 0 for
 * the voucher the numbering job has not reached, amounts signed: borç +, alacak −), the e-Defter document rows of
 * MUHASEBE_FIS_DETAYLARI, the chart MUHASEBE_HESAP_PLANI, and the users in the master database's KULLANICILAR.
 */
export function writeMikroLedger(dir: string, database: string, master: string, world: DemoWorld, opts: JournalOptions, journal?: Iterable<DemoJournalEntry>): LedgerWriteResult {
  const m = new Database(path.join(dir, `${master}.sqlite`));
  try {
    m.exec('CREATE TABLE IF NOT EXISTS KULLANICILAR (User_Guid TEXT PRIMARY KEY, User_iptal INTEGER DEFAULT 0, User_no INTEGER NOT NULL UNIQUE, User_name TEXT, User_LongName TEXT)');
    const ins = m.prepare('INSERT OR IGNORE INTO KULLANICILAR (User_Guid, User_no, User_name, User_LongName) VALUES (?, ?, ?, ?)');
    DEMO_USERS.forEach((u, i) => ins.run(`00000000-0000-4000-a000-${String(i + 1).padStart(12, '0')}`, i + 1, u.name, u.code));
  } finally {
    m.close();
  }
  const db = new Database(path.join(dir, `${database}.sqlite`));
  db.pragma('synchronous = OFF');
  const guid = guidFactory(`${database}:ledger:${opts.year}`);
  let entries = 0;
  let lines = 0;
  try {
    db.exec(MIKRO_LEDGER_DDL);
    db.transaction(() => {
      const insAcc = db.prepare('INSERT OR IGNORE INTO MUHASEBE_HESAP_PLANI (muh_Guid, muh_hesap_kod, muh_hesap_isim1) VALUES (?, ?, ?)');
      for (const a of demoChart(world)) insAcc.run(guid(), a.code, a.name);
    })();
    const insLine = db.prepare(`INSERT INTO MUHASEBE_FISLERI (fis_Guid, fis_create_user, fis_create_date, fis_maliyil, fis_tarih, fis_sira_no, fis_hesap_kod,
      fis_satir_no, fis_aciklama1, fis_meblag0, fis_meblag2, fis_ticari_tip, fis_tic_evrak_seri, fis_tic_evrak_sira, fis_tic_belgeno, fis_tic_belgetarihi,
      fis_yevmiye_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2, 'MF', ?, ?, ?, ?)`);
    const insDoc = db.prepare(`INSERT INTO MUHASEBE_FIS_DETAYLARI (mfd_Guid, mfd_ticari_tip, mfd_evraktip, mfd_evrak_seri, mfd_evrak_sira, mfd_belgetarihi,
      mfd_belgeno, mfd_satistipi, mfd_alistipi, mfd_tahtedtipi, mfd_digerevrakadi) VALUES (?, 2, ?, 'MF', ?, ?, ?, ?, ?, ?, ?)`);
    const write = db.transaction((batch: DemoJournalEntry[]) => {
      for (const e of batch) {
        const sira = Number(e.voucherNo.replace(/\D/g, ''));
        const doc = e.lines[0]?.document;
        e.lines.forEach((l, i) => {
          const amount = Number(formatKurus(l.amountKurus)) * (l.debitCredit === 'C' ? -1 : 1);
          insLine.run(guid(), e.user + 1, `${e.date} 10:00:00`, opts.year, e.date, sira, l.account, i, l.comment, amount, amount, sira,
            l.document?.number ?? null, l.document?.date ?? null, e.journalNo ?? 0);
        });
        if (doc) {
          const f = mikroDocumentFields(doc, e.lines.find((l) => l.paymentMethod && l.paymentMethod !== 'Açık Hesap')?.paymentMethod);
          insDoc.run(guid(), f.evraktip, sira, doc.date ?? null, doc.number ?? null, f.satis, f.alis, f.tahted, f.diger);
        }
        entries++;
        lines += e.lines.length;
      }
    });
    let batch: DemoJournalEntry[] = [];
    for (const e of journal ?? demoJournal(world, opts)) {
      batch.push(e);
      if (batch.length >= 5000) {
        write(batch);
        batch = [];
      }
    }
    write(batch);
  } finally {
    db.close();
  }
  return { entries, lines };
}
