import type { IncomingDocType } from '../integrator/types';
import type { Module } from '../modules';
import type { DocumentKind as SchematronType } from '../validation';
import { buildApplicationResponse, invoiceParties } from '../documents/ubl/applicationResponse';
import type { UblFacts } from '../documents/ubl/read';
import { buildReceiptAdvice, type ReceiptLineAnswer } from '../documents/ubl/receiptAdvice';
import { KonnektorError } from '../errors';

/**
 * Incoming document kinds: what the generic incoming machinery (core/incoming) needs to know to fetch, store, check,
 * show and answer one kind of received document. One descriptor per kind, found by id; the machinery never branches
 * on a module. e-Fatura's incoming invoice is here; e-İrsaliye adds its incoming despatch (belgeTuru IRSALIYE) with
 * a ReceiptAdvice answer (IRSALIYE_YANITI_UBL, 7 days) as another descriptor, without touching the machinery.
 *
 * Ids follow the document-kind registry's convention (`<module>-gelen`, `<module>-yanit`).
 */
export interface IncomingKind {
  id: string;
  module: Module;
  /** belgeTuru of gelenBelgeleriListeleExt / gelenBelgeleriIndirExt / belgelerAlindi / gelenBelgeDurumSorgulaExt. */
  belgeTuru: IncomingDocType;
  /** The UBL root the documents have. */
  root: UblFacts['root'];
  labels: { tr: string; en: string };
  /** GİB's schematron `type` the documents are checked with (after the XSD of their root). */
  schematron: SchematronType;
  answer?: AnswerKind;
}

export interface AnswerChoice {
  code: string;
  labels: { tr: string; en: string };
  /** RED: the supplier must read why. */
  reasonRequired: boolean;
}

/** Why a document cannot be answered (a stable rule and the Turkish text shown). */
export interface AnswerRefusal {
  rule: string;
  message: string;
}

export interface AnswerBuildInput {
  /** The received document's bytes and facts. */
  xml: string;
  facts: { ettn: string; number?: string; issueDate?: string; profile?: string };
  choice: string;
  reason?: string;
  /** A ReceiptAdvice's per-line answers (short, rejected with reason, oversupply) and late-delivery note. */
  lines?: readonly ReceiptLineAnswer[];
  lateDelivery?: string;
  /** The answer's own number and ETTN, persisted before the build. */
  id: string;
  uuid: string;
  issueDate: string;
  issueTime: string;
}

export interface AnswerKind {
  id: string;
  /** belgeTuru of the belgeGonderExt call that sends it. */
  sendAs: 'UYGULAMA_YANITI_UBL' | 'IRSALIYE_YANITI_UBL';
  /** Days after the document's arrival at the integrator within which an answer is accepted. */
  deadlineDays: number;
  /** Series prefix of the answers' numbers. */
  prefix: string;
  choices: readonly AnswerChoice[];
  /** Whether this document may be answered at all (profile, type); undefined = yes. */
  refuse(facts: { profile?: string; typeCode?: string }): AnswerRefusal | undefined;
  build(input: AnswerBuildInput): string;
  schematron: SchematronType;
}

/**
 * KABUL/RED of a commercial invoice (efinans-despatch-receipts-ledger.md §3.2, integrator-api.md §10): only
 * TICARIFATURA invoices are answered (GİB's ApplicationResponseProfileIDCheck; IHRACAT answers come from customs),
 * within 8 days of the invoice's arrival; the first answer counts.
 */
