import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntegratorClients } from '../../core/integrator';
import { IntegratorSessionPool } from '../../core/integrator/sessionPool';
import { endpointsFromBase } from '../../core/integrator/types';
import { startSandbox, type SandboxHandle } from '../../sandbox/server';
import { demoWorld } from '../../sandbox/demo/scenario';

const MIN = 60_000;

/**
 * QNB's usage rules against the sandbox: one wsLogin per sliding half-hour session, re-used by every client of the
 * account (one per operation in Konnektör), renewed once when the integrator has let it lapse. Both clocks are
 * stepped by hand: the sandbox's (when the session expires there) and the pool's (when Konnektör stops trusting it).
 */
describe('integrator sessions', () => {
  let dir: string;
  let sb: SandboxHandle;
  let serverNow = Date.parse('2026-03-10T09:00:00+03:00');
  let clientNow = serverNow;
  const vkn = demoWorld(1).companies[0]!.vkn;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-etiquette-'));
    sb = await startSandbox({ dataDir: path.join(dir, 'sandbox'), port: 0, validate: false, clock: { now: () => new Date(serverNow) } });
  }, 120_000);
  afterAll(async () => {
    await sb.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const client = (pool: IntegratorSessionPool | null) =>
    createIntegratorClients({ endpoints: endpointsFromBase(sb.url), credentials: { user: 'demo', password: 'demo123', auth: 'wsLogin' }, erpCode: 'KONNEKTOR', sessionPool: pool });

  it('logs in once for the operations of half an hour, each on its own client', async () => {
    const pool = new IntegratorSessionPool({ now: () => clientNow });
    for (let i = 0; i < 4; i++) {
      const c = client(pool);
      expect(await c.efatura.creditBalance(vkn, 'FATURA')).toBeGreaterThan(0);
      await c.close();
      clientNow += 5 * MIN;
      serverNow += 5 * MIN;
    }
    expect(pool.logins).toBe(1);
    // Idle for longer than the sliding half hour: the next operation opens a new session.
    clientNow += 31 * MIN;
    serverNow += 31 * MIN;
    const late = client(pool);
    expect(await late.efatura.creditBalance(vkn, 'FATURA')).toBeGreaterThan(0);
    await late.close();
    expect(pool.logins).toBe(2);
  });

  it('logs in again once when the integrator has already let a shared session lapse', async () => {
    const pool = new IntegratorSessionPool({ now: () => clientNow });
    const first = client(pool);
    await first.efatura.creditBalance(vkn, 'FATURA');
    await first.close();
    serverNow += 40 * MIN; // the sandbox's session expired; Konnektör's clock says it is still fresh
    const second = client(pool);
    expect(await second.efatura.creditBalance(vkn, 'FATURA')).toBeGreaterThan(0);
    await second.close();
    expect(pool.logins).toBe(2);
  });
});
