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
  /** Who receives it: the invoice's buyer, the despatch's delivery customer. */
  customer: Party;
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

/**
 * One deduction or tax on a receipt, by GİB's tax type code (UBL-TR_Codelist.xml `TaxType`): `0003` gelir vergisi
 * stopajı, `0015` KDV, `8001` borsa tescil ücreti, `9040` mera fonu (efinans-despatch-receipts-ledger.md §2.2–2.3).
 */
export interface ReceiptTax {
  code: string;
  /** Rate in percent (4 = %4). */
  percent: Decimal;
  /** The base the rate applies to. */
  taxable: Decimal;
  amount: Decimal;
  /** The exemption when the rate is 0 (a GİB exemption code, e.g. 350). */
  exemption?: TaxExemption;
}

/** e-MM: one purchased product of a müstahsil makbuzu, with what is withheld from the producer for it. */
export interface ProducerReceiptLine {
  lineNo: number;
  itemCode?: string;
  itemName: string;
  quantity: Decimal;
  /** UN/ECE Recommendation 20 unit code. */
  unitCode: string;
  unitPrice: Decimal;
  /** Quantity × price: the line's gross. */
  grossAmount: Decimal;
  /** Gelir vergisi stopajı (0003), borsa tescil (8001), mera fonu (9040) and any other the program carries. */
  deductions: ReceiptTax[];
}

/**
 * e-MM (e-Müstahsil Makbuzu): the buying company (supplier, VKN) documents a purchase from a farmer (the producer,
 * a person with TCKN) who is not taxed on the real-income basis; what it withholds is deducted from what it pays.
 */
export interface ProducerReceiptDocument extends CanonicalDocumentBase {
  kind: 'producer-receipt';
  currency: string;
  /** The buying company: the issuer. */
  supplier?: Party;
  /** The farmer (üretici, the UBL AccountingCustomerParty): TCKN, first and family name. */
  customer: Party;
  /** YYYY-MM-DD: when the products were delivered. */
  deliveryDate: string;
  lines: ProducerReceiptLine[];
  notes: string[];
  sendingType: 'ELEKTRONIK' | 'KAGIT';
  /** The net the program stored (gross − deductions), compared with the built receipt. */
  erpNet?: StoredTotal;
}

/** e-SMM: how the amount the program states is meant (qnbefinans.com/e-smm: brüt, net or tahsilat esaslı). */
export type FeeCalculation = 'BRUT' | 'NET' | 'TAHSILAT';

/** e-SMM: one fee of a serbest meslek makbuzu. */
export interface FeeReceiptLine {
  lineNo: number;
  itemName: string;
  /** The amount as the program states it: the gross fee, the net fee or the amount collected (see `calculation`). */
  amount: Decimal;
  /** KDV rate in percent. */
  vatRate: Decimal;
  vatExemption?: TaxExemption;
  /** Gelir vergisi stopajı rate in percent (0 for a final consumer, who withholds nothing). */
  stopajRate: Decimal;
  /** KDV tevkifat (withheld by a taxpayer customer who is a designated buyer). */
  withholding?: Withholding;
}

/**
 * e-SMM (e-Serbest Meslek Makbuzu): a freelance professional's (supplier's) receipt for a fee collected from a
 * customer — a taxpayer company that withholds gelir vergisi (and perhaps KDV), or a final consumer who does not.
 */
export interface FeeReceiptDocument extends CanonicalDocumentBase {
  kind: 'fee-receipt';
  currency: string;
  supplier?: Party;
  customer: Party;
  /** The customer is a taxpayer (vergi mükellefi) that withholds; otherwise a final consumer. */
  customerIsTaxpayer: boolean;
  calculation: FeeCalculation;
  lines: FeeReceiptLine[];
  notes: string[];
  sendingType: 'ELEKTRONIK' | 'KAGIT';
  /** The net collected the program stored, compared with the built receipt. */
  erpNet?: StoredTotal;
}

