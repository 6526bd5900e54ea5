import type { Element } from '@xmldom/xmldom';
import { DOMParser } from '@xmldom/xmldom';
import path from 'node:path';
import type { Session } from '../auth';
import { exportDocuments, type ExportReport } from '../documents/export';
import { readErrorIssue, type DocumentIssue } from '../documents/issues';
import type { DocumentKindDescriptor } from '../documents/kinds';
import type { CanonicalDocument } from '../documents/model';
import { validatePrefix } from '../documents/numbering';
import { assertAcceptableView, embeddedViewIssues, readDefaultInvoiceXslt, renderInvoiceHtml } from '../documents/preview';
import { readUblFacts } from '../documents/ubl/read';
import { normalizeTarget, type ErpTarget, type ErpTargetInput } from '../erp/target';
import { ERROR_CATALOG, KonnektorError, type ErrorCode } from '../errors';
import { documentStatusOf, type DocumentStatus } from '../documents/documentStatus';
import { markCorrected, recordInvalid } from '../outbox/enqueue';
import { onlyDocuments } from './onlyDocuments';
import type { Module } from '../modules';
import { entriesIn, entryByEttn as outboxEntryByEttn, type OutboxEntry } from '../outbox/store';
import { OUTBOX_STATES } from '../outbox/states';
import { lastCancellationDay } from '../outbox/cancellation';
import { PROCESSING_ERROR_CODE } from '../outbox/renumber';
import { QueuedSummaries } from '../outbox/summary';
import { trLower } from '../text/turkish';
import { turkeyDateTime } from '../time';
import { hasDoctype, type DocumentKind as SchematronType } from '../validation';
import type { ApiContext } from './context';
import { connectorFor, readOutgoing } from './erp';
import { dateOf, moduleOf, type ParsedInput } from './input';

export interface DocumentRow {
  key: string;
  erpNumber: string;
  issueDate?: string;
  customer?: string;
  customerTaxId?: string;
  /**
   * "Tutar" on every screen: the amount payable (ödenecek tutar, after any withholding), the same before and after
   * sending. `taxInclusive` (KDV dahil) is shown beside it in the detail.
   */
  total?: string;
  taxInclusive?: string;
  currency?: string;
  /** Receipts: what is paid after the deductions. */
  net?: string;
  /** Receipts: each deduction with its rate (gelir vergisi stopajı, borsa tescil, mera fonu, KDV tevkifatı…). */
  deductions?: { code: string; name: string; percent: string; amount: string }[];
  /** Cancellable now (a delivered receipt within its legal window), and until when (YYYY-MM-DD). */
  cancellableUntil?: string;
  /** Reported to GİB by the integrator (kinds the integrator reports). */
  reported?: boolean;
  /** The integrator reports this document to GİB (e-Arşiv, receipts): its report status may be asked. */
  reportable?: boolean;
  /** Failed with the integrator's processing error (durum 2): may be sent again under a new number and ETTN. */
  renumberable?: boolean;
  /** `unsent` while only the ERP knows the document; otherwise the outbox state. */
  state: 'unsent' | OutboxEntry['state'];
  /** The one word the screen shows (and filters by) for `state`. */
  status: DocumentStatus;
  ettn?: string;
  number?: string;
  gibCode?: string;
  /** In Turkish: GİB's message, the reason a check failed, or the catalogue's words for an integrator fault. */
  message?: string;
  /** The integrator's own fault text behind the Turkish message ("Ayrıntı"). */
  detail?: string;
  /** An invalid document: the rule of the check that stopped it (e.g. KNK_ROUTING_ALIAS_AMBIGUOUS: choose a mailbox). */
  rule?: string;
  resendable: boolean;
  updatedAt?: string;
}

/** A problem of an invalid document, as "Önizle" lists it. */
export interface DocumentProblem {
  source: string;
  rule: string;
  message: string;
}

