import type { Party, ProducerReceiptDocument } from '../model';
import type { ViewStylesheet } from '../ubl/invoice';
import { NS_CREDIT_NOTE } from './namespaces';
import { PRODUCER_RECEIPT_TYPE, RECEIPT_PROFILE } from './codes';
import { computeProducerReceipt, type ProducerReceiptTotals } from './totals';
import { cac, cbc, documentReference, documentRoot, embeddedView, money, party, plain, signature, taxTotal } from './ublParts';
import { amountInWords } from './words';

/**
 * e-MM as UBL-TR CreditNote (ProfileID EARSIVBELGE, CreditNoteTypeCode MUSTAHSILMAKBUZ), in the element order of
 * GİB's UBL-CreditNote-2.1.xsd. The issuer (AccountingSupplierParty) is the buying company, the customer
 * (AccountingCustomerParty) the farmer with his TCKN; every deduction is a TaxTotal subtotal, because GİB's CreditNote
 * has no WithholdingTaxTotal (efinans-despatch-receipts-ledger.md §2.2). Totals: totals.ts, the only convention emitted.
 */
export interface ProducerReceiptBuildInput {
  doc: ProducerReceiptDocument;
  id: string;
  uuid: string;
  issuer: Party;
  issueTime: string;
  view: ViewStylesheet;
}

export function buildProducerReceiptUbl(input: ProducerReceiptBuildInput): { xml: string; totals: ProducerReceiptTotals } {
  const { doc, issuer } = input;
  const totals = computeProducerReceipt(doc);
  const currency = doc.currency;
  const root = documentRoot(NS_CREDIT_NOTE, 'CreditNote', { profile: RECEIPT_PROFILE, id: input.id, uuid: input.uuid, issueDate: doc.issueDate, issueTime: input.issueTime });
  cbc(root, 'CreditNoteTypeCode', PRODUCER_RECEIPT_TYPE);
  for (const note of doc.notes) cbc(root, 'Note', note);
  // A negative amount has no words: such a receipt is refused before it is built, and by the rule set if it is not.
  if (!totals.net.isNegative()) cbc(root, 'Note', `Yazı ile: ${amountInWords(totals.net)}`);
  cbc(root, 'Note', `Gönderim Şekli: ${doc.sendingType}`);
  cbc(root, 'DocumentCurrencyCode', currency);
  cbc(root, 'LineCountNumeric', String(doc.lines.length));
  documentReference(root, { id: input.id, issueDate: doc.issueDate, typeCode: 'SendingType', type: doc.sendingType });
  embeddedView(root, input.view, doc.issueDate);
  signature(root, issuer, input.id);
  party(cac(root, 'AccountingSupplierParty'), issuer);
  party(cac(root, 'AccountingCustomerParty'), doc.customer);
  cbc(cac(root, 'Delivery'), 'ActualDeliveryDate', doc.deliveryDate);
  if (totals.groups.length > 0) taxTotal(root, totals.groups, currency);
  const legal = cac(root, 'LegalMonetaryTotal');
  money(legal, 'LineExtensionAmount', totals.gross, currency);
  money(legal, 'TaxExclusiveAmount', totals.net, currency);
  money(legal, 'TaxInclusiveAmount', totals.net, currency);
  money(legal, 'PayableAmount', totals.net, currency);
  doc.lines.forEach((line, i) => {
    const el = cac(root, 'CreditNoteLine');
    cbc(el, 'ID', String(i + 1));
    cbc(el, 'CreditedQuantity', plain(line.quantity), { unitCode: line.unitCode });
    money(el, 'LineExtensionAmount', line.grossAmount, currency);
    if (line.deductions.length > 0) taxTotal(el, line.deductions.map((d) => ({ code: d.code, percent: d.percent, taxable: d.taxable, amount: d.amount, ...(d.exemption ? { exemption: d.exemption } : {}) })), currency);
    const item = cac(el, 'Item');
    cbc(item, 'Name', line.itemName);
    if (line.itemCode) cbc(cac(item, 'SellersItemIdentification'), 'ID', line.itemCode);
    cbc(cac(el, 'Price'), 'PriceAmount', plain(line.unitPrice), { currencyID: currency });
  });
  return { xml: root.end({ prettyPrint: false }), totals };
}
