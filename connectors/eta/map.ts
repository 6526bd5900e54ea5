import Decimal from 'decimal.js';
import type { AllowanceCharge, InvoiceDocument, InvoiceLine, Party, StoredTotal } from '../../core/documents/model';
import { unitCodeFor } from '../../core/documents/units';
import { taxIdSchemeOf } from '../../core/documents/taxid';
import { KonnektorError } from '../../core/errors';
import { isoCurrencyOf } from '../shared/currency';
import { decodeCp1254, repairDecodedCp1254 } from '../shared/encoding';
import { dateOf, decimalOf, intOf } from '../shared/values';
import { KODTIP, STORED_TOTALS, VAT_INCLUDED_FLAG, isReturnType } from './codes';
import type { InvoiceModule } from '../../core/documents/kinds/types';

export type Row = Record<string, unknown>;

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const ZERO = new Decimal(0);

/**
 * A text column of ETA: raw Windows-1254 bytes decoded, a driver-decoded string repaired (connectors/shared/encoding).
 * Bytes in neither Windows-1254 nor UTF-8 are refused with ERP_VALUE_ENCODING naming where they were read.
 */
export function etaText(value: unknown, where = ''): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Uint8Array) {
    const outcome = decodeCp1254(value);
    if ('invalid' in outcome) {
      throw new KonnektorError('ERP_VALUE_ENCODING', `${where || 'A text column'} holds bytes that are neither Windows-1254 nor UTF-8: ${outcome.bytes}`, {
        erpValue: `${where} (${outcome.bytes})`,
      });
    }
    return outcome.text.trim();
  }
  return repairDecodedCp1254(String(value)).trim();
}

const optional = (value: unknown, where = '') => {
  const t = etaText(value, where);
  return t === '' ? undefined : t;
};

/** CARKART + its address (ADRESLER) + KIMLIKLER as the customer: CARVERHESNO (10 digits VKN, 11 TCKN), else the TCKN of KIMLIKLER. */
export function customerOf(h: Row): Party {
  const vkn = etaText(h.C_CARVERHESNO).replace(/[\s-]/g, '');
  const tckn = etaText(h.K_KIMMERNISNO).replace(/\s/g, '');
  const taxNumber = vkn || tckn;
  const name = [etaText(h.C_CARUNVAN, 'CARKART.CARUNVAN'), etaText(h.C_CARUNVAN2, 'CARKART.CARUNVAN2')].filter(Boolean).join(' ');
  const street = [h.A_ADRES1, h.A_ADRES2, h.A_ADRES3].map((v) => etaText(v, 'ADRESLER.ADRADRES')).filter(Boolean).join(' ');
  const country = etaText(h.A_ULKE);
  const party: Party = {
    erpCode: etaText(h.FATFISCARKOD),
    taxId: { scheme: taxIdSchemeOf(taxNumber), value: taxNumber },
    name,
    address: {
      ...(street ? { street } : {}),
      citySubdivision: optional(h.A_ILCE, 'ADRESLER.ADRILCE'),
      city: optional(h.A_IL, 'ADRESLER.ADRIL'),
      postalCode: optional(h.A_POSTAKOD),
      country: country === '' || /^t[üu]rk[iİı]ye$/i.test(country) || country.toUpperCase() === 'TR' ? 'Türkiye' : country,
    },
    taxOffice: optional(h.C_CARVERDAIRE, 'CARKART.CARVERDAIRE'),
    email: optional(h.A_EMAIL1),
    phone: optional(h.A_TEL1),
  };
  if (party.taxId.scheme === 'TCKN') {
    const words = name.split(/\s+/).filter(Boolean);
    if (words.length > 1) party.person = { firstName: words.slice(0, -1).join(' '), familyName: words.at(-1) ?? '' };
  }
  return party;
}

/** SIRKET's identity columns of the company-year [I] (tables.ts SIRKET_IDENTITY_COLUMNS), when it names a tax id. */
export function supplierOf(c: Row | undefined): Party | undefined {
  const taxNumber = c ? etaText(c.SIRVKNTCKN).replace(/\s/g, '') : '';
  if (!c || taxNumber === '' || etaText(c.SIRUNVAN) === '') return undefined;
  return {
    taxId: { scheme: taxIdSchemeOf(taxNumber), value: taxNumber },
    name: etaText(c.SIRUNVAN, 'SIRKET.SIRUNVAN'),
    taxOffice: optional(c.SIRVERGIDAIRE),
    address: {
      street: optional(c.SIRADRES),
      citySubdivision: optional(c.SIRILCE),
      city: optional(c.SIRIL),
      postalCode: optional(c.SIRPOSTAKOD),
      country: 'Türkiye',
    },
    phone: optional(c.SIRTEL),
    email: optional(c.SIREMAIL),
  };
}

export interface MapContext {
  database: string;
  module: InvoiceModule;
  supplier?: Party;
}

/**
 * Maps one FATFIS row and its FATHAR rows. Amounts are in lira (codes.ts STORED_TOTALS); a foreign-currency
 * invoice is converted with FATFISDOVKUR. Stock and service lines become invoice lines (FATHARSTKCINS is the name as
 * typed on the line); discount and charge lines (KODTIP 4/5) apply to the whole invoice; text lines become notes.
 */
