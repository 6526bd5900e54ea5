import type { InvoiceDocument } from '../model';
import { precheckInvoice } from '../precheck';
import { computeInvoice } from '../totals';
import { checkStoredTotals } from '../totalsGuard';
import { buildInvoiceUbl, type InvoiceProfile } from '../ubl/invoice';
import { routeInvoice } from './invoiceRouting';
import type { CanonicalDocument } from '../model';
import type { KindBuildInput, KindBuilt, KindCheckContext, KindDocumentSummary, KindRoute } from './types';

/**
 * What e-Fatura and e-Arşiv invoices share: the canonical invoice, Konnektör's pre-checks, the routing by GİB's
 * registered-user list and the UBL-TR Invoice builder. Each kind's own file adds its profiles, schematron type,
 * integrator service and series.
 */
export const INVOICE_XSD = 'maindoc/UBL-Invoice-2.1.xsd';

/** GİB's invoice type codes Konnektör builds (InvoiceTypeCode). */
export const INVOICE_TYPE_CODES = ['SATIS', 'IADE', 'TEVKIFAT', 'ISTISNA', 'OZELMATRAH', 'IHRACKAYITLI'] as const;

export function precheckInvoiceDocument(doc: InvoiceDocument, ctx: KindCheckContext) {
  return precheckInvoice(doc, { codelists: ctx.codelists, today: ctx.today });
}

/** Routing by GİB's list, then what the route implies: a KAMU invoice needs the payee IBAN. */
export async function routeInvoiceDocument(doc: InvoiceDocument, ctx: KindCheckContext): Promise<KindRoute> {
  const routed = await routeInvoice(doc, ctx.registry);
  if (!routed.ok) return { issues: [routed.issue] };
  const { route } = routed;
  const chosen = { profile: route.profile, ...(route.alias ? { alias: route.alias } : {}) };
  if (route.profile === 'KAMU') {
    const iban = doc.payment?.iban ?? ctx.iban;
    if (!iban || !/^TR\d{7}[A-Z0-9]{17}$/.test(iban)) {
      return { ...chosen, issues: [{ source: 'precheck', rule: 'KNK_KAMU_IBAN_MISSING', message: 'KAMU faturasında ödeme yapılacak TR IBAN bulunmalıdır.' }] };
    }
    doc.payment = { ...doc.payment, iban };
  }
  return { ...chosen, issues: [] };
}

export function buildInvoiceDocument(input: KindBuildInput): KindBuilt {
  const doc = input.doc as InvoiceDocument;
  const built = buildInvoiceUbl({ doc, id: input.id, uuid: input.uuid, profile: input.profile as InvoiceProfile, supplier: doc.supplier!, issueTime: input.issueTime, view: input.view });
  // The totals guard: an invoice whose totals differ from the ones the program stored is refused before it is numbered.
  return { xml: built.xml, payableAmount: built.computed.totals.payable.toFixed(2), issues: checkStoredTotals(doc, built.computed) };
}


/**
 * An invoice's row on the document screens: the customer, "Tutar" as the payable amount (the same figure the sent
 * document carries as PayableAmount) and the total with VAT as the program stored it.
 */
export function summarizeInvoiceDocument(doc: CanonicalDocument): KindDocumentSummary {
  const d = doc as InvoiceDocument;
  let payable: string | undefined;
  try {
    payable = computeInvoice(d).totals.payable.toFixed(2);
  } catch {
    payable = undefined; // a document the checks will refuse: its amounts show once it is corrected
  }
  return {
    party: d.customer.name,
    partyTaxId: d.customer.taxId.value,
    type: d.type,
    profile: d.profileHint,
    lines: d.lines.length,
    currency: d.currency,
    ...(payable ? { total: payable } : {}),
    ...(d.erpTotals ? { taxInclusive: d.erpTotals.taxInclusive.toFixed(2) } : {}),
  };
}
