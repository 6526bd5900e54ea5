import type { ChartAccount, DebitCredit, LedgerDocument } from '../../core/edefter/model';
import type { DemoCompany, DemoWorld } from './scenario';

/**
 * The demo's general ledger, independent of any accounting program: the vouchers of one company and fiscal year,
 * month by month, in book order. Each ERP writer (Logo, Netsis) stores the same journal in its own tables, so tests
 * compare what a connector reads with what was written. Deterministic for a seed.
 *
 * On purpose, for the e-Defter checks: January is clean; February holds one voucher the ERP's numbering job has not
 * numbered yet; March holds one voucher whose debit and credit differ.
 */

export interface DemoJournalLine {
  account: string;
  debitCredit: DebitCredit;
  amountKurus: number;
  comment: string;
  document?: LedgerDocument;
  paymentMethod?: string;
}

export interface DemoJournalEntry {
  /** Voucher number as the ERP shows it. */
  voucherNo: string;
  /** Madde no; null = not numbered yet. */
  journalNo: number | null;
  date: string;
  /** Index into DEMO_USERS. */
  user: number;
  comment: string;
  lines: DemoJournalLine[];
}

export const DEMO_USERS = [
  { code: 'AYSE', name: 'Ayşe Yılmaz' },
  { code: 'MEHMET', name: 'Mehmet Şahin' },
] as const;

