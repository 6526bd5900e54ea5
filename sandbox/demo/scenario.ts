import { Faker, tr, en, base } from '@faker-js/faker';
import Decimal from 'decimal.js';
import { tcknCheckDigits, vknCheckDigit } from '../../core/documents/taxid';
import { turkeyDateTime } from '../../core/time';
import type { InvoiceKindId } from '../../core/documents/kinds/invoiceRouting';
import type { RegisteredUser } from '../../core/documents/userList';

/**
 * The demo's business, independent of any accounting program: two companies, their customers and items, and
 * books of invoices per company and fiscal year. Each ERP writer (Logo, Netsis) stores the same books in its own
 * schema, so tests can compare what a connector reads with what was written. Deterministic for a given seed.
 */

export interface DemoCompany {
  key: 'ornek' | 'anadolu';
  name: string;
  vkn: string;
  taxOffice: string;
  street: string;
  district: string;
  city: string;
  postalCode: string;
  phone: string;
  email: string;
  /** Prefix of GİB numbers (3 characters). */
  gibPrefix: string;
}

export interface DemoCustomer {
  code: string;
  kind: 'company' | 'person';
  name: string;
  firstName?: string;
  familyName?: string;
  vkn?: string;
  tckn?: string;
  taxOffice: string;
  street: string;
  district: string;
  city: string;
  postalCode: string;
  country: string;
  phone: string;
  email: string;
  /** Registered e-Fatura user (GİB list): invoices go as e-Fatura; otherwise e-Arşiv. */
  registered: boolean;
  /** Public institutions (KAMU) receive KAMU invoices. */
  userType: 'OZEL' | 'KAMU';
  /** GİB mailbox aliases (posta kutusu) of a registered user; the first is the default. */
  aliases: string[];
  /** Its e-İrsaliye mailboxes (GİB keeps them apart from the invoice ones); empty: it cannot receive e-İrsaliye. */
  despatchAliases: string[];
}

export interface DemoItem {
  code: string;
  name: string;
  kind: 'goods' | 'service';
  /** Unit as typed in the ERP (Turkish). */
  unit: string;
  vatRate: number;
  price: Decimal;
}

export type DemoInvoiceType = 'SATIS' | 'IADE' | 'TEVKIFAT' | 'ISTISNA';

export interface DemoLine {
  item: DemoItem;
  quantity: Decimal;
  /** In the document currency. */
  unitPrice: Decimal;
  /** The first line discount, percent. */
  discountPercent: Decimal;
  /**
   * Every line discount level, percents applied one after the other on what the previous left (Netsis keeps up to
   * six on a line; Logo one discount row each); `discountPercent` is the first. Empty without a discount.
   */
  discountLevels: Decimal[];
  /** Text typed on the line that the program prints instead of the item card's name (Netsis, Mikro, ETA). */
  ownText?: string;
  vatRate: number;
  exemption?: { code: string; reason: string };
  /** Tevkifat: GİB code and the withheld share part1/part2 (e.g. 7/10). */
  withholding?: { code: string; part1: number; part2: number };
  gross: Decimal;
  discount: Decimal;
  net: Decimal;
  /** This line's share of the invoice discount. */
  globalShare: Decimal;
  vatBase: Decimal;
  vat: Decimal;
  withheld: Decimal;
  note?: string;
}

export interface DemoInvoice {
  /** 1-based position within its book. */
  seq: number;
  company: DemoCompany;
  fiscalYear: number;
  date: string;
  erpNumber: string;
  customer: DemoCustomer;
  /** e-Fatura for registered customers, e-Arşiv for the rest (as routing decides). */
  module: InvoiceKindId;
  profile: 'TEMELFATURA' | 'TICARIFATURA';
  type: DemoInvoiceType;
  currency: 'TRY' | 'USD' | 'EUR';
  /** TRY per unit of currency (4 decimals), for USD/EUR. */
  rate?: Decimal;
  lines: DemoLine[];
  globalDiscountPercent: Decimal;
  totals: {
    gross: Decimal;
    lineDiscounts: Decimal;
    net: Decimal;
    globalDiscount: Decimal;
    vatBase: Decimal;
    vat: Decimal;
    withheld: Decimal;
    payable: Decimal;
  };
  notes: string[];
  /** IADE: the invoice being returned. */
  returnOf?: { number: string; date: string };
  /** Already sent in an earlier session: its ETTN and GİB number. */
  sent?: { ettn: string; gibNumber: string };
}

