import type { FeeReceiptDocument } from '../model';
import { FEE_RECEIPT_TYPE, taxName } from '../receipts/codes';
import { precheckFeeReceipt } from '../receipts/precheck';
import { buildFeeReceiptUbl } from '../receipts/feeReceiptUbl';
import { computeFeeReceipt } from '../receipts/totals';
import { INVOICE_XSD } from './invoice';
import { RECEIPT_CANCELLATION, RECEIPT_OUTBOX, RECEIPT_PROFILE_ID, RECEIPT_WRITE_BACK, checkStoredNet, receiptChecks, receiptClient, receiptView, routeReceipt } from './receipt';
import { serviceOf } from './services';
import type { DocumentKindDescriptor } from './types';

/**
 * e-SMM (e-Serbest Meslek Makbuzu): a freelance professional's receipt for a fee, as UBL-TR Invoice with ProfileID
 * EARSIVBELGE and InvoiceTypeCode SERBESTMESLEKMAKBUZU. QNB publishes no e-SMM operation: the client call is the
 * inferred contract of core/integrator/esmmService.ts (one place, marked there).
 */
export const esmmKind: DocumentKindDescriptor = {
  id: 'esmm',
  module: 'esmm',
  direction: 'outgoing',
  labels: { name: { tr: 'e-Serbest Meslek Makbuzu', en: 'e-Self-Employment Receipt' }, document: { tr: 'makbuz', en: 'receipt' } },
  format: { type: 'ubl', root: 'Invoice', profiles: [RECEIPT_PROFILE_ID], typeCodes: [FEE_RECEIPT_TYPE] },
  route: routeReceipt,
  build(input) {
    const doc = input.doc as FeeReceiptDocument;
    const built = buildFeeReceiptUbl({ doc, id: input.id, uuid: input.uuid, issuer: doc.supplier!, issueTime: input.issueTime, view: input.view });
    const collected = built.totals.collected.toFixed(2);
    return { xml: built.xml, payableAmount: collected, issues: checkStoredNet(doc.erpNet, collected) };
  },
  view: receiptView,
  validation: {
    xsd: INVOICE_XSD,
    precheck: (doc, ctx) => precheckFeeReceipt(doc as FeeReceiptDocument, ctx.codelists),
    check: receiptChecks('esmm', 'Invoice'),
  },
  integrator: {
    service: 'esmmService',
    creditType: 'ARSIV',
    client: (services) => receiptClient(serviceOf(services, 'esmm')),
  },
  // İzibiz's client numbers e-SMM SMM2022… [R].
  numbering: { defaultPrefix: 'SMM', series: 'esmm', assignedBy: 'konnektor' },
  outbox: RECEIPT_OUTBOX,
  writeBack: RECEIPT_WRITE_BACK,
  cancellation: RECEIPT_CANCELLATION,
  summarize(doc) {
    const d = doc as FeeReceiptDocument;
    const t = computeFeeReceipt(d);
    return {
      party: d.customer.name,
      partyTaxId: d.customer.taxId.value,
      type: FEE_RECEIPT_TYPE,
      lines: d.lines.length,
      currency: d.currency,
      total: t.gross.toFixed(2),
      net: t.collected.toFixed(2),
      deductions: [
        ...t.taxGroups.map((g) => ({ code: g.code, name: taxName(g.code), percent: g.percent.toFixed(), amount: g.amount.toFixed(2) })),
        ...t.withholdingGroups.map((g) => ({ code: g.code, name: 'KDV TEVKİFATI', percent: g.percent.toFixed(), amount: g.amount.toFixed(2) })),
      ],
    };
  },
};
