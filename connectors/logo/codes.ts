import type { InvoiceProfileHint, InvoiceTypeCode } from '../../core/documents/model';
import type { WriteBackStatus } from '../contract';

/**
 * Logo's coded columns and what they mean for e-documents, in one place so a correction after checking a live
 * database is a one-line change. Sources and confidence as in erp-schemas.md §2.3 and §2.9.
 */

/** INVOICE.TRCODE of outgoing documents [C]: 6 alım iade (goes out as IADE), 7 perakende, 8 toptan, 9 verilen hizmet, 14 verilen fiyat farkı. */
export const OUTGOING_TRCODES = [6, 7, 8, 9, 14] as const;
export const RETURN_TRCODE = 6;

/** INVOICE.EINVOICE [C] by document kind: 1 e-Fatura, 2 e-Arşiv. */
export const EINVOICE_BY_KIND = { efatura: 1, earsiv: 2 } as const;

/** The invoice kinds Logo keeps in INVOICE (EINVOICE tells them apart). */
export type LogoInvoiceKind = keyof typeof EINVOICE_BY_KIND;

/** The kind of an INVOICE row by its EINVOICE; anything else is e-Fatura, as Logo's own screens treat it [I]. */
export function kindOfEinvoice(einvoice: number): LogoInvoiceKind {
  return (Object.keys(EINVOICE_BY_KIND) as LogoInvoiceKind[]).find((k) => EINVOICE_BY_KIND[k] === einvoice) ?? 'efatura';
}

/** EINVOICETYP [C on EINVOICEDET, I on INVOICE]: 0 satış, 2 istisna, 4 tevkifat. */
export function invoiceTypeOf(trcode: number, einvoiceTyp: number): InvoiceTypeCode {
  if (trcode === RETURN_TRCODE) return 'IADE';
  if (einvoiceTyp === 4) return 'TEVKIFAT';
  if (einvoiceTyp === 2) return 'ISTISNA';
  return 'SATIS';
}

/** INVOICE.PROFILEID [C]: greater than 1 → TICARIFATURA, otherwise TEMELFATURA. */
export function profileOf(profileId: number): InvoiceProfileHint {
  return profileId > 1 ? 'TICARIFATURA' : 'TEMELFATURA';
}

/** STLINE.LINETYPE [C]. */
export const LINETYPE = { material: 0, promotion: 1, discount: 2, expense: 3, service: 4 } as const;

/** TRCURR [I, LDDS list] when L_CURRENCYLIST has no row: 0 and 160 are the local currency. */
export const TRCURR_FALLBACK: Record<number, string> = { 0: 'TRY', 160: 'TRY', 53: 'TRY', 1: 'USD', 17: 'GBP', 20: 'EUR' };

/**
 * ESTATUS written back [C for 0 and 10 (sent e-Fatura, locked), I for the rest; the full 0–23 list is unknown].
 * `undefined` leaves ESTATUS at 0 so the bookkeeper can correct and resend the document.
 */
const ESTATUS_SENT_BY_KIND: Record<LogoInvoiceKind, number> = { efatura: 10, earsiv: 2 };

export function estatusFor(kind: LogoInvoiceKind, status: WriteBackStatus): number | undefined {
  if (status === 'failed') return undefined;
  return ESTATUS_SENT_BY_KIND[kind];
}
