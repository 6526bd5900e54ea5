import type { Knex } from 'knex';
import { listProfiles } from '../../db/profiles';
import { KonnektorError } from '../errors';
import { answerIncoming, type AnswerResult } from '../incoming/answer';
import { fetchIncoming, type IncomingFetchResult } from '../incoming/fetch';
import { incomingKindsOf, type IncomingKind } from '../incoming/kinds';
import { listIncoming, showIncoming, type IncomingRow } from '../incoming/list';
import { isModule } from '../modules';
import { normalizeTarget, type ErpTargetInput } from '../erp/target';
import { errorSummary } from '../errors';
import { syncIncomingToErp, type ErpWrite } from '../incoming/erp';
import { logger } from '../logging';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';
import { withIntegrator } from './integratorAccess';

export interface IncomingHandlers {
  'incoming.fetch'(input: ParsedInput<'incoming.fetch'>): Promise<IncomingFetchResult & { companyVkn: string; kind: string; erp?: ErpWrite }>;
  'incoming.list'(input: ParsedInput<'incoming.list'>): Promise<(IncomingRow & { companyVkn: string })[]>;
  'incoming.show'(input: ParsedInput<'incoming.show'>): Promise<Awaited<ReturnType<typeof showIncoming>> & { companyVkn: string }>;
  'incoming.answer'(input: ParsedInput<'incoming.answer'>): Promise<AnswerResult & { companyVkn: string; erp?: ErpWrite }>;
}

/** The module's incoming kind (e-Fatura: invoices); MODULE_NOT_SUPPORTED where Konnektör receives nothing yet. */
export function incomingKindOf(module: string): IncomingKind {
  if (!isModule(module)) throw new KonnektorError('MODULE_UNKNOWN', `Unknown module ${module}`, { value: module });
  const [kind] = incomingKindsOf(module);
  if (!kind) throw new KonnektorError('MODULE_NOT_SUPPORTED', `Konnektör receives no ${module} documents yet`, { value: module });
  return kind;
}

/** The company: the one given, or the only one with a saved profile of the module. */
async function companies(store: Knex, module: IncomingKind['module'], vkn: string | undefined): Promise<string[]> {
  if (vkn) return [vkn];
  const fromProfiles = [...new Set((await listProfiles(store, { module })).map((p) => p.companyVkn))];
  const fromDocuments = ((await store('incoming_documents').distinct('company_vkn')) as { company_vkn: string }[]).map((r) => r.company_vkn);
  return [...new Set([...fromProfiles, ...fromDocuments])];
}

async function oneCompany(store: Knex, kind: IncomingKind, vkn: string | undefined): Promise<string> {
  const all = await companies(store, kind.module, vkn);
  if (all.length === 1) return all[0]!;
  throw new KonnektorError('INPUT_INVALID', all.length === 0 ? 'No company known for this module: give --vkn' : `Several companies (${all.join(', ')}): give --vkn`, { value: 'vkn' });
}

/** Incoming documents: fetch from the integrator, list, show, answer (KABUL/RED). */
export function createIncomingHandlers(ctx: ApiContext): IncomingHandlers {
  /** With an accounting database named: its helper table catches up after the local commit (never undoing it). */
  const toErp = async (kind: IncomingKind, companyVkn: string, input: ErpTargetInput | undefined): Promise<ErpWrite | undefined> => {
    if (!input) return undefined;
    try {
      const target = normalizeTarget(input);
      const connector = ctx.connectors.get(target.connector);
      if (!connector.incoming) return undefined;
      return await syncIncomingToErp({ store: await ctx.store(), kind, companyVkn, connector, ctx: ctx.erp, target, now: ctx.now() });
    } catch (e) {
      const { code, message, detail } = errorSummary(e);
      logger.warn('incoming documents not written to the ERP helper table', { code, detail });
      return { written: 0, error: { code, message } };
    }
  };

  return {
    async 'incoming.fetch'(input) {
      const kind = incomingKindOf(input.module);
      const store = await ctx.store();
      const companyVkn = await oneCompany(store, kind, input.vkn);
      const validator = await ctx.validator();
      const result = await withIntegrator(input, (clients) => fetchIncoming({ store, client: clients.incoming, kind, companyVkn, validator, now: ctx.now, lock: { holder: `gelen belge alımı (${input.user})` } }));
      const erp = await toErp(kind, companyVkn, input.target);
      return { ...result, companyVkn, kind: kind.id, ...(erp ? { erp } : {}) };
    },
    async 'incoming.list'(input) {
      const kind = incomingKindOf(input.module);
      const store = await ctx.store();
      const rows: (IncomingRow & { companyVkn: string })[] = [];
      for (const companyVkn of await companies(store, kind.module, input.vkn)) {
        const list = await listIncoming(
          store,
          kind,
          companyVkn,
          {
            ...(input.from ? { from: input.from } : {}),
            ...(input.to ? { to: input.to } : {}),
            ...(input.sender ? { sender: input.sender } : {}),
            ...(input.state ? { state: input.state } : {}),
            ...(input.dueWithinDays !== undefined ? { dueWithinDays: input.dueWithinDays } : {}),
            ...(input.limit ? { limit: input.limit } : {}),
          },
          ctx.now(),
        );
        rows.push(...list.map((r) => ({ ...r, companyVkn })));
      }
      return rows;
    },
    async 'incoming.show'(input) {
      const kind = incomingKindOf(input.module);
      const store = await ctx.store();
      const companyVkn = await companyOf(store, kind, input.ettn, input.vkn);
      return { ...(await showIncoming(store, kind, companyVkn, input.ettn, ctx.now())), companyVkn };
    },
    async 'incoming.answer'(input) {
      const kind = incomingKindOf(input.module);
      const store = await ctx.store();
      const companyVkn = await companyOf(store, kind, input.ettn, input.vkn);
      const validator = await ctx.validator();
      const result = await withIntegrator(input, (clients) =>
        answerIncoming({
          store,
          kind,
          companyVkn,
          ettn: input.ettn,
          choice: input.answer,
          ...(input.reason !== undefined ? { reason: input.reason } : {}),
          ...(input.lines ? { lines: input.lines.map((l) => ({ ...l })) } : {}),
          ...(input.lateDelivery !== undefined ? { lateDelivery: input.lateDelivery } : {}),
          actor: input.actor ?? input.user,
          efatura: clients.efatura,
          validator,
          now: ctx.now,
        }),
      );
      const erp = await toErp(kind, companyVkn, input.target);
      return { ...result, companyVkn, ...(erp ? { erp } : {}) };
    },
  };
}

/** The company that received a document (an ETTN is unique enough; --vkn narrows it). */
async function companyOf(store: Knex, kind: IncomingKind, ettn: string, vkn: string | undefined): Promise<string> {
  const q = store('incoming_documents').where({ kind: kind.id, ettn: ettn.toLowerCase() }).select('company_vkn');
  if (vkn) q.where('company_vkn', vkn);
  const rows = (await q) as { company_vkn: string }[];
  if (rows.length === 0) throw new KonnektorError('INCOMING_NOT_FOUND', `No incoming document ${ettn}`, { value: ettn });
  return rows[0]!.company_vkn;
}
