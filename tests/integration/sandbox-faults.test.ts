/**
 * Fault injection of the sandbox: HTTP 500/503, dropped connections (before the call, or after it took effect),
 * latency, a SOAP fault for the next call — set programmatically and through the token-protected admin API.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIntegratorClients } from '../../core/integrator';
import { endpointsFromBase } from '../../core/integrator/types';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { connectorCall, faultString, returnRecords, valueOf } from '../../sandbox/server/testing';

const SUPPLIER = '4703101339';
const DEMO = { user: 'demo', password: 'demo123' };
const KONTOR = `<ser:kontorBilgisiGetir><vknTckn>${SUPPLIER}</vknTckn><kontorTipi>FATURA</kontorTipi></ser:kontorBilgisiGetir>`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'konnektor-sandbox-faults-'));
let sb: SandboxHandle;

beforeAll(async () => {
  sb = await startSandbox({ dataDir: dir, stepMs: 10, validate: false, faults: { rules: [{ kind: 'http', status: 503, count: 1 }] } });
});
afterAll(async () => {
  await sb?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => sb.admin.clearFaults());

const call = (body = KONTOR) => connectorCall(sb.endpoints.connectorService, body, DEMO);

function sendBody(belgeNo: string): string {
  const src = fs.readFileSync(path.resolve(__dirname, '../fixtures/golden/01-TEMELFATURA-SATIS.xml'), 'utf8');
  const xml = Buffer.from(src.replaceAll('3f2504e0-4f89-41d3-9a0c-0305e82c3300', crypto.randomUUID()).replaceAll('KNF2026000000001', `FLT2026${String(crypto.randomInt(1e9)).padStart(9, '0')}`));
  return (
    `<ser:belgeGonderExt><parametreler><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><belgeTuru>FATURA_UBL</belgeTuru><belgeNo>${belgeNo}</belgeNo>` +
    `<veri>${xml.toString('base64')}</veri><belgeHash>${crypto.createHash('md5').update(xml).digest('hex')}</belgeHash></parametreler></ser:belgeGonderExt>`
  );
}

describe('fault injection', () => {
  it('applies faults given at start: the first call gets HTTP 503 with a non-SOAP body', async () => {
    const first = await call();
    expect(first.status).toBe(503);
    expect(first.text).toContain('503 Service Unavailable');
    expect((await call()).status).toBe(200);
  });

  it('answers HTTP 500 for the next N calls, then recovers', async () => {
    sb.admin.setFaults({ rules: [{ kind: 'http', status: 500, count: 2 }] });
    expect((await call()).status).toBe(500);
    expect((await call()).status).toBe(500);
    expect((await call()).status).toBe(200);
  });

  it('answers HTTP 503 for a share of the calls of one operation only', async () => {
    sb.admin.setFaults({ rules: [{ kind: 'http', status: 503, share: 1, operation: 'kontorBilgisiGetir' }] });
    expect((await call()).status).toBe(503);
    expect((await call(`<ser:efaturaKullanicisi><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo></ser:efaturaKullanicisi>`)).status).toBe(200);
    sb.admin.setFaults({ rules: [{ kind: 'http', status: 500, share: 0.5 }] });
    sb.admin.clearFaults();
    expect((await call()).status).toBe(200);
  });

  it('drops the connection before answering', async () => {
    sb.admin.setFaults({ rules: [{ kind: 'drop', count: 1 }] });
    await expect(call()).rejects.toThrow();
    expect((await call()).status).toBe(200);
    expect(sb.admin.faults().injected.drop).toBeGreaterThanOrEqual(1);
  });

  it('drops the answer after the call took effect: a status query finds the document, a retry gets the same belgeOid', async () => {
    sb.admin.setFaults({ rules: [{ kind: 'drop', afterProcessing: true, count: 1, operation: 'belgeGonderExt' }] });
    const belgeNo = crypto.randomUUID();
    const body = sendBody(belgeNo);
    await expect(call(body)).rejects.toThrow();
    await sb.admin.idle();
    const status = await call(
      `<ser:gidenBelgeDurumSorgulaExt><vergiTcKimlikNo>${SUPPLIER}</vergiTcKimlikNo><parametreler><belgeNo>${belgeNo}</belgeNo><belgeNoTipi>YEREL</belgeNoTipi><donusTipiVersiyon>3.0</donusTipiVersiyon></parametreler></ser:gidenBelgeDurumSorgulaExt>`,
    );
    const oid = returnRecords(status.text)[0]?.yerelBelgeOid;
    expect(oid).toMatch(/^[0-9a-z]{14}$/);
    expect(valueOf((await call(body)).text, 'return')).toBe(oid);
    expect(sb.admin.documents().filter((d) => d.belgeNo === belgeNo)).toHaveLength(1);
  });

  it('delays every answer by the fixed latency: a client that waits less times out, one that waits longer is answered', async () => {
    const clients = createIntegratorClients({ endpoints: endpointsFromBase(sb.url), credentials: DEMO, erpCode: 'KONNEKTOR', timeoutMs: 300 });
    try {
      expect(await clients.efatura.creditBalance(SUPPLIER)).toBeGreaterThan(0);
      sb.admin.setFaults({ latencyMs: 3_000 });
      for (let i = 0; i < 2; i++) await expect(clients.efatura.creditBalance(SUPPLIER)).rejects.toMatchObject({ code: 'INTEGRATOR_TIMEOUT' });
      sb.admin.setFaults({ latencyMs: 150 });
      expect((await call()).status).toBe(200);
    } finally {
      await clients.close();
    }
  });

  it('answers the next call with a SOAP fault', async () => {
    sb.admin.setFaults({ rules: [{ kind: 'soapFault', message: 'Sistem hatası (test)' }] });
    const r = await call();
    expect(r.status).toBe(500);
    expect(faultString(r.text)).toBe('Sistem hatası (test)');
    expect((await call()).status).toBe(200);
  });
});

describe('admin API over HTTP', () => {
  const admin = (p: string, init: RequestInit = {}, token: string | null = sb.admin.token) =>
    fetch(`${sb.url}/admin/${p}`, { ...init, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' } });

  it('refuses a request without the per-start token', async () => {
    expect((await admin('state', {}, null)).status).toBe(401);
    expect((await admin('state', {}, 'wrong')).status).toBe(401);
  });

  it('sets and clears faults, and reports state, documents and deliveries', async () => {
    const set = await admin('faults', { method: 'POST', body: JSON.stringify({ latencyMs: 0, rules: [{ kind: 'http', status: 503, count: 1 }] }) });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { rules: unknown[] }).rules).toEqual([{ kind: 'http', status: 503, count: 1 }]);
    expect((await call()).status).toBe(503);
    expect((await admin('faults', { method: 'POST', body: JSON.stringify({ rules: [{ kind: 'explode' }] }) })).status).toBe(400);
    expect((await admin('faults', { method: 'DELETE' })).status).toBe(200);
    const state = (await (await admin('state')).json()) as { accounts: { userId: string }[]; faults: { rules: unknown[] } };
    expect(state.accounts.map((a) => a.userId)).toEqual(['demo', 'efinans.destek']);
    expect(state.faults.rules).toEqual([]);
    expect(Array.isArray(await (await admin('documents')).json())).toBe(true);
    expect(await (await admin('deliveries')).json()).toHaveProperty('byEttn');
  });
});
