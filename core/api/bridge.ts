/**
 * What crosses between the renderer and core/api, whichever adapter carries it (Electron IPC, the browser bridge):
 * a method name and its input one way, `{ ok, value | error }` back. Plain data only.
 */
export type InvokeReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: string; message: string; detail: string; details?: unknown } };

/** `window.konnektor`: the one capability the preload (or browser mode's client) gives the renderer. */
export interface KonnektorBridge {
  invoke(method: string, input: unknown): Promise<InvokeReply>;
}
