import type { InvoiceDocument } from '../model';
import { INVOICE_TYPE_CODES, INVOICE_XSD, buildInvoiceDocument, precheckInvoiceDocument, routeInvoiceDocument, summarizeInvoiceDocument } from './invoice';
import { serviceOf } from './services';
import type { DocumentKindDescriptor } from './types';

/**
 * e-Fatura: an invoice to a customer on GİB's registered-user list, sent through connectorService as FATURA_UBL
 * (integrator-api.md §6), followed by status queries until GİB and the receiver have answered; a TICARIFATURA waits
 * up to 8 days for the receiver's KABUL or RED (efinans-despatch-receipts-ledger.md §3.2).
 */
export const efaturaKind: DocumentKindDescriptor = {
  id: 'efatura',
  module: 'efatura',
  direction: 'outgoing',
  labels: { name: { tr: 'e-Fatura', en: 'e-Invoice' }, document: { tr: 'fatura', en: 'invoice' } },
  format: { type: 'ubl', root: 'Invoice', profiles: ['TEMELFATURA', 'TICARIFATURA', 'IHRACAT', 'KAMU'], typeCodes: INVOICE_TYPE_CODES },
  route: (doc, ctx) => routeInvoiceDocument(doc as InvoiceDocument, ctx),
  build: buildInvoiceDocument,
  validation: {
    xsd: INVOICE_XSD,
    schematron: 'efatura',
    precheck: (doc, ctx) => precheckInvoiceDocument(doc as InvoiceDocument, ctx),
  },
  integrator: {
    service: 'connectorService',
    belgeTuru: { send: 'FATURA_UBL', query: 'FATURA' },
    creditType: 'FATURA',
    client: (services) => {
      const efatura = serviceOf(services, 'efatura');
      return {
      async send(d) {
        const { belgeOid } = await efatura.sendInvoice({ senderVkn: d.senderVkn, localDocNo: d.ettn, xml: d.xml, ...(d.alias ? { receiverAlias: d.alias } : {}) });
        return { state: 'sent', belgeOid, detail: `belgeOid ${belgeOid}` };
      },
      // Konnektör's local number (belgeNo) is the ETTN, so a document in doubt is found by it.
      async lookup(d) {
        return (await efatura.outgoingStatus(d.senderVkn, { by: 'YEREL', value: d.ettn })) ? { state: 'sent' } : undefined;
      },
      followDuplicates: true,
      status: (d) => efatura.outgoingStatus(d.senderVkn, { by: 'YEREL', value: d.ettn }),
        async resend(d) {
          await efatura.resend(d.senderVkn, [d.ettn]);
        },
      };
    },
  },
  numbering: { defaultPrefix: 'KNF', series: 'efatura', assignedBy: 'konnektor' },
  outbox: {
    states: ['pending', 'built', 'validated', 'queued', 'sent', 'processing', 'delivered', 'accepted', 'rejected', 'failed', 'invalid'],
    followed: true,
    answer: { profiles: ['TICARIFATURA'], deadlineDays: 8 },
  },
  summarize: summarizeInvoiceDocument,
  writeBack: { fields: ['ettn', 'number', 'status', 'gibCode', 'message'], statuses: ['sent', 'delivered', 'accepted', 'rejected', 'failed'] },
};
