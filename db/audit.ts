import type { Knex } from 'knex';
import { redact } from '../core/logging';

export interface AuditEntry {
  actor: string;
  staff?: boolean;
  action: string;
  module?: string;
  before?: unknown;
  after?: unknown;
  outcome: 'ok' | 'failed' | 'cancelled';
  detail?: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: string;
}

/** Appends one entry; secrets in `before`/`after` are redacted before they are stored. Entries are never updated. */
export async function appendAudit(db: Knex, entry: AuditEntry, now = new Date()): Promise<number> {
  const [id] = await db('audit_log').insert({
    at: now.toISOString(),
    actor: entry.actor,
    staff: entry.staff ?? false,
    action: entry.action,
    module: entry.module ?? null,
    before_json: entry.before === undefined ? null : JSON.stringify(redact(entry.before)),
    after_json: entry.after === undefined ? null : JSON.stringify(redact(entry.after)),
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  });
  return Number(id);
}

export async function listAudit(db: Knex, limit = 100): Promise<AuditRecord[]> {
  const rows = (await db('audit_log').select('*').orderBy('id', 'desc').limit(limit)) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: Number(r.id),
    at: String(r.at),
    actor: String(r.actor),
    staff: Boolean(r.staff),
    action: String(r.action),
    ...(r.module ? { module: String(r.module) } : {}),
    ...(r.before_json ? { before: JSON.parse(String(r.before_json)) } : {}),
    ...(r.after_json ? { after: JSON.parse(String(r.after_json)) } : {}),
    outcome: r.outcome as AuditEntry['outcome'],
    ...(r.detail ? { detail: String(r.detail) } : {}),
  }));
}
