import { z } from 'zod';
import { createIntegratorClients, type IntegratorClients } from '../integrator';
import { endpointsFromBase } from '../integrator/types';

/**
 * The integrator account a command-line call acts with: the environment (production, test, or a sandbox's address),
 * the WS user and its password (read by the CLI from an environment variable, never from the command line).
 * QNB recommends the userService session (one wsLogin, its cookie for every call; usage notes §6.1), so the commands
 * that talk to it log in once and reuse the session for all their calls.
 */
export const integratorAccessSchema = {
  integrator: z.string().min(1).max(512),
  user: z.string().min(1).max(128),
  password: z.string().min(1).max(256),
  erpCode: z.string().max(30).optional(),
  auth: z.enum(['usernameToken', 'wsLogin']).optional(),
  /** The company's VKN/TCKN, for accounts that hold several. */
  vkn: z.string().regex(/^\d{10,11}$/).optional(),
};

export interface IntegratorAccess {
  integrator: string;
  user: string;
  password: string;
  erpCode?: string | undefined;
  auth?: 'usernameToken' | 'wsLogin' | undefined;
}

export async function withIntegrator<T>(access: IntegratorAccess, fn: (clients: IntegratorClients) => Promise<T>, extra: { timeoutMs?: number } = {}): Promise<T> {
  const clients = createIntegratorClients({
    endpoints: endpointsFromBase(access.integrator),
    credentials: { user: access.user, password: access.password, auth: access.auth ?? 'wsLogin' },
    erpCode: access.erpCode ?? 'KONNEKTOR',
    ...(extra.timeoutMs ? { timeoutMs: extra.timeoutMs } : {}),
    // The full user list is several hundred megabytes of XML; zipped and in base64 it stays far under this.
    maxResponseBytes: 2 * 1024 ** 3,
  });
  try {
    return await fn(clients);
  } finally {
    await clients.close();
  }
}
