import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { ErpConnector, OutgoingFilter } from '../../connectors/contract';
import type { ErpConnections } from '../../db/erp';
import { chosenAlias, lookupRegistered } from '../../db/registry';
import type { ErpTarget } from '../erp/target';
import { KonnektorError } from '../errors';
import { turkeyDateTime } from '../time';
import type { DocumentValidator } from '../validation';
import type { GibCodelists } from './gibCodelists';
import type { DocumentIssue } from './issues';
import type { InvoiceDocument } from './model';
import { assignEttn, assignNumber, formatGibNumber, validatePrefix, type DocumentKey } from './numbering';
import { precheckInvoice } from './precheck';
import { routeInvoice, type Route } from './routing';
import { checkStoredTotals } from './totalsGuard';
import { buildInvoiceUbl, type ViewStylesheet } from './ubl/invoice';

/**
 * Turns the ERP's outgoing invoices into GİB-valid UBL-TR files: pre-check → route → build → XSD + schematron →
 * number → write. Each document is judged on its own; an invalid one is reported with its reasons and the rest of
 * the batch goes on. Numbers are taken only by valid documents, in ERP order, so the series has no gaps.
 */
export interface ExportOptions {
  store: Knex;
  connections: ErpConnections;
  connector: ErpConnector;
  target: ErpTarget;
  module: 'efatura' | 'earsiv';
  filter?: OutgoingFilter;
  /** Where to write `<ETTN>.xml` and report.json; without it nothing is written (the send pipeline keeps the XML). */
  outDir?: string;
  /** Documents to leave out of this run (e.g. already in the outbox). */
  skip?: (doc: InvoiceDocument, key: DocumentKey) => Promise<boolean>;
  /** Called for each valid, numbered document with its final XML, in ERP order. */
  onValid?: (entry: ExportEntry, xml: string, doc: InvoiceDocument) => Promise<void>;
  /** Called for each document that failed a check, with its issues. */
  onInvalid?: (entry: ExportEntry, doc: InvoiceDocument) => Promise<void>;
  /** Series prefix of this module (3 of A-Z/0-9). */
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
}

export interface ExportEntry {
  erpRef: InvoiceDocument['ref'];
  /** The supplier's VKN: numbers are per company. */
  companyVkn: string;
  erpNumber: string;
  issueDate: string;
  ettn: string;
  number?: string;
  module?: Route['module'];
  profile?: Route['profile'];
  alias?: string;
  type: InvoiceDocument['type'];
  currency: string;
  payableAmount?: string;
  file?: string;
  valid: boolean;
  issues: DocumentIssue[];
}

export interface ExportReport {
  generatedAt: string;
  module: 'efatura' | 'earsiv';
  target: Omit<ErpTarget, 'server'>;
  schematronRelease: string;
  /** `read`: rows the connector returned, including those `skip` passed over. */
  summary: { read: number; documents: number; valid: number; invalid: number };
  timings: { readMs: number; buildMs: number; xsdMs: number; schematronMs: number; totalMs: number };
  documents: ExportEntry[];
}

interface Work {
  doc: InvoiceDocument;
  key: DocumentKey;
  entry: ExportEntry;
  route?: Route;
  issueTime: string;
  year: number;
}