/** "Önizle": the document as its receiver sees it; for a document that failed its checks, its problems. */
export interface DocumentPreview {
  html?: string;
  problems?: DocumentProblem[];
}

export interface FileValidation {
  file: string;
  /** GİB's schematron type the file was checked with. */
  kind: SchematronType;
  valid: boolean;
  issues: DocumentIssue[];
}

export interface DocumentHandlers {
  'documents.listOutgoing'(input: ParsedInput<'documents.listOutgoing'>): Promise<CanonicalDocument[]>;
  'documents.export'(input: ParsedInput<'documents.export'>): Promise<ExportReport>;
  'documents.validate'(input: ParsedInput<'documents.validate'>): Promise<FileValidation[]>;
  'documents.preview'(input: ParsedInput<'documents.preview'>): Promise<{ html: string }>;
  'session.documents'(input: ParsedInput<'session.documents'>): Promise<DocumentRow[]>;
  'session.history'(input: ParsedInput<'session.history'>): Promise<{ at: string; from?: string; to: string; detail?: string }[]>;
  'session.preview'(input: ParsedInput<'session.preview'>): Promise<DocumentPreview>;
  'session.exportXml'(input: ParsedInput<'session.exportXml'>): Promise<{ fileName: string; xml: string }>;
  'session.previewPdf'(input: ParsedInput<'session.previewPdf'>): Promise<{ fileName: string; base64: string }>;
}

/** Which ERP documents an outbox entry belongs to: same program, database, firm and period as the session. */
export function sameTarget(e: OutboxEntry, module: Module, t: ErpTarget): boolean {
  return (
    e.module === module &&
    e.ref.connector === t.connector &&
    e.ref.database.toLowerCase() === (t.database ?? '').toLowerCase() &&
    (e.ref.firm ?? '') === (t.firm ?? '') &&
    (e.ref.period ?? '') === (t.period ?? '')
  );
}

/** A failed document may go again (outbox: failed → queued); GİB's own rejections and invalid ones may not. */
/**
 * A failed document goes again as it is — except one the integrator failed with its processing error (durum 2):
 * QNB's handling is a new number and a new ETTN, which only the user's explicit action gives (`session.renumber`).
 */
export function isResendable(e: OutboxEntry): boolean {
  return e.state === 'failed' && !isProcessingError(e) && e.gibCode !== 'DURUM_2_RENUMBERED';
}

export function isProcessingError(e: OutboxEntry): boolean {
  return e.state === 'failed' && e.gibCode === PROCESSING_ERROR_CODE;
}

/**
 * The Turkish message of an outbox entry and the raw text behind it. GİB's messages and the checks' reasons are
 * Turkish already; a fault of Konnektör's own catalogue (INTEGRATOR_FAULT…) is said in the catalogue's words and the
 * integrator's text stays available as the detail.
 */
export function messageOf(e: Pick<OutboxEntry, 'state' | 'gibMessage' | 'errorCode' | 'errorDetail'>): { message?: string; detail?: string } {
  if (e.gibMessage) return { message: e.gibMessage };
  if (!e.errorDetail && !e.errorCode) return {};
  const code = e.errorCode as ErrorCode | undefined;
  if (code && code in ERROR_CATALOG) {
    return { message: ERROR_CATALOG[code].tr, ...(e.errorDetail ? { detail: e.errorDetail } : {}) };
  }
  return e.errorDetail ? { message: e.errorDetail } : {};
}

/** One document of the session's module and target, by its ETTN; ERP_DOCUMENT_NOT_FOUND for anyone else's. */
export async function entryOfSession(ctx: ApiContext, session: Session, ettn: string): Promise<OutboxEntry> {
  const found = await outboxEntryByEttn(await ctx.store(), ettn);
  const e = found && sameTarget(found, session.module, session.target) ? found : undefined;
  if (!e) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `No document ${ettn} for this session`, { value: ettn });
  return e;
}

