import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ErpConnector, OutgoingFilter } from '../../connectors/contract';
import type { ErpConnections } from '../../db/erp';
import { createRegistryView, type LiveUserLookup } from '../registry/view';
import type { ErpTarget } from '../erp/target';
import type { Module } from '../modules';
import { turkeyDateTime } from '../time';
import type { DocumentValidator } from '../validation';
import type { GibCodelists } from './gibCodelists';
import { prepareOutputFolder } from '../folders';
import { readErrorIssue, type DocumentIssue } from './issues';
import type { DocumentKindDescriptor, KindBuilt, KindCheckContext } from './kinds';
import type { CanonicalDocument } from './model';
import { assignEttn, assignNumber, formatGibNumber, validatePrefix, type DocumentKey } from './numbering';
import type { ViewStylesheet } from './ubl/invoice';

/**
 * Turns the ERP's outgoing documents of one kind into GİB-valid files: pre-check → route → build → XSD + schematron
 * → number → write. Each step is the kind's own (core/documents/kinds); each document is judged on its own, an
 * invalid one is reported with its reasons and the rest of the batch goes on. Numbers are taken only by valid
 * documents, in ERP order, so the series has no gaps.
 */
export interface ExportOptions {
  store: Knex;
  connections: ErpConnections;
  connector: ErpConnector;
  target: ErpTarget;
  /** The kind being exported (its module is what the connector reads). */
  kind: DocumentKindDescriptor;
  filter?: OutgoingFilter;
  /** Where to write `<ETTN>.xml` and report.json; without it nothing is written (the send pipeline keeps the XML). */
  outDir?: string;
  /** Documents to leave out of this run (e.g. already in the outbox). */
  skip?: (doc: CanonicalDocument, key: DocumentKey) => Promise<boolean>;
  /** Called for each valid, numbered document with its final XML, in ERP order. */
  onValid?: (entry: ExportEntry, xml: string, doc: CanonicalDocument) => Promise<void>;
  /** Called for each document that failed a check, with its issues. */
  onInvalid?: (entry: ExportEntry, doc: CanonicalDocument) => Promise<void>;
  /** Series prefix of this kind (3 of A-Z/0-9). */
  prefix: string;
  validator: DocumentValidator;
  codelists: GibCodelists;
  view: ViewStylesheet;
  /** TR IBAN printed on KAMU invoices. */
  iban?: string;
  now?: Date;
  /**
   * Check only: build and validate, but take no number and call no `onValid` (a corrected document is re-checked
   * on the document screen long before it is sent; a number taken then could be left unused).
   */
  checkOnly?: boolean;
  /** Asks the integrator about a customer missing from the cached user list (efaturaKullaniciBilgisi). */
  liveLookup?: LiveUserLookup;
  /** Documents read, built and checked at a time when the filter sets no limit (default 200). */
  pageSize?: number;
}

export interface ExportEntry {
  erpRef: CanonicalDocument['ref'];
  /** The supplier's VKN: numbers are per company. */
  companyVkn: string;
  erpNumber: string;
  issueDate: string;
  ettn: string;
  number?: string;
  /** The document kind (core/documents/kinds); the module's own kind when absent. */
  kind?: string;
  module?: Module;
  profile?: string;
  alias?: string;
  /** The kind's type code (SATIS, IADE…); empty for a kind without one. */
  type: string;
  /** ISO 4217; empty for a kind without amounts. */
  currency: string;
  payableAmount?: string;
  file?: string;
  valid: boolean;
  issues: DocumentIssue[];
}

export interface ExportReport {
  generatedAt: string;
  module: Module;
  kind: string;
  target: Omit<ErpTarget, 'server'>;
  schematronRelease: string;
  /** `read`: rows the connector returned, including those `skip` passed over. */
  summary: { read: number; documents: number; valid: number; invalid: number };
  timings: { readMs: number; buildMs: number; xsdMs: number; schematronMs: number; totalMs: number };
  documents: ExportEntry[];
}

interface Work {
  doc: CanonicalDocument;
  key: DocumentKey;
  entry: ExportEntry;
  profile?: string;
  issueTime: string;
  year: number;
}

/** The kind's GİB checks: its own runner, or the shared validator with its schematron type. */
function runGibChecks(kind: DocumentKindDescriptor, validator: DocumentValidator, xmls: string[], ctx: KindCheckContext) {
  if (kind.validation.check) return kind.validation.check(validator, xmls, ctx);
  const schematron = kind.validation.schematron;
  if (!schematron) throw new Error(`Document kind ${kind.id} names neither a schematron type nor its own check`);
  return validator.validateMany(xmls.map((xml) => ({ xml, kind: schematron })));
}

