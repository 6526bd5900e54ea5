import { vi } from 'vitest';
import { setBridge } from '../../renderer/api';

type Handler = (input: any) => unknown;

/** A stand-in for window.konnektor: answers by method name, records every call, fails like the real bridge. */
export function fakeBridge(handlers: Record<string, Handler>) {
  const calls: { method: string; input: any }[] = [];
  const invoke = vi.fn(async (method: string, input: unknown) => {
    calls.push({ method, input });
    const h = handlers[method];
    if (!h) return { ok: false as const, error: { code: 'INPUT_INVALID', message: 'Girilen bilgiler geçersiz.', detail: `Unknown API method "${method}"` } };
    try {
      return { ok: true as const, value: await h(input) };
    } catch (e) {
      const err = e as { code?: string; message?: string };
      return { ok: false as const, error: { code: err.code ?? 'UNEXPECTED', message: err.message ?? '', detail: '' } };
    }
  });
  setBridge({ invoke });
  return { calls, invoke, of: (method: string) => calls.filter((c) => c.method === method) };
}

export const DEFAULTS = {
  module: 'efatura',
  modules: [
    { id: 'efatura', title: 'e-Fatura' },
    { id: 'earsiv', title: 'e-Arşiv' },
    { id: 'eirsaliye', title: 'e-İrsaliye' },
    { id: 'edefter', title: 'e-Defter' },
    { id: 'esmm', title: 'e-SMM' },
    { id: 'emm', title: 'e-MM' },
  ],
  connectors: [
    { id: 'logo', title: 'Logo', shape: 'firm-period', modules: ['efatura', 'earsiv'] },
    { id: 'netsis', title: 'Netsis', shape: 'database-per-year', modules: ['efatura', 'earsiv'] },
    { id: 'mikro', title: 'Mikro', shape: 'database-per-company', modules: ['efatura', 'earsiv'] },
    { id: 'eta', title: 'ETA', shape: 'database-per-year', modules: ['efatura', 'earsiv'] },
  ],
  prefill: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB' },
  demo: { user: 'demo', password: 'demo123' },
};

export const SESSION = {
  id: 'sess-1',
  module: 'efatura',
  moduleTitle: 'e-Fatura',
  user: 'demo',
  staff: false,
  createdAt: '2026-12-01T09:00:00.000Z',
  expiresAt: '2026-12-01T17:00:00.000Z',
  target: { connector: 'logo', server: 'sqlite:/demo', database: 'LOGODB', firm: '002', period: '02' },
  integrator: 'http://127.0.0.1:9',
  connectorTitle: 'Logo Tiger / Go',
  documentKinds: [{ id: 'efatura', module: 'efatura', direction: 'outgoing', labels: { name: { tr: 'e-Fatura', en: 'e-Invoice' }, document: { tr: 'Fatura', en: 'Invoice' } } }],
};

/** Throws like the API does: a stable code with the Turkish text. */
export function apiError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}
