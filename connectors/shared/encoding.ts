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
