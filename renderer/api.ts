import type { KonnektorApi } from '../core/api';

/**
 * The renderer's only door to Konnektör: `window.konnektor.invoke` from the Electron preload, or in browser mode
 * the same call over the loopback bridge with the run's token. Both answer `{ ok, value | error }`.
 */
/** Only what the bridges answer (core/api/bridge's SCREEN_METHODS): a screen calling another method fails to build. */
export type Method = ScreenMethod;
export type Input<M extends Method> = Parameters<KonnektorApi[M]>[0];
export type Output<M extends Method> = Awaited<ReturnType<KonnektorApi[M]>>;

import type { InvokeReply as Reply, KonnektorBridge, ScreenMethod } from '../core/api/bridge';
import { ERROR_CATALOG } from '../core/errors';

export type { KonnektorBridge };

declare global {
  interface Window {
    konnektor?: KonnektorBridge;
  }
}

/** An API failure as the screens show it: the stable code and the plain Turkish message. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const TOKEN_KEY = 'konnektor.bridgeToken';

/** Browser mode: the token comes in the URL fragment once, then lives in this tab's sessionStorage only. */
function bridgeToken(): string | undefined {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m) {
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(m[1]!));
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function httpBridge(base = ''): KonnektorBridge {
  return {
    async invoke(method, input) {
      const token = bridgeToken();
      let res: Response;
      try {
        res = await fetch(`${base}/api/invoke`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Konnektor-Token': token ?? '' },
          body: JSON.stringify({ method, input }),
        });
      } catch {
        return { ok: false, error: { code: 'BRIDGE_UNREACHABLE', message: 'Konnektör’e ulaşılamıyor; uygulama kapanmış olabilir.', detail: 'fetch failed' } };
      }
      try {
        return (await res.json()) as Reply;
      } catch {
        return { ok: false, error: { code: 'BRIDGE_UNREACHABLE', message: 'Konnektör’den anlaşılamayan bir yanıt geldi.', detail: 'not JSON' } };
      }
    },
  };
}

let bridge: KonnektorBridge | undefined;

export function setBridge(b: KonnektorBridge | undefined): void {
  bridge = b;
}

function currentBridge(): KonnektorBridge {
  bridge ??= typeof window !== 'undefined' && window.konnektor ? window.konnektor : httpBridge();
  return bridge;
}

export async function invoke<M extends Method>(method: M, input: Input<M>): Promise<Output<M>> {
  const reply = await currentBridge().invoke(method, input);
  if (!reply.ok) throw new ApiError(reply.error.code, reply.error.message);
  return reply.value as Output<M>;
}

export function errorText(e: unknown): { code: string; message: string } {
  if (e instanceof ApiError) return { code: e.code, message: e.message };
  return { code: 'UNEXPECTED', message: ERROR_CATALOG.UNEXPECTED.tr };
}
