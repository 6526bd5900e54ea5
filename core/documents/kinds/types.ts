import type { WriteBackStatus } from '../../../connectors/contract';
import type { ReceiptServiceClient } from '../../integrator/mustahsilService';
import type { EarsivClient, EfaturaClient, KontorTipi, OutgoingStatus } from '../../integrator/types';
import type { Module } from '../../modules';
import type { OutboxState } from '../../outbox/states';
import type { DocumentKind as SchematronType, DocumentValidator, ValidationResult } from '../../validation';
import type { GibCodelists } from '../gibCodelists';
import type { DocumentIssue } from '../issues';
import type { CanonicalDocument } from '../model';
import type { RegistryView } from './invoiceRouting';

/**
 * The modules whose documents are invoices (the efatura and earsiv kinds): what a program that records one invoice
 * table for both (Mikro, ETA) splits its invoices into.
 */
export type InvoiceModule = Extract<Module, 'efatura' | 'earsiv'>;
import type { UblRoot } from '../ubl/read';
import type { ViewStylesheet } from '../ubl/invoice';

/**
 * A document kind: everything the pipeline (read → check → route → build → GİB checks → number → outbox → send →
 * follow → write back) and the screens need to know about one kind of e-document. One file per kind in this folder,
 * one entry in `index.ts`; nothing outside this folder branches on a module or kind name.
 *
 * A module's own outgoing kind has the module's id (`efatura`, `earsiv`, `eirsaliye`, `esmm`, `emm`, `edefter`);
 * its other kinds — answers (`eirsaliye-yanit`, `efatura-yanit`) and incoming documents (`efatura-gelen`) — are
 * named `<module>-<what>`. Connectors key their capability maps and program codes by these ids.
 */
export type DocumentKindId = string;

/** Outgoing: Konnektör builds and sends it. Answer: built in reply to a received document. Incoming: received. */
export type KindDirection = 'outgoing' | 'answer' | 'incoming';

/** A label in the screens' two languages. */
export interface KindLabel {
  tr: string;
  en: string;
}

/** What the document is on the wire. */
export type KindFormat =
  | {
      type: 'ubl';
      /** The UBL-TR root element (core/documents/ubl/read.ts knows where each keeps its parties). */
      root: UblRoot;
      /** ProfileID values of this kind (the first is the default). */
      profiles: readonly string[];
      /** Type codes (InvoiceTypeCode, DespatchAdviceTypeCode…) this kind may carry. */
      typeCodes: readonly string[];
    }
  | {
      /** e-Defter: not UBL and not one document per ERP row, but one ledger per month (XBRL-GL, or QNB's CSV). */
      type: 'ledger';
      format: 'xbrl-gl' | 'csv';
      /** The unit of work: a month of the journal. */
      unit: 'month';
    };

/** What the pre-checks and routing may use: GİB's code lists, today, the registered-user list, the company's IBAN. */
export interface KindCheckContext {
  codelists: GibCodelists;
  /** Türkiye date YYYY-MM-DD. */
  today: string;
  /** GİB's registered-user list (cached locally): who gets which kind, at which mailbox. */
  registry: RegistryView;
  /** The company's TR IBAN when the run names one (KAMU invoices print it). */
  iban?: string;
}

/**
 * Where a checked document goes: its profile and the receiver's mailbox, and why it cannot go (no issues: it can).
 * A route may be known and still refused (a KAMU invoice without the payee IBAN).
 */
export interface KindRoute {
  profile?: string;
  alias?: string;
  issues: DocumentIssue[];
}

export interface KindBuildInput {
  doc: CanonicalDocument;
  /** The GİB number, or the series' placeholder while validating. */
  id: string;
  /** ETTN. */
  uuid: string;
  profile: string;
  /** HH:mm:ss, Türkiye time. */
  issueTime: string;
  view: ViewStylesheet;
}

export interface KindBuilt {
  xml: string;
  /** The payable amount as written in the document (two decimals), when the kind has one. */
  payableAmount?: string;
  /** What the kind finds wrong in what it built (an invoice's totals differing from the program's own). */
  issues?: DocumentIssue[];
}

