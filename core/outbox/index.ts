import type { Knex } from 'knex';
import type { ConnectorContext, ErpConnector } from '../../connectors/contract';
import { exportDocuments, type ExportOptions } from '../documents/export';
import { documentKinds, type DocumentKindDescriptor, type DocumentKindRegistry } from '../documents/kinds';
import type { ErpTarget } from '../erp/target';
import type { ReceiptServiceClient } from '../integrator/mustahsilService';
import type { EarsivClient, EfaturaClient } from '../integrator/types';
import { enqueueValid, isInOutbox, recordInvalid } from './enqueue';
import { pollStatuses } from './poller';
import { sendQueued, type SendEvent } from './sender';
import { entriesIn, type OutboxEntry } from './store';
import { isTerminal } from './states';
import { writeBackOutcomes, type WriteBackSummary } from './writeback';

export { interpretStatus } from './poller';

export interface SendRunOptions {
  store: Knex;
  ctx: ConnectorContext;
  connector: ErpConnector;
  target: ErpTarget;
  /** The kind sent in this run (its module is what the connector reads). */
  kind: DocumentKindDescriptor;
  /** Every kind the outbox may hold (default: the kinds Konnektör ships). */
  kinds?: DocumentKindRegistry;
  export: Omit<ExportOptions, 'store' | 'connections' | 'connector' | 'target' | 'kind' | 'outDir' | 'skip' | 'onValid' | 'onInvalid'>;
  efatura: EfaturaClient;
  earsiv: EarsivClient;
  /** The receipt services, for e-MM and e-SMM runs. */
  mustahsil?: ReceiptServiceClient;
  esmm?: ReceiptServiceClient;
  /** Documents read, built and checked at a time (default 100). */
  pageSize?: number;
  /** Keep polling until every document of this run reached a final state (or the deadline). */
  wait?: boolean;
  pollIntervalMs?: number;
  deadlineMs?: number;
  concurrency?: number;
  backoffMs?: number;
  onEvent?: (e: SendEvent | { type: 'progress'; done: number; total: number }) => void;
}

export interface SendRunSummary {
  read: number;
  invalid: { erpNumber: string; reasons: string[] }[];
  queued: number;
  sent: number;
  delivered: number;
  accepted: number;
  rejected: number;
  failed: { erpNumber: string; number?: string; code?: string; reason?: string }[];
  open: number;
  writeBack: WriteBackSummary;
}

/**
 * `konnektor send`: read the ERP's unsent documents, build and check them, put the valid ones in the outbox, send,
 * follow them (with `wait`) and write each outcome back into the ERP.
 */
