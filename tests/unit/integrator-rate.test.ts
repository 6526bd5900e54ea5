import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createIntegratorClients } from '../../core/integrator';
import { RequestRateLimiter } from '../../core/integrator/rateLimit';
import { endpointsFromBase } from '../../core/integrator/types';
import { startSandbox } from '../../sandbox/server';

function fakeClock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe('integrator request rate', () => {
  it('lets a tenth of a minute’s allowance go at once, then spaces requests evenly', async () => {
    const clock = fakeClock();
    const limiter = new RequestRateLimiter(150, clock);
    const starts: number[] = [];
    for (let i = 0; i < 40; i++) {
      await limiter.acquire();
      starts.push(clock.now());
    }
    expect(starts.slice(0, 15).every((s) => s === 0)).toBe(true);
    // 150/minute = one every 400 ms after the burst.
    expect(starts[15]).toBe(400);
    expect(starts[39]! - starts[15]!).toBe(24 * 400);
    // Never more than 150 starts in any minute.
    for (const s of starts) expect(starts.filter((x) => x >= s && x < s + 60_000).length).toBeLessThanOrEqual(150);
  });

  it('serves concurrent callers in order without exceeding the rate', async () => {
    const clock = fakeClock();
    const limiter = new RequestRateLimiter(60, clock);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(clock.now()).toBe(4000); // 6 at once, then one a second
  });

  it('holds every call of a client to the configured rate, whatever the operation', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-rate-'));
    const sandbox = await startSandbox({ dataDir, validate: false });
    const clients = createIntegratorClients({
      endpoints: endpointsFromBase(sandbox.url),
      credentials: { user: 'demo', password: 'demo123' },
      erpCode: 'KONNEKTOR',
      ratePerMinute: 120,
    });
    // The limiter's clock is faked (Date and its timers); the network and the sandbox run for real. Whatever is
    // held back stays held back until the fake clock is moved on, however slow the machine.
    const realSetTimeout = globalThis.setTimeout;
    const pause = (ms: number) => new Promise((r) => realSetTimeout(r, ms));
    const done: string[] = [];
    const until = async (what: () => boolean, label: string) => {
      for (let i = 0; i < 600 && !what(); i++) await pause(50);
      if (!what()) throw new Error(`waited in vain for ${label} (${done.length} answered)`);
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.now() });
    try {
      const vkn = sandbox.describe().accounts.find((a) => a.userId === 'demo')!.vkns[0]!;
      const calls = Array.from({ length: 16 }, (_, i) => {
        const call = i % 3 === 0 ? clients.efatura.creditBalance(vkn) : i % 3 === 1 ? clients.efatura.outgoingStatus(vkn, { by: 'YEREL', value: `yok-${i}` }) : clients.efatura.registeredUser(vkn);
        return call.then(
          () => done.push('ok'),
          (e: { code?: string }) => done.push(e.code ?? String(e)),
        );
      });
      // 120 a minute: 12 at once, then one every 500 ms.
      await until(() => done.length >= 12, '12 answers');
      await pause(300);
      expect(done).toHaveLength(12);
      vi.advanceTimersByTime(499);
      await pause(300);
      expect(done).toHaveLength(12);
      vi.advanceTimersByTime(1);
      await until(() => done.length >= 13, 'the 13th answer');
      await pause(300);
      expect(done).toHaveLength(13);
      for (const n of [14, 15, 16]) {
        vi.advanceTimersByTime(500);
        await until(() => done.length >= n, `answer ${n}`);
      }
      await Promise.all(calls);
      expect(done).toEqual(Array.from({ length: 16 }, () => 'ok'));
    } finally {
      vi.useRealTimers();
      await clients.close();
      await sandbox.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
