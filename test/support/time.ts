import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryStore } from '../../src/cache/memory.store.js';
import type { TestApp } from './test-app.js';

export const APP_TIMEZONE = 'Asia/Seoul';
export const DAY_MS = 86_400_000;

const seoul = new Intl.DateTimeFormat('sv-SE', {
  timeZone: APP_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `YYYY-MM-DDTHH:mm:ss` in Asia/Seoul. */
export function seoulTimestamp(epochMs: number): string {
  return seoul.format(epochMs).replace(' ', 'T');
}

/** The calendar date `YYYY-MM-DD` in Asia/Seoul. */
export function seoulDate(epochMs: number): string {
  return seoulTimestamp(epochMs).slice(0, 10);
}

/** `YYYY-MM-DD` shifted by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * Lets `ms` pass for everything that expires: the app's clock (tokens, the
 * in-process store) and, with Redis, real time, since Redis expires keys on
 * its own clock. Only for short TTLs.
 */
export async function letTimePass(t: TestApp, ms: number): Promise<void> {
  t.clock.advance(ms);
  if (!(t.store instanceof MemoryStore)) await sleep(ms);
}

/** Polls `check` until it returns true, for at most `timeoutMs`; returns how long it took. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

/** The numbers of a sample, middle value (mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