export async function runSend(opts: SendRunOptions): Promise<SendRunSummary> {
  // The batch is read, built, checked and queued a page at a time, and each page is sent while the next one is
  // read: memory stays flat for any batch size, and the first documents leave before the last are built. Offsets
  // stay valid because nothing is written back into the ERP until every page has been read.
  const pageSize = opts.pageSize ?? 100;
  // Only what the summary needs is kept of each page: the ETTNs to follow and the invalid documents' reasons.
  const report = { ettns: new Set<string>(), invalid: [] as SendRunSummary['invalid'], read: 0 };
  const kinds = opts.kinds ?? documentKinds;
  const { module } = opts.kind;
  const done = (e: { state: OutboxEntry['state']; kind: string; profile?: string }) => isTerminal(e.state, kinds.awaitsAnswer(e.kind, e.profile));
  const sendOptions = {
    store: opts.store,
    efatura: opts.efatura,
    earsiv: opts.earsiv,
    ...(opts.mustahsil ? { mustahsil: opts.mustahsil } : {}),
    ...(opts.esmm ? { esmm: opts.esmm } : {}),
    kinds,
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
    ...(opts.backoffMs !== undefined ? { backoffMs: opts.backoffMs } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  };
  for (let offset = 0; ; offset += pageSize) {
    const page = await exportDocuments({
      // A customer missing from the cached user list is asked of the integrator before it is routed.
      liveLookup: (vkn) => opts.efatura.registeredUser(vkn),
      ...opts.export,
      filter: { ...opts.export.filter, limit: pageSize, offset },
      store: opts.store,
      connections: opts.ctx.connections,
      connector: opts.connector,
      target: opts.target,
      kind: opts.kind,
      skip: (doc, key) => isInOutbox(opts.store, key.companyVkn, module, doc),
      onValid: (entry, xml) => enqueueValid(opts.store, module, entry, xml),
      onInvalid: (entry) => recordInvalid(opts.store, module, entry),
    });
    report.read += page.summary.documents;
    for (const d of page.documents) {
      report.ettns.add(d.ettn);
      if (!d.valid) report.invalid.push({ erpNumber: d.erpNumber, reasons: d.issues.map((i) => `${i.rule}: ${i.message}`) });
    }
    if (page.summary.valid > 0) await sendQueued(sendOptions);
    if (page.summary.read < pageSize) break;
  }
  // This run follows its own documents and any of this target left unfinished by an earlier (interrupted) run.
  const sameTarget = (e: { module: string; ref: { connector: string; database: string; firm?: string; period?: string } }) =>
    e.module === module &&
    e.ref.connector === opts.target.connector &&
    e.ref.database.toLowerCase() === (opts.target.database ?? '').toLowerCase() &&
    (e.ref.firm ?? '') === (opts.target.firm ?? '') &&
    (e.ref.period ?? '') === (opts.target.period ?? '');
  const unfinished = (await entriesIn(opts.store, ['queued', 'sent', 'processing', 'delivered'], undefined, { withXml: false })).filter((e) => sameTarget(e) && !done(e));
  const mine = new Set([...report.ettns, ...unfinished.map((e) => e.ettn)]);
  const deadline = Date.now() + (opts.deadlineMs ?? 10 * 60_000);
  const writeBack: WriteBackSummary = { written: 0, missing: [], errors: 0 };
  const addWriteBack = (w: WriteBackSummary) => {
    writeBack.written += w.written;
    writeBack.missing.push(...w.missing);
    writeBack.errors += w.errors;
  };
  const progress = async () => {
    const all = (await entriesIn(opts.store, ['queued', 'sent', 'processing', 'delivered', 'accepted', 'rejected', 'failed'], undefined, { withXml: false })).filter((e) => mine.has(e.ettn));
    const finished = all.filter((e) => (opts.wait ? done(e) : e.state !== 'queued')).length;
    opts.onEvent?.({ type: 'progress', done: finished, total: all.length });
    return { all, done: finished };
  };
  let all: Awaited<ReturnType<typeof progress>>['all'];
  for (;;) {
    await sendQueued(sendOptions);
    if (opts.wait) await pollStatuses({ store: opts.store, efatura: opts.efatura, earsiv: opts.earsiv, kinds });
    addWriteBack(await writeBackOutcomes(opts.store, opts.connector, opts.ctx, opts.target));
    const round = await progress();
    all = round.all;
    if (round.done === all.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, opts.pollIntervalMs ?? 2000));
  }
  const count = (s: string) => all.filter((e) => e.state === s).length;
  return {
    read: report.read,
    invalid: report.invalid,
    queued: count('queued'),
    sent: count('sent') + count('processing'),
    delivered: count('delivered'),
    accepted: count('accepted'),
    rejected: count('rejected'),
    failed: all
      .filter((e) => e.state === 'failed')
      .map((e) => ({ erpNumber: e.erpNumber, ...(e.number ? { number: e.number } : {}), ...(e.errorCode ?? e.gibCode ? { code: e.errorCode ?? e.gibCode } : {}), ...(e.errorDetail ?? e.gibMessage ? { reason: e.errorDetail ?? e.gibMessage } : {}) })),
    open: all.filter((e) => !done(e)).length,
    writeBack,
  };
}