export const efaturaAnswerKind: AnswerKind = {
  id: 'efatura-yanit',
  sendAs: 'UYGULAMA_YANITI_UBL',
  deadlineDays: 8,
  prefix: 'YNT',
  choices: [
    { code: 'KABUL', labels: { tr: 'Kabul', en: 'Accept' }, reasonRequired: false },
    { code: 'RED', labels: { tr: 'Red', en: 'Reject' }, reasonRequired: true },
  ],
  refuse(facts) {
    if (facts.profile === 'TICARIFATURA') return undefined;
    return {
      rule: 'KNK_ANSWER_PROFILE',
      message: `${facts.profile ?? 'Bu'} senaryosundaki faturaya kabul/red yanıtı verilemez; yalnızca TICARIFATURA yanıtlanır.`,
    };
  },
  build(input) {
    const parties = invoiceParties(input.xml);
    if (!parties) throw new Error('the invoice has no readable supplier and customer');
    return buildApplicationResponse({
      id: input.id,
      uuid: input.uuid,
      issueDate: input.issueDate,
      issueTime: input.issueTime,
      profileId: input.facts.profile ?? 'TICARIFATURA',
      code: input.choice === 'RED' ? 'RED' : 'KABUL',
      ...(input.reason ? { reason: input.reason } : {}),
      sender: parties.customer,
      receiver: parties.supplier,
      invoice: { id: input.facts.number ?? '', uuid: input.facts.ettn, issueDate: input.facts.issueDate ?? input.issueDate },
    });
  },
  schematron: 'efatura',
};

export const efaturaIncomingKind: IncomingKind = {
  id: 'efatura-gelen',
  module: 'efatura',
  belgeTuru: 'FATURA',
  root: 'Invoice',
  labels: { tr: 'Gelen e-Fatura', en: 'Incoming e-Invoice' },
  schematron: 'efatura',
  answer: efaturaAnswerKind,
};

/**
 * The irsaliye yanıtı (efinans-despatch-receipts-ledger.md §1.4): a ReceiptAdvice sent as IRSALIYE_YANITI_UBL within
 * 7 days of the despatch's arrival, once. KABUL: every line received as despatched. KISMI: per-line received, short,
 * rejected (with a reason) or oversupplied quantities; lines not named are received in full. Any profile is answered.
 */
export const eirsaliyeAnswerKind: AnswerKind = {
  id: 'eirsaliye-yanit',
  sendAs: 'IRSALIYE_YANITI_UBL',
  deadlineDays: 7,
  prefix: 'IYN',
  choices: [
    { code: 'KABUL', labels: { tr: 'Tamamı teslim alındı', en: 'Received in full' }, reasonRequired: false },
    { code: 'KISMI', labels: { tr: 'Eksik / reddedilen satırlar var', en: 'Short or rejected lines' }, reasonRequired: false },
  ],
  refuse() {
    return undefined;
  },
  build(input) {
    const lines = input.lines ?? [];
    if (input.choice === 'KABUL' && lines.length > 0) throw new KonnektorError('INPUT_INVALID', 'A full acceptance (KABUL) takes no per-line answers', { value: 'KABUL' });
    if (input.choice === 'KISMI' && lines.length === 0) throw new KonnektorError('INPUT_INVALID', 'A partial answer (KISMI) needs at least one line answer', { value: 'KISMI' });
    return buildReceiptAdvice({
      despatchXml: input.xml,
      id: input.id,
      uuid: input.uuid,
      issueDate: input.issueDate,
      issueTime: input.issueTime,
      ...(lines.length > 0 ? { lines } : {}),
      ...(input.lateDelivery ? { lateDelivery: input.lateDelivery } : {}),
      ...(input.reason ? { note: input.reason } : {}),
    });
  },
  schematron: 'efatura',
};

export const eirsaliyeIncomingKind: IncomingKind = {
  id: 'eirsaliye-gelen',
  module: 'eirsaliye',
  belgeTuru: 'IRSALIYE',
  root: 'DespatchAdvice',
  labels: { tr: 'Gelen e-İrsaliye', en: 'Incoming e-Despatch' },
  schematron: 'efatura',
  answer: eirsaliyeAnswerKind,
};

export const INCOMING_KINDS: readonly IncomingKind[] = [efaturaIncomingKind, eirsaliyeIncomingKind];

/** The incoming kinds of a module (e-Fatura: invoices; e-İrsaliye: despatches). */
export function incomingKindsOf(module: Module, kinds: readonly IncomingKind[] = INCOMING_KINDS): IncomingKind[] {
  return kinds.filter((k) => k.module === module);
}