export function mapInvoice(h: Row, lines: readonly Row[], ctx: MapContext): InvoiceDocument {
  const currencyText = etaText(h.FATFISDOVKOD);
  const currency = currencyText === '' ? 'TRY' : isoCurrencyOf(currencyText);
  const foreign = currency !== 'TRY';
  const rate = foreign ? decimalOf(h.FATFISDOVKUR) : undefined;
  const toDoc = (tl: Decimal) => (rate && !rate.isZero() ? r2(tl.div(rate)) : tl);
  const vatIncluded = intOf(h.FATFISKDVDAHILFLAG) === VAT_INCLUDED_FLAG;
  const docLines: InvoiceLine[] = [];
  const allowances: AllowanceCharge[] = [];
  const notes: string[] = [];
  for (const l of lines) {
    const kod = intOf(l.FATHARKODTIP);
    const where = `FATHAR ${intOf(l.FATHARREFNO)}/${intOf(l.FATHARSIRANO)}`;
    if (kod === KODTIP.text) {
      const text = etaText(l.FATHARACIKLAMA, where) || etaText(l.FATHARSTKCINS, where);
      if (text) notes.push(text);
      continue;
    }
    if (kod === KODTIP.discount || kod === KODTIP.charge) {
      const amount = toDoc(decimalOf(l.FATHARTUTAR).abs());
      if (amount.gt(0)) allowances.push({ isCharge: kod === KODTIP.charge, amount, reason: etaText(l.FATHARSTKCINS, where) || undefined });
      continue;
    }
    if (kod !== KODTIP.stock && kod !== KODTIP.service && kod !== KODTIP.fixedAsset) continue;
    const quantity = decimalOf(l.FATHARMIKTAR);
    const vatRate = decimalOf(l.FATHARKDVYUZ);
    const grossTl = decimalOf(l.FATHARTUTAR);
    let grossAmount = toDoc(grossTl);
    if (vatIncluded) grossAmount = r2(grossAmount.div(vatRate.div(100).plus(1)));
    const unitPrice = quantity.isZero() ? grossAmount : grossAmount.div(quantity).toDecimalPlaces(10);
    const lineAllowances: AllowanceCharge[] = [];
    let netAmount = grossAmount;
    const discount = toDoc(decimalOf(l.FATHARISKYTUT1));
    if (discount.gt(0)) {
      const percent = decimalOf(l.FATHARISKYUZ1);
      lineAllowances.push({ isCharge: false, amount: discount, baseAmount: grossAmount, ...(percent.gt(0) ? { percent } : {}) });
      netAmount = netAmount.minus(discount);
    }
    const unitName = etaText(l.FATHARSTKBRM, where);
    const name = etaText(l.FATHARSTKCINS, `${where} FATHARSTKCINS`);
    docLines.push({
      lineNo: docLines.length + 1,
      kind: kod === KODTIP.service ? 'service' : 'goods',
      itemCode: optional(l.FATHARSTKKOD),
      itemName: name || etaText(l.FATHARSTKKOD),
      ...(optional(l.FATHARACIKLAMA, where) ? { description: etaText(l.FATHARACIKLAMA, where) } : {}),
      quantity,
      unitCode: unitCodeFor(unitName) ?? unitName,
      unitPrice,
      grossAmount,
      allowances: lineAllowances,
      netAmount,
      vatRate,
      vatAmount: toDoc(decimalOf(l.FATHARKDVTUTAR)),
    });
  }
  const type = isReturnType(etaText(h.T_FATFTKOD)) ? 'IADE' : 'SATIS';
  const stored: StoredTotal[] = [
    { figure: 'vat', currency: 'TRY', amount: decimalOf(h[STORED_TOTALS.vatTry]), field: `FATFIS.${STORED_TOTALS.vatTry}` },
    { figure: 'taxInclusive', currency: 'TRY', amount: decimalOf(h[STORED_TOTALS.taxInclusiveTry]), field: `FATFIS.${STORED_TOTALS.taxInclusiveTry}` },
  ];
  // Withholding the program recorded but Konnektör cannot read per line (codes.ts): the payable amount the books
  // hold is compared too, so such an invoice is refused instead of being sent without its withholding.
  const withheld = decimalOf(h[STORED_TOTALS.withheldTry]);
  if (withheld.gt(0)) {
    stored.push({
      figure: 'payable',
      currency: 'TRY',
      amount: decimalOf(h[STORED_TOTALS.taxInclusiveTry]).minus(withheld),
      field: `FATFIS.${STORED_TOTALS.taxInclusiveTry} − FATFIS.${STORED_TOTALS.withheldTry}`,
    });
  }
  const ettn = optional(h.E_ETTN);
  return {
    kind: 'invoice',
    module: ctx.module,
    ref: { connector: 'eta', database: ctx.database, key: String(intOf(h.FATFISREFNO)) },
    erpNumber: etaText(h.FATFISEVRAKNO1) || String(intOf(h.FATFISREFNO)),
    issueDate: dateOf(h.FATFISTAR),
    ...(ettn ? { ettn: ettn.toLowerCase() } : {}),
    profileHint: 'TEMELFATURA',
    type,
    currency,
    ...(rate ? { exchangeRate: rate } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    customer: customerOf(h),
    lines: docLines,
    allowances,
    notes,
    despatchRefs: [],
    returnRefs: [],
    erpTotals: {
      gross: docLines.reduce((a, l) => a.plus(l.grossAmount), ZERO),
      allowanceTotal: [...docLines.flatMap((l) => l.allowances), ...allowances].filter((a) => !a.isCharge).reduce((a, x) => a.plus(x.amount), ZERO),
      taxTotal: toDoc(decimalOf(h[STORED_TOTALS.vatTry])),
      taxInclusive: toDoc(decimalOf(h[STORED_TOTALS.taxInclusiveTry])),
      stored,
    },
  };
}