export interface DemoBook {
  company: DemoCompany;
  fiscalYear: number;
  invoices: DemoInvoice[];
}

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

function makeFaker(seed: number): Faker {
  const f = new Faker({ locale: [tr, en, base] });
  f.seed(seed);
  return f;
}

function vkn(f: Faker): string {
  const first9 = f.string.numeric({ length: 9, allowLeadingZeros: true });
  return first9 + String(vknCheckDigit(first9));
}

function tckn(f: Faker): string {
  const first9 = f.string.numeric({ length: 1, exclude: ['0'] }) + f.string.numeric({ length: 8, allowLeadingZeros: true });
  const [a, b] = tcknCheckDigits(first9);
  return `${first9}${a}${b}`;
}

const DISTRICTS = ['Kadıköy', 'Çankaya', 'Bornova', 'Nilüfer', 'Selçuklu', 'Şahinbey', 'Muratpaşa', 'Üsküdar', 'Tepebaşı', 'Odunpazarı', 'Karşıyaka', 'Ataşehir', 'Gölbaşı', 'İlkadım'];

const TAX_OFFICES = ['Kadıköy', 'Beşiktaş', 'Çankaya', 'Konak', 'Nilüfer', 'Selçuklu', 'Şahinbey', 'Muratpaşa', 'Üsküdar', 'Ilgaz'];

/** Company titles that exercise Turkish letters and XML-special characters (&, <, ", '). */
const COMPANY_TITLES = [
  'Öz & Şen Gıda Ürünleri Tic. Ltd. Şti.',
  'Ağaç <Mobilya> Sanayi A.Ş.',
  '"Işık" Aydınlatma Elektrik San. ve Tic. A.Ş.',
  "Çağlayan İnşaat Taahhüt Ltd. Şti.",
  'Güneş Enerji Sistemleri A.Ş.',
  'İpek Yolu Lojistik ve Taşımacılık A.Ş.',
  'Ünal Makine İmalat San. Tic. Ltd. Şti.',
  'Doğa Kimya & Boya Sanayi A.Ş.',
  'Şahin Otomotiv Yedek Parça Ltd. Şti.',
  'Yıldız Tekstil Konfeksiyon A.Ş.',
  'Ege Zeytin ve Zeytinyağı Ltd. Şti.',
  'Karadeniz Fındık İhracat A.Ş.',
  'T.C. Ankara Büyükşehir Belediyesi Başkanlığı',
  'Çınar Ambalaj Kağıt Sanayi Ltd. Şti.',
  'Özgür Medikal Cihazlar Tic. A.Ş.',
  'Kuzey Soğuk Hava Deposu Ltd. Şti.',
  'Akdeniz Turizm Otelcilik A.Ş.',
  'İnci Kozmetik Pazarlama Ltd. Şti.',
  'Göktürk Demir Çelik Sanayi A.Ş.',
  'Mavi Deniz Su Ürünleri Ltd. Şti.',
];

