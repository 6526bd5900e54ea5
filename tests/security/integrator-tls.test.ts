import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKonnektorApi, type KonnektorService } from '../../core/api';
import { MemoryVault, SessionRegistry, creditBalanceOf, verifyIntegratorLogin } from '../../core/auth';
import { KonnektorError } from '../../core/errors';
import { createIntegratorClients } from '../../core/integrator';
import { createEdefterClient, edefterServiceUrl } from '../../core/integrator/edefterService';
import { createIntegratorTransport, integratorUrl } from '../../core/integrator/transport';
import { endpointsFromBase } from '../../core/integrator/types';
import { ErpConnections } from '../../db/erp';
import { openLocalStore, type LocalStore } from '../../db/local';
import { listProfiles } from '../../db/profiles';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { SHIPPED } from '../../runtime/shipped';

/**
 * The integrator password travels only over TLS, or to a sandbox on this machine's loopback. Every integrator call —
 * login, the staff check, Bağlantı Ayarları' test and save, the kontör query, sending, e-Defter — goes through one transport
 * factory with that rule, so a typed `http://` address to anywhere else is refused before a byte leaves.
 *
 * The listener below answers on every interface, so each refused address would really have reached it.
 */
let dir: string;
let listener: http.Server;
let port: number;
const received: string[] = [];
let sandbox: SandboxHandle;
let store: LocalStore;
let api: KonnektorService;
let connections: ErpConnections;
const PASSWORD = 'Parola-Acik-Gitmesin-42';

/** http:// addresses that are not this machine's loopback by name but would reach the listener. */
function insecureAddresses(): string[] {
  const lan = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i && i.family === 'IPv4' && !i.internal);
  return [`http://[::ffff:127.0.0.1]:${port}`, `http://[::ffff:7f00:1]:${port}/`, ...(lan ? [`http://${lan.address}:${port}`] : [])];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-tls-'));
  listener = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString('utf8')));
    req.on('end', () => {
      received.push(body);
      res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => listener.listen(0, '::', resolve));
  port = (listener.address() as AddressInfo).port;
  sandbox = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, validate: false });
  store = await openLocalStore(path.join(dir, 'konnektor.sqlite'));
  connections = new ErpConnections();
  api = createKonnektorApi({
    ...SHIPPED,
    connections,
    store: async () => store,
    session: { vault: new MemoryVault(), defaultIntegrator: sandbox.url, registry: new SessionRegistry({ staffTtlMs: 60_000 }) },
  });
  await api['demo.init']({ dir: path.join(dir, 'demo') });
}, 120_000);

afterAll(async () => {
  await api.close();
  await connections.closeAll();
  await store.destroy();
  await sandbox.close();
  listener.closeAllConnections();
  await new Promise((r) => listener.close(r));
  fs.rmSync(dir, { recursive: true, force: true });
});

const target = () => ({ connector: 'logo', server: `sqlite:${dir}/demo`, database: 'LOGODB', firm: '2', period: '2' });

async function refusal(p: Promise<unknown>): Promise<KonnektorError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(KonnektorError);
  return e as KonnektorError;
}

describe('the integrator password over plain HTTP', () => {
  it('is refused by every integrator call, and nothing reaches the address', async () => {
    const addresses = insecureAddresses();
    let refused = 0;
    for (const address of addresses) {
      const calls: [string, () => Promise<unknown>][] = [
        ['login check', () => verifyIntegratorLogin({ integrator: address, user: 'demo', password: PASSWORD, staff: false })],
        ['staff check', () => verifyIntegratorLogin({ integrator: address, user: 'destek', password: PASSWORD, staff: true })],
        ['session.login', () => api['session.login']({ module: 'efatura', user: 'demo', password: PASSWORD, integrator: address, target: target() })],
        ['kontör query', () => creditBalanceOf(address, 'demo', PASSWORD, '1234567890', 'FATURA').then((v) => (v === undefined ? Promise.reject(new Error('silently undefined')) : v))],
        [
          'integrator clients',
          async () => createIntegratorClients({ endpoints: endpointsFromBase(address), credentials: { user: 'demo', password: PASSWORD }, erpCode: 'X' }),
        ],
        [
          'e-Defter client',
          async () => createEdefterClient({ url: edefterServiceUrl(address), credentials: { user: 'demo', password: PASSWORD } }).status({ month: '2026-01', taxId: '1234567890' }),
        ],
        [
          'documents.send',
          () => api['documents.send']({ target: target(), module: 'efatura', integrator: address, user: 'demo', password: PASSWORD, to: '2000-01-01' }),
        ],
      ];
      for (const [name, call] of calls) {
        const e = await call().then(
          () => undefined,
          (x: unknown) => x,
        );
        // The kontör query swallows its errors (the status bar shows nothing): what matters is that nothing was sent.
        if (name !== 'kontör query') {
          expect(e, `${name} → ${address}`).toBeInstanceOf(KonnektorError);
          expect((e as KonnektorError).code, `${name} → ${address}`).toBe('INTEGRATOR_URL_INSECURE');
        }
        refused++;
      }
      // The transport itself refuses such an address, whoever built the request.
      const transport = createIntegratorTransport({ timeoutMs: 2000, maxResponseBytes: 1024 });
      const e = await refusal(transport.post(new URL(`${address.replace(/\/$/, '')}/connector/ws/userService`), Buffer.from(PASSWORD), {}, { operation: 'wsLogin', endpoint: address }));
      expect(e.code).toBe('INTEGRATOR_URL_INSECURE');
      transport.close();
    }
    expect(received.filter((b) => b.includes(PASSWORD))).toEqual([]);
    expect(received).toEqual([]);
    console.log(`insecure integrator addresses refused: ${refused} calls over ${addresses.length} addresses`);
  });

  it("Bağlantı Ayarları' test and save refuse a typed http:// address and save nothing", async () => {
    // Only staff may change the integrator address there; even they cannot make it plain http to another host.
    const { session } = await api['session.login']({ module: 'efatura', user: 'efinans.destek', password: 'destek123', staff: true, target: target() });
    const before = await listProfiles(store);
    for (const address of insecureAddresses()) {
      const t = await refusal(api['settings.test']({ sessionId: session.id, target: target(), integrator: address }));
      expect(t.code).toBe('INTEGRATOR_URL_INSECURE');
      expect(t.userMessage).toMatch(/https/);
      const s = await refusal(api['settings.save']({ sessionId: session.id, target: target(), integrator: address }));
      expect(s.code).toBe('INTEGRATOR_URL_INSECURE');
    }
    expect(await listProfiles(store)).toEqual(before);
    expect(received).toEqual([]);
  });

  it('accepts https:// anywhere and http:// only on the loopback', () => {
    expect(integratorUrl('https://efaturaconnector.qnbesolutions.com.tr/connector/ws/userService').protocol).toBe('https:');
    for (const ok of ['http://127.0.0.1:8480/x', 'http://localhost:1/x', 'http://[::1]:2/x']) expect(integratorUrl(ok).protocol).toBe('http:');
    for (const bad of ['http://10.0.0.5/x', 'http://efinans.example/x', 'ftp://127.0.0.1/x', 'http://127.0.0.1.example.com/x']) {
      expect(() => integratorUrl(bad), bad).toThrow(expect.objectContaining({ code: 'INTEGRATOR_URL_INSECURE' }));
    }
    expect(() => integratorUrl('not a url')).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });
});
