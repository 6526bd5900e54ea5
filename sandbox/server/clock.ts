/** The sandbox's notion of time: real by default, injectable so tests can step documents through their states. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

const TR_OFFSET_MS = 3 * 3600_000; // Europe/Istanbul has been UTC+3 all year since 2016.

/** eFinans timestamps: `yyyyMMddHHmmssSSS` in Türkiye time, e.g. `20220617214636473` (integrator-api.md §7). */
export function qnbTimestamp(ms: number): string {
  return new Date(ms + TR_OFFSET_MS).toISOString().replace(/\D/g, '').slice(0, 17);
}

/** `yyyyMMdd` in Türkiye time. */
export function qnbDate(ms: number): string {
  return qnbTimestamp(ms).slice(0, 8);
}

/**
 * A date filter as clients send it: 8 (`yyyyMMdd`), 14 or 17 digits (integrator-api.md §9 lists all three), read
 * as Türkiye time. `end` rounds up to the last millisecond of the stated precision.
 */
export function parseQnbDate(value: string, end = false): number | undefined {
  if (!/^\d{8}(\d{6}(\d{3})?)?$/.test(value)) return undefined;
  const padded = (value + (end ? '235959999' : '000000000')).slice(0, 17);
  const iso = `${padded.slice(0, 4)}-${padded.slice(4, 6)}-${padded.slice(6, 8)}T${padded.slice(8, 10)}:${padded.slice(10, 12)}:${padded.slice(12, 14)}.${padded.slice(14, 17)}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms - TR_OFFSET_MS;
}
