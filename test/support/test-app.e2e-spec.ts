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
