/**
 * Requests per minute towards the integrator, across every operation of one client: sends, status queries, resends,
 * logins. QNB support gives 180 requests/minute per account (integrator-api.md §4) and blocks clients that go over,
 * so status polling counts as much as sending.
 *
 * A token bucket: up to a tenth of a minute's allowance may go at once, then requests are spaced evenly.
 */
export class RequestRateLimiter {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly ratePerMinute: number,
    private readonly clock: { now(): number; sleep(ms: number): Promise<void> } = {
      now: () => Date.now(),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    },
  ) {
    if (!(ratePerMinute > 0)) throw new Error(`ratePerMinute must be > 0, got ${ratePerMinute}`);
    this.capacity = Math.max(1, Math.floor(ratePerMinute / 10));
    this.perMs = ratePerMinute / 60_000;
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  /** Resolves when one more request may start. Callers are served in order. */
  acquire(): Promise<void> {
    const turn = this.chain.then(() => this.take());
    this.chain = turn.catch(() => {});
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await this.clock.sleep(Math.ceil((1 - this.tokens) / this.perMs));
    }
  }
}
