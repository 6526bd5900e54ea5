import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { apiSchemas, type ApiMethod } from '../core/api/schemas';
import type { KonnektorApi } from '../core/api';
import { KonnektorError, errorSummary, isKonnektorError } from '../core/errors';
import { jsonReplacer } from '../core/api/serialize';
import type { InvokeReply } from '../core/api/bridge';

/** The one IPC channel between the renderer and core/api. */
export const INVOKE_CHANNEL = 'konnektor:invoke';

export type { InvokeReply } from '../core/api/bridge';

function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(apiSchemas, name);
}

/**
 * Routes one invoke to the API: the method must be a known name, the input is validated by the API's own zod
 * schema, and the answer is plain JSON (decimals as exact text) so nothing but data crosses the bridge.
 */
export async function handleInvoke(api: KonnektorApi, method: unknown, input: unknown, isTrustedSender = true): Promise<InvokeReply> {
  try {
    if (!isTrustedSender) throw new KonnektorError('INPUT_INVALID', 'Invoke from an untrusted frame was refused');
    if (!isApiMethod(method)) throw new KonnektorError('INPUT_INVALID', `Unknown API method ${JSON.stringify(method)}`, { value: String(method) });
    const value = await (api[method] as (i: unknown) => Promise<unknown>)(input);
    return { ok: true, value: JSON.parse(JSON.stringify(value ?? null, jsonReplacer)) };
  } catch (e) {
    return { ok: false, error: isKonnektorError(e) ? e.toJSON() : errorSummary(e) };
  }
}

/** Registers the single IPC handler. `trustedOrigin` is the renderer's own origin; other frames are refused. */
export function registerKonnektorIpc(ipcMain: Pick<IpcMain, 'handle'>, api: KonnektorApi, trustedOrigin: (url: string) => boolean): void {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) =>
    handleInvoke(api, method, input, trustedOrigin(event.senderFrame?.url ?? '')),
  );
}
