/**
 * How every screen writes amounts, dates and times: the Turkish way, whatever the browser's language or the
 * machine's time zone (ARCHITECTURE.md §4). One module, used everywhere — a screen never calls toLocaleString.
 *
 *   formatAmount('53446.26', 'TRY') → '53.446,26 TL'
 *   formatDate('2026-01-19')        → '19.01.2026'
 *   formatDateTime(iso)             → '19.01.2026 14:05' (Europe/Istanbul)
 */

const TURKEY = 'Europe/Istanbul';

/** Integer part grouped with dots, as tr-TR writes it (BigInt keeps any length exact). */
const grouping = new Intl.NumberFormat('tr-TR', { useGrouping: true, maximumFractionDigits: 0 });

/** What users write after an amount: "TL" for the lira (not "₺" or "TRY"), the ISO code for the rest. */
export function currencyWord(currency: string | undefined): string {
  const c = (currency ?? 'TRY').trim().toUpperCase();
  return c === 'TRY' || c === 'TL' || c === '' ? 'TL' : c;
}

/**
 * An exact decimal ("53446.26", "-12.5", 1200) in Turkish digits with two decimals and the currency word.
 * Amounts come from the API as decimal strings; they are never passed through floating point here.
 */
export function formatAmount(value: string | number | undefined | null, currency?: string): string {
  if (value === undefined || value === null || value === '') return '';
  const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return text;
  const [, minus, whole, frac = ''] = m;
  // Half-up to two decimals on the digits themselves.
  let cents = BigInt(whole!) * 100n + BigInt((frac + '00').slice(0, 2));
  if (frac.length > 2 && Number(frac[2]) >= 5) cents += 1n;
  const sign = minus && cents !== 0n ? '-' : '';
  const number = `${sign}${grouping.format(cents / 100n)},${String(cents % 100n).padStart(2, '0')}`;
  return currency === undefined ? number : `${number} ${currencyWord(currency)}`;
}

/** A whole number with Turkish grouping (kontör balances, counts): 12500 → "12.500". */
export function formatCount(value: number | undefined): string {
  return value === undefined ? '' : grouping.format(value);
}

/** YYYY-MM-DD (or an ISO timestamp's date part) as gg.aa.yyyy; anything else is shown as given. */
export function formatDate(value: string | undefined | null): string {
  if (!value) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value);
  return m ? `${m[3]}.${m[2]}.${m[1]}` : value;
}

const dateTimeParts = new Intl.DateTimeFormat('tr-TR', {
  timeZone: TURKEY,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function turkeyParts(value: string | Date): Record<string, string> | undefined {
  const d = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(d.getTime())) return undefined;
  return Object.fromEntries(dateTimeParts.formatToParts(d).map((p) => [p.type, p.value]));
}

/** A moment as Türkiye's wall clock: "19.01.2026 14:05" (with seconds: "14:05:09"). */
export function formatDateTime(value: string | Date | undefined | null, options: { seconds?: boolean } = {}): string {
  if (!value) return '';
  const p = turkeyParts(value);
  if (!p) return String(value);
  return `${p.day}.${p.month}.${p.year} ${p.hour}:${p.minute}${options.seconds ? `:${p.second}` : ''}`;
}

/** Only the time of a moment in Türkiye: "14:05". */
export function formatTime(value: string | Date | undefined | null): string {
  if (!value) return '';
  const p = turkeyParts(value);
  return p ? `${p.hour}:${p.minute}` : String(value);
}

/** Today in Türkiye as YYYY-MM-DD (the date picker's "today", whatever the machine's zone). */
export function turkeyToday(now = new Date()): string {
  const p = turkeyParts(now)!;
  return `${p.year}-${p.month}-${p.day}`;
}

/**
 * What a user types in a date field, read the Turkish way: "19.01.2026", "19/1/2026", "19-01-26" → "2026-01-19".
 * Empty stays empty; a date that does not exist (31.02.2026) is undefined.
 */
export function parseTurkishDate(text: string): string | undefined {
  const t = text.trim();
  if (t === '') return '';
  const m = /^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$/.exec(t);
  if (!m) return undefined;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = m[3]!.length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
