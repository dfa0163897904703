import calculateSlot from 'cluster-key-slot';
import { randomUUID } from 'node:crypto';
import { revokedKey, warmMarker } from '../token/session.service.js';
import { bucketOf } from './hash-tag.js';

describe('bucketOf and the revocation keys', () => {
  it('gives an id the same bucket every time, within range', () => {
    const id = randomUUID();
    expect(bucketOf(id, 64)).toBe(bucketOf(id, 64));
    for (let i = 0; i < 1_000; i++) {
      const bucket = bucketOf(randomUUID(), 64);
      expect(Number.isInteger(bucket) && bucket >= 0 && bucket < 64).toBe(true);
    }
  });

  it('spreads session ids evenly over the buckets', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i++) counts[bucketOf(randomUUID(), 64)]++;
    // 1,000 expected per bucket; the binomial spread is ~31.
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1_200);
  });

  it('puts a revocation in the hash slot of its bucket marker, whatever the prefix, and buckets in 64 slots', () => {
    const slots = new Set<number>();
    for (let i = 0; i < 2_000; i++) {
      const sessionId = randomUUID();
      const key = revokedKey(sessionId);
      const marker = warmMarker(bucketOf(sessionId, 64));
      expect(calculateSlot(`auth:${key}`)).toBe(calculateSlot(`auth:${marker}`));
      expect(calculateSlot(`other-prefix:${key}`)).toBe(calculateSlot(`auth:${marker}`));
      slots.add(calculateSlot(`auth:${marker}`));
    }
    expect(slots.size).toBe(64);
  });
});
