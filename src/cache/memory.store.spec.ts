import { TestClock } from '../../test/support/test-clock.js';
import { MemoryStore } from './memory.store.js';

describe('MemoryStore', () => {
  let clock: TestClock;
  let store: MemoryStore;
  beforeEach(() => {
    clock = new TestClock().freeze();
    store = new MemoryStore(clock);
  });
  afterEach(() => {
    store.onModuleDestroy();
  });

  describe('when answers arrive', () => {
    it('hands every answer of a turn over at its end, in the order asked, each computed when asked', async () => {
      const order: string[] = [];
      const first = store.increment('rate:ip', 60_000).then((counter) => order.push(`first ${counter.count}`));
      const taken = store.setIfAbsent('lock', 'a', 1_000).then((won) => order.push(`lock ${won}`));
      const second = store.increment('rate:ip', 60_000).then((counter) => order.push(`second ${counter.count}`));
      const lost = store.setIfAbsent('lock', 'b', 1_000).then((won) => order.push(`lock ${won}`));
      // Every microtask of this turn has run, and nothing is answered yet.
      for (let i = 0; i < 10; i++) await Promise.resolve();
      expect(order).toEqual([]);
      await new Promise<void>((resolve) => setImmediate(resolve));
      await Promise.all([first, taken, second, lost]);
      expect(order).toEqual(['first 1', 'lock true', 'second 2', 'lock false']);
    });

    it('answers the next turn with that turn', async () => {
      await store.set('a', '1', 1_000);
      expect(await store.get('a')).toBe('1');
      expect(await store.getMany(['a', 'b'])).toEqual(['1', null]);
    });
  });

  describe('get, getMany and set', () => {
    it('returns what was set, and null for an absent key', async () => {
      await store.set('a', '1', 1_000);
      expect(await store.get('a')).toBe('1');
      expect(await store.get('b')).toBeNull();
      expect(await store.getMany(['a', 'b', 'a'])).toEqual(['1', null, '1']);
    });

    it('replaces the value and the lifetime on a second set', async () => {
      await store.set('a', '1', 1_000);
      await store.set('a', '2', 5_000);
      clock.advance(2_000);
      expect(await store.get('a')).toBe('2');
    });

    it('expires an entry when its lifetime has passed, by the injected clock', async () => {
      await store.set('a', '1', 1_000);
      clock.advance(999);
      expect(await store.get('a')).toBe('1');
      clock.advance(1);
      expect(await store.get('a')).toBeNull();
      expect(await store.getMany(['a'])).toEqual([null]);
    });
  });

  describe('setIfAbsent', () => {
    it('sets only when absent and says whether it did', async () => {
      expect(await store.setIfAbsent('lock', 'first', 1_000)).toBe(true);
      expect(await store.setIfAbsent('lock', 'second', 1_000)).toBe(false);
      expect(await store.get('lock')).toBe('first');
    });

    it('treats an expired entry as absent', async () => {
      await store.setIfAbsent('lock', 'first', 1_000);
      clock.advance(1_000);
      expect(await store.setIfAbsent('lock', 'second', 1_000)).toBe(true);
      expect(await store.get('lock')).toBe('second');
    });

    it('lets one of many concurrent callers win', async () => {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.setIfAbsent('k', String(i), 1_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('take', () => {
    it('returns the value once and deletes it', async () => {
      await store.set('code', 'x', 1_000);
      const taken = await Promise.all([store.take('code'), store.take('code'), store.take('code')]);
      expect(taken).toEqual(['x', null, null]);
      expect(await store.get('code')).toBeNull();
    });

    it('returns null for an expired value', async () => {
      await store.set('code', 'x', 1_000);
      clock.advance(1_000);
      expect(await store.take('code')).toBeNull();
    });
  });

  describe('delete and deleteIfEquals', () => {
    it('deletes, and deleting an absent key is fine', async () => {
      await store.set('a', '1', 1_000);
      await store.delete('a');
      await store.delete('never');
      expect(await store.get('a')).toBeNull();
    });

    it('deletes only while the key holds the value, once', async () => {
      await store.set('a', 'v1', 1_000);
      expect(await store.deleteIfEquals('a', 'other')).toBe(false);
      expect(await store.get('a')).toBe('v1');
      const results = await Promise.all([store.deleteIfEquals('a', 'v1'), store.deleteIfEquals('a', 'v1')]);
      expect(results.sort()).toEqual([false, true]);
      expect(await store.get('a')).toBeNull();
    });

    it('does not delete an expired value', async () => {
      await store.set('a', 'v1', 1_000);
      clock.advance(1_000);
      expect(await store.deleteIfEquals('a', 'v1')).toBe(false);
    });
  });

  describe('increment', () => {
    it('counts from 1 in a window that starts with the first increment', async () => {
      expect(await store.increment('n', 10_000)).toEqual({ count: 1, ttlMs: 10_000 });
      clock.advance(4_000);
      expect(await store.increment('n', 10_000)).toEqual({ count: 2, ttlMs: 6_000 });
      expect(await store.get('n')).toBe('2');
    });

    it('starts again at 1 once the window is over', async () => {
      await store.increment('n', 10_000);
      await store.increment('n', 10_000);
      clock.advance(10_000);
      expect(await store.increment('n', 10_000)).toEqual({ count: 1, ttlMs: 10_000 });
    });

    it('gives each of many concurrent callers its own count', async () => {
      const counts = await Promise.all(Array.from({ length: 50 }, () => store.increment('n', 10_000)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('adds several units at once, answering the count after them', async () => {
      expect(await store.increment('n', 10_000, 5)).toEqual({ count: 5, ttlMs: 10_000 });
      clock.advance(1_000);
      expect(await store.increment('n', 10_000)).toEqual({ count: 6, ttlMs: 9_000 });
      expect(await store.increment('n', 10_000, 3)).toEqual({ count: 9, ttlMs: 9_000 });
      expect(await store.get('n')).toBe('9');
    });
  });

  describe('ttl', () => {
    it('is what remains of the lifetime, and 0 when absent or expired', async () => {
      await store.set('a', '1', 60_000);
      clock.advance(15_000);
      expect(await store.ttl('a')).toBe(45_000);
      expect(await store.ttl('b')).toBe(0);
      clock.advance(45_000);
      expect(await store.ttl('a')).toBe(0);
    });
  });

  it('clear() empties the store, as a Redis restart without persistence would', async () => {
    await store.set('a', '1', 1_000);
    await store.increment('n', 1_000);
    store.clear();
    expect(await store.getMany(['a', 'n'])).toEqual([null, null]);
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
