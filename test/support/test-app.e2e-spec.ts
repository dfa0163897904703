import { createClient } from '@redis/client';
import { bearer, logIn, signUp, startTestApp, useRealServices } from './kit.js';
import { dropRedisPrefix, escapeGlob } from './redis-prefix.js';

/**
 * The kit cleans up after itself on the machine's Redis: an app's close() removes the keys under the
 * prefix startTestApp made for it (revocation warm markers live a year), as it drops its database.
 */
const describeReal = useRealServices && process.env.REDIS_URL ? describe : describe.skip;
if (!useRealServices) console.info('test-app (Redis clean-up): skipped on the embedded parts (no Redis)');

describeReal('startTestApp on the machine Redis', () => {
  const url = process.env.REDIS_URL!;
  const redis = createClient({ url });
  beforeAll(async () => {
    await redis.connect();
  });
  afterAll(async () => {
    await redis.close();
  });

  const keysUnder = async (prefix: string): Promise<string[]> => {
    const found: string[] = [];
    for await (const keys of redis.scanIterator({ MATCH: `${escapeGlob(prefix)}*`, COUNT: 1_000 })) found.push(...keys);
    return found;
  };

  it('removes the keys its app wrote when the app closes; a joined app leaves them to the owner', async () => {
    const owner = await startTestApp();
    const prefix = owner.env.REDIS_PREFIX;
    let joined: Awaited<ReturnType<typeof startTestApp>> | undefined;
    try {
      joined = await startTestApp({}, { join: owner });
      const user = await signUp(owner);
      const login = await logIn(owner, user.email, user.password);
      // A guarded request on each instance writes the revocation warm marker; a logout writes a revocation.
      expect((await joined.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
      expect((await owner.http.post('/api/auth/logout').set(bearer(login.accessToken))).status).toBe(200);
      const written = await keysUnder(prefix);
      expect(written.some((key) => key.startsWith(`${prefix}revocations:warm:`))).toBe(true);
      expect(written.some((key) => key.startsWith(`${prefix}revoked:`))).toBe(true);

      await joined.close();
      joined = undefined;
      expect((await keysUnder(prefix)).length).toBe(written.length);
    } finally {
      await joined?.close();
      await owner.close();
    }
    expect(await keysUnder(prefix)).toEqual([]);
  });

  it('lists its keys in one order however Redis lays them out (storeKeys after another prefix shrinks the table)', async () => {
    const t = await startTestApp();
    const other = `test:other-${Date.now()}:`;
    try {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
      const filler = Array.from({ length: 20_000 }, (_, i) => `${other}${i}`);
      const fill = redis.multi();
      for (const key of filler) fill.set(key, '1');
      await fill.exec();
      const before = await t.storeKeys();
      expect(before.length).toBeGreaterThanOrEqual(64);
      // Deleting many keys makes Redis shrink and rehash its table over the next cron ticks, which
      // reorders what SCAN returns: the listing must not depend on it.
      for (let i = 0; i < filler.length; i += 1_000) await redis.unlink(filler.slice(i, i + 1_000));
      for (let look = 0; look < 10; look++) {
        expect(await t.storeKeys()).toEqual(before);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await dropRedisPrefix(url, other);
      await t.close();
    }
  });

  it('removes only its own prefix, and takes a glob character in it literally', async () => {
    await redis.set('test:glob*:mine', '1');
    await redis.set('test:globX:other', '1');
    try {
      expect(await dropRedisPrefix(url, 'test:glob*:')).toBe(1);
      expect(await redis.get('test:glob*:mine')).toBeNull();
      expect(await redis.get('test:globX:other')).toBe('1');
    } finally {
      await redis.del(['test:glob*:mine', 'test:globX:other']);
    }
  });

  it('treats a Redis it cannot reach as nothing to remove', async () => {
    expect(await dropRedisPrefix('redis://127.0.0.1:1', 'test:unreachable:')).toBe(0);
  });
});
