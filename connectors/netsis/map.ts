import Decimal from 'decimal.js';
import type { AllowanceCharge, DocumentReference, ErpReadError, InvoiceDocument, InvoiceLine, Party, StoredTotal } from '../../core/documents/model';
import { taxIdSchemeOf } from '../../core/documents/taxid';
import { unitCodeFor } from '../../core/documents/units';
import { KonnektorError } from '../../core/errors';
import { repairCp1254 } from '../shared/encoding';
import { unreadableInvoiceOf } from '../shared/rows';
import { dateOf, decimalOf, intOf, textOf } from '../shared/values';
import {
  DOVIZTIP_FALLBACK,
  EXCHANGE_RATE_DECIMALS,
  FATUEK_FIELDS,
  FREE_GOODS_COLUMN,
  LINE_DISCOUNT_COLUMNS,
  LINE_TEXT_COLUMN,
  PARTY_ALIAS_COLUMN,
  STORED_TOTALS,
  LOCAL_DOVIZTIP,
  VAT_INCLUDED,
  invoiceTypeOf,
  isoCurrencyOf,
  parseExemption,
  parseReturnRef,
  parseWithholding,
  profileOf,
  type NetsisInvoiceKind,
} from './codes';

export type Row = Record<string, unknown>;

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const ZERO = new Decimal(0);

/** Netsis text columns come back in the damaged legacy code page (Ý/Þ/Ð): every text is repaired here. */
export function netsisText(value: unknown): string {
  return repairCp1254(textOf(value));
}

export function optionalNetsisText(value: unknown): string | undefined {
  const t = netsisText(value);
  return t === '' ? undefined : t;
}

/**
 * The key of a TBLFATUIRS row: SUBE_KODU, FTIRSIP, FATIRS_NO, CARI_KODU [C]. Serialised as a JSON array so any
 * character a code may hold survives, and parsed back only into these four typed values — which then travel as
 * bindings, never as SQL text. Values are the raw column values (no encoding repair), or the row would not be found.
 */
export interface NetsisInvoiceKey {
  sube: number;
  ftirsip: string;
  fatirsNo: string;
  cariKodu: string;
}

/** A code column as stored, without the trailing blanks CHAR columns pad with (SQL Server ignores them in `=`). */
export function codeOf(value: unknown): string {
  return value === null || value === undefined ? '' : String(value).replace(/\s+$/, '');
}

export function invoiceKeyOf(h: Row): NetsisInvoiceKey {
  return { sube: intOf(h.SUBE_KODU), ftirsip: codeOf(h.FTIRSIP), fatirsNo: codeOf(h.FATIRS_NO), cariKodu: codeOf(h.CARI_KODU) };
}

export function serializeInvoiceKey(key: NetsisInvoiceKey): string {
  return JSON.stringify([key.sube, key.ftirsip, key.fatirsNo, key.cariKodu]);
}

/** Longest accepted code: KNK_EBELGE.ERP_ANAHTAR holds 128 characters for the whole key. */
const MAX_CODE = 50;

