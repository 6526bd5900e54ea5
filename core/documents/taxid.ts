import type { TaxIdScheme } from './model';

/**
 * Turkish tax identifiers. VKN: 10 digits, the last a check digit over the first nine.
 * TCKN: 11 digits, first not 0, digits 10 and 11 are check digits.
 */
export function vknCheckDigit(first9: string): number {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    const tmp = (Number(first9[i]) + 9 - i) % 10;
    let v = (tmp * 2 ** (9 - i)) % 9;
    if (tmp !== 0 && v === 0) v = 9;
    sum += v;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidVkn(value: string): boolean {
  return /^\d{10}$/.test(value) && vknCheckDigit(value.slice(0, 9)) === Number(value[9]);
}

export function tcknCheckDigits(first9: string): [number, number] {
  const d = [...first9].map(Number);
  const odd = (d[0] ?? 0) + (d[2] ?? 0) + (d[4] ?? 0) + (d[6] ?? 0) + (d[8] ?? 0);
  const even = (d[1] ?? 0) + (d[3] ?? 0) + (d[5] ?? 0) + (d[7] ?? 0);
  const d10 = (((odd * 7 - even) % 10) + 10) % 10;
  const d11 = (d.reduce((a, b) => a + b, 0) + d10) % 10;
  return [d10, d11];
}

export function isValidTckn(value: string): boolean {
  if (!/^[1-9]\d{10}$/.test(value)) return false;
  const [d10, d11] = tcknCheckDigits(value.slice(0, 9));
  return Number(value[9]) === d10 && Number(value[10]) === d11;
}

/**
 * Identifiers GİB prescribes in place of a real one (inferred from the e-Arşiv guide; correct here if it differs):
 * 11111111111 for a final consumer whose TCKN is unknown, 2222222222 for a foreign buyer without a Turkish tax
 * number. They carry no valid check digit and are accepted as they are.
 */
export const GIB_PLACEHOLDER_TAX_IDS: ReadonlySet<string> = new Set(['11111111111', '2222222222']);

/** The check digits of a VKN (10 digits) or TCKN (11 digits) hold, or the number is one of GİB's placeholders. */
export function hasValidCheckDigits(value: string): boolean {
  if (GIB_PLACEHOLDER_TAX_IDS.has(value)) return true;
  return value.length === 10 ? isValidVkn(value) : isValidTckn(value);
}

/**
 * The scheme of a number read from an ERP's tax-number field: 11 digits are a person's TCKN (often typed into the
 * VKN field), anything else is taken as a company's VKN — the pre-checks then say what is wrong with it.
 */
export function taxIdSchemeOf(value: string): TaxIdScheme {
  return /^\d{11}$/.test(value) ? 'TCKN' : 'VKN';
}
