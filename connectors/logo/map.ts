import Decimal from 'decimal.js';
import type { AllowanceCharge, ErpReadError, InvoiceDocument, InvoiceLine, Party, StoredTotal } from '../../core/documents/model';
import { taxIdSchemeOf } from '../../core/documents/taxid';
import { unitCodeFor } from '../../core/documents/units';
import { unreadableInvoiceOf } from '../shared/rows';
import { dateOf, decimalOf, intOf, optionalText, textOf } from '../shared/values';
import { LINETYPE, TRCURR_FALLBACK, invoiceTypeOf, profileOf, type LogoInvoiceKind } from './codes';

export type Row = Record<string, unknown>;

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);

/**
 * ISPERSCOMP = 1 marks a person: the TCKN column holds the id; otherwise the VKN is in TAXNR. Releases without
 * ISPERSCOMP/TCKNO keep a person's 11-digit TCKN in TAXNR.
 */
export function customerOf(h: Row): Party {
  const taxNr = textOf(h.C_TAXNR);
  const person = h.C_ISPERSCOMP === undefined ? /^\d{11}$/.test(taxNr) : intOf(h.C_ISPERSCOMP) === 1;
  const name = textOf(h.C_DEFINITION);
  const party: Party = {
    erpCode: textOf(h.C_CODE),
    taxId: person ? { scheme: 'TCKN', value: textOf(h.C_TCKNO) || taxNr } : { scheme: 'VKN', value: taxNr },
    name,
    address: {
      street: [textOf(h.C_ADDR1), textOf(h.C_ADDR2)].filter(Boolean).join(' ') || undefined,
      district: optionalText(h.C_DISTRICT),
      citySubdivision: optionalText(h.C_TOWN),
      city: optionalText(h.C_CITY),
      postalCode: optionalText(h.C_POSTCODE),
      country: optionalText(h.C_COUNTRY) ?? 'Türkiye',
    },
    taxOffice: optionalText(h.C_TAXOFFICE),
    email: optionalText(h.C_EMAILADDR),
    phone: optionalText(h.C_TELNRS1),
    alias: optionalText(h.C_POSTLABELCODE),
  };
  if (person) {
    const firstName = optionalText(h.C_NAME);
    const familyName = optionalText(h.C_SURNAME);
    if (firstName && familyName) party.person = { firstName, familyName };
    else {
      // Older cards keep the whole name in DEFINITION_: the last word is the family name.
      const words = name.split(/\s+/);
      if (words.length > 1) party.person = { firstName: words.slice(0, -1).join(' '), familyName: words.at(-1) ?? '' };
    }
  }
  return party;
}

/** The firm card (L_CAPIFIRM) as the supplier. */
export function supplierOf(f: Row): Party {
  return {
    taxId: { scheme: taxIdSchemeOf(textOf(f.TAXNR)), value: textOf(f.TAXNR) },
    name: textOf(f.TITLE) || textOf(f.NAME),
    taxOffice: optionalText(f.TAXOFF),
    address: {
      street: optionalText(f.STREET),
      district: optionalText(f.DISTRICT),
      city: optionalText(f.CITY),
      postalCode: optionalText(f.ZIPCODE),
      country: optionalText(f.COUNTRY) ?? 'Türkiye',
    },
    phone: optionalText(f.PHONE1),
    email: optionalText(f.EMAILADDR),
  };
}

/**
 * The header totals the guard compares (erp-schemas.md §2.2): NETTOTAL = Σ VATMATRAH + Σ VATAMNT [C, live data],
 * i.e. base plus VAT before withholding, and TOTALVAT, both in lira; TRNET is NETTOTAL in the invoice's currency
 * [C column, I meaning], compared for foreign-currency invoices.
 */
export function storedTotalsOf(h: Row, foreign: boolean, table: string): StoredTotal[] {
  const out: StoredTotal[] = [
    { figure: 'taxInclusive', currency: 'TRY', amount: decimalOf(h.NETTOTAL), field: `${table}.NETTOTAL` },
    { figure: 'vat', currency: 'TRY', amount: decimalOf(h.TOTALVAT), field: `${table}.TOTALVAT` },
  ];
  if (foreign) out.push({ figure: 'taxInclusive', currency: 'document', amount: decimalOf(h.TRNET), field: `${table}.TRNET` });
  return out;
}