export interface KindValidation {
  /** GİB's XSD of the root, relative to the package's xsd folder. */
  xsd: string;
  /** GİB's schematron and its `type` parameter; absent where GİB's schematron does not apply (e-MM, e-SMM). */
  schematron?: SchematronType;
  /** Konnektör's own checks before anything is built (each issue a stable rule code and a Turkish message). */
  precheck(doc: CanonicalDocument, ctx: KindCheckContext): DocumentIssue[];
  /**
   * Runs the checks over built documents; default: the shared validator with `xsd` and `schematron` above. A kind
   * GİB's schematron does not cover runs GİB's XSD and its own rule set here.
   */
  check?(validator: DocumentValidator, xmls: readonly string[], ctx: KindCheckContext): Promise<ValidationResult[]>;
}

/** The integrator clients a kind's binding may use (one per eFinans service). */
export interface IntegratorServices {
  efatura: EfaturaClient;
  earsiv: EarsivClient;
  /** e-MM: QNB's MustahsilWebService. */
  mustahsil: ReceiptServiceClient;
  /** e-SMM: the inferred service (core/integrator/esmmService.ts). */
  esmm: ReceiptServiceClient;
}

/** What the integrator said to a send. */
export type KindSendOutcome =
  | { state: 'sent'; belgeOid?: string; detail?: string }
  | { state: 'delivered'; gibCode?: string; gibMessage?: string; detail?: string };

/** A document of the outbox as its kind's client sends and follows it. */
export interface KindOutboxDocument {
  senderVkn: string;
  ettn: string;
  profile?: string;
  alias?: string;
}

/** One kind's operations at the integrator. Failures are KonnektorErrors (core/integrator/faults.ts). */
export interface KindClient {
  send(doc: KindOutboxDocument & { xml: Buffer }): Promise<KindSendOutcome>;
  /**
   * After a send whose answer never came (crash, timeout): is the document at the integrator? `undefined` means not
   * found, so it may be sent again.
   */
  lookup(doc: KindOutboxDocument): Promise<{ state: 'sent' | 'delivered'; gibMessage?: string } | undefined>;
  /** The integrator refused a send as a duplicate: follow the copy it has (lookup) instead of failing. */
  followDuplicates: boolean;
  /** The connectorService status of a sent document, for kinds the outbox follows after sending. */
  status?(doc: KindOutboxDocument): Promise<OutgoingStatus | undefined>;
  /** Sends the document again in a new envelope (GİB 1215/1230). */
  resend?(doc: KindOutboxDocument): Promise<void>;
  /** Cancels a delivered document at the integrator (kinds with `cancellation`). */
  cancel?(doc: KindOutboxDocument & { number?: string }): Promise<{ detail?: string }>;
  /** Undoes a cancellation (before the cancellation enters GİB's report). */
  undoCancel?(doc: KindOutboxDocument & { number?: string }): Promise<{ detail?: string }>;
  /** Whether the integrator has reported the document (and its cancellation) to GİB (kinds with `outbox.reported`). */
  reportStatus?(doc: KindOutboxDocument & { number?: string }): Promise<{ reported: boolean; cancellationReported?: boolean; detail?: string } | undefined>;
}

export interface KindIntegrator {
  /** The eFinans web service that takes this kind. */
  service: 'connectorService' | 'earsivService' | 'mustahsilService' | 'esmmService' | 'edefterService';
  /** belgeTuru of sends and of status, list and download calls, where the service has one (integrator-api.md §6). */
  belgeTuru?: { send: string; query: string };
  /** kontorBilgisiGetir's kontorTipi this kind spends. */
  creditType: KontorTipi;
  /** The kind's operations over the services it is given (`serviceOf` picks its own). */
  client(services: Partial<IntegratorServices>): KindClient;
}

export interface KindNumbering {
  /** Konnektör's series prefix until the company sets its own (3 of A-Z/0-9). */
  defaultPrefix: string;
  /** The number-series key: kinds sharing it share one sequence per company, prefix and year. */
  series: string;
  /** `konnektor`: Konnektör numbers (ABC2026000000001) before sending; `integrator`: the integrator does. */
  assignedBy: 'konnektor' | 'integrator';
}

