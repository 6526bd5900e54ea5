import { DOMParser, type Element } from '@xmldom/xmldom';
import Decimal from 'decimal.js';
import { UBL_NS } from '../ubl/read';

/**
 * What the receipt rule set (rules.ts) reads from a built e-MM (CreditNote) or e-SMM (Invoice): parsed
 * namespace-aware with @xmldom/xmldom, amounts as exact decimals (`undefined` when absent or not a number).
 * The same reader serves Konnektör before sending and the sandbox on receipt, so both judge the same facts.
 */
export interface PartyFacts {
  ids: { scheme: string; value: string }[];
  name?: string;
  person?: { firstName?: string; familyName?: string };
  taxOffice?: string;
  city?: string;
}

export interface TaxSubtotalFacts {
  code?: string;
  percent?: Decimal;
  percentText?: string;
  taxable?: Decimal;
  amount?: Decimal;
  exemptionCode?: string;
}

export interface TaxTotalFacts {
  amount?: Decimal;
  subtotals: TaxSubtotalFacts[];
}

export interface LineFacts {
  id?: string;
  quantity?: Decimal;
  unitCode?: string;
  lineExtension?: Decimal;
  price?: Decimal;
  name?: string;
  taxTotals: TaxTotalFacts[];
  withholdingTotals: TaxTotalFacts[];
}

export interface ReceiptFacts {
  root: string;
  profileId?: string;
  typeCode?: string;
  id?: string;
  uuid?: string;
  issueDate?: string;
  issueTime?: string;
  currency?: string;
  notes: string[];
  references: { id?: string; typeCode?: string; type?: string }[];
  supplier: PartyFacts;
  customer: PartyFacts;
  deliveryDate?: string;
  taxTotals: TaxTotalFacts[];
  withholdingTotals: TaxTotalFacts[];
  totals: { lineExtension?: Decimal; taxExclusive?: Decimal; taxInclusive?: Decimal; payable?: Decimal };
  lines: LineFacts[];
}

const elements = (el: Element | undefined, ns: string, name: string): Element[] =>
  el ? [...el.childNodes].filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) : [];
const cacAll = (el: Element | undefined, name: string) => elements(el, UBL_NS.cac, name);
const cac = (el: Element | undefined, name: string) => cacAll(el, name)[0];
const cbcAll = (el: Element | undefined, name: string) => elements(el, UBL_NS.cbc, name);
const text = (el: Element | undefined) => el?.textContent?.trim() || undefined;
const cbc = (el: Element | undefined, name: string) => text(cbcAll(el, name)[0]);

function num(value: string | undefined): Decimal | undefined {
  if (value === undefined || !/^-?\d+(\.\d+)?$/.test(value)) return undefined;
  return new Decimal(value);
}

function party(wrapper: Element | undefined): PartyFacts {
  const p = cac(wrapper, 'Party');
  const person = cac(p, 'Person');
  return {
    ids: cacAll(p, 'PartyIdentification').map((pi) => {
      const id = cbcAll(pi, 'ID')[0];
      return { scheme: id?.getAttribute('schemeID') ?? '', value: text(id) ?? '' };
    }),
    ...(cbc(cac(p, 'PartyName'), 'Name') ? { name: cbc(cac(p, 'PartyName'), 'Name')! } : {}),
    ...(person ? { person: { ...(cbc(person, 'FirstName') ? { firstName: cbc(person, 'FirstName')! } : {}), ...(cbc(person, 'FamilyName') ? { familyName: cbc(person, 'FamilyName')! } : {}) } } : {}),
    ...(cbc(cac(cac(p, 'PartyTaxScheme'), 'TaxScheme'), 'Name') ? { taxOffice: cbc(cac(cac(p, 'PartyTaxScheme'), 'TaxScheme'), 'Name')! } : {}),
    ...(cbc(cac(p, 'PostalAddress'), 'CityName') ? { city: cbc(cac(p, 'PostalAddress'), 'CityName')! } : {}),
  };
}

function taxTotals(parent: Element | undefined, name: 'TaxTotal' | 'WithholdingTaxTotal'): TaxTotalFacts[] {
  return cacAll(parent, name).map((t) => ({
    amount: num(cbc(t, 'TaxAmount')),
    subtotals: cacAll(t, 'TaxSubtotal').map((s) => {
      const category = cac(s, 'TaxCategory');
      const percentText = cbc(s, 'Percent');
      return {
        code: cbc(cac(category, 'TaxScheme'), 'TaxTypeCode'),
        percent: num(percentText),
        percentText,
        taxable: num(cbc(s, 'TaxableAmount')),
        amount: num(cbc(s, 'TaxAmount')),
        exemptionCode: cbc(category, 'TaxExemptionReasonCode'),
      };
    }),
  }));
}

/** Throws when the text is not well-formed XML (the XSD check reports that first). */
export function readReceiptFacts(xml: string): ReceiptFacts {
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') throw new Error(msg);
    },
  }).parseFromString(xml, 'text/xml');
  const root = doc.documentElement as unknown as Element;
  const isCredit = root.localName === 'CreditNote';
  const monetary = cac(root, 'LegalMonetaryTotal');
  const lineName = isCredit ? 'CreditNoteLine' : 'InvoiceLine';
  const quantityName = isCredit ? 'CreditedQuantity' : 'InvoicedQuantity';
  return {
    root: root.localName ?? '',
    profileId: cbc(root, 'ProfileID'),
    typeCode: cbc(root, isCredit ? 'CreditNoteTypeCode' : 'InvoiceTypeCode'),
    id: cbc(root, 'ID'),
    uuid: cbc(root, 'UUID'),
    issueDate: cbc(root, 'IssueDate'),
    issueTime: cbc(root, 'IssueTime'),
    currency: cbc(root, 'DocumentCurrencyCode'),
    notes: cbcAll(root, 'Note').map((n) => text(n) ?? ''),
    references: cacAll(root, 'AdditionalDocumentReference').map((r) => ({ id: cbc(r, 'ID'), typeCode: cbc(r, 'DocumentTypeCode'), type: cbc(r, 'DocumentType') })),
    supplier: party(cac(root, 'AccountingSupplierParty')),
    customer: party(cac(root, 'AccountingCustomerParty')),
    deliveryDate: cbc(cac(root, 'Delivery'), 'ActualDeliveryDate'),
    taxTotals: taxTotals(root, 'TaxTotal'),
    withholdingTotals: taxTotals(root, 'WithholdingTaxTotal'),
    totals: {
      lineExtension: num(cbc(monetary, 'LineExtensionAmount')),
      taxExclusive: num(cbc(monetary, 'TaxExclusiveAmount')),
      taxInclusive: num(cbc(monetary, 'TaxInclusiveAmount')),
      payable: num(cbc(monetary, 'PayableAmount')),
    },
    lines: cacAll(root, lineName).map((l) => {
      const q = cbcAll(l, quantityName)[0];
      return {
        id: cbc(l, 'ID'),
        quantity: num(text(q)),
        unitCode: q?.getAttribute('unitCode') || undefined,
        lineExtension: num(cbc(l, 'LineExtensionAmount')),
        price: num(cbc(cac(l, 'Price'), 'PriceAmount')),
        name: cbc(cac(l, 'Item'), 'Name'),
        taxTotals: taxTotals(l, 'TaxTotal'),
        withholdingTotals: taxTotals(l, 'WithholdingTaxTotal'),
      };
    }),
  };
}
