import type { KonnektorApi } from '../core/api';
import { isScreenMethod, type InvokeReply } from '../core/api/bridge';
import { apiSchemas, type ApiMethod } from '../core/api/schemas';
import { jsonReplacer } from '../core/api/serialize';
import { KonnektorError, errorSummary, isKonnektorError } from '../core/errors';

export type { InvokeReply } from '../core/api/bridge';

function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(apiSchemas, name);
}

/**
 * One call from any bridge (Electron IPC, browser mode's HTTP bridge) to the API: the method must be one the screens
 * call (core/api/bridge's SCREEN_METHODS), the input is validated by the API's own zod schema, and the answer is
 * plain JSON (decimals as exact text) so nothing but data crosses the bridge. `isTrustedSender`: the host's verdict on the calling frame.
 */
export async function handleInvoke(api: KonnektorApi, method: unknown, input: unknown, isTrustedSender = true): Promise<InvokeReply> {
  try {
    if (!isTrustedSender) throw new KonnektorError('INPUT_INVALID', 'Invoke from an untrusted frame was refused');
    if (!isApiMethod(method)) throw new KonnektorError('INPUT_INVALID', `Unknown API method ${JSON.stringify(method)}`, { value: String(method) });
    if (!isScreenMethod(method)) throw new KonnektorError('BRIDGE_METHOD_NOT_EXPOSED', `API method ${method} is not offered to the screens`, { value: method });
    const value = await (api[method] as (i: unknown) => Promise<unknown>)(input);
    return { ok: true, value: JSON.parse(JSON.stringify(value ?? null, jsonReplacer)) };
  } catch (e) {
    return { ok: false, error: isKonnektorError(e) ? e.toJSON() : errorSummary(e) };
  }
}
