/**
 * Repairs text that the ERP stored as Windows-1254 bytes but that reaches us read as Windows-1252/Latin-1
 * (typical of Netsis `varchar` columns under a non-Turkish collation): Ð Ý Þ ð ý þ stand where Ğ İ Ş ğ ı ş belong.
 * Only these six letters differ between the two code pages in the letter range, so the repair is a fixed mapping.
 * It is applied only to databases known to be affected, since a genuine Ý or ð in a foreign name would change.
 */
const CP1254_REPAIR: Record<string, string> = { 'Ð': 'Ğ', 'Ý': 'İ', 'Þ': 'Ş', 'ð': 'ğ', 'ý': 'ı', 'þ': 'ş' };
const DAMAGED = /[ÐÝÞðýþ]/g;

export function repairCp1254(text: string): string {
  return text.replace(DAMAGED, (ch) => CP1254_REPAIR[ch] ?? ch);
}

/** The reverse, used to produce legacy-encoded demo data. */
const CP1254_DAMAGE: Record<string, string> = Object.fromEntries(Object.entries(CP1254_REPAIR).map(([k, v]) => [v, k]));
const REPAIRABLE = /[ĞİŞğış]/g;

export function damageToCp1252(text: string): string {
  return text.replace(REPAIRABLE, (ch) => CP1254_DAMAGE[ch] ?? ch);
}

/**
 * Windows-1254 (Turkish) single-byte text, as ETA stores it [C: the DENK ETA project, checked on a live ETA V.8 SQL:
 * "single-byte Windows-1254; UTF-8 bytes written show as Ä°, Åž in ETA"]. The SQL Server driver decodes such a
 * varchar by the column's collation; raw bytes (a binary read, the demo) are decoded here.
 */
const CP1254 = new TextDecoder('windows-1254', { fatal: false });
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });
/** Bytes 0x81 0x8D 0x8E 0x8F 0x90 0x9D 0x9E have no character in Windows-1254. */
const CP1254_UNDEFINED = new Set([0x81, 0x8d, 0x8e, 0x8f, 0x90, 0x9d, 0x9e]);

/** The Windows-1254 byte of every character the code page has (for turning a decoded string back into bytes). */
const CP1254_BYTE = new Map<string, number>(
  Array.from({ length: 256 }, (_, b) => [CP1254.decode(Uint8Array.of(b)), b] as [string, number]).filter(([, b]) => !CP1254_UNDEFINED.has(b)),
);

export function encodeCp1254(text: string): Uint8Array | undefined {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const b = CP1254_BYTE.get(text[i]!);
    if (b === undefined) return undefined;
    out[i] = b;
  }
  return out;
}

export type Cp1254Outcome = { text: string; utf8?: boolean } | { invalid: true; bytes: string };

/**
 * Decodes a Windows-1254 text column. Bytes that are valid UTF-8 with multi-byte sequences were written by a tool
 * that ignored the code page (ETA shows them as Ä°, Åž): they are read as the UTF-8 they are (`utf8: true`). Bytes
 * Windows-1254 has no character for, in a sequence that is not UTF-8 either, are `invalid`.
 */
export function decodeCp1254(bytes: Uint8Array): Cp1254Outcome {
  if (bytes.some((b) => b >= 0x80)) {
    try {
      return { text: UTF8_STRICT.decode(bytes), utf8: true };
    } catch {
      // Not UTF-8: a genuine Windows-1254 text.
    }
    if (bytes.some((b) => CP1254_UNDEFINED.has(b))) return { invalid: true, bytes: Buffer.from(bytes).toString('hex') };
  }
  return { text: CP1254.decode(bytes) };
}

/** A string the driver already decoded: Windows-1252 damage repaired, UTF-8 read as Windows-1254 undone. */
export function repairDecodedCp1254(text: string): string {
  if (/[ÃÄÅ][\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]/.test(text)) {
    const bytes = encodeCp1254(text);
    if (bytes) {
      try {
        return UTF8_STRICT.decode(bytes);
      } catch {
        // Not UTF-8 after all.
      }
    }
  }
  return repairCp1254(text);
}
