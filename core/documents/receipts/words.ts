import Decimal from 'decimal.js';
import { trUpper } from '../../text/turkish';

/**
 * A Turkish-lira amount in words, as receipts print it ("Yazı ile: YALNIZ ON İKİ BİN ÜÇ YÜZ TÜRK LİRASI ELLİ
 * KURUŞ"). Turkish drops "bir" before yüz and bin ("yüz", "bin", but "bir milyon").
 */
const ONES = ['', 'bir', 'iki', 'üç', 'dört', 'beş', 'altı', 'yedi', 'sekiz', 'dokuz'];
const TENS = ['', 'on', 'yirmi', 'otuz', 'kırk', 'elli', 'altmış', 'yetmiş', 'seksen', 'doksan'];
const SCALES = ['', 'bin', 'milyon', 'milyar', 'trilyon', 'katrilyon'];

function hundreds(n: number): string[] {
  const words: string[] = [];
  const h = Math.floor(n / 100);
  if (h > 0) words.push(...(h === 1 ? [] : [ONES[h]!]), 'yüz');
  const t = Math.floor((n % 100) / 10);
  if (t > 0) words.push(TENS[t]!);
  const o = n % 10;
  if (o > 0) words.push(ONES[o]!);
  return words;
}

/** A whole number ≥ 0 in Turkish words ("sıfır" for 0). */
export function integerInWords(value: Decimal.Value): string {
  let n = new Decimal(value);
  if (!n.isInteger() || n.isNegative()) throw new Error(`not a whole number ≥ 0: ${n.toString()}`);
  if (n.isZero()) return 'sıfır';
  const groups: number[] = [];
  while (n.gt(0)) {
    groups.push(n.mod(1000).toNumber());
    n = n.divToInt(1000);
  }
  if (groups.length > SCALES.length) throw new Error(`amount too large to write in words: ${value.toString()}`);
  const words: string[] = [];
  for (let i = groups.length - 1; i >= 0; i--) {
    const g = groups[i]!;
    if (g === 0) continue;
    if (i === 1 && g === 1) words.push('bin');
    else words.push(...hundreds(g), ...(SCALES[i] ? [SCALES[i]!] : []));
  }
  return words.join(' ');
}

/** "YALNIZ … TÜRK LİRASI … KURUŞ" for a TRY amount with at most two decimals. */
export function amountInWords(amount: Decimal): string {
  const a = amount.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  if (a.isNegative()) throw new Error(`negative amount: ${a.toFixed(2)}`);
  const lira = a.floor();
  const kurus = a.minus(lira).mul(100).toNumber();
  const text = `YALNIZ ${integerInWords(lira)} TÜRK LİRASI${kurus > 0 ? ` ${integerInWords(kurus)} KURUŞ` : ''}`;
  return trUpper(text);
}
