import Decimal from 'decimal.js';

/**
 * The tax and deduction codes of e-MM and e-SMM receipts, and the rates Konnektör accepts, each with its source
 * (tags as in efinans-despatch-receipts-ledger.md: [C] official, [K] two codebases agree, [R] one source, [I] ours).
 * One place: a correction after a confirmation from GİB or QNB is a change here.
 */

/** GİB's TaxType codes used on receipts (UBL-TR_Codelist.xml `TaxType` [C]; names as on GİB's e-Arşiv portal). */
export const RECEIPT_TAX_CODES = {
  /** Gelir vergisi stopajı (GVK md. 94). */
  stopaj: '0003',
  /** Katma değer vergisi. */
  kdv: '0015',
  /** Borsa tescil ücreti. */
  borsaTescil: '8001',
  /** Mera fonu. */
  meraFonu: '9040',
} as const;

/** The names written into TaxScheme/Name. */
export const RECEIPT_TAX_NAMES: Readonly<Record<string, string>> = {
  '0003': 'GV STOPAJI',
  '0015': 'KDV',
  '8001': 'BORSA TESCİL ÜCRETİ',
  '9040': 'MERA FONU',
};

export const taxName = (code: string): string => RECEIPT_TAX_NAMES[code] ?? code;

/**
 * e-MM: gelir vergisi stopajı rates on purchases from farmers: 0, 1, 2 and 4 % — the stopaj buckets of QNB's
 * MustahsilWebService belgeDTO (`stpj0/1/2/4_Tutar`) [C: QNB WSDL, coderserdar/QNBFinansGIB Web References/
 * GIBEMustahsil/MustahsilWebService.xsd]; GVK md. 94/11 with the 2009/14592 BKK (1 % animal products, 2 % other
 * crops, 4 % agricultural services) [R].
 */
export const PRODUCER_STOPAJ_RATES: readonly Decimal[] = [0, 1, 2, 4].map((n) => new Decimal(n));

/**
 * e-SMM: gelir vergisi stopajı rates QNB's belgeDTO keeps apart (`stpj0/1/2/3/4/5/7/10/15/17/20_Tutar`) [C: same
 * WSDL]; 20 % is the serbest meslek rate of GVK md. 94/2-b [R].
 */
export const FEE_STOPAJ_RATES: readonly Decimal[] = [0, 1, 2, 3, 4, 5, 7, 10, 15, 17, 20].map((n) => new Decimal(n));

/** KDV rates in force (KDV Kanunu md. 28 with the 2023 BKK: 1, 10, 20; 0 with an exemption code) [R]. */
export const KDV_RATES: readonly Decimal[] = [0, 1, 10, 20].map((n) => new Decimal(n));

export const isOneOf = (value: Decimal, allowed: readonly Decimal[]): boolean => allowed.some((a) => a.eq(value));

/**
 * The e-SMM references of İzibiz's client BaseESmmUBL [R] (efinans-despatch-receipts-ledger.md §2.3): the sending
 * type as on e-Arşiv (DocumentTypeCode SendingType, DocumentType KAGIT|ELEKTRONIK), and the calculation type the
 * other way round (DocumentType CalculationType, DocumentTypeCode BRUT|NET|TAHSILAT).
 */
export const SENDING_TYPE_CODE = 'SendingType';
export const CALCULATION_TYPE = 'CalculationType';

/** Document profile and type codes (ubl-tr.md §10, efinans-despatch-receipts-ledger.md §2.2–2.3 [K]/[R]). */
export const RECEIPT_PROFILE = 'EARSIVBELGE';
export const PRODUCER_RECEIPT_TYPE = 'MUSTAHSILMAKBUZ';
export const FEE_RECEIPT_TYPE = 'SERBESTMESLEKMAKBUZU';
