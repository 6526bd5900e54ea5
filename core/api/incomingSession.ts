import { actorOf, type Session } from '../auth';
import { renderInvoiceHtml } from '../documents/preview';
import { errorSummary, isKonnektorError, KonnektorError } from '../errors';
import { syncIncomingToErp, type ErpWrite } from '../incoming/erp';
import { answerIncoming, type AnswerResult } from '../incoming/answer';
import { fetchIncoming, type IncomingFetchResult } from '../incoming/fetch';
import type { IncomingKind } from '../incoming/kinds';
import { listIncoming, showIncoming, type IncomingRow } from '../incoming/list';
import { logger } from '../logging';
import type { ApiContext } from './context';
import type { DocumentPreview } from './documents';
import { incomingKindOf } from './incoming';
import { dateOf, type ParsedInput } from './input';
import { withIntegrator } from './integratorAccess';

/**
 * The Gelen Belgeler screen: the session's company's incoming documents of the session's module — list with filters,
 * "Yeni Belgeleri Al", preview through the document's own view, XML download, KABUL/RED. The session decides the
 * company (its VKN), the integrator account and the module; the work is core/incoming's, as for the command line.
 */
export interface IncomingSessionHandlers {
  'session.incoming'(input: ParsedInput<'session.incoming'>): Promise<IncomingRow[]>;
  'session.incomingFetch'(input: ParsedInput<'session.incomingFetch'>): Promise<IncomingFetchResult & { erp?: ErpWrite }>;
  'session.incomingPreview'(input: ParsedInput<'session.incomingPreview'>): Promise<DocumentPreview>;
  'session.incomingXml'(input: ParsedInput<'session.incomingXml'>): Promise<{ fileName: string; xml: string }>;
  'session.incomingAnswer'(input: ParsedInput<'session.incomingAnswer'>): Promise<AnswerResult & { erp?: ErpWrite }>;
}


/** The session's module's incoming kind and its company; nothing is read for a session without a company VKN. */
function scopeOf(session: Session): { kind: IncomingKind; companyVkn: string } {
  const kind = incomingKindOf(session.module);
  if (!session.companyVkn) throw new KonnektorError('INCOMING_COMPANY_UNKNOWN', `session of ${session.user} has no company VKN`);
  return { kind, companyVkn: session.companyVkn };
}

export function createIncomingSessionHandlers(ctx: ApiContext): IncomingSessionHandlers {
  const integratorOf = (session: Session) => {
    const c = ctx.sessions.credentials(session.id);
    return { integrator: session.integrator, user: c.user, password: c.password };
  };

  /** After the local commit: the session's program's helper table catches up; its failure never undoes the commit. */
  const toErp = async (session: Session, kind: IncomingKind, companyVkn: string): Promise<ErpWrite | undefined> => {
    if (session.erpPending) return undefined;
    const connector = ctx.connectors.get(session.target.connector);
    if (!connector.incoming) return undefined;
    try {
      return await syncIncomingToErp({ store: await ctx.store(), kind, companyVkn, connector, ctx: ctx.erp, target: session.target, now: ctx.now() });
    } catch (e) {
      const { code, message, detail } = errorSummary(e);
      logger.warn('incoming documents not written to the ERP helper table', { connector: connector.id, code, detail });
      return { written: 0, error: { code, message } };
    }
  };

  return {
    async 'session.incoming'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { kind, companyVkn } = scopeOf(session);
      const from = dateOf(input.from || undefined);
      const to = dateOf(input.to || undefined);
      const sender = input.sender?.trim();
      const rows = await listIncoming(
        await ctx.store(),
        kind,
        companyVkn,
        {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(sender ? { sender } : {}),
          ...(input.state ? { state: input.state } : {}),
          ...(input.dueWithinDays !== undefined ? { dueWithinDays: input.dueWithinDays } : {}),
        },
        ctx.now(),
      );
      await ctx.staffAudit(session, 'incoming.list', { after: { rows: rows.length } });
      return rows;
    },

    async 'session.incomingFetch'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { kind, companyVkn } = scopeOf(session);
      const store = await ctx.store();
      const validator = await ctx.validator();
      try {
        const result = await withIntegrator(integratorOf(session), (clients) =>
          fetchIncoming({ store, client: clients.incoming, kind, companyVkn, validator, now: ctx.now, lock: { holder: `Gelen Belgeler ekranı (${session.user})` } }),
        );
        await ctx.audit(session, 'incoming.fetch', 'ok', { after: { stored: result.stored, invalid: result.invalid } });
        const erp = await toErp(session, kind, companyVkn);
        return { ...result, ...(erp ? { erp } : {}) };
      } catch (e) {
        await ctx.audit(session, 'incoming.fetch', 'failed', { detail: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    },

    async 'session.incomingPreview'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { kind, companyVkn } = scopeOf(session);
      const doc = await showIncoming(await ctx.store(), kind, companyVkn, input.ettn, ctx.now());
      await ctx.staffAudit(session, 'incoming.preview', { after: { ettn: doc.ettn } });
      const problems = doc.problems.map((p) => ({ source: p.source, rule: p.rule, message: p.message }));
      if (doc.xml.length === 0 || problems.some((p) => p.rule === 'XML_NOT_WELL_FORMED')) return { problems };
      try {
        // The sender's own view stylesheet, in the same sandbox as every preview; Konnektör's view when it has none.
        return { html: await renderInvoiceHtml(doc.xml), ...(problems.length ? { problems } : {}) };
      } catch (e) {
        if (!isKonnektorError(e)) throw e;
        logger.warn('incoming preview failed', { ettn: doc.ettn, code: e.code, detail: e.message });
        return { problems: [...problems, { source: 'view', rule: e.code, message: e.userMessage }] };
      }
    },

    async 'session.incomingXml'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { kind, companyVkn } = scopeOf(session);
      const doc = await showIncoming(await ctx.store(), kind, companyVkn, input.ettn, ctx.now());
      if (doc.xml.length === 0) throw new KonnektorError('INCOMING_NO_CONTENT', `incoming ${doc.ettn} came without content`, { value: doc.ettn });
      await ctx.staffAudit(session, 'incoming.exportXml', { after: { ettn: doc.ettn } });
      return { fileName: `${doc.number ?? 'gelen'}_${doc.ettn}.xml`.replace(/[^A-Za-z0-9_.-]/g, '_'), xml: doc.xml };
    },

    async 'session.incomingAnswer'(input) {
      const session = ctx.sessions.require(input.sessionId);
      const { kind, companyVkn } = scopeOf(session);
      const store = await ctx.store();
      const validator = await ctx.validator();
      try {
        const result = await withIntegrator(integratorOf(session), (clients) =>
          answerIncoming({
            store,
            kind,
            companyVkn,
            ettn: input.ettn,
            choice: input.answer,
            ...(input.reason !== undefined ? { reason: input.reason } : {}),
            actor: actorOf(session).actor,
            efatura: clients.efatura,
            validator,
            now: ctx.now,
          }),
        );
        await ctx.audit(session, 'incoming.answer', 'ok', { after: { ettn: result.ettn, answer: result.answer, number: result.answerNumber } });
        const erp = await toErp(session, kind, companyVkn);
        return { ...result, ...(erp ? { erp } : {}) };
      } catch (e) {
        await ctx.audit(session, 'incoming.answer', 'failed', { detail: e instanceof Error ? e.message : String(e) });
        throw e;
      }
    },
  };
}