export async function exportDocuments(opts: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const { date: today, time } = turkeyDateTime(now);
  validatePrefix(opts.prefix);
  const outDir = opts.outDir;
  // Checked before the ERP is read; a run that then fails leaves no empty folder behind.
  const folder = outDir ? prepareOutputFolder(outDir) : undefined;
  try {
    return await exportInto(opts, outDir, { started, now, today, time });
  } catch (e) {
    folder?.removeIfEmpty();
    throw e;
  }
}

async function exportInto(opts: ExportOptions, outDir: string | undefined, at: { started: number; now: Date; today: string; time: string }): Promise<ExportReport> {
  const { kind } = opts;
  const { started, now, today, time } = at;

  // The cached list first; a customer missing from it is asked of the integrator (efaturaKullaniciBilgisi). A program
  // that records neither e-Fatura nor e-Arşiv on the invoice (ETA) splits its invoices by the same answer routing gets.
  const registry = createRegistryView(opts.store, opts.liveLookup);
  const recipients = { isEfaturaUser: async (taxId: string) => (await registry.lookup(taxId)) !== undefined };
  const checks: KindCheckContext = {
    codelists: opts.codelists,
    today,
    registry,
    ...(opts.iban ? { iban: opts.iban } : {}),
  };
  const entries: ExportEntry[] = [];
  const timings = { readMs: 0, buildMs: 0, xsdMs: 0, schematronMs: 0 };
  let read = 0;
  // The batch is read, built, checked and written a page at a time, so memory does not grow with it: only the
  // entries (no XML, no ERP rows) are kept for the report. A caller that pages itself (limit/offset) gets its window.
  const window = opts.filter ?? {};
  const pageSize = opts.pageSize ?? DEFAULT_PAGE_SIZE;
  const paging = window.limit === undefined;
  for (let offset = window.offset ?? 0; ; offset += pageSize) {
    const readStarted = performance.now();
    const filter = paging ? { ...window, limit: pageSize, offset } : window;
    const docs = await opts.connector.readOutgoing({ connections: opts.connections, recipients }, opts.target, kind.module, filter);
    timings.readMs += performance.now() - readStarted;
    read += docs.length;
    const page = await exportPage(opts, checks, docs, { now, time, outDir });
    for (const e of page.entries) entries.push(e);
    timings.buildMs += page.buildMs;
    timings.xsdMs += page.xsdMs;
    timings.schematronMs += page.schematronMs;
    if (!paging || docs.length < pageSize) break;
  }

  const report: ExportReport = {
    generatedAt: now.toISOString(),
    module: kind.module,
    kind: kind.id,
    target: { connector: opts.target.connector, ...(opts.target.database ? { database: opts.target.database } : {}), ...(opts.target.firm ? { firm: opts.target.firm } : {}), ...(opts.target.period ? { period: opts.target.period } : {}) },
    schematronRelease: opts.validator.schematronRelease,
    summary: { read, documents: entries.length, valid: entries.filter((e) => e.valid).length, invalid: entries.filter((e) => !e.valid).length },
    timings: { ...timings, totalMs: performance.now() - started },
    documents: entries,
  };
  if (outDir) writeReport(path.join(outDir, 'report.json'), report);
  return report;
}

const DEFAULT_PAGE_SIZE = 200;

