import type { ApiMethod } from './schemas';

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

/**
 * The methods the screens call (renderer/), and so the only ones the bridges answer: Electron IPC and browser mode
 * refuse every other API method with BRIDGE_METHOD_NOT_EXPOSED, so what the screens do not offer — the demo set-up,
 * GİB package installs, receipt cancellations, CLI-only runs — is never reachable from a page, with or without a
 * session. The CLI calls core/api directly. The renderer's `invoke` accepts only these names (renderer/api.ts), and
 * a test compares this list with the calls the screens make, so it neither lags behind nor grows beyond them.
 */
export const SCREEN_METHODS = [
  'app.startup',
  'diagnostics.audit',
  'diagnostics.logs',
  'edefter.build',
  'edefter.certificates',
  'edefter.check',
  'edefter.months',
  'edefter.send',
  'edefter.settings.get',
  'edefter.settings.save',
  'erp.listDatabases',
  'erp.listFirmPeriods',
  'session.aliasChoices',
  'session.chooseAlias',
  'session.defaults',
  'session.documents',
  'session.exportXml',
  'session.cancel',
  'session.get',
  'session.history',
  'session.incoming',
  'session.incomingAnswer',
  'session.incomingFetch',
  'session.incomingPreview',
  'session.incomingXml',
  'session.job',
  'session.login',
  'session.logout',
  'session.preview',
  'session.previewPdf',
  'session.registryRefresh',
  'session.renumber',
  'session.reportStatus',
  'session.resend',
  'session.send',
  'session.status',
  'settings.get',
  'settings.save',
  'settings.search',
  'settings.test',
  'yearend.apply',
  'yearend.cancel',
  'yearend.check',
  'yearend.documents',
  'yearend.plan',
  'yearend.search',
] as const satisfies readonly ApiMethod[];

export type ScreenMethod = (typeof SCREEN_METHODS)[number];

export function isScreenMethod(name: string): name is ScreenMethod {
  return (SCREEN_METHODS as readonly string[]).includes(name);
}
