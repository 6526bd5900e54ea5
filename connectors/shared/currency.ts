/**
 * Currency names as accounting programs' users type them (Netsis KUR.ISIM, ETA FATFISDOVKOD…), mapped to ISO 4217.
 * Sites fill these lists themselves [C: the columns]; the names seen in public Netsis databases and reports are the
 * ISO code itself (USD, EUR), the Turkish name (DOLAR, EURO, AVRO, STERLİN) or an English one (US DOLLAR) [I: several
 * public sources, no vendor list]. Comparison is on the name upper-cased in Turkish, without dots or spaces. A name
 * outside this table that is not itself a three-letter code stays as typed, so the document's pre-check refuses it
 * naming the value (CURRENCY_UNKNOWN) — this table is the one place to add a site's spelling.
 */
const CURRENCY_NAMES: Readonly<Record<string, string>> = {
  TL: 'TRY', YTL: 'TRY', TRL: 'TRY', TRY: 'TRY', TÜRKLİRASI: 'TRY', TURKLIRASI: 'TRY',
  USD: 'USD', DOLAR: 'USD', 'ABDDOLARI': 'USD', 'AMERİKANDOLARI': 'USD', AMERIKANDOLARI: 'USD', USDOLLAR: 'USD', DOLLAR: 'USD', 'US$': 'USD',
  EUR: 'EUR', EURO: 'EUR', AVRO: 'EUR',
  GBP: 'GBP', STERLİN: 'GBP', STERLIN: 'GBP', 'İNGİLİZSTERLİNİ': 'GBP', INGILIZSTERLINI: 'GBP', POUND: 'GBP',
  CHF: 'CHF', 'İSVİÇREFRANGI': 'CHF', ISVICREFRANGI: 'CHF', 'İSVFRANGI': 'CHF', ISVFRANGI: 'CHF', FRANK: 'CHF',
  JPY: 'JPY', YEN: 'JPY', 'JAPONYENİ': 'JPY', JAPONYENI: 'JPY',
  RUB: 'RUB', RUBLE: 'RUB', 'RUSRUBLESİ': 'RUB',
  SAR: 'SAR', RİYAL: 'SAR', RIYAL: 'SAR',
  AUD: 'AUD', CAD: 'CAD', DKK: 'DKK', SEK: 'SEK', NOK: 'NOK', KWD: 'KWD', CNY: 'CNY', AED: 'AED',
};

export function isoCurrencyOf(isim: string): string {
  const raw = isim.trim();
  const key = raw.toLocaleUpperCase('tr-TR').replace(/[\s.]+/g, '');
  const known = CURRENCY_NAMES[key] ?? CURRENCY_NAMES[raw.toUpperCase().replace(/[\s.]+/g, '')];
  if (known) return known;
  return /^[A-Z]{3}$/.test(key) ? key : raw;
}

