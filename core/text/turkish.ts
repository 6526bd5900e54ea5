/**
 * Turkish-aware casing and ordering. JavaScript's default casing maps i → I and I → i, which breaks Turkish
 * (i ↔ İ, ı ↔ I); SQLite's built-in lower()/upper() only know ASCII.
 */
export function trLower(text: string): string {
  return text.toLocaleLowerCase('tr-TR');
}

export function trUpper(text: string): string {
  return text.toLocaleUpperCase('tr-TR');
}

const collator = new Intl.Collator('tr-TR', { sensitivity: 'base', numeric: true });

/** Compares in Turkish alphabetical order: a b c ç d e f g ğ h ı i j … o ö p r s ş t u ü v y z. */
export function trCompare(a: string, b: string): number {
  return collator.compare(a, b);
}

/** Case-insensitive Turkish equality ("İSTANBUL" = "istanbul", "IŞIK" = "ışık", but "ISIK" ≠ "ışık"). */
export function trEquals(a: string, b: string): boolean {
  return trLower(a) === trLower(b);
}

const ALPHABET = 'abcçdefgğhıijklmnoöprsştuüvwxyz';

/**
 * A string whose plain binary order is the Turkish alphabetical, case-insensitive order. Lets SQL sort with
 * `ORDER BY tr_sort_key(col)` where no ICU collation is available (SQLite through better-sqlite3).
 */
export function trSortKey(text: string): string {
  let key = '';
  for (const ch of trLower(text)) {
    const i = ALPHABET.indexOf(ch);
    if (i >= 0) key += String.fromCharCode(0x100 + i);
    else if (ch >= '0' && ch <= '9') key += String.fromCharCode(0x80 + ch.charCodeAt(0) - 48);
    else key += String.fromCharCode(0x1000 + (ch.codePointAt(0) ?? 0));
  }
  return key;
}