export interface KindOutbox {
  /** The outbox states this kind's documents pass through. */
  states: readonly OutboxState[];
  /** Whether the outbox asks the integrator for the status after sending (otherwise the send's answer is final). */
  followed: boolean;
  /** The receiver's answer: which profiles wait for one after delivery, and within how many days it may come. */
  answer?: { profiles: readonly string[]; deadlineDays: number };
  /**
   * The integrator reports delivered documents to GİB afterwards (e-Arşiv-style report): the outbox asks, per
   * document, whether it (and a cancellation) was reported, with the client's `reportStatus`.
   */
  reported?: boolean;
}

/** Cancelling a delivered document from Konnektör (e-Arşiv-style: the issuer cancels, GİB learns it from the report). */
export interface KindCancellation {
  /** Days after the issue date within which the document may still be cancelled (the legal window). */
  windowDays: number;
  /** Where the window comes from. */
  source: string;
  /** A cancellation can be undone until it is reported to GİB. */
  undo: boolean;
  /** The user states why (recorded in the document's history and the audit log). */
  reasonRequired?: boolean;
  /**
   * Once the integrator has put the document into a report sent to GİB, Konnektör no longer cancels it (e-Arşiv:
   * the report is what GİB knows; a later cancellation is GİB's iptal/itiraz portal's business).
   */
  refusedOnceReported?: boolean;
}

/** What the document screens and the CLI list show of one ERP document of the kind, before it is built. */
export interface KindDocumentSummary {
  /** The other party: customer, or a müstahsil makbuzu's producer. */
  party: string;
  partyTaxId: string;
  /** The kind's type (SATIS, IADE, MUSTAHSILMAKBUZ…) and profile hint, when it has them. */
  type: string;
  profile?: string;
  lines: number;
  currency: string;
  /** "Tutar": the payable amount (ödenecek) of an invoice, a receipt's gross, in the document currency, two decimals. */
  total?: string;
  /** An invoice's total with VAT as the program stored it (shown beside the payable amount in the detail). */
  taxInclusive?: string;
  /** What is paid after deductions (receipts). */
  net?: string;
  /** Each deduction or tax with its rate (receipts: stopaj, borsa tescil, mera fonu, KDV tevkifat…). */
  deductions?: { code: string; name: string; percent: string; amount: string }[];
}

export interface KindWriteBack {
  /** What the connectors write back for this kind (each program stores what it has columns for). */
  fields: readonly ('ettn' | 'number' | 'status' | 'gibCode' | 'message')[];
  /** The statuses this kind can report. */
  statuses: readonly WriteBackStatus[];
}

export interface DocumentKindDescriptor {
  id: DocumentKindId;
  module: Module;
  direction: KindDirection;
  /** The screens' names: the kind ("e-Fatura") and one of its documents ("fatura"). */
  labels: { name: KindLabel; document: KindLabel };
  format: KindFormat;
  /**
   * Where a checked document goes (e-Fatura vs e-Arşiv by GİB's registered-user list, the profile, the mailbox);
   * also completes what the kind implies (e-Arşiv's sending type, a KAMU invoice's IBAN).
   */
  route(doc: CanonicalDocument, ctx: KindCheckContext): Promise<KindRoute>;
  build(input: KindBuildInput): KindBuilt;
  /**
   * The view stylesheet embedded in this kind's documents when the company names none (GİB's `irsaliye.xslt` for
   * despatches); Konnektör's invoice view when absent.
   */
  view?(): ViewStylesheet;
  validation: KindValidation;
  integrator: KindIntegrator;
  numbering: KindNumbering;
  outbox: KindOutbox;
  writeBack: KindWriteBack;
  /** Kinds the issuer may cancel from Konnektör (e-MM, e-SMM). */
  cancellation?: KindCancellation;
  /** The document's summary for the screens and the CLI (without it: number, date and line count only). */
  summarize?(doc: CanonicalDocument): KindDocumentSummary;
}
