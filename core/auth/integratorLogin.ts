import { KonnektorError } from '../errors';
import { createIntegratorClients } from '../integrator';
import { SoapCaller } from '../integrator/caller';
import { NS, childText } from '../integrator/soap';
import { SoapTransport } from '../integrator/transport';
import { endpointsFromBase, type KontorTipi } from '../integrator/types';

export interface IntegratorLoginCheck {
  /** Integrator base URL (…/connector/ws/userService etc. are derived from it). */
  integrator: string;
  user: string;
  password: string;
  /** Also require the integrator to confirm these are eFinans support staff credentials. */
  staff: boolean;
  timeoutMs?: number;
}

const DEFAULT_LOGIN_TIMEOUT_MS = 15_000;

/**
 * Verifies integrator credentials the way the integrator itself does: one userService.wsLogin (a refused password
 * is INTEGRATOR_AUTH_FAILED, no answer INTEGRATOR_UNREACHABLE), then logout. A staff login additionally asks
 * userService.kullaniciBilgisiGetir who the credentials belong to; only the integrator's `personel` flag makes a
 * staff session — the checkbox in the login form is a request, never a proof.
 *
 * Inferred: QNB's published services (integrator-api.md) name no operation that tells a client whether an account
 * is eFinans staff. `kullaniciBilgisiGetir` with a `personel` flag is Konnektör's assumption, served by the sandbox;
 * the real operation must come from QNB, and this function is the one place to change when it does.
 */
export async function verifyIntegratorLogin(check: IntegratorLoginCheck): Promise<{ user: string; title?: string; staff: boolean }> {
  const endpoints = endpointsFromBase(check.integrator);
  let userService: URL;
  try {
    userService = new URL(endpoints.userService);
  } catch {
    throw new KonnektorError('INPUT_INVALID', `Integrator address is not a URL: ${check.integrator}`, { value: check.integrator });
  }
  const transport = new SoapTransport({ timeoutMs: check.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS, maxResponseBytes: 1024 * 1024 });
  const caller = new SoapCaller({ credentials: { user: check.user, password: check.password, auth: 'wsLogin' }, userService, transport });
  try {
    if (!check.staff) {
      await caller.call({ url: userService, namespace: NS.user, operation: 'logout', params: [] });
      return { user: check.user, staff: false };
    }
    let info;
    try {
      info = await caller.call({ url: userService, namespace: NS.user, operation: 'kullaniciBilgisiGetir', params: [] });
    } catch (e) {
      // An integrator that cannot tell staff from customers gives no staff login at all.
      if (e instanceof KonnektorError && e.code === 'INTEGRATOR_FAULT') {
        throw new KonnektorError('AUTH_NOT_STAFF', `Integrator could not confirm staff credentials: ${e.message}`, {}, { cause: e });
      }
      throw e;
    }
    const ret = info.getElementsByTagName('return')[0];
    const staff = ret ? childText(ret, 'personel') === 'true' : false;
    if (!staff) throw new KonnektorError('AUTH_NOT_STAFF', `${check.user} is not an eFinans staff account`);
    const title = ret ? childText(ret, 'unvan') : undefined;
    return { user: check.user, staff: true, ...(title ? { title } : {}) };
  } finally {
    await caller.logout().catch(() => undefined);
    transport.close();
  }
}

/** kontorBilgisiGetir for the status bar; undefined when the integrator does not say (the session still works). */
export async function creditBalanceOf(integrator: string, user: string, password: string, vkn: string, kontorTipi: KontorTipi): Promise<number | undefined> {
  const clients = createIntegratorClients({
    endpoints: endpointsFromBase(integrator),
    credentials: { user, password },
    erpCode: 'KONNEKTOR',
    timeoutMs: DEFAULT_LOGIN_TIMEOUT_MS,
  });
  try {
    return await clients.efatura.creditBalance(vkn, kontorTipi);
  } catch {
    return undefined;
  } finally {
    await clients.close();
  }
}
