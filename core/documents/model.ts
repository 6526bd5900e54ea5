import Decimal from 'decimal.js';
import type { Module } from '../modules';

/**
 * The canonical document: what every connector produces and every document builder consumes. It knows neither
 * ERP rows nor UBL elements. Amounts are exact decimals, never JavaScript numbers.
 */
export { Decimal };

export type TaxIdScheme = 'VKN' | 'TCKN';

export interface TaxId {
  /** VKN: 10 digits (companies); TCKN: 11 digits (individuals). */
  scheme: TaxIdScheme;
  value: string;
}

export interface Address {
  street?: string;
  buildingNumber?: string;
  district?: string;
  /** İlçe. */
  citySubdivision?: string;
  /** İl. */
  city?: string;
  postalCode?: string;
  country: string;
  countryCode?: string;
}

export interface Party {
  /** The party's code in the ERP (cari kodu). */
  erpCode?: string;
  taxId: TaxId;
  /** Company title; for an individual the full name. */
  name: string;
  /** Individuals (TCKN) also carry first and family name separately. */
  person?: { firstName: string; familyName: string };
  taxOffice?: string;
  address: Address;
  email?: string;
  phone?: string;
  /** GİB alias (posta kutusu / gönderici birim etiketi) when the ERP names one. */
  alias?: string;
}

/** Invoice-level or line-level discount (allowance) or charge. */
export interface AllowanceCharge {
  isCharge: boolean;
  reason?: string;
  /** Percent of the base as a decimal number of percent (10 = %10), when the ERP states one. */
  percent?: Decimal;
  amount: Decimal;
  /** The amount the percent applies to. */
  baseAmount?: Decimal;
}

export interface TaxExemption {
  /** GİB exemption code (e.g. 301, 350, 351). */
  code: string;
  reason?: string;
}

export interface Withholding {
  /** GİB withholding code (6xx KDV tevkifatı, 8xx). */
  code: string;
  /** Withheld share of the VAT, as percent (50 = 5/10). */
  percent: Decimal;
}

export interface InvoiceLine {
  lineNo: number;
  kind: 'goods' | 'service';
  itemCode?: string;
  itemName: string;
  description?: string;
  quantity: Decimal;
  /** UN/ECE Recommendation 20 unit code (C62 adet, KGM, LTR, MTR, HUR…). */
  unitCode: string;
  unitPrice: Decimal;
  /** Quantity × price, before line discounts. */
  grossAmount: Decimal;
  allowances: AllowanceCharge[];
  /** Amount after line discounts: the VAT base of the line. */
  netAmount: Decimal;
  vatRate: Decimal;
  vatAmount: Decimal;
  exemption?: TaxExemption;
  withholding?: Withholding;
}

export type InvoiceProfileHint = 'TEMELFATURA' | 'TICARIFATURA' | 'IHRACAT' | 'KAMU';
export type InvoiceTypeCode = 'SATIS' | 'IADE' | 'TEVKIFAT' | 'ISTISNA' | 'OZELMATRAH' | 'IHRACKAYITLI';

export interface DocumentReference {
  id: string;
  issueDate?: string;
}

/** Identifies a document inside the ERP so the outcome can be written back to the same row. */
export interface ErpDocumentRef {
  connector: string;
  database: string;
  firm?: string;
  period?: string;
  /** The ERP's own key of the document, serialised (Logo LOGICALREF; Netsis SUBE/FTIRSIP/FATIRS_NO/CARI_KODU). */
  key: string;
}

/**
 * One total exactly as the program stored it on the document header, with the column it came from: what the
 * totals guard compares with the built document before it is numbered (core/documents/totalsGuard.ts).
 */
export interface StoredTotal {
  /**
   * Which total of the built document it is: `taxExclusive` (VAT base), `vat`, `taxInclusive` (base + VAT, before
   * withholding) or `payable` (after withholding).
   */
  figure: 'taxExclusive' | 'vat' | 'taxInclusive' | 'payable';
  /** `document`: in the invoice's currency; `TRY`: in lira (the program's local-currency figure). */
  currency: 'document' | 'TRY';
  amount: Decimal;
  /** Table and column it was read from, e.g. LG_001_02_INVOICE.NETTOTAL. */
  field: string;
}

