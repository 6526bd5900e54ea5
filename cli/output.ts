import type { Command } from 'commander';
import Table from 'cli-table3';
import { jsonReplacer } from '../core/api/serialize';
import { ERROR_CATALOG, isKonnektorError } from '../core/errors';

export interface Output {
  json: boolean;
}

export function printResult(out: Output, value: unknown, human: () => string): void {
  process.stdout.write(out.json ? `${JSON.stringify(value, jsonReplacer, 2)}\n` : `${human()}\n`);
}

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(String));
  return t.toString();
}

/** Writes an error to stderr with its code; returns the exit code (2 bad input, 1 failure of the target). */
export function reportError(out: Output, e: unknown): number {
  if (isKonnektorError(e)) {
    if (out.json) process.stderr.write(`${JSON.stringify({ error: e.toJSON() })}\n`);
    else process.stderr.write(`HATA ${e.code}: ${e.userMessage}\n  ${e.message}\n`);
    return e.kind === 'input' ? 2 : 1;
  }
  const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
  if (out.json) process.stderr.write(`${JSON.stringify({ error: { code: 'UNEXPECTED', detail: message } })}\n`);
  else process.stderr.write(`HATA UNEXPECTED: ${ERROR_CATALOG.UNEXPECTED.tr}\n  ${message}\n`);
  return 1;
}

/**
 * A commander action that prints through `--json` or tables and turns any error into its message on stderr and the
 * exit code. commander passes the command itself last, so its options are read from there.
 */
export function commandAction(setExit: (code: number) => void) {
  return (fn: (out: Output, cmd: Command) => Promise<void>) =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command;
      const out: Output = { json: Boolean(cmd.opts().json) };
      try {
        await fn(out, cmd);
      } catch (e) {
        setExit(reportError(out, e));
      }
    };
}