export function currencyOf(trcurr: number, list: ReadonlyMap<number, string>): string {
  const code = list.get(trcurr) ?? TRCURR_FALLBACK[trcurr];
  if (!code) return `TRCURR:${trcurr}`;
  return code === 'TL' || code === 'YTL' ? 'TRY' : code;
}

interface MapContext {
  database: string;
  firm: string;
  period: string;
  module: LogoInvoiceKind;
  supplier?: Party;
  currencies: ReadonlyMap<number, string>;
  /** The header table read (LG_001_02_INVOICE): named by the stored totals. */
  invoiceTable?: string;
}

/** What is shown of an invoice whose rows could not be read: its number, date and customer, and why. */
export function unreadableInvoice(h: Row, ctx: Pick<MapContext, 'database' | 'firm' | 'period' | 'module'>, readError: ErpReadError): InvoiceDocument {
  return unreadableInvoiceOf(
    {
      ref: { connector: 'logo', database: ctx.database, firm: ctx.firm, period: ctx.period, key: String(intOf(h.LOGICALREF)) },
      erpNumber: () => textOf(h.FICHENO),
      issueDate: () => dateOf(h.DATE_),
      customer: () => {
        const person = intOf(h.C_ISPERSCOMP) === 1;
        return { taxId: { scheme: person ? 'TCKN' : 'VKN', value: textOf(person ? h.C_TCKNO : h.C_TAXNR) }, name: textOf(h.C_DEFINITION), address: { country: 'Türkiye' } };
      },
    },
    ctx.module,
    readError,
  );
}

/**
 * Maps one INVOICE row and its STLINE rows. Logo keeps line amounts in local currency; for a foreign-currency
 * invoice prices come from PRPRICE and percent-based discounts are recomputed in the document currency.
 * Discount and expense rows (LINETYPE 2/3) apply to the preceding goods/service line, or to the whole invoice
 * when GLOBTRANS = 1.
 */
