/**
 * ETA's coded columns and what they mean for e-documents, in one place so a correction after checking a live
 * database is a one-line change. [C] confirmed, [I] inferred, [?] not found (docs/domain/erp-connectors.md §ETA).
 */

/** FATFISGCFLAG / FATHARGCFLAG: 1 giriş, 2 çıkış [I: two public ETA integrations write purchases 1 and sales 2]. */
export const OUTGOING_GCFLAG = 2;

/**
 * FATFISTIPI points at the site's own type table FATFISTIP; a type whose code names a return ('ALIM İADE',
 * 'SATIŞ İADE') is a return [C: the type codes are user-defined; public integrations match on İADE]. On an outgoing
 * invoice that is goods going back to a vendor, sent as type IADE.
 */
export function isReturnType(fatftkod: string): boolean {
  return /İADE|IADE/.test(fatftkod.toLocaleUpperCase('tr-TR'));
}

/** FATHARKODTIP [C]: 1 stok, 2 hizmet, 3 açıklama, 4 indirim, 5 masraf, 6–8 paket, 9 demirbaş. */
export const KODTIP = { stock: 1, service: 2, text: 3, discount: 4, charge: 5, fixedAsset: 9 } as const;

/** FATHARIPTALFLAG 1 = cancelled line [I: a public ETA report filters FATHARIPTALFLAG = 0]. */
export const CANCELLED_FLAG = 1;

/** FATFISKDVDAHILFLAG 1 = prices include VAT [C column, I value]. */
export const VAT_INCLUDED_FLAG = 1;

/**
 * Where ETA keeps the ETTN, the GİB number and whether an invoice was sent as e-Fatura or e-Arşiv is not documented
 * [?]. Konnektör keeps them in its own helper table KNK_EBELGE and splits the outgoing invoices by GİB's
 * registered-user list (an invoice to a registered user is an e-Fatura, any other an e-Arşiv invoice).
 */
export const MODULE_FROM_REGISTRY = true;

/**
 * The header totals the guard compares, in lira [I: ETA keeps header and line amounts in lira, the document currency
 * in FATFISDOVKOD/FATFISDOVKUR]: FATFISKDVTUTARI (VAT) [C] and FATFISGENTOPLAM (base + VAT) [C column, I meaning];
 * with withholding (FATFISTEVTUTAR, [C]) the payable amount GENTOPLAM − TEVTUTAR [I]. Where ETA keeps the withholding
 * code and share of a line is not documented [?]: such an invoice is refused by the guard rather than sent without it.
 */
export const STORED_TOTALS = { vatTry: 'FATFISKDVTUTARI', taxInclusiveTry: 'FATFISGENTOPLAM', withheldTry: 'FATFISTEVTUTAR' } as const;

/** A company database is ETA_<SIRKOD>_<YIL> [2S]. */
export function databaseNameOf(sirkod: string, year: number): string {
  return `ETA_${sirkod.trim()}_${year}`;
}