/** Totals as the ERP stored them, in the document currency (converted when the ERP keeps local currency). */
export interface ErpTotals {
  /** Σ quantity × price, before any discount. */
  gross: Decimal;
  /** Line and invoice discounts together. */
  allowanceTotal: Decimal;
  taxTotal: Decimal;
  /** VAT base plus VAT, before any withholding. */
  taxInclusive: Decimal;
  /** The header totals as stored, each with its column: compared with the built document before numbering. */
  stored: StoredTotal[];
}

/** e-Arşiv: how the invoice reaches the buyer, and the internet-sale facts GİB's report needs. */
export interface EarsivInfo {
  sendingType: 'ELEKTRONIK' | 'KAGIT';
  internetSale?: {
    /** The shop's web address. */
    webAddress: string;
    /** UN/ECE 4461 subset GİB uses: 48 card, 46 EFT/havale, 10 cash on delivery, 1 other. */
    paymentMeansCode: string;
    paymentDate?: string;
    paymentAgent?: string;
    carrier: { taxId: TaxId; name: string };
    despatchDate: string;
  };
}

/** Payment facts (KAMU invoices need the payee IBAN). */
export interface PaymentInfo {
  meansCode?: string;
  dueDate?: string;
  /** Payee account: TR IBAN. */
  iban?: string;
  note?: string;
}

/** IHRACAT (export) delivery facts. */
export interface ExportInfo {
  /** INCOTERMS code, e.g. FOB, CIF, EXW. */
  incoterms: string;
  /** UN/ECE Rec. 19 transport mode: 1 sea, 3 road, 4 air… */
  transportModeCode: string;
  deliveryAddress: Address;
  /** GTİP per line (customs tariff number), by line number. */
  gtip?: Record<number, string>;
}

/**
 * What every canonical document carries, whatever its kind (core/documents/kinds): the pipeline — identities,
 * numbering, the outbox, write-back — reads only these; each kind's checks and builder read the rest.
 */
export interface CanonicalDocumentBase {
  /** The module whose documents the connector read it as (its kind's module). */
  module: Module;
  ref: ErpDocumentRef;
  /** The ERP's document number (fiş no); the GİB number is assigned by Konnektör. */
  erpNumber: string;
  /** Türkiye date, YYYY-MM-DD. */
  issueDate: string;
  issueTime?: string;
  /** ETTN already recorded in the ERP, if any. */
  ettn?: string;
  /** The issuing company: its VKN keys the number series. */
  supplier?: Party;
  /** ISO 4217 code, for kinds with amounts. */
  currency?: string;
}

export interface InvoiceDocument extends CanonicalDocumentBase {
  kind: 'invoice';
  profileHint: InvoiceProfileHint;
  type: InvoiceTypeCode;
  /** ISO 4217 code. */
  currency: string;
  /** TRY per unit of `currency`; absent for TRY. */
  exchangeRate?: Decimal;
  supplier?: Party;
  customer: Party;
  lines: InvoiceLine[];
  /** Invoice-level discounts and charges (after line totals). */
  allowances: AllowanceCharge[];
  notes: string[];
  orderRef?: DocumentReference;
  despatchRefs: DocumentReference[];
  /** For IADE: the invoices being returned. */
  returnRefs: DocumentReference[];
  /** The totals the ERP itself stored, for cross-checking the computed ones. */
  erpTotals?: ErpTotals;
  earsiv?: EarsivInfo;
  payment?: PaymentInfo;
  exportInfo?: ExportInfo;
}

/** Every canonical document a connector reads; a new document family joins this union. */
export type CanonicalDocument = InvoiceDocument;

/** 10 digits for a company (VKN), 11 digits for an individual (TCKN). */
export function taxIdSchemeOf(value: string): TaxIdScheme | undefined {
  if (/^\d{10}$/.test(value)) return 'VKN';
  if (/^\d{11}$/.test(value)) return 'TCKN';
  return undefined;
}