export function mapInvoice(h: Row, lines: readonly Row[], ctx: MapContext): InvoiceDocument {
  const currency = currencyOf(intOf(h.TRCURR), ctx.currencies);
  const foreign = currency !== 'TRY';
  const rate = foreign ? decimalOf(h.TRRATE) : undefined;
  const toDocCurrency = (tl: Decimal) => (rate && !rate.isZero() ? r2(tl.div(rate)) : tl);
  const headerExemptCode = optionalText(h.VATEXCEPTCODE);

  const docLines: InvoiceLine[] = [];
  const allowances: AllowanceCharge[] = [];
  for (const l of lines) {
    const type = intOf(l.LINETYPE);
    if (type === LINETYPE.discount || type === LINETYPE.expense) {
      const isCharge = type === LINETYPE.expense;
      const percent = decimalOf(l.DISCPER);
      const target = intOf(l.GLOBTRANS) === 1 ? undefined : docLines.at(-1);
      // Several discount rows after one line apply one after the other, each on what the previous left [I].
      const base = target ? target.netAmount : docLines.reduce((a, x) => a.plus(x.netAmount), new Decimal(0));
      const amount = !percent.isZero() ? r2(base.mul(percent).div(100)) : toDocCurrency(decimalOf(l.TOTAL));
      const ac: AllowanceCharge = { isCharge, amount, baseAmount: base, ...(percent.isZero() ? {} : { percent }), reason: optionalText(l.LINEEXP) };
      if (target) {
        target.allowances.push(ac);
        target.netAmount = isCharge ? target.netAmount.plus(amount) : target.netAmount.minus(amount);
      } else allowances.push(ac);
      continue;
    }
    if (type !== LINETYPE.material && type !== LINETYPE.service && type !== LINETYPE.promotion) continue;
    const service = type === LINETYPE.service;
    const quantity = decimalOf(l.AMOUNT);
    const vatRate = decimalOf(l.VAT);
    let unitPrice = foreign && intOf(l.PRCURR) === intOf(h.TRCURR) && !decimalOf(l.PRPRICE).isZero() ? decimalOf(l.PRPRICE) : toDocCurrency(decimalOf(l.PRICE));
    // VATINC = 1: the price includes VAT [C for STLINE].
    if (intOf(l.VATINC) === 1) unitPrice = unitPrice.div(vatRate.div(100).plus(1)).toDecimalPlaces(8);
    const grossAmount = r2(quantity.mul(unitPrice));
    const line: InvoiceLine = {
      lineNo: docLines.length + 1,
      kind: service ? 'service' : 'goods',
      itemCode: optionalText(service ? l.SRV_CODE : l.ITEM_CODE),
      itemName: textOf(service ? l.SRV_NAME : l.ITEM_NAME) || textOf(l.LINEEXP),
      description: optionalText(l.LINEEXP),
      quantity,
      unitCode: optionalText(l.UNIT_GLOBALCODE) ?? unitCodeFor(textOf(l.UNIT_CODE)) ?? textOf(l.UNIT_CODE),
      unitPrice,
      grossAmount,
      allowances: [],
      netAmount: grossAmount,
      vatRate,
      vatAmount: toDocCurrency(decimalOf(l.VATAMNT)),
    };
    if (type === LINETYPE.promotion) {
      // Free goods: the whole amount is given as a discount.
      line.allowances.push({ isCharge: false, amount: grossAmount, baseAmount: grossAmount, percent: new Decimal(100), reason: 'Promosyon' });
      line.netAmount = new Decimal(0);
    }
    const exemptCode = optionalText(l.VATEXCEPTCODE) ?? (vatRate.isZero() ? headerExemptCode : undefined);
    if (exemptCode) {
      line.exemption = { code: exemptCode, reason: optionalText(l.VATEXCEPTREASON) ?? optionalText(h.VATEXCEPTREASON) };
    }
    const deductCode = optionalText(l.DEDUCTCODE);
    const part1 = intOf(l.DEDUCTIONPART1);
    const part2 = intOf(l.DEDUCTIONPART2);
    if (deductCode && part1 > 0 && part2 > 0) {
      line.withholding = { code: deductCode, percent: new Decimal(part1).mul(100).div(part2).toDecimalPlaces(2) };
    }
    docLines.push(line);
  }

  const notes = [h.GENEXP1, h.GENEXP2, h.GENEXP3, h.GENEXP4].map(textOf).filter(Boolean);
  const type = invoiceTypeOf(intOf(h.TRCODE), intOf(h.EINVOICETYP));
  const returnNo = optionalText(h.DOCODE);
  const doc: InvoiceDocument = {
    kind: 'invoice',
    module: ctx.module,
    ref: { connector: 'logo', database: ctx.database, firm: ctx.firm, period: ctx.period, key: String(intOf(h.LOGICALREF)) },
    erpNumber: textOf(h.FICHENO),
    issueDate: dateOf(h.DATE_),
    ...(optionalText(h.GUID) ? { ettn: textOf(h.GUID).toLowerCase() } : {}),
    profileHint: profileOf(intOf(h.PROFILEID)),
    type,
    currency,
    ...(rate ? { exchangeRate: rate } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    customer: customerOf(h),
    lines: docLines,
    allowances,
    notes,
    despatchRefs: [],
    // A return names the returned invoice in the document number and date fields [I].
    returnRefs: type === 'IADE' && returnNo ? [{ id: returnNo, ...(h.DOCDATE ? { issueDate: dateOf(h.DOCDATE) } : {}) }] : [],
    erpTotals: {
      gross: toDocCurrency(decimalOf(h.GROSSTOTAL)),
      allowanceTotal: toDocCurrency(decimalOf(h.TOTALDISCOUNTS)),
      taxTotal: toDocCurrency(decimalOf(h.TOTALVAT)),
      // NETTOTAL = Σ VATMATRAH + Σ VATAMNT [C]; TRNET is the same in the transaction currency.
      taxInclusive: foreign ? decimalOf(h.TRNET) : decimalOf(h.NETTOTAL),
      stored: storedTotalsOf(h, foreign, ctx.invoiceTable ?? 'INVOICE'),
    },
  };
  return doc;
}
