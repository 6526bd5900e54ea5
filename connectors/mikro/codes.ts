import Decimal from 'decimal.js';
import type { InvoiceProfileHint } from '../../core/documents/model';
import type { InvoiceModule } from '../../core/documents/kinds/types';

/**
 * Mikro's coded columns and what they mean for e-documents, in one place so a correction after checking a live
 * database is a one-line change. [C] = Mikro's own database help (v16/v17), [I] = inferred; sources in
 * docs/domain/erp-connectors.md §Mikro.
 */

/** CARI_HESAP_HAREKETLERI.cha_evrak_tip 63 = satış faturası [C]. */
export const SALES_INVOICE_EVRAK_TIP = 63;

/**
 * The invoice's header row: cha_satir_no 0 [I: a public Mikro trigger and a public invoice writer both write the
 * invoice as row 0; further rows of the same document are its closing movements].
 */
export const HEADER_SATIR_NO = 0;

/** cha_cari_cins 0 = "Carimiz" (a customer card) [C]. */
export const CUSTOMER_CARI_CINS = 0;

/** cha_normal_Iade 1 = iade [C]: on a sales invoice, goods going back to a vendor, sent as type IADE. */
export const RETURN_FLAG = 1;

/** cha_e_islem_turu: 1 e-Belge (e-Fatura), 2 e-Arşiv [C]; 0 (tanımsız) is a paper invoice Konnektör leaves alone. */
export const E_ISLEM_BY_MODULE = { efatura: 1, earsiv: 2 } as const;

export function moduleOfEIslem(value: number): InvoiceModule | undefined {
  if (value === E_ISLEM_BY_MODULE.efatura) return 'efatura';
  if (value === E_ISLEM_BY_MODULE.earsiv) return 'earsiv';
  return undefined;
}

/**
 * The scenario: cha_ebelge_turu (v17) or, in older releases, the customer card's cari_def_efatura_cinsi [C values]:
 * 0 ticari, 1 temel, 2 yolcu beraberinde, 3 ihracat, 4 müstahsil, 5 SMM, 6 kamu (7 hal on the card).
 */
export function profileOfEbelgeTuru(value: number | undefined): InvoiceProfileHint {
  switch (value) {
    case 0:
      return 'TICARIFATURA';
    case 3:
      return 'IHRACAT';
    case 6:
      return 'KAMU';
    default:
      return 'TEMELFATURA';
  }
}

/**
 * cha_d_cins → ISO 4217. Mikro numbers its currencies in the master database's KUR_ISIMLERI; 0 is the local
 * currency [C: public ledger queries treat cha_d_cins 0 as lira]. 1 USD and 2 EUR are Mikro's installation defaults
 * [I]; any other number stays visible (DOVIZ:n) for the pre-check to refuse by name.
 */
export const CURRENCY_BY_D_CINS: Readonly<Record<number, string>> = { 0: 'TRY', 1: 'USD', 2: 'EUR', 3: 'GBP' };

export function currencyOfDCins(dCins: number): string {
  return CURRENCY_BY_D_CINS[dCins] ?? `DOVIZ:${dCins}`;
}

/**
 * Where the amounts are. The header's cha_meblag is "hareket meblağı (orijinal döviz cinsinden)" [C: Mikro help],
 * the total the customer owes in the invoice's currency; public ledger queries convert it to lira as
 * cha_meblag × cha_d_kur [C]. Line amounts (sth_tutar, sth_iskontoN, sth_masrafN, sth_vergi) are kept in lira and
 * Mikro's own fn_StokHareketNetDeger converts them with the line's rates [I]: the connector divides them by the
 * invoice's rate. The totals guard compares the result with cha_meblag, so a wrong reading here is caught.
 */
export const LINE_AMOUNTS_IN_LIRA = true;

/**
 * The header totals the totals guard compares: cha_meblag as the payable amount (after withholding) in the
 * invoice currency [C column, I meaning], and Σ cha_vergi1..20 as the VAT [C: "Vergi" per VAT pointer, I: in the
 * invoice currency like cha_meblag].
 */
export const STORED_TOTALS = { payable: 'cha_meblag', vatPrefix: 'cha_vergi' } as const;

/**
 * sth_Tevkifat_turu → withheld share of the VAT, percent [C values: "1:10'da 3 2:10'da 9 3:10'da 4 … 7:Tam 8:10'da 2
 * 9:10'da 5 10:10'da 7"]; 4, 5 and 6 ("32", "61", "45") are not decoded [?] and read as no withholding.
 * Mikro keeps no GİB withholding code (6xx) on the line in any documented column [?]: such an invoice is read with
 * its share and an empty code, which the pre-check refuses with its own message.
 */
export const WITHHOLDING_PERCENT: Readonly<Record<number, Decimal>> = {
  1: new Decimal(30),
  2: new Decimal(90),
  3: new Decimal(40),
  7: new Decimal(100),
  8: new Decimal(20),
  9: new Decimal(50),
  10: new Decimal(70),
};

/** EVRAK_ACIKLAMALARI rows of a sales invoice: egk_dosyano 51 (the header's table number) and egk_evr_tip 63 [I]. */
export const NOTES_DOSYA_NO = 51;

/** EBELGE_EVRAK_HAREKETLERI.ebh_hareket_tipi 1 = cari hareket [C]: the row of an invoice header. */
export const EBELGE_CARI_HAREKET = 1;

/**
 * The GİB number written back into cha_ebelgeno_seri / cha_ebelgeno_sira (v17): seri = prefix + year (7
 * characters), sıra = the 9-digit sequence as an integer [I: Mikro's own numbers are kept as series + integer].
 */
export function splitGibNumber(number: string): { seri: string; sira: number } | undefined {
  const m = /^([A-Z0-9]{3}\d{4})(\d{9})$/.exec(number);
  return m ? { seri: m[1]!, sira: Number(m[2]) } : undefined;
}

/** Konnektör's key of a Mikro invoice: the header's cha_Guid, lower-case. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The fiscal year's dates. VERI_TABANLARI holds the month and day the fiscal year starts and whether a year
 * starting mid-calendar-year is named after the year it ends in (DB_maliyil_takvim_bitisyili) [C columns, I rule].
 */
export function fiscalYearSpan(year: number, startMonth: number, startDay: number, namedAfterEnd: boolean): { begin: string; end: string } {
  const month = startMonth >= 1 && startMonth <= 12 ? startMonth : 1;
  const day = startDay >= 1 && startDay <= 28 ? startDay : 1;
  const beginYear = month === 1 && day === 1 ? year : namedAfterEnd ? year - 1 : year;
  const begin = new Date(Date.UTC(beginYear, month - 1, day));
  const end = new Date(Date.UTC(beginYear + 1, month - 1, day - 1));
  return { begin: begin.toISOString().slice(0, 10), end: end.toISOString().slice(0, 10) };
}
