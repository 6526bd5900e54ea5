import type { ProducerReceiptDocument } from '../model';
import { PRODUCER_RECEIPT_TYPE, taxName } from '../receipts/codes';
import { precheckProducerReceipt } from '../receipts/precheck';
import { buildProducerReceiptUbl } from '../receipts/producerReceiptUbl';
import { computeProducerReceipt } from '../receipts/totals';
import { RECEIPT_CANCELLATION, RECEIPT_OUTBOX, RECEIPT_PROFILE_ID, RECEIPT_WRITE_BACK, checkStoredNet, receiptChecks, receiptClient, receiptView, routeReceipt } from './receipt';
import { serviceOf } from './services';
import type { DocumentKindDescriptor } from './types';

/**
 * e-MM (e-Müstahsil Makbuzu): a company's receipt for crops bought from a farmer, as UBL-TR CreditNote with
 * ProfileID EARSIVBELGE and CreditNoteTypeCode MUSTAHSILMAKBUZ, sent synchronously through QNB's
 * MustahsilWebService.mustahsilMakbuzOlustur, reported to GİB by the integrator, cancellable within the legal window
 * (efinans-despatch-receipts-ledger.md §2; core/documents/receipts).
 */
export const emmKind: DocumentKindDescriptor = {
  id: 'emm',
  module: 'emm',
  direction: 'outgoing',
  labels: { name: { tr: 'e-Müstahsil Makbuzu', en: 'e-Producer Receipt' }, document: { tr: 'makbuz', en: 'receipt' } },
  format: { type: 'ubl', root: 'CreditNote', profiles: [RECEIPT_PROFILE_ID], typeCodes: [PRODUCER_RECEIPT_TYPE] },
  route: routeReceipt,
  build(input) {
    const doc = input.doc as ProducerReceiptDocument;
    const built = buildProducerReceiptUbl({ doc, id: input.id, uuid: input.uuid, issuer: doc.supplier!, issueTime: input.issueTime, view: input.view });
    const net = built.totals.net.toFixed(2);
    return { xml: built.xml, payableAmount: net, issues: checkStoredNet(doc.erpNet, net) };
  },
  view: receiptView,
  validation: {
    xsd: 'maindoc/UBL-CreditNote-2.1.xsd',
    precheck: (doc) => precheckProducerReceipt(doc as ProducerReceiptDocument),
    check: receiptChecks('emm', 'CreditNote'),
  },
  integrator: {
    service: 'mustahsilService',
    // kontorBilgisiGetir on MustahsilWebService; e-MM spends e-Arşiv-family credits [I].
    creditType: 'ARSIV',
    client: (services) => receiptClient(serviceOf(services, 'mustahsil')),
  },
  // İzibiz's samples number e-MM EMM2018000000003 [R]; GİB fixes no prefix.
  numbering: { defaultPrefix: 'EMM', series: 'emm', assignedBy: 'konnektor' },
  outbox: RECEIPT_OUTBOX,
  writeBack: RECEIPT_WRITE_BACK,
  cancellation: RECEIPT_CANCELLATION,
  summarize(doc) {
    const d = doc as ProducerReceiptDocument;
    const t = computeProducerReceipt(d);
    return {
      party: d.customer.name,
      partyTaxId: d.customer.taxId.value,
      type: PRODUCER_RECEIPT_TYPE,
      lines: d.lines.length,
      currency: d.currency,
      total: t.gross.toFixed(2),
      net: t.net.toFixed(2),
      deductions: t.groups.map((g) => ({ code: g.code, name: taxName(g.code), percent: g.percent.toFixed(), amount: g.amount.toFixed(2) })),
    };
  },
};
