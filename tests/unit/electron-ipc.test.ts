import Decimal from 'decimal.js';
import { describe, expect, it, vi } from 'vitest';
import type { KonnektorApi } from '../../core/api';
import { KonnektorError } from '../../core/errors';
import { INVOKE_CHANNEL, registerKonnektorIpc } from '../../electron/ipc';
import { handleInvoke } from '../../runtime/invoke';

const api = {
  'session.defaults': vi.fn(async () => [{ id: 'logo', amount: new Decimal('10.005') }]),
  'erp.listFirmPeriods': vi.fn(async () => {
    throw new KonnektorError('ERP_FIRM_CODE_INVALID', 'bad firm', { value: '2a' });
  }),
} as unknown as KonnektorApi;

describe('Electron IPC adapter over core/api', () => {
  it('registers exactly one handler and routes invokes to the API', async () => {
    const handlers = new Map<string, (...args: unknown[]) => Promise<unknown>>();
    registerKonnektorIpc({ handle: (ch: string, fn: never) => void handlers.set(ch, fn) } as never, api, (url) => url.startsWith('app://'));
    expect([...handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    const reply = await handlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: 'app://konnektor/index.html' } }, 'session.defaults', {});
    expect(reply).toEqual({ ok: true, value: [{ id: 'logo', amount: '10.005' }] });
    const foreign = await handlers.get(INVOKE_CHANNEL)!({ senderFrame: { url: 'https://evil.example' } }, 'session.defaults', {});
    expect(foreign).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
  });

  it('refuses unknown methods and returns API errors as plain data', async () => {
    expect(await handleInvoke(api, 'constructor', {})).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
    expect(await handleInvoke(api, 'erp.listFirmPeriods', {})).toEqual({
      ok: false,
      error: { code: 'ERP_FIRM_CODE_INVALID', message: expect.stringContaining('Firma kodu'), detail: 'bad firm', details: { value: '2a' } },
    });
  });
});
