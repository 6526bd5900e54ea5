import { entriesIn } from '../outbox/store';
import { OUTBOX_STATES } from '../outbox/states';
import { KonnektorError, isKonnektorError } from '../errors';
import type { ErpTarget } from '../erp/target';
import type { Module } from '../modules';
import { connectorFor, liveTarget, shownTarget } from './detect';
import { listYearProfiles } from './apply';
import { listProfiles } from '../../db/profiles';
import { recipientDirectory } from '../../db/registry';
import type { YearEndContext } from './types';
import { documentKinds } from '../documents/kinds';

export interface YearDocument {
  key: string;
  erpNumber: string;
  issueDate?: string;
  /** `unsent` while only the accounting program knows it; otherwise its outbox state. */
  state: string;
  ettn?: string;
  number?: string;
  gibCode?: string;
  updatedAt?: string;
}

export interface YearDocuments {
  module: Module;
  fiscalYear: number;
  target: ErpTarget;
  documents: YearDocument[];
  /** The accounting program could not be read; the outbox's documents are still listed. */
  erpError?: { code: string; message: string };
}

const sameDatabase = (a: string | undefined, b: string | undefined) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/**
 * The documents of one fiscal year of a module, through that year's own profile: after a year-end last year's
 * documents stay listable — those already in the outbox with their latest status, and those still unsent in the ERP.
 */
export async function listYearDocuments(ctx: YearEndContext, scope: { module: Module; companyVkn?: string; branch?: string; fiscalYear: number }): Promise<YearDocuments> {
  const shown = (await listYearProfiles(ctx, scope)).find((p) => p.fiscalYear === scope.fiscalYear);
  if (!shown) throw new KonnektorError('YEAREND_PROFILE_NOT_FOUND', `No ${scope.module} profile for ${scope.fiscalYear}`, { value: String(scope.fiscalYear) });
  const profile = (await listProfiles(ctx.store, { module: scope.module })).find((p) => p.id === shown.id)!;
  const t = profile.target;
  const entries = (await entriesIn(ctx.store, OUTBOX_STATES, scope.module, { withXml: false })).filter(
    (e) =>
      e.companyVkn === profile.companyVkn &&
      e.ref.connector === t.connector &&
      sameDatabase(e.ref.database, t.database) &&
      (e.ref.firm ?? '') === (t.firm ?? '') &&
      (e.ref.period ?? '') === (t.period ?? ''),
  );
  const documents: YearDocument[] = entries.map((e) => ({
    key: e.ref.key,
    erpNumber: e.erpNumber,
    state: e.state,
    ettn: e.ettn,
    ...(e.number ? { number: e.number } : {}),
    ...(e.gibCode ? { gibCode: e.gibCode } : {}),
    updatedAt: e.updatedAt,
  }));
  const result: YearDocuments = { module: scope.module, fiscalYear: profile.fiscalYear, target: shownTarget(t), documents };
  try {
    const connector = connectorFor(ctx, t.connector);
    if ((ctx.kinds ?? documentKinds).readableBy(connector, scope.module).some((k) => k.direction === 'outgoing')) {
      const known = new Set(entries.map((e) => e.ref.key));
      const unsent = await connector.readOutgoing({ connections: ctx.connections, recipients: recipientDirectory(() => ctx.store) }, await liveTarget(ctx, profile), scope.module);
      for (const d of unsent) {
        if (known.has(d.ref.key)) continue;
        documents.push({ key: d.ref.key, erpNumber: d.erpNumber, issueDate: d.issueDate, state: 'unsent' });
      }
    }
  } catch (e) {
    result.erpError = isKonnektorError(e) ? { code: e.code, message: e.userMessage } : { code: 'UNEXPECTED', message: String(e) };
  }
  return result;
}
