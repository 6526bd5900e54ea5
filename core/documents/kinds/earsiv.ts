import { KonnektorError } from '../../errors';
import { earsivError } from '../../integrator/earsivService';
import type { InvoiceDocument } from '../model';
import { INVOICE_TYPE_CODES, INVOICE_XSD, buildInvoiceDocument, precheckInvoiceDocument, routeInvoiceDocument, summarizeInvoiceDocument } from './invoice';
import { serviceOf } from './services';
import type { DocumentKindDescriptor } from './types';

/** EarsivWebService's "done" result code. */
const AE_OK = 'AE00000';

/**
 * e-Arşiv: an invoice to anyone not on GİB's registered-user list (profile EARSIVFATURA), sent through
 * EarsivWebService.faturaOlustur, whose answer is final: the invoice is delivered (or refused) there and then, and
 * nobody answers it (efinans-despatch-receipts-ledger.md §4).
 */
export const earsivKind: DocumentKindDescriptor = {
  id: 'earsiv',
  module: 'earsiv',
  direction: 'outgoing',
  labels: { name: { tr: 'e-Arşiv', en: 'e-Archive' }, document: { tr: 'fatura', en: 'invoice' } },
  format: { type: 'ubl', root: 'Invoice', profiles: ['EARSIVFATURA'], typeCodes: INVOICE_TYPE_CODES },
  async route(doc, ctx) {
    const invoice = doc as InvoiceDocument;
    const route = await routeInvoiceDocument(invoice, ctx);
    // GİB's e-Arşiv report needs how the invoice reaches the buyer; electronic unless the ERP says paper.
    if (route.issues.length === 0 && !invoice.earsiv) invoice.earsiv = { sendingType: 'ELEKTRONIK' };
    return route;
  },
  build: buildInvoiceDocument,
  validation: {
    xsd: INVOICE_XSD,
    schematron: 'earchive',
    precheck: (doc, ctx) => precheckInvoiceDocument(doc as InvoiceDocument, ctx),
  },
  integrator: {
    service: 'earsivService',
    creditType: 'ARSIV',
    client: (services) => {
      const earsiv = serviceOf(services, 'earsiv');
      return {
      async send(d) {
        const r = await earsiv.createInvoice({ senderVkn: d.senderVkn, islemId: d.ettn, xml: d.xml });
        if (r.resultCode !== AE_OK) {
          throw new KonnektorError('INTEGRATOR_FAULT', `${r.resultCode} ${r.resultText ?? ''}`.trim(), { aeCode: r.resultCode, transient: false });
        }
        return { state: 'delivered', gibCode: r.resultCode, ...(r.faturaURL ?? r.resultText ? { gibMessage: (r.faturaURL ?? r.resultText)! } : {}), ...(r.faturaNo ? { detail: r.faturaNo } : {}) };
      },
      // The operation id (islemId) is the ETTN, so a document in doubt is found by it.
      async lookup(d) {
        const r = await earsiv.queryInvoice(d.senderVkn, d.ettn);
        return r?.resultCode === AE_OK ? { state: 'delivered', ...(r.faturaURL ? { gibMessage: r.faturaURL } : {}) } : undefined;
      },
        followDuplicates: false,
        // faturaIptalEt: UUID wins over the number; QNB mails the buyer (efinans-despatch-receipts-ledger.md §4.2).
        async cancel(d) {
          const r = await earsiv.cancelInvoice(d.senderVkn, d.ettn, d.number ?? '');
          if (r.resultCode !== AE_OK) throw earsivError(r, 'faturaIptalEt');
          const at = r.resultExtra?.iptalTarihi;
          return at ? { detail: `iptal ${at}` } : {};
        },
        async undoCancel(d) {
          const r = await earsiv.undoCancelInvoice(d.senderVkn, d.ettn, d.number);
          if (r.resultCode !== AE_OK) throw earsivError(r, 'faturaIptaliKaldir');
          return {};
        },
        reportStatus: (d) => earsiv.reportStatus(d.senderVkn, d.ettn),
      };
    },
  },
  numbering: { defaultPrefix: 'KNA', series: 'earsiv', assignedBy: 'konnektor' },
  outbox: {
    states: ['pending', 'built', 'validated', 'queued', 'delivered', 'cancelled', 'failed', 'invalid'],
    followed: false,
    // The integrator reports each invoice to GİB by the end of the next day (VUK 509); rapordaFaturaSorgula tells.
    reported: true,
  },
  cancellation: {
    windowDays: 8,
    source: 'QNB: süre sınırı yok; yasal süre 8 gün [R] (efinans-despatch-receipts-ledger.md §4.2); rapora girmiş fatura Konnektör’den iptal edilmez',
    undo: true,
    reasonRequired: true,
    refusedOnceReported: true,
  },
  summarize: summarizeInvoiceDocument,
  writeBack: { fields: ['ettn', 'number', 'status', 'gibCode', 'message'], statuses: ['delivered', 'cancelled', 'failed'] },
};
