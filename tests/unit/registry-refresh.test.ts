import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KonnektorError } from '../../core/errors';
import { REFRESH_RECORD_KEY, RegistryRefresher, type Timers } from '../../core/registry/refresh';
import type { RegistrySyncResult } from '../../core/registry/sync';
import { openLocalStore, type LocalStore } from '../../db/local';
import { readPreference } from '../../db/preferences';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A clock and timer queue the test moves by hand: nothing waits on real time. */
function fakeClock(start: number) {
  let now = start;
  let seq = 0;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    setTimeout(fn, ms) {
      const id = ++seq;
      pending.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(h) {
      pending.delete(h as number);
    },
  };
  return {
    now: () => new Date(now),
    timers,
    pending: () => [...pending.values()].map((p) => p.at - now),
    /** Moves the clock on and fires every timer due by then. */
    advance(ms: number) {
      now += ms;
      for (const [id, p] of [...pending]) {
        if (p.at <= now) {
          pending.delete(id);
          p.fn();
        }
      }
    },
  };
}

const result = (after: number): RegistrySyncResult =>
  ({ before: after, after, dropped: 0, documentType: 'Invoice', downloadedBytes: 1, aliases: after, format: 'qnb', skipped: 0, timings: { downloadMs: 0, loadMs: 0, totalMs: 0 } }) as RegistrySyncResult;

describe('daily registered-user list refresh', () => {
  let dir: string;
  let store: LocalStore;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'knk-refresh-'));
    store = await openLocalStore(path.join(dir, 'k.sqlite'));
  });
  afterEach(async () => {
    await store.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs at once the first time, then once a day, keeping the last run in the store across restarts', async () => {
    const clock = fakeClock(Date.parse('2026-03-10T06:00:00Z'));
    let calls = 0;
    const sync = async () => result(++calls * 100);
    const first = new RegistryRefresher({ store, sync, now: clock.now, timers: clock.timers });
    await first.start();
    expect(clock.pending()).toEqual([0]);
    clock.advance(0);
    await first.idle();
    expect(calls).toBe(1);
    expect(clock.pending()).toEqual([DAY]);
    const rec = await first.record();
    expect(rec).toMatchObject({ lastRunAt: '2026-03-10T06:00:00.000Z', lastOutcome: { ok: true, users: 100 }, nextRunAt: '2026-03-11T06:00:00.000Z' });
    first.stop();
    expect(clock.pending()).toEqual([]);

    // The app restarts five hours later: the next run is still tomorrow morning, not now.
    clock.advance(5 * HOUR);
    const second = new RegistryRefresher({ store, sync, now: clock.now, timers: clock.timers });
    await second.start();
    expect(clock.pending()).toEqual([DAY - 5 * HOUR]);
    clock.advance(DAY - 5 * HOUR - 1);
    await second.idle();
    expect(calls).toBe(1);
    clock.advance(1);
    await second.idle();
    expect(calls).toBe(2);
    expect((await second.record()).lastOutcome).toMatchObject({ ok: true, users: 200 });
    second.stop();
  });

  it('records a refused (truncated) list, keeps the last success and tries again within the hour', async () => {
    const clock = fakeClock(Date.parse('2026-03-10T06:00:00Z'));
    let fail = false;
    const r = new RegistryRefresher({
      store,
      sync: async () => {
        if (fail) throw new KonnektorError('REGISTRY_SHRINK_REFUSED', 'the new list would drop 60% of the cached taxpayers');
        return result(1000);
      },
      now: clock.now,
      timers: clock.timers,
    });
    await r.start();
    clock.advance(0);
    await r.idle();
    fail = true;
    clock.advance(DAY);
    await r.idle();
    const rec = (await readPreference(store, REFRESH_RECORD_KEY)) as Record<string, unknown>;
    expect(rec).toMatchObject({ lastRunAt: '2026-03-11T06:00:00.000Z', lastSuccessAt: '2026-03-10T06:00:00.000Z', lastOutcome: { ok: false, code: 'REGISTRY_SHRINK_REFUSED' } });
    expect(clock.pending()).toEqual([HOUR]);
    fail = false;
    clock.advance(HOUR);
    await r.idle();
    expect((await r.record()).lastOutcome).toMatchObject({ ok: true, users: 1000 });
    expect(clock.pending()).toEqual([DAY]);
    r.stop();
  });

  it('shares one run between an on-demand refresh and the timer', async () => {
    const clock = fakeClock(Date.parse('2026-03-10T06:00:00Z'));
    let calls = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const r = new RegistryRefresher({ store, sync: async () => (calls++, await gate, result(5)), now: clock.now, timers: clock.timers });
    const a = r.refreshNow();
    const b = r.refreshNow();
    release();
    expect(await a).toEqual(await b);
    expect(calls).toBe(1);
    r.stop();
  });
});
