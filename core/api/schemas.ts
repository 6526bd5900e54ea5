import { z } from 'zod';
import { isCalendarDate } from '../time';
import { erpTargetInputSchema } from '../erp/target';
import { yearendSchemas } from './yearendSchemas';
import { edefterSchemas } from './edefterSchemas';
import { sessionSchemas } from './sessionSchemas';
import { integratorAccessSchema } from './integratorAccess';
import { incomingSessionSchemas } from './incomingSessionSchemas';
import { aliasChoiceSchemas } from './aliasChoiceSchemas';

/** Input schemas of every KonnektorApi method: the IPC bridge, the browser bridge and the CLI all validate with these. */
/** A YYYY-MM-DD day that exists in the calendar; anything else is ERP_DATE_INVALID (core/api/input.ts), not INPUT_INVALID. */
const isoDate = z.string().refine(isCalendarDate, { params: { konnektorCode: 'ERP_DATE_INVALID' } });

export const apiSchemas = {
  /** The window's first call: how far the start-up has got (answered while the rest of the API is not there yet). */
  'app.startup': z.object({}).strict(),
  'connectors.list': z.object({}).strict(),
  'erp.listDatabases': z.object({ connector: z.string().min(1), server: z.string().min(1) }).strict(),
  'erp.listFirmPeriods': z.object({ target: erpTargetInputSchema }).strict(),
  'erp.testConnection': z.object({ target: erpTargetInputSchema, module: z.string().min(1) }).strict(),
  'documents.listOutgoing': z
    .object({
      target: erpTargetInputSchema,
      module: z.string().min(1),
      from: z.string().optional(),
      to: z.string().optional(),
      limit: z.number().int().min(1).max(100000).optional(),
      offset: z.number().int().min(0).optional(),
    })
    .strict(),
  'demo.init': z
    .object({
      dir: z.string().min(1),
      invoices: z.number().int().min(1).max(1_000_000).optional(),
      seed: z.number().int().optional(),
      year: z.number().int().min(2000).max(2100).optional(),
      force: z.boolean().optional(),
      /** With a past `year`: open the Logo periods of the years since (the year-end wizard then has one to propose). */
      openFollowingYears: z.boolean().optional(),
      /** Where SoftHSM2 is installed: a token with a self-issued e-Defter test seal and edefter-token.json. */
      edefterToken: z.boolean().optional(),
    })
    .strict(),
  'documents.export': z
    .object({
      target: erpTargetInputSchema,
      module: z.string().min(1),
      outDir: z.string().min(1),
      prefix: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      iban: z.string().optional(),
      /** The company's own view stylesheet (XSLT 1.0) instead of Konnektör's default. */
      viewXslt: z.string().optional(),
    })
    .strict(),
  'documents.send': z
    .object({
      target: erpTargetInputSchema,
      /** Only these ERP documents (keys of the document screen's selection); every unsent one when absent. */
      refs: z.array(z.string().min(1).max(256)).max(100_000).optional(),
      module: z.string().min(1),
      integrator: z.string().min(1),
      user: z.string().min(1),
      password: z.string().min(1),
      erpCode: z.string().optional(),
      auth: z.enum(['usernameToken', 'wsLogin']).optional(),
      prefix: z.string().optional(),
      from: z.string().optional(),
      to: z.string().optional(),
      iban: z.string().optional(),
      wait: z.boolean().optional(),
      concurrency: z.number().int().min(1).max(32).optional(),
      ratePerMinute: z.number().int().min(1).max(10000).optional(),
      deadlineSec: z.number().int().min(1).optional(),
      /** How long one integrator call may take before it counts as a (transient) timeout. */
      timeoutSec: z.number().min(0.1).max(600).optional(),
      /** Pause between status rounds while waiting (default 2 s). */
      pollIntervalMs: z.number().int().min(10).max(600_000).optional(),
      /** First retry delay after a transient fault; doubles each attempt (default 2 s). */
      retryBaseMs: z.number().int().min(1).max(600_000).optional(),
    })
    .strict(),
  'documents.cancel': z
    .object({
      ettn: z.string().uuid(),
      /** Why (required for e-Arşiv): kept in the document's history and the audit log. */
      reason: z.string().max(2000).optional(),
      /** The ERP target to write the cancellation back into; without it the next send or status run writes it. */
      target: erpTargetInputSchema.optional(),
      ...integratorAccessSchema,
    })
    .strict(),
  'documents.undoCancel': z.object({ ettn: z.string().uuid(), ...integratorAccessSchema }).strict(),
  'documents.reportStatus': z.object({ ettn: z.string().uuid(), ...integratorAccessSchema }).strict(),
  'outbox.status': z.object({ module: z.string().optional(), limit: z.number().int().min(1).max(100000).optional() }).strict(),
  'documents.validate': z.object({ files: z.array(z.string().min(1)).min(1), type: z.enum(['efatura', 'earchive']).optional() }).strict(),
  'documents.preview': z.object({ file: z.string().min(1), defaultView: z.boolean().optional() }).strict(),
  'registry.import': z.object({ file: z.string().min(1) }).strict(),
  /** `konnektor gib install`: GİB's official zips (files or https URLs); GİB's published ones when absent. */
  'gib.install': z.object({ sources: z.array(z.string().min(1).max(2048)).max(8).optional() }).strict(),
  'registry.sync': z
    .object({
      ...integratorAccessSchema,
      /** Refuse a refresh that would drop more than this share of the cached taxpayers (default 0.1). */
      maxDropShare: z.number().min(0).max(1).optional(),
    })
    .strict(),
  'registry.status': z.object({}).strict(),
  /** The list refreshed now (otherwise daily in the background) with the saved e-Fatura account. */
  'registry.refresh': z.object({}).strict(),
  /** When the list was last refreshed, with what outcome, and when the next refresh is due. */
  'registry.refreshStatus': z.object({}).strict(),
  'incoming.fetch': z
    .object({
      module: z.string().min(1),
      ...integratorAccessSchema,
      /** The accounting database whose helper table KNK_GELEN_BELGE receives the documents after the local commit. */
      target: erpTargetInputSchema.optional(),
    })
    .strict(),
  'incoming.list': z
    .object({
      module: z.string().min(1),
      vkn: integratorAccessSchema.vkn,
      from: isoDate.optional(),
      to: isoDate.optional(),
      sender: z.string().max(200).optional(),
      state: z.enum(['received', 'invalid', 'answering', 'answered']).optional(),
      dueWithinDays: z.number().int().min(0).max(30).optional(),
      limit: z.number().int().min(1).max(100_000).optional(),
    })
    .strict(),
  'incoming.show': z.object({ module: z.string().min(1), ettn: z.string().uuid(), vkn: integratorAccessSchema.vkn }).strict(),
  'incoming.answer': z
    .object({
      module: z.string().min(1),
      ettn: z.string().uuid(),
      /** KABUL/RED for an invoice; KABUL (received in full) or KISMI (with lines) for a despatch. */
      answer: z.enum(['KABUL', 'RED', 'KISMI']),
      reason: z.string().max(1000).optional(),
      /** A despatch answer's per-line quantities (decimal strings) and reasons. */
      lines: z
        .array(
          z
            .object({
              lineId: z.string().min(1).max(20),
              received: z.string().max(30).optional(),
              short: z.string().max(30).optional(),
              rejected: z.string().max(30).optional(),
              rejectReason: z.string().max(500).optional(),
              oversupply: z.string().max(30).optional(),
            })
            .strict(),
        )
        .max(10_000)
        .optional(),
      lateDelivery: z.string().max(500).optional(),
      actor: z.string().max(128).optional(),
      ...integratorAccessSchema,
      /** The accounting database whose KNK_GELEN_BELGE row is updated after the answer. */
      target: erpTargetInputSchema.optional(),
    })
    .strict(),
  'registry.chooseAlias': z.object({ identifier: z.string().min(10).max(11), alias: z.string().min(1), actor: z.string().min(1) }).strict(),
  ...yearendSchemas,
  ...edefterSchemas,
  ...sessionSchemas,
  ...incomingSessionSchemas,
  ...aliasChoiceSchemas,
} as const;

export type ApiMethod = keyof typeof apiSchemas;
export type ApiInput<M extends ApiMethod> = z.input<(typeof apiSchemas)[M]>;
export { isoDate };
