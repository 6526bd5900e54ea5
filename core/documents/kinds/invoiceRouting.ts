import { roleOfAlias } from '../../registry/ownAliases';
import type { DocumentIssue } from '../issues';
import type { InvoiceDocument } from '../model';
import type { InvoiceProfile } from '../ubl/invoice';

/**
 * Who gets an e-Fatura: a customer on the integrator's registered-user list (cached locally). Everyone else gets
 * an e-Arşiv invoice. The mailbox (alias) is the one the ERP names if it is open, the user's recorded choice, or
 * the only one; with several and no choice the user must decide — Konnektör never picks one silently.
 */
export interface RegistryView {
  /** `documentType`: whose list — invoices (default) or despatch advices (e-İrsaliye has its own aliases). */
  lookup(identifier: string, documentType?: 'Invoice' | 'DespatchAdvice'): Promise<{ userType: 'OZEL' | 'KAMU'; aliases: string[] } | undefined>;
  chosenAlias(identifier: string, documentType?: 'Invoice' | 'DespatchAdvice'): Promise<string | undefined>;
}

/** The two invoice kinds (their ids are their modules'): which one a customer gets is GİB's list's decision. */
export type InvoiceKindId = 'efatura' | 'earsiv';

export interface Route {
  module: InvoiceKindId;
  profile: InvoiceProfile;
  alias?: string;
}

export type RoutingOutcome = { ok: true; route: Route } | { ok: false; issue: DocumentIssue };

const routingIssue = (rule: string, message: string): RoutingOutcome => ({ ok: false, issue: { source: 'routing', rule, message } });

export async function routeInvoice(doc: InvoiceDocument, registry: RegistryView): Promise<RoutingOutcome> {
  // Export invoices go to the customs administration as e-Fatura, whatever the foreign buyer is.
  if (doc.profileHint === 'IHRACAT') {
    return doc.module === 'efatura'
      ? { ok: true, route: { module: 'efatura', profile: 'IHRACAT' } }
      : routingIssue('KNK_ROUTING_EXPORT_NOT_EARSIV', 'İhracat faturası e-Arşiv olarak değil, e-Fatura (IHRACAT senaryosu) olarak gönderilir.');
  }
  const entry = await registry.lookup(doc.customer.taxId.value);
  if (!entry) {
    if (doc.module === 'efatura') {
      return routingIssue(
        'KNK_ROUTING_NOT_REGISTERED',
        `Alıcı (${doc.customer.taxId.value}) e-Fatura kayıtlı kullanıcısı değil; bu fatura e-Arşiv olarak düzenlenmelidir.`,
      );
    }
    return { ok: true, route: { module: 'earsiv', profile: 'EARSIVFATURA' } };
  }
  if (doc.module === 'earsiv') {
    return routingIssue(
      'KNK_ROUTING_REGISTERED_USER',
      `Alıcı (${doc.customer.taxId.value}) e-Fatura kayıtlı kullanıcısı; bu fatura e-Arşiv değil e-Fatura olarak düzenlenmelidir.`,
    );
  }
  // A document goes to a mailbox (PK); the customer's own sender units (GB) on the list are never its address.
  const mailboxes = entry.aliases.filter((a) => roleOfAlias(a) !== 'gb');
  let alias: string | undefined;
  if (doc.customer.alias && mailboxes.includes(doc.customer.alias)) alias = doc.customer.alias;
  else if (mailboxes.length === 1) alias = mailboxes[0];
  else {
    const chosen = await registry.chosenAlias(doc.customer.taxId.value);
    if (chosen && mailboxes.includes(chosen)) alias = chosen;
  }
  if (!alias) {
    return routingIssue(
      'KNK_ROUTING_ALIAS_AMBIGUOUS',
      `Alıcının birden fazla posta kutusu var (${mailboxes.join(', ')}); hangisine gönderileceğini seçin.`,
    );
  }
  // A return goes only under TEMELFATURA (GİB's InvoiceTypeCodeCheck: never TICARIFATURA or KAMU);
  // otherwise public institutions receive KAMU invoices.
  const profile: InvoiceProfile =
    doc.type === 'IADE' ? 'TEMELFATURA' : entry.userType === 'KAMU' ? 'KAMU' : doc.profileHint === 'TICARIFATURA' ? 'TICARIFATURA' : 'TEMELFATURA';
  return { ok: true, route: { module: 'efatura', profile, alias } };
}
