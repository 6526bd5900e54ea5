import Decimal from 'decimal.js';
import type { AllowanceCharge, InvoiceDocument, InvoiceLine, Party, StoredTotal, TaxExemption } from '../../core/documents/model';
import { unitCodeFor } from '../../core/documents/units';
import { taxIdSchemeOf } from '../../core/documents/taxid';
import { dateOf, decimalOf, intOf, optionalText, textOf } from '../shared/values';
import { RETURN_FLAG, STORED_TOTALS, WITHHOLDING_PERCENT, currencyOfDCins, profileOfEbelgeTuru } from './codes';
import type { InvoiceModule } from '../../core/documents/kinds/types';

export type Row = Record<string, unknown>;

const r2 = (d: Decimal) => d.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
const ZERO = new Decimal(0);

/** A uniqueidentifier as Konnektör keys it: lower-case text (tedious returns it upper-case). */
export function guidOf(value: unknown): string {
  return textOf(value).toLowerCase();
}

/**
 * CARI_HESAPLAR (+ its invoice address) as the customer. The VKN/TCKN is read from cari_vdaire_no, falling back to
 * cari_VergiKimlikNo [I: public Mikro senders]; 11 digits is a TCKN. A person's card keeps the first name in
 * cari_unvan1 and the family name in cari_unvan2 when both are filled [I], else the last word is the family name.
 */
export function customerOf(h: Row): Party {
  const taxNumber = textOf(h.C_vdaire_no) || textOf(h.C_VergiKimlikNo);
  const scheme = taxIdSchemeOf(taxNumber);
  const first = textOf(h.C_unvan1);
  const second = textOf(h.C_unvan2);
  const name = [first, second].filter(Boolean).join(' ');
  const street = [textOf(h.A_mahalle), textOf(h.A_cadde), textOf(h.A_sokak)].filter(Boolean).join(' ');
  const country = textOf(h.A_ulke);
  const party: Party = {
    erpCode: textOf(h.cha_kod),
    taxId: { scheme, value: taxNumber },
    name,
    address: {
      ...(street ? { street } : {}),
      ...(optionalText(h.A_Apt_No) ? { buildingNumber: textOf(h.A_Apt_No) } : {}),
      citySubdivision: optionalText(h.A_ilce),
      city: optionalText(h.A_il),
      postalCode: optionalText(h.A_posta_kodu),
      country: country === '' || /^t[üu]rk[iİı]ye$/i.test(country) || country.toUpperCase() === 'TR' ? 'Türkiye' : country,
    },
    taxOffice: optionalText(h.C_vdaire_adi),
    email: optionalText(h.C_EMail),
    phone: optionalText(h.A_tel_no1) ?? optionalText(h.C_CepTel),
    alias: optionalText(h.A_efatura_alias),
  };
  if (scheme === 'TCKN') {
    if (first && second) party.person = { firstName: first, familyName: second };
    else {
      const words = name.split(/\s+/).filter(Boolean);
      if (words.length > 1) party.person = { firstName: words.slice(0, -1).join(' '), familyName: words.at(-1) ?? '' };
    }
  }
  return party;
}

/** FIRMALAR (the company) with the address of the invoice's branch from SUBELER. */
export function supplierOf(firm: Row | undefined, branch: Row | undefined): Party | undefined {
  if (!firm) return undefined;
  const vkn = textOf(firm.fir_FVergiNo);
  const tckn = textOf(firm.fir_TCkimlik);
  const taxNumber = vkn || tckn;
  if (taxNumber === '') return undefined;
  const street = branch ? [textOf(branch.sube_Mahalle), textOf(branch.sube_Cadde), textOf(branch.sube_Sokak)].filter(Boolean).join(' ') : '';
  return {
    taxId: { scheme: taxIdSchemeOf(taxNumber), value: taxNumber },
    name: textOf(firm.fir_unvan),
    taxOffice: optionalText(firm.fir_FVergiDaire),
    address: {
      ...(street ? { street } : {}),
      ...(branch && optionalText(branch.sube_Apt_No) ? { buildingNumber: textOf(branch.sube_Apt_No) } : {}),
      citySubdivision: branch ? optionalText(branch.sube_Ilce) : undefined,
      city: branch ? optionalText(branch.sube_Il) : undefined,
      postalCode: branch ? optionalText(branch.sube_Posta_Kodu) : undefined,
      country: 'Türkiye',
    },
    phone: branch ? optionalText(branch.sube_TelNo1) : undefined,
    email: optionalText(firm.fir_genel_email),
  };
}