export async function exportInvoices(opts: ExportOptions): Promise<ExportReport> {
  const started = performance.now();
  const now = opts.now ?? new Date();
  const { date: today, time } = turkeyDateTime(now);
  validatePrefix(opts.prefix);
  const outDir = opts.outDir;
  if (outDir) {
    try {
      fs.mkdirSync(outDir, { recursive: true });
      fs.accessSync(outDir, fs.constants.W_OK);
    } catch (e) {
      throw new KonnektorError('OUTPUT_DIR_INVALID', `Cannot write to ${outDir}: ${(e as Error).message}`, { value: outDir });
    }
  }

  const docs = (await opts.connector.readOutgoing({ connections: opts.connections }, opts.target, opts.module, opts.filter)) as InvoiceDocument[];
  const readMs = performance.now() - started;
  const registry = {
    lookup: (id: string) => lookupRegistered(opts.store, id),
    chosenAlias: (id: string) => chosenAlias(opts.store, id),
  };

  const work: Work[] = [];
  for (const doc of docs) {
    const key: DocumentKey = { companyVkn: doc.supplier?.taxId.value ?? '', module: opts.module, ref: doc.ref };
    if (opts.skip && (await opts.skip(doc, key))) continue;
    const identity = await assignEttn(opts.store, key, doc.ettn, now);
    const entry: ExportEntry = {
      erpRef: doc.ref,
      companyVkn: doc.supplier?.taxId.value ?? '',
      erpNumber: doc.erpNumber,
      issueDate: doc.issueDate,
      ettn: identity.ettn,
      ...(identity.number ? { number: identity.number } : {}),
      type: doc.type,
      currency: doc.currency,
      valid: false,
      issues: precheckInvoice(doc, { codelists: opts.codelists, today }),
    };
    const item: Work = { doc, key, entry, issueTime: doc.issueTime ?? time, year: Number(doc.issueDate.slice(0, 4)) };
    if (entry.issues.length === 0) {
      const routed = await routeInvoice(doc, registry);
      if (!routed.ok) entry.issues.push(routed.issue);
      else {
        item.route = routed.route;
        Object.assign(entry, { module: routed.route.module, profile: routed.route.profile, ...(routed.route.alias ? { alias: routed.route.alias } : {}) });
        if (routed.route.profile === 'KAMU') {
          const iban = doc.payment?.iban ?? opts.iban;
          if (!iban || !/^TR\d{7}[A-Z0-9]{17}$/.test(iban)) {
            entry.issues.push({ source: 'precheck', rule: 'KNK_KAMU_IBAN_MISSING', message: 'KAMU faturasında ödeme yapılacak TR IBAN bulunmalıdır.' });
          } else doc.payment = { ...doc.payment, iban };
        }
        if (routed.route.module === 'earsiv' && !doc.earsiv) doc.earsiv = { sendingType: 'ELEKTRONIK' };
      }
    }
    work.push(item);
  }

  // Build every routed document with its number (or the series' placeholder 000000000) and validate them together.
  const buildStarted = performance.now();
  const build = (w: Work, id: string) =>
    buildInvoiceUbl({ doc: w.doc, id, uuid: w.entry.ettn, profile: w.route!.profile, supplier: w.doc.supplier!, issueTime: w.issueTime, view: opts.view });
  const candidates = work.filter((w) => w.route && w.entry.issues.length === 0);
  const built = candidates.map((w) => build(w, w.entry.number ?? formatGibNumber(opts.prefix, w.year, 0)));
  const buildMs = performance.now() - buildStarted;
  // The totals guard: a document whose totals differ from the ones the program stored is refused before it is
  // numbered; the rest of the batch goes on.
  candidates.forEach((w, i) => w.entry.issues.push(...checkStoredTotals(w.doc, built[i]!.computed)));
  const results = await opts.validator.validateMany(
    built.map((b, i) => ({ xml: b.xml, kind: candidates[i]!.route!.module === 'earsiv' ? 'earchive' : 'efatura' })),
  );
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
      Object.assign(w.entry, { valid: true, payableAmount: built[i]!.computed.totals.payable.toFixed(2) });
      continue;
    }
    const number = await assignNumber(opts.store, w.key, { prefix: opts.prefix, year: w.year }, now);
    const final = number === w.entry.number ? built[i]! : build(w, number);
    Object.assign(w.entry, { number, valid: true, payableAmount: final.computed.totals.payable.toFixed(2) });
    if (outDir) {
      const file = path.join(outDir, `${w.entry.ettn}.xml`);
      fs.writeFileSync(file, final.xml);
      w.entry.file = path.basename(file);
    }
    if (opts.onValid) await opts.onValid(w.entry, final.xml, w.doc);
  }
  for (const w of candidates) {
    if (!w.entry.payableAmount && w.entry.valid === false) {
      const i = candidates.indexOf(w);
      w.entry.payableAmount = built[i]!.computed.totals.payable.toFixed(2);
    }
  }

  if (opts.onInvalid) for (const w of work) if (!w.entry.valid) await opts.onInvalid(w.entry, w.doc);
  const entries = work.map((w) => w.entry);
  const report: ExportReport = {
    generatedAt: now.toISOString(),
    module: opts.module,
    target: { connector: opts.target.connector, ...(opts.target.database ? { database: opts.target.database } : {}), ...(opts.target.firm ? { firm: opts.target.firm } : {}), ...(opts.target.period ? { period: opts.target.period } : {}) },
    schematronRelease: opts.validator.schematronRelease,
    summary: { read: docs.length, documents: entries.length, valid: entries.filter((e) => e.valid).length, invalid: entries.filter((e) => !e.valid).length },
    timings: { readMs, buildMs, xsdMs, schematronMs, totalMs: performance.now() - started },
    documents: entries,
  };
  if (outDir) fs.writeFileSync(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}
