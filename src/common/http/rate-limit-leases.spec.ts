import { jest } from '@jest/globals';
import { TestClock } from '../../../test/support/test-clock.js';
import { DependencyUnavailableError } from '../errors/app.exception.js';
import type { Counter, KeyValueStore } from '../store/key-value.store.js';
import type { Clock } from '../time/clock.js';
import { MAX_LEASE, RateLimitLeases } from './rate-limit-leases.js';

/** The store's fixed-window counter, answering at the end of the turn as both stores do. */
class CounterStore {
  private readonly counters = new Map<string, { count: number; endsAt: number }>();
  constructor(private readonly clock: Clock) {}

  increment(key: string, windowMs: number, by = 1): Promise<Counter> {
    const now = this.clock.now();
    let counter = this.counters.get(key);
    if (!counter || counter.endsAt <= now) {
      counter = { count: 0, endsAt: now + windowMs };
      this.counters.set(key, counter);
    }
    counter.count += by;
    const answer = { count: counter.count, ttlMs: counter.endsAt - now };
    return new Promise((resolve) => setImmediate(() => resolve(answer)));
  }

  connected(): boolean {
    return true;
  }

  async get(key: string): Promise<string | null> {
    const counter = this.counters.get(key);
    return counter && counter.endsAt > this.clock.now() ? String(counter.count) : null;
  }
}

describe('RateLimitLeases', () => {
  let clock: TestClock;
  let store: KeyValueStore;
  let increments: number[];
  beforeEach(() => {
    clock = new TestClock().freeze();
    store = new CounterStore(clock) as unknown as KeyValueStore;
    increments = [];
    const increment = store.increment.bind(store);
    jest.spyOn(store, 'increment').mockImplementation((key, windowMs, by = 1) => {
      increments.push(by);
      return increment(key, windowMs, by);
    });
  });

  async function takeInTurn(leases: RateLimitLeases, n: number, client = 'ip') {
    return Promise.all(Array.from({ length: n }, () => leases.take(client)));
  }

  it('admits exactly the limit one after another, then refuses with what the window has left', async () => {
    const leases = new RateLimitLeases(store, clock, 5, 60_000);
    const decisions = [];
    for (let i = 0; i < 6; i++) {
      decisions.push(await leases.take('ip'));
      clock.advance(1_000);
    }
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(decisions[5].ttlMs).toBe(55_000);
    // Near the limit every request is counted, the refused one too, as one increment each.
    expect(await store.get('rate:ip')).toBe('6');
  });

  it('admits exactly the limit of many requests arriving together, in their order', async () => {
    const leases = new RateLimitLeases(store, clock, 20, 60_000);
    const decisions = await takeInTurn(leases, 50);
    expect(decisions.map((d) => d.allowed)).toEqual([
      ...Array<boolean>(20).fill(true),
      ...Array<boolean>(30).fill(false),
    ]);
  });

  it('across processes sharing the counter, never admits more than the limit', async () => {
    const limit = 1_000;
    const instances = [0, 1, 2].map(() => new RateLimitLeases(store, clock, limit, 60_000));
    let admitted = 0;
    const perInstance = [0, 0, 0];
    for (let round = 0; round < 600; round++) {
      // Each round, every instance answers a few requests of the same client at once.
      const decisions = await Promise.all(instances.map((leases, i) => takeInTurn(leases, 1 + ((round + i) % 3))));
      decisions.forEach((answers, i) => {
        const allowed = answers.filter((d) => d.allowed).length;
        admitted += allowed;
        perInstance[i] += allowed;
      });
    }
    expect(admitted).toBeLessThanOrEqual(limit);
    // Refused early by at most the units the others hold unused: 1/32 of the room each, at most.
    expect(admitted).toBeGreaterThanOrEqual(limit - 2 * Math.ceil(limit / 32));
    expect(perInstance.every((n) => n > 0)).toBe(true);
    expect(Number(await store.get('rate:ip'))).toBeGreaterThanOrEqual(admitted);
  });

  it('counts a steady client a reservation at a time, not a request at a time', async () => {
    const leases = new RateLimitLeases(store, clock, 1_000_000, 60_000);
    for (let i = 0; i < 2_000; i++) expect((await leases.take('ip')).allowed).toBe(true);
    expect(increments.length).toBeLessThan(30);
    expect(Math.max(...increments)).toBe(MAX_LEASE);
    // Every admitted request is counted in the shared counter (with the units held ahead).
    const counted = Number(await store.get('rate:ip'));
    expect(counted).toBeGreaterThanOrEqual(2_000);
    expect(counted).toBeLessThanOrEqual(2_000 + 2 * MAX_LEASE);
  });

  it('starts again in the next window, without the units left from the last', async () => {
    const leases = new RateLimitLeases(store, clock, 100, 10_000);
    for (let i = 0; i < 100; i++) expect((await leases.take('ip')).allowed).toBe(true);
    expect((await leases.take('ip')).allowed).toBe(false);
    clock.advance(10_000);
    expect(await leases.take('ip')).toEqual({ allowed: true, ttlMs: 10_000 });
    // A new count, of the first request's unit alone.
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(await store.get('rate:ip')).toBe('1');
  });

  it('keeps clients apart', async () => {
    const leases = new RateLimitLeases(store, clock, 2, 60_000);
    await leases.take('a');
    await leases.take('a');
    expect((await leases.take('a')).allowed).toBe(false);
    expect((await leases.take('b')).allowed).toBe(true);
  });

  it('fails the requests that need a reservation while the store is down, and goes on once it is back', async () => {
    const leases = new RateLimitLeases(store, clock, 10, 60_000);
    const increment = CounterStore.prototype.increment.bind(store);
    const down = jest
      .spyOn(store, 'increment')
      .mockRejectedValue(new DependencyUnavailableError('redis', new Error('down')));
    await expect(leases.take('ip')).rejects.toBeInstanceOf(DependencyUnavailableError);
    down.mockImplementation(increment);
    expect((await leases.take('ip')).allowed).toBe(true);
    expect(await store.get('rate:ip')).toBe('1');
  });
});