/** A company's own view stylesheet: an XSLT 1.0 document, embedded under its file name. */
function companyView(ctx: ApiContext, file: string) {
  const content = ctx.readFile(file);
  let root: Element | null = null;
  try {
    root = new DOMParser({ onError: (level, msg) => { if (level !== 'warning') throw new Error(msg); } }).parseFromString(content, 'text/xml').documentElement;
  } catch (e) {
    throw new KonnektorError('INVOICE_VIEW_FAILED', `${file} is not well-formed XML: ${(e as Error).message}`, { value: file });
  }
  const XSL = 'http://www.w3.org/1999/XSL/Transform';
  if (!root || root.namespaceURI !== XSL || !['stylesheet', 'transform'].includes(root.localName ?? '') || root.getAttribute('version') !== '1.0') {
    throw new KonnektorError('INVOICE_VIEW_FAILED', `${file} is not an XSLT 1.0 stylesheet (recipients' viewers run XSLT 1.0)`, { value: file });
  }
  // It travels inside every invoice and runs on the recipient's screen and ours: nothing outside what views may use.
  assertAcceptableView(content, file);
  const name = path.basename(file).replace(/\.xslt?$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'fatura';
  return { name, content };
}

export interface DocumentRunInput {
  module: string;
  target: ErpTargetInput;
  from?: string | undefined;
  to?: string | undefined;
  prefix?: string | undefined;
  iban?: string | undefined;
}

/**
 * What an export and a send share: the module, the normalised target and its connector, and the document layer's
 * options (dates, series prefix, validator, GİB code lists read once, Konnektör's view stylesheet).
 */
export async function prepareDocumentRun(ctx: ApiContext, input: DocumentRunInput) {
  const module = moduleOf(input.module);
  // MODULE_NOT_SUPPORTED while Konnektör builds no documents of the module yet.
  const kind = ctx.kinds.outgoing(module);
  const target = normalizeTarget(input.target);
  const from = dateOf(input.from);
  const to = dateOf(input.to);
  const connector = connectorFor(ctx, target, module);
  const prefix = validatePrefix(input.prefix ?? ctx.deps.settings?.prefixes?.[module] ?? kind.numbering.defaultPrefix);
  const validator = await ctx.validator();
  return {
    kind,
    target,
    connector,
    export: {
      filter: { ...(from ? { from } : {}), ...(to ? { to } : {}) },
      prefix,
      validator,
      codelists: ctx.codelists(),
      view: kind.view?.() ?? { name: 'konnektor-fatura', content: readDefaultInvoiceXslt() },
      ...(input.iban ? { iban: input.iban } : {}),
      ...(ctx.deps.now ? { now: ctx.deps.now() } : {}),
    },
  };
}

/**
 * The ERP's outgoing documents and the outbox's for the document screens, and the file-level tools of the CLI
 * (export, validate, preview).
 */
/** One file given to `validate`: read (or why not), its schematron mode and, for a kind with its own run, that run. */
interface ValidateItem {
  file: string;
  xml: string;
  kind: SchematronType;
  unreadable?: DocumentIssue;
  check?: DocumentKindDescriptor['validation']['check'];
}

/**
 * Unsent documents recorded invalid are checked again on every listing (Listele, a new login) and after the user
 * settled what stopped them (a mailbox chosen): a document the user corrected becomes sendable, one still wrong
 * shows today's reasons. Nothing is numbered here.
 */
export async function recheckInvalid(ctx: ApiContext, session: Session, invalid: OutboxEntry[]): Promise<void> {
  if (invalid.length === 0) return;
  const module = session.module;
  const store = await ctx.store();
  const run = await prepareDocumentRun(ctx, { module, target: session.target });
  const report = await exportDocuments({
    ...run.export,
    store,
    connections: ctx.deps.connections,
    connector: onlyDocuments(run.connector, invalid.map((e) => e.ref.key)),
    target: run.target,
    kind: run.kind,
    checkOnly: true,
    onInvalid: (entry) => recordInvalid(store, module, entry, ctx.now()),
  });
  for (const entry of report.documents.filter((d) => d.valid)) await markCorrected(store, module, entry, ctx.now());
}

export function createDocumentHandlers(ctx: ApiContext): DocumentHandlers {
  const { sessions } = ctx;
  const summaries = new QueuedSummaries();

  const rowsOf = async (session: Session): Promise<DocumentRow[]> => {
    if (session.erpPending) throw new KonnektorError('SETTINGS_ERP_PENDING', 'The session has no ERP target yet');
    const module = session.module;
    // The rows are the module's outgoing documents; a module without such a kind has none to list.
    if (ctx.kinds.find(module)?.direction !== 'outgoing') return [];
    const store = await ctx.store();
    const docs = await readOutgoing(ctx, session.target, module, { limit: 100_000 });
    const load = async () => {
      const byKey = new Map<string, OutboxEntry>();
      for (const e of await entriesIn(store, OUTBOX_STATES, module, { withXml: false })) if (sameTarget(e, module, session.target)) byKey.set(e.ref.key, e);
      return byKey;
    };
    let byKey = await load();
    const listed = new Set(docs.map((d) => d.ref.key));
    const invalid = [...byKey.values()].filter((e) => e.state === 'invalid' && listed.has(e.ref.key));
    if (invalid.length > 0) {
      await recheckInvalid(ctx, session, invalid);
      byKey = await load();
    }
    const rows: DocumentRow[] = [];
    // Delivered documents of a kind its issuer may cancel (e-Arşiv, receipts) say until when; whether the integrator
    // has reported one to GİB is asked on demand (session.reportStatus), never for the whole list.
    const cancellation = ctx.kinds.find(module)?.cancellation;
    const reportedKind = ctx.kinds.find(module)?.outbox.reported === true;
    const today = turkeyDateTime(ctx.now()).date;
    const cancellableUntil = (e: OutboxEntry, issueDate: string | undefined): Partial<DocumentRow> => {
      if (!cancellation || e.state !== 'delivered' || !issueDate) return {};
      const until = lastCancellationDay(issueDate, cancellation.windowDays);
      return today <= until ? { cancellableUntil: until } : {};
    };
    const fromEntry = (e: OutboxEntry, base: Partial<DocumentRow>): DocumentRow => ({
      key: e.ref.key,
      erpNumber: e.erpNumber,
      ...base,
      state: e.state,
      status: documentStatusOf(e.state),
      ettn: e.ettn,
      ...(e.number ? { number: e.number } : {}),
      ...(e.gibCode ? { gibCode: e.gibCode } : {}),
      ...messageOf(e),
      ...(e.state === 'invalid' && e.errorCode ? { rule: e.errorCode } : {}),
      resendable: isResendable(e),
      ...(isProcessingError(e) ? { renumberable: true } : {}),
      ...cancellableUntil(e, base.issueDate),
      ...(reportedKind && (e.state === 'delivered' || e.state === 'cancelled') ? { reportable: true } : {}),
      updatedAt: e.updatedAt,
    });
    for (const d of docs) {
      const s = ctx.kinds.summarize(d);
      const base: Partial<DocumentRow> = {
        issueDate: d.issueDate,
        customer: s.party,
        customerTaxId: s.partyTaxId,
        ...(s.currency ? { currency: s.currency } : {}),
        ...(s.total ? { total: s.total } : {}),
        ...(s.taxInclusive ? { taxInclusive: s.taxInclusive } : {}),
        ...(s.net ? { net: s.net } : {}),
        ...(s.deductions ? { deductions: s.deductions } : {}),
      };
      const e = byKey.get(d.ref.key);
      if (e) {
        rows.push(fromEntry(e, base));
        byKey.delete(d.ref.key);
      } else {
        // A document the program's rows could not be read into shows why, in the list, before anyone sends it.
        const unreadable = d.readError ? { gibCode: d.readError.code, message: readErrorIssue(d.readError).message } : {};
        rows.push({ key: d.ref.key, erpNumber: d.erpNumber, ...base, ...unreadable, state: 'unsent', status: 'unsent', resendable: false } as DocumentRow);
      }
    }
    // Sent documents the ERP no longer lists unsent: their party and totals come from the queued UBL.
    for (const e of byKey.values()) rows.push(fromEntry(e, await summaries.of(store, e)));
    return rows;
  };

  return {
    async 'documents.listOutgoing'(input) {
      const module = moduleOf(input.module);
      const target = normalizeTarget(input.target);
      const from = dateOf(input.from);
      const to = dateOf(input.to);
      return readOutgoing(ctx, target, module, {
        ...(from ? { from } : {}),
        ...(to ? { to } : {}),
        ...(input.limit !== undefined ? { limit: input.limit } : {}),
        ...(input.offset !== undefined ? { offset: input.offset } : {}),
      });
    },

    async 'documents.export'(input) {
      const run = await prepareDocumentRun(ctx, input);
      return exportDocuments({
        ...run.export,
        store: await ctx.store(),
        connections: ctx.deps.connections,
        connector: run.connector,
        target: run.target,
        kind: run.kind,
        outDir: path.resolve(input.outDir),
        ...(input.viewXslt ? { view: companyView(ctx, input.viewXslt) } : {}),
      });
    },

    async 'documents.validate'(input) {
      // Each file gets its own result: one that cannot be read or checked never drops the others.
      const docs = input.files.map((file): ValidateItem => {
        let xml: string;
        try {
          xml = ctx.readFile(file);
        } catch (e) {
          const issue: DocumentIssue = { source: 'xml', rule: (e as KonnektorError).code, message: (e as KonnektorError).userMessage };
          return { file, xml: '', kind: input.type ?? 'efatura', unreadable: issue };
        }
        // The file's kind (by root and ProfileID: e-Arşiv's EARSIVFATURA runs the schematron's earchive mode).
        let found: ReturnType<typeof ctx.kinds.forUbl>;
        try {
          found = hasDoctype(xml) ? undefined : ctx.kinds.forUbl(readUblFacts(xml));
        } catch {
          found = undefined; // not well-formed or not UBL: the validator reports it
        }
        const kind: SchematronType = input.type ?? found?.validation.schematron ?? 'efatura';
        // A kind with its own run of GİB's checks (despatches: GİB's driver rule read as GİB reads it) uses it.
        const check = input.type ? undefined : found?.validation.check;
        return { file, xml, kind, check };
      });
      const validator = await ctx.validator();
      const readable = docs.filter((d) => !d.unreadable);
      const plain = readable.filter((d) => !d.check);
      const plainResults = await validator.validateMany(plain.map(({ xml, kind }) => ({ xml, kind })));
      const byDoc = new Map(plain.map((d, i) => [d, plainResults[i]!]));
      const checks = { codelists: ctx.codelists(), today: turkeyDateTime(ctx.now()).date, registry: { lookup: async () => undefined, chosenAlias: async () => undefined } };
      for (const d of readable) if (d.check) byDoc.set(d, (await d.check(validator, [d.xml], checks))[0]!);
      return docs.map((d) => {
        if (d.unreadable) return { file: d.file, kind: d.kind, valid: false, issues: [d.unreadable] };
        const result = byDoc.get(d)!;
        // The invoice's own view stylesheet is part of what its recipient sees: one that would be refused is an issue.
        const issues: DocumentIssue[] = [...result.issues, ...embeddedViewIssues(d.xml)];
        return { file: d.file, kind: d.kind, valid: issues.length === 0, issues };
      });
    },

    async 'documents.preview'(input) {
      return { html: await renderInvoiceHtml(ctx.readFile(input.file), input.defaultView ? { useEmbedded: false } : {}) };
    },

    async 'session.documents'(input) {
      const session = sessions.require(input.sessionId);
      const from = dateOf(input.from || undefined);
      const to = dateOf(input.to || undefined);
      const needle = input.customer?.trim() ? trLower(input.customer.trim()) : undefined;
      const status = input.status ?? 'all';
      const rows = (await rowsOf(session)).filter((r) => {
        if (from && r.issueDate && r.issueDate < from) return false;
        if (to && r.issueDate && r.issueDate > to) return false;
        if (needle && !trLower(`${r.customer ?? ''} ${r.customerTaxId ?? ''}`).includes(needle)) return false;
        return status === 'all' || r.status === status;
      });
      await ctx.staffAudit(session, 'documents.list', { after: { rows: rows.length } });
      return rows;
    },

    async 'session.history'(input) {
      const session = sessions.require(input.sessionId);
      const e = await entryOfSession(ctx, session, input.ettn);
      const rows = (await (await ctx.store())('outbox_history').where({ outbox_id: e.id }).orderBy('id')) as Record<string, unknown>[];
      await ctx.staffAudit(session, 'documents.history', { after: { ettn: e.ettn } });
      return rows.map((r) => ({
        at: String(r.at),
        ...(r.from_state ? { from: String(r.from_state) } : {}),
        to: String(r.to_state),
        ...(r.detail ? { detail: String(r.detail) } : {}),
      }));
    },

    async 'session.preview'(input) {
      const session = sessions.require(input.sessionId);
      const e = await entryOfSession(ctx, session, input.ettn);
      await ctx.staffAudit(session, 'documents.preview', { after: { ettn: e.ettn } });
      if (!e.xml) {
        // Never built into a sendable document: what stops it is what the user needs to see.
        const row = (await (await ctx.store())('outbox').where({ id: e.id }).first('issues_json')) as { issues_json?: string | null } | undefined;
        const issues = row?.issues_json ? (JSON.parse(row.issues_json) as DocumentIssue[]) : [];
        const problems = issues.map((i) => ({ source: i.source, rule: i.rule, message: i.message }));
        if (problems.length === 0 && e.errorDetail) problems.push({ source: 'precheck', rule: e.errorCode ?? '', message: e.errorDetail });
        if (problems.length === 0) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Document ${e.ettn} has no XML yet`, { value: e.erpNumber });
        return { problems };
      }
      return { html: await renderInvoiceHtml(e.xml) };
    },

    async 'session.previewPdf'(input) {
      const session = sessions.require(input.sessionId);
      const print = ctx.sd.printToPdf;
      if (!print) throw new KonnektorError('PDF_UNAVAILABLE', 'No PDF printer in this mode (browser mode prints through the browser)');
      const e = await entryOfSession(ctx, session, input.ettn);
      if (!e.xml) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Document ${e.ettn} has no XML yet`, { value: e.erpNumber });
      await ctx.staffAudit(session, 'documents.pdf', { after: { ettn: e.ettn } });
      const pdf = await print(await renderInvoiceHtml(e.xml));
      return { fileName: `${e.number ?? e.erpNumber}_${e.ettn}.pdf`.replace(/[^A-Za-z0-9_.-]/g, '_'), base64: Buffer.from(pdf).toString('base64') };
    },

    async 'session.exportXml'(input) {
      const session = sessions.require(input.sessionId);
      const e = await entryOfSession(ctx, session, input.ettn);
      if (!e.xml) throw new KonnektorError('ERP_DOCUMENT_NOT_FOUND', `Document ${e.ettn} has no XML yet`, { value: e.erpNumber });
      await ctx.staffAudit(session, 'documents.exportXml', { after: { ettn: e.ettn } });
      return { fileName: `${e.number ?? e.erpNumber}_${e.ettn}.xml`.replace(/[^A-Za-z0-9_.-]/g, '_'), xml: e.xml };
    },
  };
}
