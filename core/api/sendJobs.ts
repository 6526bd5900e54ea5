import crypto from 'node:crypto';
import { actorOf, type Session } from '../auth';
import { errorSummary, isKonnektorError, KonnektorError } from '../errors';
import { createIntegratorClients } from '../integrator';
import { endpointsFromBase } from '../integrator/types';
import { logger } from '../logging';
import { runSend, type SendRunSummary } from '../outbox';
import { OUTBOX_STATES, isTerminal } from '../outbox/states';
import { entriesIn, transition } from '../outbox/store';
import type { ApiContext } from './context';
import { DOCUMENT_STATUSES, documentStatusOf, type DocumentStatus } from '../documents/documentStatus';
import { entryOfSession, isResendable, messageOf, prepareDocumentRun, sameTarget, type DocumentRow } from './documents';
import { moduleOf, type ParsedInput } from './input';
import { onlyDocuments } from './onlyDocuments';
import { renumberAfterProcessingError, type RenumberOutcome } from '../outbox/renumber';
import { companyVknOf } from './connection';
import { earsivPlaceOf, usesEarsivPlace } from './earsivPlace';
import { ownAliasListOf, senderAliasOf } from './ownAliases';

export { onlyDocuments };

export interface OutboxStatusReport {
  counts: Record<string, number>;
  documents: { module: string; erpNumber: string; number?: string; ettn: string; state: string; gibCode?: string; message?: string; updatedAt: string }[];
}

export interface SendJobView {
  jobId: string;
  state: 'running' | 'done' | 'failed';
  total: number;
  /** Documents of the job that reached a delivered (or final) state. */
  done: number;
  /** How many of the job's documents stand where: what "Gönderim tamamlandı" reports, never total/total. */
  counts: Record<DocumentStatus, number>;
  documents: { key: string; erpNumber: string; state: DocumentRow['state']; status: DocumentStatus; gibCode?: string; message?: string; detail?: string }[];
  summary?: unknown;
  error?: { code: string; message: string };
}

export interface SendJobHandlers {
  'documents.send'(input: ParsedInput<'documents.send'>): Promise<SendRunSummary>;
  'outbox.status'(input: ParsedInput<'outbox.status'>): Promise<OutboxStatusReport>;
  'session.send'(input: ParsedInput<'session.send'>): Promise<{ jobId: string; total: number }>;
  'session.resend'(input: ParsedInput<'session.resend'>): Promise<{ jobId: string; total: number }>;
  'session.renumber'(input: ParsedInput<'session.renumber'>): Promise<RenumberOutcome & { jobId: string; total: number }>;
  'session.job'(input: ParsedInput<'session.job'>): Promise<SendJobView>;
}

interface SendJob {
  id: string;
  sessionId: string;
  keys: string[];
  ettns: string[];
  state: SendJobView['state'];
  summary?: unknown;
  error?: { code: string; message: string };
}

/** How long a job started on the document screen waits for another send (the CLI's, another window's) to end. */
const SCREEN_JOB_LOCK_WAIT_MS = 30 * 60_000;

/**
 * Sending: the CLI's `send` (one run, waited for) and the document screen's jobs (started, then polled), both over
 * the same run of core/outbox: read, build, check, queue, send, follow, write back.
 */
