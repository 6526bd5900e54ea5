import Decimal from 'decimal.js';
import type { InvoiceProfileHint, InvoiceTypeCode } from '../../core/documents/model';

/**
 * Netsis's coded columns and what they mean for e-documents, in one place so a correction after checking a live
 * database is a one-line change. Confidence as in erp-schemas.md §4: [C] confirmed, [I] inferred, [?] unknown.
 */

/** TBLFATUIRS.FTIRSIP [C]: '1' satış faturası ('2' alış faturası, '3' satış irsaliyesi, '4' alış irsaliyesi, '6' müşteri siparişi). */
export const OUTGOING_FTIRSIP = '1';

/**
 * TBLFATUIRS.TIPI = 4 marks a return [C] (erp-schemas.md §4.2). On a sales invoice (FTIRSIP '1') that is goods
 * going back to a vendor, which goes out as an e-invoice of type IADE [I]. One public query also counts TIPI 5 as a
 * return; that is unconfirmed, so 5 is read as an ordinary sale. Other TIPI values (1, 2 seen on ordinary sales) are [?].
 */
export const RETURN_TIPI = 4;

/**
 * TBLFATUIRS.EBELGE [I] by document kind: 1 e-Fatura, 2 e-Arşiv; anything else (0, NULL) is a paper invoice
 * Konnektör leaves alone.
 */
export const EBELGE_BY_KIND = { efatura: 1, earsiv: 2 } as const;

/** The invoice kinds Netsis keeps in TBLFATUIRS (EBELGE tells them apart). */
export type NetsisInvoiceKind = keyof typeof EBELGE_BY_KIND;

export function kindOfEbelge(ebelge: number): NetsisInvoiceKind | undefined {
  return (Object.keys(EBELGE_BY_KIND) as NetsisInvoiceKind[]).find((k) => EBELGE_BY_KIND[k] === ebelge);
}

/** TBLSTHAR.STHAR_HTUR of invoice lines [I: 'J' = "fatura hareketi"] and their direction STHAR_GCKOD [C]. */
export const INVOICE_LINE_HTUR = 'J';
export const INVOICE_LINE_GCKOD = ['C', 'G'] as const;

/** TBLFATUIRS.KDV_DAHILMI [C column; I value]: 'E' (evet) = line prices include VAT. */
export const VAT_INCLUDED = 'E';

/** DOVIZTIP / STHAR_DOVTIP 0 is the local currency [C]; NETSIS..KUR names the others by SIRA [C]. */
export const LOCAL_DOVIZTIP = 0;

/** When KUR has no row for a DOVIZTIP [I, from the numbering public Netsis reports use]: 1 USD, 2 EUR. */
export const DOVIZTIP_FALLBACK: Readonly<Record<number, string>> = { 0: 'TRY', 1: 'USD', 2: 'EUR' };

/** KUR.ISIM names → ISO 4217: the table of names sites type lives in connectors/shared/currency.ts. */
export { isoCurrencyOf } from '../shared/currency';

/**
 * Line discounts of TBLSTHAR, in the order Netsis applies them: each a percent of what the previous ones left
 * ("kademeli iskonto"). STHAR_SATISK and STHAR_SATISK2 [C]; STRA_SATISK3..6 [C: column names in public Netsis
 * entity models and NetOpenX code that maps them to the line's İsk3..İsk6]; the cascading rule [I].
 */
export const LINE_DISCOUNT_COLUMNS = ['STHAR_SATISK', 'STHAR_SATISK2', 'STRA_SATISK3', 'STRA_SATISK4', 'STRA_SATISK5', 'STRA_SATISK6'] as const;

/**
 * TBLSTHAR.STHAR_MALFISK: the free-goods ("mal fazlası") quantity inside STHAR_GCMIK [C column; I meaning: NetOpenX
 * code treats GCMIK − MALFISK as the paid quantity]. Its value (quantity × gross price) is taken off before the
 * percentage discounts; the header's MFAZ_ISKT holds the total.
 */
export const FREE_GOODS_COLUMN = 'STHAR_MALFISK';

/** TBLSTHAR.EKALAN: text the user typed on the invoice line, printed instead of the item card's name [I]. */
export const LINE_TEXT_COLUMN = 'EKALAN';

/** TBLCASABITEK.CARIALIAS: the customer card's own e-Fatura mailbox (GİB alias) [I: one public integration]. */
export const PARTY_ALIAS_COLUMN = 'CARIALIAS';

/**
 * The header totals the totals guard compares: GENELTOPLAM (base + VAT before withholding, lira) [C column, I
 * meaning], KDV (VAT, lira) [C], and for a foreign-currency invoice DOVIZTUT (GENELTOPLAM in the invoice currency)
 * [C column, I meaning].
 */
export const STORED_TOTALS = { taxInclusiveTry: 'GENELTOPLAM', vatTry: 'KDV', taxInclusiveDocument: 'DOVIZTUT' } as const;

