import fs from 'node:fs';
import path from 'node:path';
import { listAudit, type AuditRecord } from '../../db/audit';
import type { ApiContext } from './context';
import type { ParsedInput } from './input';

export interface DiagnosticsHandlers {
  'diagnostics.logs'(input: ParsedInput<'diagnostics.logs'>): Promise<{ file?: string; lines: string[] }>;
  'diagnostics.audit'(input: ParsedInput<'diagnostics.audit'>): Promise<AuditRecord[]>;
}

/** The staff-only views: the newest rotating log file and the audit trail, each view itself audited. */
export function createDiagnosticsHandlers(ctx: ApiContext): DiagnosticsHandlers {
  return {
    async 'diagnostics.logs'(input) {
      const session = ctx.sessions.requireStaff(input.sessionId);
      await ctx.staffAudit(session, 'diagnostics.logs');
      const dir = ctx.sd.logDir;
      if (!dir || !fs.existsSync(dir)) return { lines: [] };
      const files = fs.readdirSync(dir).filter((f) => /^konnektor-.*\.log$/.test(f)).sort();
      const last = files.at(-1);
      if (!last) return { lines: [] };
      const text = fs.readFileSync(path.join(dir, last), 'utf8');
      const lines = text.split('\n').filter(Boolean).slice(-(input.lines ?? 500));
      return { file: last, lines };
    },

    async 'diagnostics.audit'(input) {
      const session = ctx.sessions.requireStaff(input.sessionId);
      await ctx.staffAudit(session, 'diagnostics.audit');
      return listAudit(await ctx.store(), input.limit ?? 200);
    },
  };
}