/** A driver of the vehicle (ShipmentStage/DriverPerson): GİB needs first name, family name and TCKN. */
export interface DespatchDriver {
  firstName: string;
  familyName: string;
  /** TCKN (cbc:NationalityID), 11 digits. */
  tckn: string;
}

/** The carrier firm (Delivery/CarrierParty) when the goods travel with a transport company. */
export interface DespatchCarrier {
  taxId: TaxId;
  /** Company title; for an individual carrier the full name. */
  name: string;
  person?: { firstName: string; familyName: string };
  address: Address;
}

export interface DespatchLine {
  lineNo: number;
  itemCode?: string;
  itemName: string;
  description?: string;
  /** Delivered quantity (cbc:DeliveredQuantity). */
  quantity: Decimal;
  /** UN/ECE Recommendation 20 unit code; empty when the program's unit could not be mapped. */
  unitCode: string;
  /** Optional amounts: the unit price and the line amount in the document currency (a priced despatch). */
  unitPrice?: Decimal;
  amount?: Decimal;
  /** The order line this line delivers (OrderLineReference/LineID); the line number when the program keeps none. */
  orderLineId?: string;
  /** HKS: the künye number of the lot (19 characters). */
  kunyeNo?: string;
  /** İDİS: the product's etiket numbers (2 letters + 7 digits). */
  etiketNos?: string[];
}

export type DespatchProfile = 'TEMELIRSALIYE' | 'HKSIRSALIYE' | 'IDISIRSALIYE';
/** SEVK: the despatch is the document the goods travel with; MATBUDAN: it replaces a paper despatch issued first. */
export type DespatchTypeCode = 'SEVK' | 'MATBUDAN';

/**
 * Where the program keeps each fact of a despatch, named as table.column (e.g. LG_001_02_STFICHE.SHPAGNCOD): the
 * pre-checks name the field to fill when a fact is missing. Filled by the connector.
 */
export type DespatchSourceField = 'driver' | 'carrier' | 'plate' | 'trailer' | 'deliveryAddress' | 'paperDocument' | 'despatchDate' | 'kunyeNo' | 'etiketNo' | 'shipmentNo';

/**
 * A despatch advice (e-İrsaliye, UBL DespatchAdvice): goods leaving the company for a customer, with how they
 * travel (a carrier firm, or the company's own vehicle with its drivers), where they go and what is on board.
 */
export interface DespatchDocument extends CanonicalDocumentBase {
  kind: 'despatch';
  type: DespatchTypeCode;
  /** What the program says the despatch is; otherwise it follows from the lines (künye: HKS, etiket: İDİS). */
  profileHint?: DespatchProfile;
  /** DeliveryCustomerParty: who receives the goods. */
  customer: Party;
  /** BuyerCustomerParty, when the buyer is not the receiver. */
  buyer?: Party;
  /** Shipment/Delivery/DeliveryAddress (the shipping address, else the customer's). */
  deliveryAddress: Address;
  /** The actual despatch date and time (Türkiye): when the goods leave. */
  despatchDate: string;
  despatchTime: string;
  carrier?: DespatchCarrier;
  drivers: DespatchDriver[];
  /** The vehicle's plate (RoadTransport/LicensePlateID schemeID PLAKA). */
  vehiclePlates: string[];
  /** Trailer plates (TransportEquipment/ID schemeID DORSEPLAKA). */
  trailerPlates: string[];
  lines: DespatchLine[];
  notes: string[];
  orderRefs: DocumentReference[];
  /** MATBUDAN: the paper despatch it replaces (its number and date). */
  paperDocument?: DocumentReference;
  /** İDİS: the shipment number (SEVKIYATNO, SE-0000000). */
  shipmentNo?: string;
  /** ISO 4217 code of the optional amounts. */
  currency?: string;
  /** Where the program keeps each transport fact (named in the pre-checks' messages). */
  sourceFields: Partial<Record<DespatchSourceField, string>>;
}

/** Every canonical document a connector reads; a new document family joins this union. */
export type CanonicalDocument = InvoiceDocument | DespatchDocument | ProducerReceiptDocument | FeeReceiptDocument;
