import type { FeeReceiptDocument, Party } from '../model';
import type { ViewStylesheet } from '../ubl/invoice';
import { NS } from '../ubl/namespaces';
import { CALCULATION_TYPE, FEE_RECEIPT_TYPE, RECEIPT_PROFILE, SENDING_TYPE_CODE } from './codes';
import { computeFeeReceipt, type FeeReceiptTotals } from './totals';
import { cac, cbc, documentReference, documentRoot, embeddedView, money, party, plain, signature, taxTotal } from './ublParts';
import { amountInWords } from './words';

/**
 * e-SMM as UBL-TR Invoice (ProfileID EARSIVBELGE, InvoiceTypeCode SERBESTMESLEKMAKBUZU) in the element order of
 * GİB's UBL-Invoice-2.1.xsd, shaped as İzibiz's BaseESmmUBL [R] (efinans-despatch-receipts-ledger.md §2.3): KDV 0015
 * and GV stopajı 0003 in TaxTotal, KDV tevkifat in WithholdingTaxTotal, the sending and calculation types as
 * document references. Totals: totals.ts.
 */
export interface FeeReceiptBuildInput {
  doc: FeeReceiptDocument;
  id: string;
  uuid: string;
  issuer: Party;
  issueTime: string;
  view: ViewStylesheet;
}

export function buildFeeReceiptUbl(input: FeeReceiptBuildInput): { xml: string; totals: FeeReceiptTotals } {
  const { doc, issuer } = input;
  const totals = computeFeeReceipt(doc);
  const currency = doc.currency;
  const root = documentRoot(NS.invoice, 'Invoice', { profile: RECEIPT_PROFILE, id: input.id, uuid: input.uuid, issueDate: doc.issueDate, issueTime: input.issueTime });
  cbc(root, 'InvoiceTypeCode', FEE_RECEIPT_TYPE);
  for (const note of doc.notes) cbc(root, 'Note', note);
  // A negative amount has no words: such a receipt is refused before it is built, and by the rule set if it is not.
  if (!totals.collected.isNegative()) cbc(root, 'Note', `Yazı ile: ${amountInWords(totals.collected)}`);
  cbc(root, 'Note', `Gönderim Şekli: ${doc.sendingType}`);
  cbc(root, 'DocumentCurrencyCode', currency);
  cbc(root, 'LineCountNumeric', String(doc.lines.length));
  documentReference(root, { id: input.id, issueDate: doc.issueDate, typeCode: SENDING_TYPE_CODE, type: doc.sendingType });
  documentReference(root, { id: input.id, issueDate: doc.issueDate, typeCode: doc.calculation, type: CALCULATION_TYPE });
  embeddedView(root, input.view, doc.issueDate);
  signature(root, issuer, input.id);
  party(cac(root, 'AccountingSupplierParty'), issuer);
  party(cac(root, 'AccountingCustomerParty'), doc.customer);
  taxTotal(root, totals.taxGroups, currency);
  if (totals.withholdingGroups.length > 0) taxTotal(root, totals.withholdingGroups, currency, 'WithholdingTaxTotal');
  const legal = cac(root, 'LegalMonetaryTotal');
  money(legal, 'LineExtensionAmount', totals.gross, currency);
  money(legal, 'TaxExclusiveAmount', totals.gross, currency);
  money(legal, 'TaxInclusiveAmount', totals.taxInclusive, currency);
  money(legal, 'PayableAmount', totals.collected, currency);
  totals.lines.forEach((l, i) => {
    const el = cac(root, 'InvoiceLine');
    cbc(el, 'ID', String(i + 1));
    cbc(el, 'InvoicedQuantity', '1', { unitCode: 'C62' });
    money(el, 'LineExtensionAmount', l.gross, currency);
    taxTotal(
      el,
      [
        { code: '0015', percent: l.line.vatRate, taxable: l.gross, amount: l.kdv, ...(l.line.vatExemption ? { exemption: l.line.vatExemption } : {}) },
        { code: '0003', percent: l.line.stopajRate, taxable: l.gross, amount: l.stopaj },
      ],
      currency,
    );
    if (l.withholding) taxTotal(el, [{ code: l.withholding.code, percent: l.withholding.percent, taxable: l.kdv, amount: l.withheld }], currency, 'WithholdingTaxTotal');
    cbc(cac(el, 'Item'), 'Name', l.line.itemName);
    cbc(cac(el, 'Price'), 'PriceAmount', plain(l.gross), { currencyID: currency });
  });
  return { xml: root.end({ prettyPrint: false }), totals };
}