export function parseInvoiceKey(text: string): NetsisInvoiceKey {
  const bad = () => new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Not a Netsis invoice key: ${JSON.stringify(text)}`, { value: text });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [sube, ftirsip, fatirsNo, cariKodu] = parsed as unknown[];
  const code = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '' && v.length <= MAX_CODE && !/[\u0000-\u001f]/.test(v);
  if (typeof sube !== 'number' || !Number.isInteger(sube) || sube < 0 || sube > 32767) throw bad();
  if (typeof ftirsip !== 'string' || !/^\d$/.test(ftirsip) || !code(fatirsNo) || !code(cariKodu)) throw bad();
  return { sube, ftirsip, fatirsNo, cariKodu };
}

/**
 * TBLCASABIT (+ TBLCASABITEK) as the customer. Tax id: VERGI_NUMARASI, or TCKIMLIKNO when that is empty [C];
 * an 11-digit VERGI_NUMARASI is a TCKN typed into the VKN field. Individuals' cards hold the whole name in
 * CARI_ISIM: the last word is the family name.
 */
export function customerOf(h: Row): Party {
  const vkn = netsisText(h.C_VERGI_NUMARASI);
  const tckn = netsisText(h.CE_TCKIMLIKNO);
  const taxId = vkn !== '' ? { scheme: taxIdSchemeOf(vkn), value: vkn } : { scheme: 'TCKN' as const, value: tckn };
  const name = netsisText(h.C_CARI_ISIM);
  const countryCode = netsisText(h.C_ULKE_KODU).toUpperCase();
  const party: Party = {
    erpCode: netsisText(h.CARI_KODU),
    taxId,
    name,
    address: {
      street: optionalNetsisText(h.C_CARI_ADRES),
      citySubdivision: optionalNetsisText(h.C_CARI_ILCE),
      city: optionalNetsisText(h.C_CARI_IL),
      country: countryCode === '' || countryCode === 'TR' || countryCode === 'TUR' ? 'Türkiye' : countryCode,
      ...(countryCode === '' ? {} : { countryCode }),
    },
    taxOffice: optionalNetsisText(h.C_VERGI_DAIRESI),
    email: optionalNetsisText(h.C_EMAIL),
    phone: optionalNetsisText(h.C_CARI_TEL),
  };
  const alias = optionalNetsisText(h[`CE_${PARTY_ALIAS_COLUMN}`]);
  if (alias) party.alias = alias;
  if (taxId.scheme === 'TCKN') {
    const words = name.split(/\s+/).filter(Boolean);
    if (words.length > 1) party.person = { firstName: words.slice(0, -1).join(' '), familyName: words.at(-1) ?? '' };
  }
  return party;
}

/** The company's identity from SIRKETLER30's optional columns [I] (tables.ts), when it names a tax id. */
export function supplierOf(c: Row): Party | undefined {
  const taxNumber = netsisText(c.VERGI_NUMARASI);
  if (taxNumber === '') return undefined;
  return {
    taxId: { scheme: taxIdSchemeOf(taxNumber), value: taxNumber },
    name: netsisText(c.UNVAN) || netsisText(c.SIRKET),
    taxOffice: optionalNetsisText(c.VERGI_DAIRESI),
    address: {
      street: optionalNetsisText(c.ADRES),
      citySubdivision: optionalNetsisText(c.ILCE),
      city: optionalNetsisText(c.IL),
      postalCode: optionalNetsisText(c.POSTAKODU),
      country: 'Türkiye',
    },
    phone: optionalNetsisText(c.TEL),
    email: optionalNetsisText(c.EMAIL),
  };
}

/** DOVIZTIP → ISO code through NETSIS..KUR; unknown numbers stay visible (`DOVIZTIP:9`) for validation to reject. */
export function currencyOf(dovizTip: number, kur: ReadonlyMap<number, string>): string {
  if (dovizTip === LOCAL_DOVIZTIP) return 'TRY';
  const name = kur.get(dovizTip) ?? DOVIZTIP_FALLBACK[dovizTip];
  return name ? isoCurrencyOf(name) : `DOVIZTIP:${dovizTip}`;
}

/** The header totals the guard compares (codes.ts STORED_TOTALS). */
export function storedTotalsOf(h: Row, foreign: boolean): StoredTotal[] {
  const field = (c: string) => `${'TBLFATUIRS'}.${c}`;
  const out: StoredTotal[] = [
    { figure: 'taxInclusive', currency: 'TRY', amount: decimalOf(h[STORED_TOTALS.taxInclusiveTry]), field: field(STORED_TOTALS.taxInclusiveTry) },
    { figure: 'vat', currency: 'TRY', amount: decimalOf(h[STORED_TOTALS.vatTry]), field: field(STORED_TOTALS.vatTry) },
  ];
  if (foreign) {
    out.push({ figure: 'taxInclusive', currency: 'document', amount: decimalOf(h[STORED_TOTALS.taxInclusiveDocument]), field: field(STORED_TOTALS.taxInclusiveDocument) });
  }
  return out;
}

/** See codes.ts EXCHANGE_RATE_DECIMALS. */
export function exchangeRateOf(h: Row, lines: readonly Row[]): Decimal | undefined {
  const dovizTip = intOf(h.DOVIZTIP);
  for (const l of lines) {
    const foreignPrice = decimalOf(l.STHAR_DOVFIAT);
    const liraPrice = decimalOf(l.STHAR_BF);
    if (intOf(l.STHAR_DOVTIP) === dovizTip && !foreignPrice.isZero() && !liraPrice.isZero()) {
      return liraPrice.div(foreignPrice).toDecimalPlaces(EXCHANGE_RATE_DECIMALS, Decimal.ROUND_HALF_UP);
    }
  }
  const total = decimalOf(h.DOVIZTUT);
  if (!total.isZero()) return decimalOf(h.GENELTOPLAM).div(total).toDecimalPlaces(EXCHANGE_RATE_DECIMALS, Decimal.ROUND_HALF_UP);
  return undefined;
}

/** OLCUBR 1..3 picks OLCU_BR1..3 of the item card [C]; 0 means the main unit. */
export function unitNameOf(l: Row): string {
  const n = intOf(l.OLCUBR);
  return netsisText(n === 2 ? l.T_OLCU_BR2 : n === 3 ? l.T_OLCU_BR3 : l.T_OLCU_BR1);
}

export interface MapContext {
  database: string;
  module: NetsisInvoiceKind;
  currencies: ReadonlyMap<number, string>;
  supplier?: Party;
  /** ETTN already recorded for this document in KNK_EBELGE. */
  ettn?: string;
}

/**
 * Invoice-level discounts GEN_ISK1..3 [C], applied one after the other to the sum of line nets: a percent
 * (GEN_ISKnO) when given, else the amount (GEN_ISKnT, in lira).
 */
function invoiceDiscounts(h: Row, netSum: Decimal, toDocCurrency: (tl: Decimal) => Decimal): AllowanceCharge[] {
  const out: AllowanceCharge[] = [];
  let base = netSum;
  for (const n of [1, 2, 3]) {
    const percent = decimalOf(h[`GEN_ISK${n}O`]);
    const amountTl = decimalOf(h[`GEN_ISK${n}T`]);
    let ac: AllowanceCharge;
    if (percent.gt(0)) ac = { isCharge: false, percent, amount: r2(base.mul(percent).div(100)), baseAmount: base, reason: 'Genel iskonto' };
    else if (amountTl.gt(0)) ac = { isCharge: false, amount: toDocCurrency(amountTl), baseAmount: base, reason: 'Genel iskonto' };
    else continue;
    out.push(ac);
    base = base.minus(ac.amount);
  }
  return out;
}

/**
 * Each line's share of the invoice discount, for its VAT base: a single percent discount is taken per line
 * (rounded), anything else is spread in proportion to the line nets; the last line takes the rounding remainder.
 */
function discountShares(nets: readonly Decimal[], discounts: readonly AllowanceCharge[]): Decimal[] {
  const total = discounts.reduce((a, d) => a.plus(d.amount), ZERO);
  const netSum = nets.reduce((a, n) => a.plus(n), ZERO);
  if (total.isZero() || nets.length === 0) return nets.map(() => ZERO);
  const single = discounts.length === 1 ? discounts[0]!.percent : undefined;
  let spread = ZERO;
  return nets.map((net, i) => {
    if (i === nets.length - 1) return total.minus(spread);
    const share = single ? r2(net.mul(single).div(100)) : netSum.isZero() ? ZERO : r2(total.mul(net).div(netSum));
    spread = spread.plus(share);
    return share;
  });
}

/** What is shown of an invoice whose rows could not be read: its number, date and customer, and why. */
export function unreadableInvoice(h: Row, ctx: Pick<MapContext, 'database' | 'module'>, readError: ErpReadError): InvoiceDocument {
  return unreadableInvoiceOf(
    {
      ref: { connector: 'netsis', database: ctx.database, key: serializeInvoiceKey(invoiceKeyOf(h)) },
      erpNumber: () => netsisText(h.FATIRS_NO),
      issueDate: () => dateOf(h.TARIH),
      customer: () => ({ taxId: { scheme: 'VKN', value: '' }, name: netsisText(h.C_CARI_ISIM ?? h.CARI_KODU), address: { country: 'Türkiye' } }),
    },
    ctx.module,
    readError,
  );
}

/**
 * Maps one TBLFATUIRS row (joined with its card and extension) and its TBLSTHAR rows. Netsis keeps prices in lira
 * (STHAR_BF gross, STHAR_NF net) and, on foreign lines, in the document currency too (STHAR_DOVFIAT, taken as the
 * gross price [I]); the canonical document is in the document currency. Netsis stores no VAT amount per line, so
 * it is computed from the line's VAT base (net minus its share of the invoice discount).
 */
export function mapInvoice(h: Row, lines: readonly Row[], ctx: MapContext): InvoiceDocument {
  const dovizTip = intOf(h.DOVIZTIP);
  const currency = currencyOf(dovizTip, ctx.currencies);
  const foreign = currency !== 'TRY';
  const rate = foreign ? exchangeRateOf(h, lines) : undefined;
  const toDocCurrency = (tl: Decimal) => (rate && !rate.isZero() ? r2(tl.div(rate)) : tl);
  const vatIncluded = netsisText(h.KDV_DAHILMI).toUpperCase() === VAT_INCLUDED;
  const ext = (field: string) => optionalNetsisText(h[`X_${field}`]);
  const exemption = parseExemption(ext(FATUEK_FIELDS.exemption));
  const withholding = parseWithholding(ext(FATUEK_FIELDS.withholding));

  const docLines: InvoiceLine[] = [];
  const despatchRefs: DocumentReference[] = [];
  for (const l of lines) {
    const quantity = decimalOf(l.STHAR_GCMIK);
    const vatRate = decimalOf(l.STHAR_KDV);
    const foreignPrice = decimalOf(l.STHAR_DOVFIAT);
    const liraPrice = decimalOf(l.STHAR_BF).isZero() ? decimalOf(l.STHAR_NF) : decimalOf(l.STHAR_BF);
    let unitPrice =
      foreign && intOf(l.STHAR_DOVTIP) === dovizTip && !foreignPrice.isZero()
        ? foreignPrice
        : rate && !rate.isZero()
          ? liraPrice.div(rate).toDecimalPlaces(8)
          : liraPrice;
    if (vatIncluded) unitPrice = unitPrice.div(vatRate.div(100).plus(1)).toDecimalPlaces(8);
    const grossAmount = r2(quantity.mul(unitPrice));
    const allowances: AllowanceCharge[] = [];
    let netAmount = grossAmount;
    // Free goods inside the quantity (codes.ts FREE_GOODS_COLUMN), then every discount level (LINE_DISCOUNT_COLUMNS).
    const freeGoods = decimalOf(l[FREE_GOODS_COLUMN]);
    if (freeGoods.gt(0)) {
      const amount = Decimal.min(r2(freeGoods.mul(unitPrice)), netAmount);
      allowances.push({ isCharge: false, amount, baseAmount: netAmount, reason: 'Mal fazlası' });
      netAmount = netAmount.minus(amount);
    }
    for (const column of LINE_DISCOUNT_COLUMNS) {
      const percent = decimalOf(l[column]);
      if (percent.lte(0)) continue;
      const amount = r2(netAmount.mul(percent).div(100));
      allowances.push({ isCharge: false, percent, amount, baseAmount: netAmount });
      netAmount = netAmount.minus(amount);
    }
    const unitName = unitNameOf(l);
    const cardName = netsisText(l.T_STOK_ADI) || netsisText(l.STOK_KODU);
    const lineText = optionalNetsisText(l[LINE_TEXT_COLUMN]);
    const line: InvoiceLine = {
      lineNo: docLines.length + 1,
      kind: 'goods',
      itemCode: optionalNetsisText(l.STOK_KODU),
      // The line's own text replaces the card's name, as Netsis prints it; the card name stays as the description.
      itemName: lineText ?? cardName,
      ...(lineText && lineText !== cardName ? { description: cardName } : {}),
      quantity,
      unitCode: unitCodeFor(unitName) ?? unitName,
      unitPrice,
      grossAmount,
      allowances,
      netAmount,
      vatRate,
      vatAmount: ZERO,
    };
    if (vatRate.isZero() && exemption) line.exemption = exemption;
    if (vatRate.gt(0) && withholding) line.withholding = withholding;
    docLines.push(line);
    const despatchNo = optionalNetsisText(l.IRSALIYE_NO);
    if (despatchNo && !despatchRefs.some((d) => d.id === despatchNo)) {
      despatchRefs.push({ id: despatchNo, ...(l.IRSALIYE_TARIH ? { issueDate: dateOf(l.IRSALIYE_TARIH) } : {}) });
    }
  }

  const netSum = docLines.reduce((a, x) => a.plus(x.netAmount), ZERO);
  const allowances = invoiceDiscounts(h, netSum, toDocCurrency);
  const shares = discountShares(
    docLines.map((x) => x.netAmount),
    allowances,
  );
  docLines.forEach((x, i) => {
    x.vatAmount = r2(x.netAmount.minus(shares[i] ?? ZERO).mul(x.vatRate).div(100));
  });

  const type = invoiceTypeOf(intOf(h.TIPI), { withholding: withholding !== undefined, exemption: exemption !== undefined });
  const returnRef = type === 'IADE' ? parseReturnRef(ext(FATUEK_FIELDS.returnRef)) : undefined;
  const notes = [h.ACIKLAMA, ...FATUEK_FIELDS.notes.map((f) => h[`X_${f}`])].map(netsisText).filter(Boolean);
  const liraDiscounts = ['SAT_ISKT', 'MFAZ_ISKT', 'GEN_ISK1T', 'GEN_ISK2T', 'GEN_ISK3T'].reduce((a, c) => a.plus(decimalOf(h[c])), ZERO);
  return {
    kind: 'invoice',
    module: ctx.module,
    ref: { connector: 'netsis', database: ctx.database, key: serializeInvoiceKey(invoiceKeyOf(h)) },
    erpNumber: netsisText(h.FATIRS_NO),
    issueDate: dateOf(h.TARIH),
    ...(ctx.ettn ? { ettn: ctx.ettn.toLowerCase() } : {}),
    profileHint: profileOf(ext(FATUEK_FIELDS.profile)),
    type,
    currency,
    ...(rate ? { exchangeRate: rate } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    customer: customerOf(h),
    lines: docLines,
    allowances,
    notes,
    despatchRefs,
    returnRefs: returnRef ? [returnRef] : [],
    erpTotals: {
      gross: toDocCurrency(decimalOf(h.BRUTTUTAR)),
      allowanceTotal: toDocCurrency(liraDiscounts),
      taxTotal: toDocCurrency(decimalOf(h.KDV)),
      // GENELTOPLAM: VAT base + VAT, before any withholding [I]; DOVIZTUT is the same in the document currency [C column].
      taxInclusive: foreign ? decimalOf(h.DOVIZTUT) : decimalOf(h.GENELTOPLAM),
      stored: storedTotalsOf(h, foreign),
    },
  };
}
