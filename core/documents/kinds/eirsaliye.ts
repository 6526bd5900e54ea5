import { checkDespatchFamily } from '../despatch/gibChecks';
import { precheckDespatch } from '../despatch/precheck';
import type { DespatchDocument } from '../model';
import { buildDespatchUbl, despatchProfileOf } from '../ubl/despatch';
import { gibView } from '../ubl/gibViews';
import type { RegistryView } from './invoiceRouting';
import { serviceOf } from './services';
import type { DocumentKindDescriptor, KindRoute } from './types';

/**
 * e-İrsaliye: a despatch advice (UBL-TR DespatchAdvice) for goods leaving the company, sent through connectorService
 * as IRSALIYE_UBL to the receiver's e-İrsaliye mailbox — separate from its e-Fatura ones
 * (efinans-despatch-receipts-ledger.md §1.1) — followed by status queries (belgeTuru IRSALIYE). The receiver may
 * answer with an irsaliye yanıtı within 7 days; Konnektör numbers despatches itself in their own series.
 */
export const DESPATCH_XSD = 'maindoc/UBL-DespatchAdvice-2.1.xsd';

export const DESPATCH_PROFILES = ['TEMELIRSALIYE', 'HKSIRSALIYE', 'IDISIRSALIYE'] as const;

const routingIssue = (rule: string, message: string): KindRoute => ({ issues: [{ source: 'routing', rule, message }] });

/**
 * Who may receive an e-İrsaliye: a taxpayer on GİB's despatch list (its DespatchAdvice aliases). A customer on the
 * invoice list only cannot receive one: the user issues a paper despatch — never chosen silently here.
 */
export async function routeDespatch(doc: DespatchDocument, registry: RegistryView): Promise<KindRoute> {
  const id = doc.customer.taxId.value;
  const entry = await registry.lookup(id, 'DespatchAdvice');
  if (!entry) {
    const invoiceUser = await registry.lookup(id, 'Invoice');
    return invoiceUser
      ? routingIssue(
          'KNK_ROUTING_DESPATCH_INVOICE_ONLY',
          `Alıcı (${id}) yalnızca e-Fatura kayıtlı kullanıcısı, e-İrsaliye kullanıcısı değil: bu sevkiyat için kâğıt irsaliye düzenleyin.`,
        )
      : routingIssue('KNK_ROUTING_DESPATCH_NOT_REGISTERED', `Alıcı (${id}) e-İrsaliye kayıtlı kullanıcısı değil: bu sevkiyat için kâğıt irsaliye düzenleyin.`);
  }
  let alias: string | undefined;
  if (doc.customer.alias && entry.aliases.includes(doc.customer.alias)) alias = doc.customer.alias;
  else if (entry.aliases.length === 1) alias = entry.aliases[0];
  else {
    const chosen = await registry.chosenAlias(id, 'DespatchAdvice');
    if (chosen && entry.aliases.includes(chosen)) alias = chosen;
  }
  if (!alias) {
    return routingIssue('KNK_ROUTING_ALIAS_AMBIGUOUS', `Alıcının birden fazla e-İrsaliye posta kutusu var (${entry.aliases.join(', ')}); hangisine gönderileceğini seçin.`);
  }
  return { profile: despatchProfileOf(doc), alias, issues: [] };
}

export const eirsaliyeKind: DocumentKindDescriptor = {
  id: 'eirsaliye',
  module: 'eirsaliye',
  direction: 'outgoing',
  labels: { name: { tr: 'e-İrsaliye', en: 'e-Despatch' }, document: { tr: 'irsaliye', en: 'despatch advice' } },
  format: { type: 'ubl', root: 'DespatchAdvice', profiles: DESPATCH_PROFILES, typeCodes: ['SEVK', 'MATBUDAN'] },
  route: (doc, ctx) => routeDespatch(doc as DespatchDocument, ctx.registry),
  build: (input) => {
    const doc = input.doc as DespatchDocument;
    return { xml: buildDespatchUbl({ doc, id: input.id, uuid: input.uuid, profile: despatchProfileOf(doc), supplier: doc.supplier!, issueTime: input.issueTime, view: input.view }) };
  },
  view: () => gibView('despatch'),
  validation: {
    xsd: DESPATCH_XSD,
    schematron: 'efatura',
    precheck: (doc, ctx) => precheckDespatch(doc as DespatchDocument, { codelists: ctx.codelists, today: ctx.today }),
    // GİB's driver rule stops an XPath 2.0 engine on a despatch with several drivers: judged as GİB reads it.
    check: checkDespatchFamily,
  },
  integrator: {
    service: 'connectorService',
    belgeTuru: { send: 'IRSALIYE_UBL', query: 'IRSALIYE' },
    creditType: 'IRSALIYE',
    client: (services) => {
      const connector = serviceOf(services, 'efatura');
      const key = (ettn: string) => ({ by: 'YEREL' as const, value: ettn, belgeTuru: 'IRSALIYE' as const });
      return {
        async send(d) {
          const { belgeOid } = await connector.sendInvoice({ senderVkn: d.senderVkn, localDocNo: d.ettn, xml: d.xml, belgeTuru: 'IRSALIYE_UBL', ...(d.alias ? { receiverAlias: d.alias } : {}) });
          return { state: 'sent', belgeOid, detail: `belgeOid ${belgeOid}` };
        },
        // belgeNo is the ETTN, so a despatch in doubt is found by it.
        async lookup(d) {
          return (await connector.outgoingStatus(d.senderVkn, key(d.ettn))) ? { state: 'sent' } : undefined;
        },
        followDuplicates: true,
        status: (d) => connector.outgoingStatus(d.senderVkn, key(d.ettn)),
        async resend(d) {
          await connector.resend(d.senderVkn, [d.ettn], { belgeTuru: 'IRSALIYE' });
        },
      };
    },
  },
  numbering: { defaultPrefix: 'KNI', series: 'eirsaliye', assignedBy: 'konnektor' },
  outbox: {
    states: ['pending', 'built', 'validated', 'queued', 'sent', 'processing', 'delivered', 'accepted', 'rejected', 'failed', 'invalid'],
    followed: true,
    // The irsaliye yanıtı is optional, at most once, within 7 days (efinans-despatch-receipts-ledger.md §0.2).
    answer: { profiles: DESPATCH_PROFILES, deadlineDays: 7 },
  },
  writeBack: { fields: ['ettn', 'number', 'status', 'gibCode', 'message'], statuses: ['sent', 'delivered', 'accepted', 'rejected', 'failed'] },
};