/** Tekdüzen hesap planı accounts the demo posts to (main accounts and the sub-accounts used). */
export function demoChart(world: DemoWorld): ChartAccount[] {
  const chart: ChartAccount[] = [
    { code: '100', name: 'KASA' },
    { code: '100.01', name: 'Merkez Kasa' },
    { code: '102', name: 'BANKALAR' },
    { code: '102.01', name: 'Ziraat Bankası TL Hesabı' },
    { code: '120', name: 'ALICILAR' },
    { code: '153', name: 'TİCARİ MALLAR' },
    { code: '153.01', name: 'Ticari Mallar' },
    { code: '191', name: 'İNDİRİLECEK KDV' },
    { code: '191.01', name: 'İndirilecek KDV %20' },
    { code: '320', name: 'SATICILAR' },
    { code: '335', name: 'PERSONELE BORÇLAR' },
    { code: '335.01', name: 'Ücret Tahakkukları' },
    { code: '391', name: 'HESAPLANAN KDV' },
    { code: '391.01', name: 'Hesaplanan KDV %20' },
    { code: '600', name: 'YURTİÇİ SATIŞLAR' },
    { code: '600.01', name: 'Yurtiçi Satışlar' },
    { code: '770', name: 'GENEL YÖNETİM GİDERLERİ' },
    { code: '770.01', name: 'Kırtasiye Giderleri' },
    { code: '770.02', name: 'Personel Ücret Giderleri' },
  ];
  for (const c of world.customers.filter((x) => x.kind === 'company').slice(0, 12)) chart.push({ code: c.code, name: c.name });
  for (const [i, name] of SUPPLIERS.entries()) chart.push({ code: `320.01.${String(i + 1).padStart(3, '0')}`, name });
  return chart.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

const SUPPLIERS = ['Marmara İplik Sanayi A.Ş.', 'Çukurova Pamuk Ltd. Şti.', 'Ege Ambalaj Ürünleri A.Ş.', 'Başkent Lojistik Hizmetleri Ltd. Şti.'];

/** mulberry32: a tiny seeded generator, fast enough for the million-line benchmark month. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface JournalOptions {
  seed: number;
  company: DemoCompany;
  year: number;
  /** First and last month (1–12) to generate. */
  fromMonth?: number;
  toMonth: number;
  /** Vouchers per month (default 24). */
  entriesPerMonth?: number;
  /** Plant the February and March faults (default true). */
  faults?: boolean;
  /** First madde no (default 1: the start of the fiscal year). */
  firstJournalNo?: number;
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** The journal, voucher by voucher, in book order (date, madde no). A generator: a million lines never sit in memory. */
export function* demoJournal(world: DemoWorld, opts: JournalOptions): Generator<DemoJournalEntry> {
  const rnd = random(opts.seed * 7919 + (opts.company.key === 'ornek' ? 1 : 2) + opts.year);
  const perMonth = opts.entriesPerMonth ?? 24;
  const faults = opts.faults ?? true;
  const customers = world.customers.filter((x) => x.kind === 'company').slice(0, 12);
  let journalNo = (opts.firstJournalNo ?? 1) - 1;
  let voucher = 0;
  let invoiceNo = 0;
  for (let month = opts.fromMonth ?? 1; month <= opts.toMonth; month++) {
    const days = new Date(Date.UTC(opts.year, month, 0)).getUTCDate();
    for (let i = 0; i < perMonth; i++) {
      const day = Math.min(days, 1 + Math.floor((i * days) / perMonth));
      const date = `${opts.year}-${pad(month, 2)}-${pad(day, 2)}`;
      const kind = i === perMonth - 1 ? 'salary' : (['sale', 'sale', 'purchase', 'collection', 'payment', 'expense'] as const)[Math.floor(rnd() * 6)]!;
      const net = 100_00 + Math.floor(rnd() * 4_900_00);
      const vat = Math.round(net * 0.2);
      const customer = customers[Math.floor(rnd() * customers.length)]!;
      const supplierIdx = Math.floor(rnd() * SUPPLIERS.length);
      const supplier = `320.01.${pad(supplierIdx + 1, 3)}`;
      voucher++;
      const voucherNo = `MF${pad(voucher, 6)}`;
      let lines: DemoJournalLine[];
      let comment: string;
      if (kind === 'sale') {
        invoiceNo++;
        const doc: LedgerDocument = { type: 'invoice', number: `${opts.company.gibPrefix}${opts.year}${pad(invoiceNo, 9)}`, date };
        comment = `${customer.name} satış faturası`;
        lines = [
          { account: customer.code, debitCredit: 'D', amountKurus: net + vat, comment, document: doc, paymentMethod: 'Açık Hesap' },
          { account: '600.01', debitCredit: 'C', amountKurus: net, comment, document: doc },
          { account: '391.01', debitCredit: 'C', amountKurus: vat, comment, document: doc },
        ];
      } else if (kind === 'purchase') {
        const doc: LedgerDocument = { type: 'invoice', number: `TDR${opts.year}${pad(Math.floor(rnd() * 1e9), 9)}`, date };
        comment = `${SUPPLIERS[supplierIdx]} alış faturası`;
        lines = [
          { account: '153.01', debitCredit: 'D', amountKurus: net, comment, document: doc },
          { account: '191.01', debitCredit: 'D', amountKurus: vat, comment, document: doc },
          { account: supplier, debitCredit: 'C', amountKurus: net + vat, comment, document: doc, paymentMethod: 'Açık Hesap' },
        ];
      } else if (kind === 'collection') {
        const doc: LedgerDocument = { type: 'other', typeDescription: 'Dekont', number: `DK${pad(voucher, 7)}`, date };
        comment = `${customer.name} havale tahsilatı`;
        lines = [
          { account: '102.01', debitCredit: 'D', amountKurus: net, comment, document: doc, paymentMethod: 'Banka' },
          { account: customer.code, debitCredit: 'C', amountKurus: net, comment, document: doc, paymentMethod: 'Banka' },
        ];
      } else if (kind === 'payment') {
        const doc: LedgerDocument = { type: 'other', typeDescription: 'Dekont', number: `DK${pad(voucher, 7)}`, date };
        comment = `${SUPPLIERS[supplierIdx]} ödemesi`;
        lines = [
          { account: supplier, debitCredit: 'D', amountKurus: net, comment, document: doc, paymentMethod: 'Banka' },
          { account: '102.01', debitCredit: 'C', amountKurus: net, comment, document: doc, paymentMethod: 'Banka' },
        ];
      } else if (kind === 'expense') {
        const small = 50_00 + Math.floor(rnd() * 950_00);
        const doc: LedgerDocument = { type: 'receipt', number: `MK${pad(voucher, 6)}`, date };
        comment = 'Kırtasiye alımı';
        lines = [
          { account: '770.01', debitCredit: 'D', amountKurus: small, comment, document: doc, paymentMethod: 'Nakit' },
          { account: '100.01', debitCredit: 'C', amountKurus: small, comment, document: doc, paymentMethod: 'Nakit' },
        ];
      } else {
        const doc: LedgerDocument = { type: 'other', typeDescription: 'Bordro', number: `BR${opts.year}${pad(month, 2)}`, date };
        comment = `${pad(month, 2)}/${opts.year} ücret tahakkuku`;
        lines = [
          { account: '770.02', debitCredit: 'D', amountKurus: 185_000_00, comment, document: doc },
          { account: '335.01', debitCredit: 'C', amountKurus: 185_000_00, comment, document: doc },
        ];
      }
      let number: number | null = ++journalNo;
      if (faults && month === 2 && i === Math.floor(perMonth / 2)) {
        // Entered after the numbering job ran: no madde no yet, and the next voucher takes this one's place.
        number = null;
        journalNo--;
      }
      if (faults && month === 3 && i === Math.floor(perMonth / 3)) {
        // A typing error the ERP let through: the credit side is 10 lira short.
        lines[lines.length - 1] = { ...lines[lines.length - 1]!, amountKurus: lines[lines.length - 1]!.amountKurus - 10_00 };
      }
      yield { voucherNo, journalNo: number, date, user: voucher % DEMO_USERS.length, comment, lines };
    }
  }
}

/**
 * The last month a demo journal covers: the last finished month of the demo's year (a ledger never covers future
 * days), but at least March so the planted faults are there.
 */
export function demoJournalLastMonth(year: number, today: string): number {
  const [y, m] = today.split('-').map(Number) as [number, number];
  if (y > year) return 12;
  return Math.max(3, Math.min(12, m - 1));
}