const GOODS: [string, string, number, number][] = [
  // name, unit, VAT %, price
  ['Pamuklu Kumaş (İthal)', 'M', 10, 185.5],
  ['Penye Tişört Beyaz', 'ADET', 10, 149.9],
  ['Kot Pantolon Lacivert', 'ADET', 10, 799],
  ['Yün İplik Çözgü', 'KG', 10, 412.35],
  ['Fermuar 20 cm', 'ADET', 20, 3.75],
  ['Düğme Sedef 12 mm', 'PAKET', 20, 64],
  ['Ambalaj Kolisi 60x40', 'KOLİ', 20, 1250],
  ['Zeytinyağı Sızma 5 L', 'ADET', 1, 1349.9],
  ['Ekmeklik Buğday Unu', 'KG', 1, 22.4],
  ['Kırmızı Mercimek', 'KG', 1, 61.25],
  ['Ayçiçek Yağı', 'LT', 1, 79.95],
  ['Süt Tozu', 'KG', 1, 312],
  ['Dikiş Makinesi İğnesi', 'PAKET', 20, 245.8],
  ['Endüstriyel Ütü', 'ADET', 20, 18999],
  ['Çelik Profil 40x40', 'M', 20, 265.4],
  ['Boya Şişirme Tüpü', 'ADET', 20, 0.35],
  ['Etiket Baskılı "Özel"', 'ADET', 20, 1.8],
  ['Deri Kemer & Toka', 'ADET', 20, 429],
  ['Keçe Halı m²', 'M2', 20, 540.6],
  ['Pamuk Balya', 'KG', 1, 58.7],
];

const SERVICES: [string, string, number, number][] = [
  ['Nakliye Hizmeti', 'SAAT', 20, 1450],
  ['Yazılım Bakım Hizmeti', 'AY', 20, 12500],
  ['Danışmanlık Hizmeti', 'SAAT', 20, 3200],
  ['Depolama Hizmeti', 'GÜN', 20, 875.25],
  ['Fason Dikim İşçiliği', 'ADET', 20, 42.5],
  ['Montaj ve Kurulum', 'SAAT', 20, 1875],
];

/** GİB withholding codes with their withheld share (code + percent must be in GİB's list). */
const WITHHOLDINGS: { code: string; part1: number; part2: number }[] = [
  { code: '603', part1: 7, part2: 10 },
  { code: '605', part1: 5, part2: 10 },
  { code: '606', part1: 9, part2: 10 },
  { code: '612', part1: 7, part2: 10 },
];

export interface DemoWorld {
  companies: DemoCompany[];
  customers: DemoCustomer[];
  items: DemoItem[];
}