/** One page of documents: pre-check and route, build, validate together, then number and write the valid ones. */
async function exportPage(
  opts: ExportOptions,
  checks: KindCheckContext,
  docs: CanonicalDocument[],
  at: { now: Date; time: string; outDir: string | undefined },
): Promise<{ entries: ExportEntry[]; buildMs: number; xsdMs: number; schematronMs: number }> {
  const { kind } = opts;
  const { now, time, outDir } = at;
  const work: Work[] = [];
  for (const doc of docs) {
    const key: DocumentKey = { companyVkn: doc.supplier?.taxId.value ?? '', module: kind.numbering.series, ref: doc.ref };
    if (opts.skip && (await opts.skip(doc, key))) continue;
    const identity = await assignEttn(opts.store, key, doc.ettn, now);
    const entry: ExportEntry = {
      erpRef: doc.ref,
      companyVkn: doc.supplier?.taxId.value ?? '',
      erpNumber: doc.erpNumber,
      issueDate: doc.issueDate,
      ettn: identity.ettn,
      ...(identity.number ? { number: identity.number } : {}),
      kind: kind.id,
      type: 'type' in doc ? doc.type : kind.format.type === 'ubl' ? (kind.format.typeCodes[0] ?? '') : '',
      currency: doc.currency ?? '',
      valid: false,
      // A document whose rows could not be read has nothing else worth checking; the ETTN's own problem comes first.
      issues: [...(identity.problem ? [identity.problem] : []), ...(doc.readError ? [readErrorIssue(doc.readError)] : kind.validation.precheck(doc, checks))],
    };
    const item: Work = { doc, key, entry, issueTime: doc.issueTime ?? time, year: Number(doc.issueDate.slice(0, 4)) };
    if (entry.issues.length === 0) {
      const route = await kind.route(doc, checks);
      if (route.profile) {
        item.profile = route.profile;
        Object.assign(entry, { module: kind.module, profile: route.profile, ...(route.alias ? { alias: route.alias } : {}) });
      }
      entry.issues.push(...route.issues);
    }
    work.push(item);
  }

  // Build every routed document with its number (or the series' placeholder 000000000) and validate them together.
  const buildStarted = performance.now();
  const build = (w: Work, id: string): KindBuilt => kind.build({ doc: w.doc, id, uuid: w.entry.ettn, profile: w.profile!, issueTime: w.issueTime, view: opts.view });
  const candidates = work.filter((w) => w.profile && w.entry.issues.length === 0);
  const built = candidates.map((w) => build(w, w.entry.number ?? formatGibNumber(opts.prefix, w.year, 0)));
  let buildMs = performance.now() - buildStarted;
  // Checks the kind makes on what it built (an invoice's totals against the ones the program stored), then GİB's.
  candidates.forEach((w, i) => w.entry.issues.push(...(built[i]!.issues ?? [])));
  const results = await runGibChecks(kind, opts.validator, built.map((b) => b.xml), checks);
  let xsdMs = 0;
  let schematronMs = 0;
  for (const [i, result] of results.entries()) {
    xsdMs += result.timings.xsdMs;
    schematronMs += result.timings.schematronMs;
    candidates[i]!.entry.issues.push(...result.issues);
  }

  // Numbers go to valid documents only, in ERP order; the final XML differs from the validated one only in its ID.
  for (const [i, w] of candidates.entries()) {
    if (w.entry.issues.length > 0) continue;
    if (opts.checkOnly) {
      Object.assign(w.entry, { valid: true, ...(built[i]!.payableAmount ? { payableAmount: built[i]!.payableAmount } : {}) });
      continue;
    }
    const number = await assignNumber(opts.store, w.key, { prefix: opts.prefix, year: w.year }, now);
    const rebuildStarted = performance.now();
    const final = number === w.entry.number ? built[i]! : build(w, number);
    buildMs += performance.now() - rebuildStarted;
    Object.assign(w.entry, { number, valid: true, ...(final.payableAmount ? { payableAmount: final.payableAmount } : {}) });
    if (outDir) {
      const file = path.join(outDir, `${w.entry.ettn}.xml`);
      fs.writeFileSync(file, final.xml);
      w.entry.file = path.basename(file);
    }
    if (opts.onValid) await opts.onValid(w.entry, final.xml, w.doc);
  }
  for (const [i, w] of candidates.entries()) {
    if (!w.entry.payableAmount && w.entry.valid === false && built[i]!.payableAmount) w.entry.payableAmount = built[i]!.payableAmount;
  }

  if (opts.onInvalid) for (const w of work) if (!w.entry.valid) await opts.onInvalid(w.entry, w.doc);
  return { entries: work.map((w) => w.entry), buildMs, xsdMs, schematronMs };
}

/** report.json written entry by entry: one string of the whole report would hold every entry twice in memory. */
function writeReport(file: string, report: ExportReport): void {
  const fd = fs.openSync(file, 'w');
  try {
    const { documents, ...head } = report;
    const headText = JSON.stringify(head, null, 2);
    fs.writeSync(fd, `${headText.slice(0, -2)},\n  "documents": [`);
    documents.forEach((d, i) => {
      fs.writeSync(fd, `${i ? ',' : ''}\n    ${JSON.stringify(d, null, 2).replace(/\n/g, '\n    ')}`);
    });
    fs.writeSync(fd, documents.length ? '\n  ]\n}\n' : ']\n}\n');
  } finally {
    fs.closeSync(fd);
  }
}