/**
 * Exchange rate of a foreign-currency invoice [I]. TBLFATUIRS has no rate column; a foreign line carries its
 * price both in lira (STHAR_BF) and in the document currency (STHAR_DOVFIAT), so rate = STHAR_BF / STHAR_DOVFIAT
 * of the first such line, rounded to the four decimals TCMB publishes. Without such a line: GENELTOPLAM / DOVIZTUT.
 */
export const EXCHANGE_RATE_DECIMALS = 4;

/**
 * TBLFATUEK free fields [C: ACIK1..ACIK16 exist and are the invoice's free text lines]. What Konnektör reads from
 * them is a convention [I] — Netsis's own place for these e-invoice facts is unknown [?] (erp-schemas.md §10.5):
 * - ACIK1..ACIK11: notes printed on the invoice;
 * - ACIK12: scenario, `TICARIFATURA` (anything else: TEMELFATURA);
 * - ACIK13: for a return, the returned invoice: `<number> <YYYY-MM-DD>`;
 * - ACIK14: VAT exemption for 0 % lines: `<GİB code> <reason>`, e.g. `350 Diğerleri`;
 * - ACIK15: VAT withholding (tevkifat): `<GİB code> <part>/<whole>`, e.g. `603 7/10`;
 * - ACIK16 is left alone: integrations keep the incoming invoice's GUID there.
 */
export const FATUEK_FIELDS = {
  notes: ['ACIK1', 'ACIK2', 'ACIK3', 'ACIK4', 'ACIK5', 'ACIK6', 'ACIK7', 'ACIK8', 'ACIK9', 'ACIK10', 'ACIK11'],
  profile: 'ACIK12',
  returnRef: 'ACIK13',
  exemption: 'ACIK14',
  withholding: 'ACIK15',
} as const;

export function profileOf(text: string | undefined): InvoiceProfileHint {
  return text?.trim().toUpperCase() === 'TICARIFATURA' ? 'TICARIFATURA' : 'TEMELFATURA';
}

export function formatExemption(code: string, reason: string): string {
  return `${code} ${reason}`.trim();
}

export function parseExemption(text: string | undefined): { code: string; reason?: string } | undefined {
  const m = /^\s*(\d{3})\s*(.*?)\s*$/.exec(text ?? '');
  if (!m) return undefined;
  return { code: m[1]!, ...(m[2] ? { reason: m[2] } : {}) };
}

export function formatWithholding(code: string, part: number, whole: number): string {
  return `${code} ${part}/${whole}`;
}

/** `603 7/10` → code 603, 70 % of the VAT withheld. */
export function parseWithholding(text: string | undefined): { code: string; percent: Decimal } | undefined {
  const m = /^\s*(\d{3})\s+(\d{1,2})\s*\/\s*(\d{1,2})\s*$/.exec(text ?? '');
  if (!m) return undefined;
  const part = Number(m[2]);
  const whole = Number(m[3]);
  if (part <= 0 || whole <= 0 || part > whole) return undefined;
  return { code: m[1]!, percent: new Decimal(part).mul(100).div(whole).toDecimalPlaces(2) };
}

export function formatReturnRef(number: string, date: string): string {
  return `${number} ${date}`;
}

export function parseReturnRef(text: string | undefined): { id: string; issueDate?: string } | undefined {
  const m = /^\s*(\S+)(?:\s+(\d{4}-\d{2}-\d{2}))?\s*$/.exec(text ?? '');
  if (!m) return undefined;
  return { id: m[1]!, ...(m[2] ? { issueDate: m[2] } : {}) };
}

export function invoiceTypeOf(tipi: number, facts: { withholding: boolean; exemption: boolean }): InvoiceTypeCode {
  if (tipi === RETURN_TIPI) return 'IADE';
  if (facts.withholding) return 'TEVKIFAT';
  if (facts.exemption) return 'ISTISNA';
  return 'SATIS';
}

/**
 * Company databases are usually named company + year (`ABC2025`) [C]. The year comes from SIRKETLER30.SIRKETYILI,
 * or, when that is empty, from four trailing digits of the name; the company is the name without that year.
 */
export function fiscalYearOf(sirket: string, sirketYili: unknown): number | undefined {
  const year = Number(sirketYili);
  if (Number.isInteger(year) && year >= 1990 && year <= 2999) return year;
  const m = /(19|20)\d{2}$/.exec(sirket.trim());
  return m ? Number(m[0]) : undefined;
}

export function companyOfDatabase(sirket: string, year: number | undefined): string {
  const name = sirket.trim();
  const stem = year !== undefined && name.endsWith(String(year)) ? name.slice(0, -4).replace(/[_\-. ]+$/, '') : name;
  return stem === '' ? name : stem;
}

/** SQL Server database names compare case-insensitively under the collations Netsis installs. */
export function sameDatabase(a: string, b: string): boolean {
  return a.trim().toUpperCase() === b.trim().toUpperCase();
}
