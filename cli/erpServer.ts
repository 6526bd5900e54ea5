import type { Command } from 'commander';
import { redactServer } from '../core/erp/target';
import { KonnektorError } from '../core/errors';

/**
 * The ERP server of a command. A password typed into `--server` would be readable by every user of this machine in
 * the process list, so it is refused there: it comes from the environment variable named by `--erp-password-env`
 * (or from KONNEKTOR_ERP_SERVER, which is not on the command line).
 */
export function erpServerOf(cmd: Command): string {
  return erpServerFromOptions(cmd.opts(), cmd.getOptionValueSource('server') === 'cli');
}

/** The same from a command's options, when only they are at hand; `typed`: --server came from the command line. */
export function erpServerFromOptions(o: { server?: unknown; erpPasswordEnv?: unknown }, typed: boolean): string {
  const server = String(o.server ?? '').trim();
  let url: URL | undefined;
  try {
    url = /^mssql:\/\//i.test(server) ? new URL(server) : undefined;
  } catch {
    url = undefined; // the connection reports a malformed address with its own code
  }
  if (url?.password && typed) {
    throw new KonnektorError('ERP_PASSWORD_ON_COMMAND_LINE', `The ERP password is part of --server ${redactServer(server)}; give it with --erp-password-env VAR instead`, {
      value: redactServer(server),
    });
  }
  if (typeof o.erpPasswordEnv !== 'string' || o.erpPasswordEnv === '') return server;
  const password = process.env[o.erpPasswordEnv];
  if (!password) throw new KonnektorError('INPUT_INVALID', `Environment variable ${o.erpPasswordEnv} is empty`, { value: o.erpPasswordEnv });
  if (!url || !url.username) {
    throw new KonnektorError('ERP_SERVER_URL_INVALID', '--erp-password-env needs an mssql://USER@HOST… server with the user name', { value: redactServer(server) });
  }
  url.password = encodeURIComponent(password);
  return url.toString();
}
