import { z } from 'zod';
import { STATUS_FILTERS } from '../documents/documentStatus';

/**
 * Inputs of the login, document-screen, settings and diagnostics methods. Every method after login names its
 * session; the session says which module, ERP target and integrator account the call acts for.
 */
const sessionId = z.string().min(1).max(128);
const date = z.string().max(10).optional();
/** What the login form sends: any field may be empty, each gets its own message (core/api/session.ts). */
const formTarget = z
  .object({
    connector: z.string().max(64),
    server: z.string().max(1024),
    database: z.string().max(256),
    firm: z.string().max(16),
    period: z.string().max(16),
    /** Mikro: the fiscal year inside the company database. */
    fiscalYear: z.union([z.string().max(8), z.number().int()]),
    branch: z.string().max(32),
  })
  .partial()
  .strict();

export const sessionSchemas = {
  'session.defaults': z.object({ module: z.string().min(1) }).strict(),
  'session.login': z
    .object({
      module: z.string().min(1),
      /** Integrator user and password; with `staff`, the support member's own credentials. */
      user: z.string().max(128),
      password: z.string().max(256),
      staff: z.boolean().optional(),
      /** Integrator base URL; the module's saved settings or the embedded default when absent. */
      integrator: z.string().max(512).optional(),
      target: formTarget,
    })
    .strict(),
  'session.get': z.object({ sessionId }).strict(),
  'session.logout': z.object({ sessionId }).strict(),
  'session.status': z.object({ sessionId }).strict(),
  'session.documents': z
    .object({
      sessionId,
      from: date,
      to: date,
      status: z.enum(STATUS_FILTERS).optional(),
      customer: z.string().max(200).optional(),
    })
    .strict(),
  'session.send': z.object({ sessionId, keys: z.array(z.string().min(1).max(256)).max(100_000) }).strict(),
  'session.resend': z.object({ sessionId, ettns: z.array(z.string().uuid()).min(1).max(10_000) }).strict(),
  /** durum 2 (the integrator's processing error): the user's explicit choice to send the document under a new number and ETTN. */
  'session.renumber': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  'session.job': z.object({ sessionId, jobId: z.string().min(1).max(64) }).strict(),
  'session.history': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  /** e-Arşiv (and receipts): cancel a delivered document with a reason; refused once it is in a GİB report. */
  'session.cancel': z.object({ sessionId, ettn: z.string().uuid(), reason: z.string().max(2000) }).strict(),
  'session.reportStatus': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  /** Bağlantı Ayarları: the registered-user list refreshed now with the session's integrator account. */
  'session.registryRefresh': z.object({ sessionId }).strict(),
  'session.preview': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  'session.exportXml': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  'session.previewPdf': z.object({ sessionId, ettn: z.string().uuid() }).strict(),
  'settings.get': z.object({ sessionId }).strict(),
  'settings.test': z
    .object({ sessionId, target: formTarget, integrator: z.string().max(512).optional() })
    .strict(),
  'settings.save': z
    .object({
      sessionId,
      target: formTarget,
      /** Staff sessions only: the integrator address is not the customer's to change. */
      integrator: z.string().max(512).optional(),
      /** Warn in the status bar when the kontör balance falls below this (0 or absent: never). */
      kontorThreshold: z.number().int().min(0).max(10_000_000).optional(),
      /** e-Arşiv / e-MM: the portal's sube and kasa (core/integrator/earsivPlace.ts checks the codes). */
      earsivPlace: z.object({ branch: z.string().max(64), till: z.string().max(64) }).strict().optional(),
      /** e-Fatura / e-İrsaliye: the company's own GB alias to send from (one of its entries on GİB's list). */
      senderAlias: z.string().max(256).optional(),
    })
    .strict(),
  /** "Firma/Dönem Ara" / "Veri tabanı Ara" in Bağlantı Ayarları, on the typed server or the session's own. */
  'settings.search': z.object({ sessionId, kind: z.enum(['firm-period', 'database']), target: formTarget }).strict(),
  'diagnostics.logs': z.object({ sessionId, lines: z.number().int().min(1).max(5000).optional() }).strict(),
  'diagnostics.audit': z.object({ sessionId, limit: z.number().int().min(1).max(1000).optional() }).strict(),
} as const;
