import { appendAudit } from '../../db/audit';
import { actorOf, type Actor } from '../auth';
import { errorSummary } from '../errors';
import { normalizeTarget } from '../erp/target';
import { createIntegratorClients } from '../integrator';
import { endpointsFromBase } from '../integrator/types';
import { CANCEL_REASON_MAX, cancelDocument, reportStatusOf, undoCancellation, type CancellationOutcome, type ReportStatus } from '../outbox/cancellation';
import { writeBackOutcomes } from '../outbox/writeback';
import type { ErpTarget } from '../erp/target';
import type { ApiContext } from './context';
import { entryOfSession } from './documents';
import type { ParsedInput } from './input';
import { withIntegrator } from './integratorAccess';

export { CANCEL_REASON_MAX };

/**
 * Delivered documents the issuer may take back — e-Arşiv invoices (faturaIptalEt), e-MM and e-SMM receipts: cancel
 * within the legal window (e-Arşiv: with a reason, and never once the invoice is in a report sent to GİB), undo a
 * cancellation, and the GİB report status of one document. After a cancellation the outcome is written back into
 * the ERP row when the call names (or the session has) the ERP target.
 */
export interface ReceiptHandlers {
  'documents.cancel'(input: ParsedInput<'documents.cancel'>): Promise<CancellationOutcome>;
  'documents.undoCancel'(input: ParsedInput<'documents.undoCancel'>): Promise<CancellationOutcome>;
  'documents.reportStatus'(input: ParsedInput<'documents.reportStatus'>): Promise<ReportStatus>;
  /** The document screen: cancel the focused document with the session's integrator account. */
  'session.cancel'(input: ParsedInput<'session.cancel'>): Promise<CancellationOutcome>;
  /** The document screen: whether the focused document (and its cancellation) is in a report sent to GİB. */
  'session.reportStatus'(input: ParsedInput<'session.reportStatus'>): Promise<ReportStatus>;
}

export function createReceiptHandlers(ctx: ApiContext): ReceiptHandlers {
  const run = async <T>(input: ParsedInput<'documents.undoCancel'>, fn: typeof undoCancellation | typeof reportStatusOf): Promise<T> => {
    const store = await ctx.store();
    return withIntegrator(input, (clients) => fn({ store, kinds: ctx.kinds, services: clients, now: ctx.now }, input.ettn) as Promise<T>);
  };

  /** Writes the cancellation (and any other pending outcome of the program) back into the ERP. */
  const writeBack = async (target: ErpTarget | undefined): Promise<number | undefined> => {
    if (!target) return undefined;
    const connector = ctx.connectors.get(target.connector);
    const summary = await writeBackOutcomes(await ctx.store(), connector, ctx.erp, target);
    return summary.written;
  };

  const audited = async (who: Actor, module: string | undefined, ettn: string, work: () => Promise<CancellationOutcome>) => {
    const store = await ctx.store();
    try {
      const outcome = await work();
      await appendAudit(store, { ...who, action: 'documents.cancel', ...(module ? { module } : {}), after: { ettn, reason: outcome.reason ?? null, state: outcome.state }, outcome: 'ok' }, ctx.now());
      return outcome;
    } catch (e) {
      await appendAudit(store, { ...who, action: 'documents.cancel', ...(module ? { module } : {}), after: { ettn }, outcome: 'failed', detail: errorSummary(e).code }, ctx.now()).catch(() => undefined);
      throw e;
    }
  };

  return {
    async 'documents.cancel'(input) {
      // The ERP target is checked before the integrator is asked anything: a bad code changes nothing.
      const target = input.target ? normalizeTarget(input.target) : undefined;
      const who: Actor = { actor: ctx.deps.localActor?.user ?? input.user, staff: false };
      return audited(who, undefined, input.ettn, async () => {
        const store = await ctx.store();
        const outcome = await withIntegrator(input, (clients) => cancelDocument({ store, kinds: ctx.kinds, services: clients, now: ctx.now }, input.ettn, input.reason));
        const written = await writeBack(target);
        return { ...outcome, ...(written !== undefined ? { writtenBack: written } : {}) };
      });
    },
    'documents.undoCancel': (input) => run(input, undoCancellation),
    'documents.reportStatus': (input) => run(input, reportStatusOf),

    async 'session.cancel'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const entry = await entryOfSession(ctx, session, input.ettn);
      return audited(actorOf(session), session.module, entry.ettn, async () => {
        const c = ctx.sessions.credentials(session.id);
        const clients = createIntegratorClients({ endpoints: endpointsFromBase(session.integrator), credentials: { user: c.user, password: c.password, auth: 'wsLogin' }, erpCode: 'KONNEKTOR' });
        try {
          const outcome = await cancelDocument({ store: await ctx.store(), kinds: ctx.kinds, services: clients, now: ctx.now }, entry.ettn, input.reason);
          const written = session.erpPending ? undefined : await writeBack(session.target);
          return { ...outcome, ...(written !== undefined ? { writtenBack: written } : {}) };
        } finally {
          await clients.close();
        }
      });
    },

    async 'session.reportStatus'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const entry = await entryOfSession(ctx, session, input.ettn);
      const c = ctx.sessions.credentials(session.id);
      const store = await ctx.store();
      await ctx.staffAudit(session, 'documents.reportStatus', { after: { ettn: entry.ettn } });
      return withIntegrator({ integrator: session.integrator, user: c.user, password: c.password }, (clients) =>
        reportStatusOf({ store, kinds: ctx.kinds, services: clients, now: ctx.now }, entry.ettn),
      );
    },
  };
}