export function demoWorld(seed = 1): DemoWorld {
  const f = makeFaker(seed);
  const companies: DemoCompany[] = [
    {
      key: 'ornek',
      name: 'Örnek Tekstil Sanayi ve Ticaret A.Ş.',
      vkn: vkn(f),
      taxOffice: 'Zincirlikuyu',
      street: 'Büyükdere Cad. No: 185',
      district: 'Levent',
      city: 'İstanbul',
      postalCode: '34394',
      phone: '0212 555 01 01',
      email: 'muhasebe@ornektekstil.com.tr',
      gibPrefix: 'ORN',
    },
    {
      key: 'anadolu',
      name: 'Anadolu Gıda & Tarım Ürünleri Ltd. Şti.',
      vkn: vkn(f),
      taxOffice: 'Ulus',
      street: 'Atatürk Bulvarı No: 42/3',
      district: 'Çankaya',
      city: 'Ankara',
      postalCode: '06420',
      phone: '0312 444 02 02',
      email: 'fatura@anadolugida.com.tr',
      gibPrefix: 'ANG',
    },
  ];

  const customers: DemoCustomer[] = [];
  COMPANY_TITLES.forEach((title, i) => {
    const registered = i < 14;
    const ascii = title.toLocaleLowerCase('tr-TR').replace(/[çğıöşü]/g, (ch) => ({ ç: 'c', ğ: 'g', ı: 'i', ö: 'o', ş: 's', ü: 'u' })[ch] ?? ch);
    const slug = ascii.replace(/[^a-z]/g, '').slice(0, 12) || `firma${i}`;
    customers.push({
      code: `120.01.${String(i + 1).padStart(3, '0')}`,
      kind: 'company',
      name: title,
      vkn: vkn(f),
      taxOffice: f.helpers.arrayElement(TAX_OFFICES),
      street: f.location.streetAddress(),
      district: f.helpers.arrayElement(DISTRICTS),
      city: f.location.city(),
      postalCode: f.location.zipCode('#####'),
      country: 'Türkiye',
      phone: f.phone.number(),
      email: `muhasebe@${slug}.com.tr`,
      registered,
      userType: title.startsWith('T.C.') ? 'KAMU' : 'OZEL',
      // One registered customer has two mailboxes, which routing must not pick between silently.
      aliases: registered ? (i === 3 ? [`urn:mail:defaultpk@${slug}.com.tr`, `urn:mail:merkezpk@${slug}.com.tr`] : [`urn:mail:defaultpk@${slug}.com.tr`]) : [],
      // The first ten registered companies also receive e-İrsaliye; the other registered ones only e-Fatura.
      despatchAliases: registered && i < 10 ? [`urn:mail:irsaliyepk@${slug}.com.tr`] : [],
    });
  });
  for (let i = 0; i < 10; i++) {
    const firstName = f.person.firstName();
    const familyName = f.person.lastName();
    customers.push({
      code: `120.02.${String(i + 1).padStart(3, '0')}`,
      kind: 'person',
      name: `${firstName} ${familyName}`,
      firstName,
      familyName,
      tckn: tckn(f),
      taxOffice: f.helpers.arrayElement(TAX_OFFICES),
      street: f.location.streetAddress(),
      district: f.helpers.arrayElement(DISTRICTS),
      city: f.location.city(),
      postalCode: f.location.zipCode('#####'),
      country: 'Türkiye',
      phone: f.phone.number(),
      email: f.internet.email({ firstName: 'musteri', lastName: String(i + 1), provider: 'example.com.tr' }),
      registered: false,
      userType: 'OZEL',
      aliases: [],
      despatchAliases: [],
    });
  }

  const items: DemoItem[] = [
    ...GOODS.map(([name, unit, vat, price], i): DemoItem => ({
      code: `ST${String(i + 1).padStart(4, '0')}`,
      name,
      kind: 'goods',
      unit,
      vatRate: vat,
      price: new Decimal(price),
    })),
    ...SERVICES.map(([name, unit, vat, price], i): DemoItem => ({
      code: `HZ${String(i + 1).padStart(4, '0')}`,
      name,
      kind: 'service',
      unit,
      vatRate: vat,
      price: new Decimal(price),
    })),
  ];
  return { companies, customers, items };
}

/** Discount levels 2..6 of a line that uses them all (percent). */
const CASCADE_LEVELS = [5, 2.5, 2, 1, 0.5].map((p) => new Decimal(p));

const RATES: Record<'USD' | 'EUR', [number, number]> = { USD: [32.5, 43.5], EUR: [35.2, 50.9] };

function lineCount(f: Faker): number {
  const roll = f.number.float({ min: 0, max: 1 });
  if (roll < 0.8) return f.number.int({ min: 1, max: 5 });
  if (roll < 0.97) return f.number.int({ min: 6, max: 30 });
  return f.number.int({ min: 31, max: 200 });
}

export interface BookOptions {
  seed: number;
  company: DemoCompany;
  fiscalYear: number;
  count: number;
  /** Share of the book already sent in earlier sessions (0..1). */
  sentShare: number;
  /** No invoice is dated after this Türkiye date (GİB refuses future dates); default today. */
  lastDay?: string;
}

/** One company's invoices of one fiscal year, collected (for tests and small demos). */
export function demoBook(world: DemoWorld, opts: BookOptions): DemoBook {
  return { company: opts.company, fiscalYear: opts.fiscalYear, invoices: [...demoInvoices(world, opts)] };
}

