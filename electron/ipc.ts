import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import type { KonnektorApi } from '../core/api';
import { handleInvoke } from '../runtime/invoke';

/** The one IPC channel between the renderer and core/api. */
export const INVOKE_CHANNEL = 'konnektor:invoke';

export type { InvokeReply } from '../runtime/invoke';

/** Registers the single IPC handler. `trustedOrigin` is the renderer's own origin; other frames are refused. */
export function registerKonnektorIpc(ipcMain: Pick<IpcMain, 'handle'>, api: KonnektorApi, trustedOrigin: (url: string) => boolean): void {
  ipcMain.handle(INVOKE_CHANNEL, (event: IpcMainInvokeEvent, method: unknown, input: unknown) =>
    handleInvoke(api, method, input, trustedOrigin(event.senderFrame?.url ?? '')),
  );
}