export function createSendJobHandlers(ctx: ApiContext): SendJobHandlers {
  const { sd, sessions } = ctx;
  const jobs = new Map<string, SendJob>();

  const send = async (input: ParsedInput<'documents.send'>, lock?: { holder: string; waitMs: number }, companyVkn?: string): Promise<SendRunSummary> => {
    const { kind, target, connector, export: exportOptions } = await prepareDocumentRun(ctx, input);
    // e-Arşiv and e-MM are made under the portal record (sube/kasa) saved in the module's settings for the company.
    // e-Fatura and e-İrsaliye go out from the company's own GB alias chosen there.
    const company = usesEarsivPlace(kind) || ownAliasListOf(kind) ? (companyVkn ?? (await companyVknOf(ctx, kind.module, target))) : undefined;
    const place = usesEarsivPlace(kind) ? await earsivPlaceOf(ctx, kind.module, company) : undefined;
    const senderAlias = await senderAliasOf(ctx, kind.module, company);
    const clients = createIntegratorClients({
      ...(place ? { place } : {}),
      ...(senderAlias ? { senderAlias } : {}),
      endpoints: endpointsFromBase(input.integrator),
      // One wsLogin per half-hour session, shared with the account's other operations (QNB's usage rules).
      credentials: { user: input.user, password: input.password, auth: input.auth ?? 'wsLogin' },
      erpCode: input.erpCode ?? 'KONNEKTOR',
      ...(input.timeoutSec ? { timeoutMs: Math.round(input.timeoutSec * 1000) } : {}),
      ...(input.ratePerMinute ? { ratePerMinute: input.ratePerMinute } : {}),
    });
    try {
      return await runSend({
        store: await ctx.store(),
        ctx: ctx.erp,
        connector: input.refs ? onlyDocuments(connector, input.refs) : connector,
        target,
        kind,
        kinds: ctx.kinds,
        efatura: clients.efatura,
        earsiv: clients.earsiv,
        mustahsil: clients.mustahsil,
        esmm: clients.esmm,
        export: exportOptions,
        ...(input.wait ? { wait: true } : {}),
        ...(input.concurrency ? { concurrency: input.concurrency } : {}),
        ...(input.deadlineSec ? { deadlineMs: input.deadlineSec * 1000 } : {}),
        ...(input.pollIntervalMs ? { pollIntervalMs: input.pollIntervalMs } : {}),
        ...(input.retryBaseMs ? { backoffMs: input.retryBaseMs } : {}),
        ...(ctx.deps.onSendEvent ? { onEvent: ctx.deps.onSendEvent } : {}),
        // A command-line run stops at once when another send is under way; the screen's jobs wait their turn.
        lock: lock ?? { holder: ctx.deps.localActor ? `konnektor send (${ctx.deps.localActor.user})` : 'Konnektör', waitMs: 0 },
      });
    } finally {
      await clients.close();
    }
  };

  const startJob = (session: Session, keys: string[], ettns: string[]): { jobId: string; total: number } => {
    const module = session.module;
    if (session.erpPending) throw new KonnektorError('SETTINGS_ERP_PENDING', 'The session has no ERP target yet');
    ctx.kinds.outgoing(module); // MODULE_NOT_SUPPORTED before a job starts, not inside it
    const job: SendJob = { id: crypto.randomBytes(9).toString('base64url'), sessionId: session.id, keys, ettns, state: 'running' };
    jobs.set(job.id, job);
    const c = sessions.credentials(session.id);
    void send({
      target: session.target,
      module,
      integrator: session.integrator,
      user: c.user,
      password: c.password,
      refs: keys,
      wait: true,
      deadlineSec: sd.sendOptions?.deadlineSec ?? 120,
    }, { holder: `Belgeler ekranı (${session.user})`, waitMs: SCREEN_JOB_LOCK_WAIT_MS }, session.companyVkn)
      .then(
        (summary) => {
          job.summary = summary;
          job.state = 'done';
        },
        (e: unknown) => {
          logger.warn('send job failed', { jobId: job.id, module, code: isKonnektorError(e) ? e.code : 'UNEXPECTED', detail: e instanceof Error ? e.message : String(e) });
          job.state = 'failed';
          const { code, message } = errorSummary(e);
          job.error = { code, message };
        },
      )
      .finally(() => void ctx.staffAudit(session, 'documents.send', { after: { documents: keys.length + ettns.length, state: job.state } }).catch(() => undefined));
    return { jobId: job.id, total: keys.length + ettns.length };
  };

  return {
    'documents.send': send,

    async 'outbox.status'(input) {
      const module = input.module ? moduleOf(input.module) : undefined;
      const db = await ctx.store();
      const q = db('outbox').orderBy('id', 'desc').limit(input.limit ?? 1000);
      if (module) q.where('module', module);
      const rows = (await q) as Record<string, unknown>[];
      const counts: Record<string, number> = {};
      const countRows = (await db('outbox').modify((b) => { if (module) b.where('module', module); }).select('state').count({ n: '*' }).groupBy('state')) as { state: string; n: number }[];
      for (const r of countRows) counts[r.state] = Number(r.n);
      return {
        counts,
        documents: rows.map((r) => ({
          module: String(r.module),
          erpNumber: String(r.erp_number),
          ...(r.number ? { number: String(r.number) } : {}),
          ettn: String(r.ettn),
          state: String(r.state),
          ...(r.gib_code ? { gibCode: String(r.gib_code) } : {}),
          ...(r.error_detail ?? r.gib_message ? { message: String(r.error_detail ?? r.gib_message) } : {}),
          updatedAt: String(r.updated_at),
        })),
      };
    },

    async 'session.send'(input) {
      const session = sessions.require(input.sessionId);
      if (input.keys.length === 0) throw new KonnektorError('DOCUMENT_NOT_SELECTED', 'No documents selected');
      return startJob(session, input.keys, []);
    },

    async 'session.renumber'(input) {
      const session = sessions.require(input.sessionId);
      const entry = await entryOfSession(ctx, session, input.ettn);
      if (session.erpPending) throw new KonnektorError('SETTINGS_ERP_PENDING', 'The session has no ERP target yet');
      const outcome = await renumberAfterProcessingError(await ctx.store(), entry.ettn, actorOf(session).actor, ctx.now());
      await ctx.audit(session, 'documents.renumber', 'ok', { after: outcome });
      // Built again from the program's row with the new identity, then sent.
      return { ...outcome, ...startJob(session, [entry.ref.key], []) };
    },

    async 'session.resend'(input) {
      const session = sessions.require(input.sessionId);
      const db = await ctx.store();
      const entries = await Promise.all(input.ettns.map((ettn) => entryOfSession(ctx, session, ettn)));
      const refused = entries.find((e) => !isResendable(e));
      if (refused) throw new KonnektorError('DOCUMENT_NOT_RESENDABLE', `${refused.erpNumber} is ${refused.state}`, { value: refused.erpNumber });
      for (const e of entries) await transition(db, e.id, 'failed', 'queued', { attempts: 0, next_attempt_at: null }, `resend by ${actorOf(session).actor}`, ctx.now());
      return startJob(session, [], input.ettns);
    },

    async 'session.job'(input) {
      const session = sessions.require(input.sessionId);
      const job = jobs.get(input.jobId);
      if (!job || job.sessionId !== session.id) throw new KonnektorError('SEND_JOB_NOT_FOUND', `No job ${input.jobId}`);
      const keys = new Set(job.keys);
      const ettns = new Set(job.ettns);
      // Progress is polled often: read the outbox only, not the ERP's whole list; a key not there yet is unsent.
      const entries = (await entriesIn(await ctx.store(), OUTBOX_STATES, session.module, { withXml: false })).filter(
        (e) => sameTarget(e, session.module, session.target) && (keys.has(e.ref.key) || ettns.has(e.ettn)),
      );
      const seen = new Set(entries.map((e) => e.ref.key));
      const rows: SendJobView['documents'] = [
        ...entries.map((e) => ({
          key: e.ref.key,
          erpNumber: e.erpNumber,
          state: e.state,
          // A corrected document waiting to go (`pending`) is on its way once the job runs.
          status: job.state === 'running' && documentStatusOf(e.state) === 'unsent' ? ('inProgress' as const) : documentStatusOf(e.state),
          ...(e.gibCode ? { gibCode: e.gibCode } : {}),
          ...messageOf(e),
        })),
        // Not in the outbox yet: being read and checked. Once the job is over, one that never got there was not sent.
        ...job.keys.filter((k) => !seen.has(k)).map((k) => ({ key: k, erpNumber: '', state: 'unsent' as const, status: job.state === 'running' ? ('inProgress' as const) : ('unsent' as const) })),
      ];
      const counts = Object.fromEntries(DOCUMENT_STATUSES.map((st) => [st, 0])) as Record<DocumentStatus, number>;
      for (const r of rows) counts[r.status] += 1;
      const finished = (r: Pick<DocumentRow, 'state'>) => r.state !== 'unsent' && (r.state === 'delivered' || isTerminal(r.state));
      return {
        jobId: job.id,
        state: job.state,
        total: job.keys.length + job.ettns.length,
        done: rows.filter(finished).length,
        counts,
        documents: rows,
        ...(job.summary ? { summary: job.summary } : {}),
        ...(job.error ? { error: job.error } : {}),
      };
    },
  };
}