/** The same invoices one at a time, so a 100 000-invoice demo never holds them all in memory. */
export function* demoInvoices(world: DemoWorld, opts: BookOptions): Generator<DemoInvoice> {
  const f = makeFaker(opts.seed * 7919 + opts.fiscalYear * 31 + (opts.company.key === 'ornek' ? 1 : 2));
  // Spread over the fiscal year, but never past the last day (today): GİB refuses invoices dated in the future.
  const start = Date.UTC(opts.fiscalYear, 0, 1);
  const end = Math.min(Date.UTC(opts.fiscalYear, 11, 31), Date.parse(`${opts.lastDay ?? turkeyDateTime().date}T00:00:00Z`));
  const dayCount = Math.max(1, Math.floor((end - start) / 86400000) + 1);
  for (let seq = 1; seq <= opts.count; seq++) {
    const day = Math.floor(((seq - 1) * dayCount) / Math.max(opts.count, 1));
    const date = new Date(start + day * 86400000).toISOString().slice(0, 10);
    const customer = f.helpers.arrayElement(world.customers);
    const module = customer.registered ? 'efatura' : 'earsiv';
    let type: DemoInvoiceType = f.helpers.weightedArrayElement([
      { value: 'SATIS' as const, weight: 70 },
      { value: 'IADE' as const, weight: 8 },
      { value: 'TEVKIFAT' as const, weight: 12 },
      { value: 'ISTISNA' as const, weight: 10 },
    ]);
    // Tevkifat and returns are business-to-business here.
    if (customer.kind === 'person' && (type === 'TEVKIFAT' || type === 'IADE')) type = 'SATIS';
    const profile = module === 'efatura' && type !== 'IADE' && f.number.int({ min: 0, max: 2 }) === 0 ? 'TICARIFATURA' : 'TEMELFATURA';
    const currency = f.helpers.weightedArrayElement([
      { value: 'TRY' as const, weight: 88 },
      { value: 'USD' as const, weight: 7 },
      { value: 'EUR' as const, weight: 5 },
    ]);
    const rate =
      currency === 'TRY' ? undefined : new Decimal(f.number.float({ min: RATES[currency][0], max: RATES[currency][1], fractionDigits: 4 })).toDecimalPlaces(4);
    const n = seq === 7 ? 200 : lineCount(f);
    const withholding = type === 'TEVKIFAT' ? f.helpers.arrayElement(WITHHOLDINGS) : undefined;
    const pool = type === 'TEVKIFAT' ? world.items.filter((it) => it.kind === 'service') : world.items;
    const lines: DemoLine[] = [];
    for (let i = 0; i < n; i++) {
      const item = f.helpers.arrayElement(pool);
      const quantity = new Decimal(
        item.unit === 'KG' || item.unit === 'M' || item.unit === 'LT' || item.unit === 'M2'
          ? f.number.float({ min: 0.5, max: 250, fractionDigits: 3 })
          : f.number.int({ min: 1, max: item.price.gt(1000) ? 6 : 120 }),
      );
      let unitPrice = item.price.mul(f.number.float({ min: 0.9, max: 1.1, fractionDigits: 2 })).toDecimalPlaces(4);
      if (rate) unitPrice = unitPrice.div(rate).toDecimalPlaces(4);
      const discountPercent = new Decimal(f.helpers.weightedArrayElement([
        { value: 0, weight: 75 },
        { value: 5, weight: 10 },
        { value: 10, weight: 10 },
        { value: 12.5, weight: 5 },
      ]));
      const vatRate = type === 'ISTISNA' ? 0 : item.vatRate;
      const gross = r2(quantity.mul(unitPrice));
      // Now and then a line carries every discount level the programs have (six, each on what the previous left).
      const discountLevels = discountPercent.isZero() ? [] : i === 0 && seq % 6 === 0 ? [discountPercent, ...CASCADE_LEVELS] : [discountPercent];
      let rest = gross;
      for (const level of discountLevels) rest = rest.minus(r2(rest.mul(level).div(100)));
      const discount = gross.minus(rest);
      lines.push({
        item,
        quantity,
        unitPrice,
        discountPercent,
        discountLevels,
        ...(i === 0 && seq % 9 === 0 ? { ownText: `${item.name} (${date.slice(0, 7)} teslimatı)` } : {}),
        vatRate,
        ...(type === 'ISTISNA' ? { exemption: { code: '350', reason: 'Diğerleri' } } : {}),
        ...(withholding ? { withholding } : {}),
        gross,
        discount,
        net: gross.minus(discount),
        globalShare: new Decimal(0),
        vatBase: new Decimal(0),
        vat: new Decimal(0),
        withheld: new Decimal(0),
        ...(i === 0 && seq % 5 === 0 ? { note: 'Teslimat: depo çıkışı 08:00–17:00 & hafta içi' } : {}),
      });
    }
    const globalDiscountPercent = new Decimal(f.helpers.weightedArrayElement([
      { value: 0, weight: 85 },
      { value: 2, weight: 8 },
      { value: 5, weight: 7 },
    ]));
    const net = lines.reduce((a, l) => a.plus(l.net), new Decimal(0));
    const globalDiscount = r2(net.mul(globalDiscountPercent).div(100));
    // Spread the invoice discount over the lines (remainder on the last line), as ERPs do for the VAT base.
    let spread = new Decimal(0);
    lines.forEach((l, i) => {
      l.globalShare = i === lines.length - 1 ? globalDiscount.minus(spread) : r2(l.net.mul(globalDiscountPercent).div(100));
      spread = spread.plus(l.globalShare);
      l.vatBase = l.net.minus(l.globalShare);
      l.vat = r2(l.vatBase.mul(l.vatRate).div(100));
      l.withheld = l.withholding ? r2(l.vat.mul(l.withholding.part1).div(l.withholding.part2)) : new Decimal(0);
    });
    const sum = (pick: (l: DemoLine) => Decimal) => lines.reduce((a, l) => a.plus(pick(l)), new Decimal(0));
    const vat = sum((l) => l.vat);
    const withheld = sum((l) => l.withheld);
    const vatBase = net.minus(globalDiscount);
    const notes = [`Sipariş no: SP-${opts.fiscalYear}-${String(seq).padStart(5, '0')}`];
    if (seq % 4 === 0) notes.push('Ödeme: 30 gün vadeli, havale/EFT ile.');
    const erpNumber = `${type === 'IADE' ? 'IAD' : 'SAT'}${opts.fiscalYear}${String(seq).padStart(7, '0')}`;
    const isSent = f.number.float({ min: 0, max: 1 }) < opts.sentShare;
    yield {
      seq,
      company: opts.company,
      fiscalYear: opts.fiscalYear,
      date,
      erpNumber,
      customer,
      module,
      profile,
      type,
      currency,
      ...(rate ? { rate } : {}),
      lines,
      globalDiscountPercent,
      totals: {
        gross: sum((l) => l.gross),
        lineDiscounts: sum((l) => l.discount),
        net,
        globalDiscount,
        vatBase,
        vat,
        withheld,
        payable: vatBase.plus(vat).minus(withheld),
      },
      notes,
      ...(type === 'IADE'
        ? { returnOf: { number: `${customer.code.replace(/\D/g, '').slice(-3)}${opts.fiscalYear}${String(f.number.int({ min: 1, max: 99999 })).padStart(9, '0')}`.replace(/^(\d{3})/, 'ALF'), date } }
        : {}),
      ...(isSent
        ? { sent: { ettn: f.string.uuid(), gibNumber: `${opts.company.gibPrefix}${opts.fiscalYear}${String(seq).padStart(9, '0')}` } }
        : {}),
    };
  }
}

/** The demo's registered customers as GİB's user list, which the integrator returns and routing reads. */
export function demoRegisteredUsers(world: DemoWorld): RegisteredUser[] {
  return world.customers
    .filter((c) => c.registered)
    .map((c) => ({
      identifier: (c.vkn ?? c.tckn)!,
      title: c.name,
      type: c.userType,
      firstCreationTime: '2020-01-01T00:00:00',
      accountType: 'OZELENTEGRASYON',
      documents: [
        { type: 'Invoice' as const, aliases: c.aliases.map((name) => ({ name, creationTime: '2020-01-01T00:00:00' })) },
        ...(c.despatchAliases.length > 0 ? [{ type: 'DespatchAdvice' as const, aliases: c.despatchAliases.map((name) => ({ name, creationTime: '2021-09-01T00:00:00' })) }] : []),
      ],
    }));
}