export interface MapContext {
  database: string;
  module: InvoiceModule;
  /** VAT pointer → percent (dbo.fn_VergiYuzde). */
  vatRates: ReadonlyMap<number, Decimal>;
  supplier?: Party;
}

/** sth_birim_pntr 1..4 picks sto_birim1..4_ad of the item card [C]. */
function unitNameOf(l: Row): string {
  const n = intOf(l.sth_birim_pntr);
  return textOf(n === 2 ? l.S_birim2 : n === 3 ? l.S_birim3 : n === 4 ? l.S_birim4 : l.S_birim1);
}

/**
 * Maps one sales-invoice header (CARI_HESAP_HAREKETLERI row 0 with its customer) and its STOK_HAREKETLERI lines.
 * Line amounts are in lira (codes.ts LINE_AMOUNTS_IN_LIRA); every discount and charge is on the line already —
 * Mikro spreads a footer discount over the lines and flags it (sth_sat_iskmasN = 0) [C columns].
 */
export function mapInvoice(h: Row, lines: readonly Row[], ctx: MapContext): InvoiceDocument {
  const currency = currencyOfDCins(intOf(h.cha_d_cins));
  const foreign = currency !== 'TRY';
  const rate = foreign ? decimalOf(h.cha_d_kur) : undefined;
  const toDoc = (tl: Decimal) => (rate && !rate.isZero() ? r2(tl.div(rate)) : tl);
  const docLines: InvoiceLine[] = [];
  let withholdingSeen = false;
  let exemptionSeen = false;
  for (const l of lines) {
    const quantity = decimalOf(l.sth_miktar);
    const grossTl = decimalOf(l.sth_tutar);
    const grossAmount = toDoc(grossTl);
    // The price that reproduces the line's gross amount: Mikro stores the amount, v16 no unit price.
    const unitPrice = quantity.isZero() ? grossAmount : grossAmount.div(quantity).toDecimalPlaces(10);
    const allowances: AllowanceCharge[] = [];
    let netAmount = grossAmount;
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const amount = toDoc(decimalOf(l[`sth_iskonto${n}`]));
      if (amount.lte(0)) continue;
      const onLine = intOf(l[`sth_sat_iskmas${n}`]) === 1;
      allowances.push({ isCharge: false, amount, baseAmount: netAmount, reason: onLine ? `İskonto ${n}` : 'Fatura altı iskonto' });
      netAmount = netAmount.minus(amount);
    }
    for (const n of [1, 2, 3, 4]) {
      const amount = toDoc(decimalOf(l[`sth_masraf${n}`]));
      if (amount.lte(0)) continue;
      allowances.push({ isCharge: true, amount, baseAmount: netAmount, reason: `Masraf ${n}` });
      netAmount = netAmount.plus(amount);
    }
    const vatRate = ctx.vatRates.get(intOf(l.sth_vergi_pntr)) ?? ZERO;
    const unitName = unitNameOf(l);
    const cardName = textOf(l.S_isim) || textOf(l.sth_stok_kod);
    // sth_aciklama: the line's own text, printed instead of the card's name [C column "Hareketle ilgili açıklama", I use].
    const ownText = optionalText(l.sth_aciklama);
    const line: InvoiceLine = {
      lineNo: docLines.length + 1,
      kind: 'goods',
      itemCode: optionalText(l.sth_stok_kod),
      itemName: ownText ?? cardName,
      ...(ownText && ownText !== cardName ? { description: cardName } : {}),
      quantity,
      unitCode: unitCodeFor(unitName) ?? unitName,
      unitPrice,
      grossAmount,
      allowances,
      netAmount,
      vatRate,
      vatAmount: toDoc(decimalOf(l.sth_vergi)),
    };
    const exemptCode = optionalText(l.X_istisna);
    if (exemptCode && vatRate.isZero()) {
      const exemption: TaxExemption = { code: exemptCode, reason: `KDV istisnası ${exemptCode}` };
      line.exemption = exemption;
      exemptionSeen = true;
    }
    const withheld = WITHHOLDING_PERCENT[intOf(l.sth_Tevkifat_turu)];
    if (withheld && vatRate.gt(0)) {
      // No documented Mikro column holds the GİB withholding code (codes.ts WITHHOLDING_PERCENT).
      line.withholding = { code: '', percent: withheld };
      withholdingSeen = true;
    }
    docLines.push(line);
  }

  const isReturn = intOf(h.cha_normal_Iade) === RETURN_FLAG;
  const type = isReturn ? 'IADE' : withholdingSeen ? 'TEVKIFAT' : exemptionSeen ? 'ISTISNA' : 'SATIS';
  const profileSource = h.cha_ebelge_turu !== undefined && h.cha_ebelge_turu !== null ? h.cha_ebelge_turu : h.C_def_efatura_cinsi;
  const notes = [h.cha_aciklama, ...Array.from({ length: 10 }, (_, i) => h[`N_evracik${i + 1}`])].map(textOf).filter(Boolean);
  const returnNo = optionalText(h.B_iade_fat_no1);
  const seri = textOf(h.cha_evrakno_seri);
  const erpNumber = `${seri}${seri ? '-' : ''}${intOf(h.cha_evrakno_sira)}`;
  const ettn = optionalText(h.cha_uuid);
  const vatSum = Array.from({ length: 20 }, (_, i) => h[`${STORED_TOTALS.vatPrefix}${i + 1}`]).reduce<Decimal>((a, v) => a.plus(decimalOf(v)), ZERO);
  const stored: StoredTotal[] = [
    { figure: 'payable', currency: 'document', amount: decimalOf(h[STORED_TOTALS.payable]), field: `CARI_HESAP_HAREKETLERI.${STORED_TOTALS.payable}` },
    { figure: 'vat', currency: 'document', amount: vatSum, field: 'CARI_HESAP_HAREKETLERI.cha_vergi1..20' },
  ];
  const lineDiscounts = docLines.reduce((a, l) => a.plus(l.allowances.filter((x) => !x.isCharge).reduce((b, x) => b.plus(x.amount), ZERO)), ZERO);
  return {
    kind: 'invoice',
    module: ctx.module,
    ref: { connector: 'mikro', database: ctx.database, key: guidOf(h.cha_Guid) },
    erpNumber,
    issueDate: dateOf(h.cha_tarihi),
    ...(ettn && /^[0-9a-f-]{36}$/i.test(ettn) ? { ettn: ettn.toLowerCase() } : {}),
    profileHint: profileOfEbelgeTuru(profileSource === undefined || profileSource === null ? undefined : intOf(profileSource)),
    type,
    currency,
    ...(rate ? { exchangeRate: rate } : {}),
    ...(ctx.supplier ? { supplier: ctx.supplier } : {}),
    customer: customerOf(h),
    lines: docLines,
    allowances: [],
    notes,
    despatchRefs: [],
    returnRefs: isReturn && returnNo ? [{ id: returnNo, ...(h.B_iade_fat_tarihi1 ? { issueDate: dateOf(h.B_iade_fat_tarihi1) } : {}) }] : [],
    erpTotals: {
      gross: docLines.reduce((a, l) => a.plus(l.grossAmount), ZERO),
      allowanceTotal: lineDiscounts,
      taxTotal: vatSum,
      taxInclusive: decimalOf(h[STORED_TOTALS.payable]).plus(decimalOf(h.cha_tevkifat_toplam)),
      stored,
    },
  };
}
