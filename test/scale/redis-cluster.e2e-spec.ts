import { revokedKey } from '../../src/token/session.service.js';
import { cli, RedisClusterFixture, redisTopologyUnavailable, waitUntil } from '../support/redis-topology.js';
import { bearer, startTestApp, type TestApp } from '../support/kit.js';
import {
  emailCodeSendAndVerify,
  expectRevoked,
  logOut,
  logoutIsRefusedEverywhere,
  neverAccepted,
  newSession,
  perIpLimit,
  refreshRaceHasOneWinner,
  type Session,
} from './redis-ha-support.js';

/**
 * The service on a real Redis Cluster (three masters, one replica each, on
 * loopback ports this suite starts): REDIS_CLUSTER_NODES instead of REDIS_URL.
 */
const unavailable = redisTopologyUnavailable();
if (unavailable) console.info(`redis-cluster: skipped, ${unavailable}`);
const describeCluster = unavailable ? describe.skip : describe;

describeCluster('on a Redis Cluster (REDIS_CLUSTER_NODES)', () => {
  let cluster: RedisClusterFixture;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    cluster = await RedisClusterFixture.start(3, 1);
    a = await startTestApp({ REDIS_CLUSTER_NODES: cluster.seeds });
    b = await startTestApp({}, { join: a });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await cluster?.stop();
  }, 60_000);

  /** The prefixed key the service writes, as the cluster sees it. */
  const stored = (key: string) => `${a.env.REDIS_PREFIX}${key}`;

  it('answers /health with Redis up, pinging every master', async () => {
    const res = await a.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body.info.redis).toEqual({ status: 'up' });
    expect(b.env.REDIS_CLUSTER_NODES).toBe(cluster.seeds);
    expect(b.env.REDIS_URL).toBeUndefined();
  });

  it('lets exactly one of 20 concurrent refreshes win', async () => {
    await refreshRaceHasOneWinner(a);
  });

  it('refuses a logged-out token on /me at once, on both instances', async () => {
    await logoutIsRefusedEverywhere(a, b);
  });

  it('sends and verifies an email code across instances', async () => {
    await emailCodeSendAndVerify(a, b);
  });

  it('spreads revocations over the masters, each beside its bucket warm marker', async () => {
    const sessions = await Promise.all(Array.from({ length: 12 }, () => newSession(a)));
    for (const session of sessions) await logOut(a, session);
    const masters = new Set<number>();
    for (const session of sessions) {
      const key = stored(revokedKey(session.sessionId));
      const port = await cluster.masterOf(key);
      masters.add(port);
      expect(await cli(port, 'GET', key)).toBe('logout');
      // The marker of the key's bucket is in the same slot, so on the same master.
      const tag = /\{rv\d+\}/.exec(key)![0];
      const marker = stored(`revocations:warm:${tag}`);
      expect(await cli(port, 'CLUSTER', 'KEYSLOT', marker)).toBe(await cli(port, 'CLUSTER', 'KEYSLOT', key));
      expect(await cli(port, 'EXISTS', marker)).toBe('1');
    }
    expect(masters.size).toBeGreaterThan(1);
  });

  it('keeps revocations when one master loses its data (FLUSHALL on it): its buckets reload from PostgreSQL', async () => {
    const sessions: Session[] = await Promise.all(Array.from({ length: 6 }, () => newSession(a)));
    for (const session of sessions) await logOut(a, session);
    const victim = await cluster.masterOf(stored(revokedKey(sessions[0].sessionId)));
    await cli(victim, 'FLUSHALL');
    expect(await cli(victim, 'EXISTS', stored(revokedKey(sessions[0].sessionId)))).toBe('0');

    for (const session of sessions) {
      expectRevoked(await b.http.get('/api/auth/me').set(bearer(session.accessToken)));
    }
    // The reload wrote the lost revocation back, with its marker.
    expect(await cli(victim, 'GET', stored(revokedKey(sessions[0].sessionId)))).toBe('reloaded');
    const live = await newSession(a);
    expect((await b.http.get('/api/auth/me').set(bearer(live.accessToken))).status).toBe(200);
  });

  it('keeps revocations when the whole cluster comes back empty, and refills all 64 buckets', async () => {
    const sessions: Session[] = await Promise.all(Array.from({ length: 4 }, () => newSession(a)));
    for (const session of sessions) await logOut(a, session);
    await a.flushStore();
    const countKeys = async () => {
      let total = 0;
      for (const node of await cluster.nodes()) {
        if (node.role !== 'master') continue;
        const keys = await cli(node.port, '--scan', '--pattern', `${a.env.REDIS_PREFIX}revocations:warm:*`);
        total += keys === '' ? 0 : keys.split('\n').length;
      }
      return total;
    };
    expect(await countKeys()).toBe(0);

    const answers = await Promise.all(sessions.map((s) => b.http.get('/api/auth/me').set(bearer(s.accessToken))));
    for (const res of answers) expectRevoked(res);
    expect(await countKeys()).toBe(64);
    for (const session of sessions) expect(await a.store.get(revokedKey(session.sessionId))).toBe('reloaded');
  });

  it('loses no revocation across a master failover (CLUSTER FAILOVER), and logs out after it', async () => {
    const before: Session[] = await Promise.all(Array.from({ length: 6 }, () => newSession(a)));
    for (const session of before) await logOut(a, session);
    const master = await cluster.masterOf(stored(revokedKey(before[0].sessionId)));
    await cluster.waitHealthy();

    let promoted = 0;
    const seen = await neverAccepted(
      b,
      before.map((session) => session.accessToken),
      async () => {
        promoted = await cluster.failover(master);
      },
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(await cluster.masterOf(stored(revokedKey(before[0].sessionId)))).toBe(promoted);
    expect(await cli(promoted, 'GET', stored(revokedKey(before[0].sessionId)))).toBe('logout');

    for (const session of before) {
      expectRevoked(await a.http.get('/api/auth/me').set(bearer(session.accessToken)));
      expectRevoked(await b.http.get('/api/auth/me').set(bearer(session.accessToken)));
    }
    const after = await newSession(a);
    expect((await b.http.get('/api/auth/me').set(bearer(after.accessToken))).status).toBe(200);
    await logOut(b, after);
    expectRevoked(await a.http.get('/api/auth/me').set(bearer(after.accessToken)));
    await refreshRaceHasOneWinner(b);
  });

  describe('with RATE_LIMIT_MAX=5', () => {
    let limited: TestApp;
    beforeAll(async () => {
      limited = await startTestApp({ REDIS_CLUSTER_NODES: cluster.seeds, RATE_LIMIT_MAX: '5' });
    }, 60_000);
    afterAll(async () => {
      await limited?.close();
    });

    it('answers the sixth request of one IP with 429 TOO_MANY_REQUESTS', async () => {
      await perIpLimit(limited);
    });
  });

  // Last: it leaves the cluster without one shard.
  it('answers /health 503 with redis down when a shard (master and replica) is gone', async () => {
    await cluster.killShard(await cluster.masterOf(stored('any-key')));
    const res = await a.http.get('/health');
    expect(res.status).toBe(503);
    expect(res.body.error.redis).toEqual({ status: 'down' });
    expect(res.body.info.database).toMatchObject({ status: 'up' });
  });
});

describeCluster('when the Redis Cluster is not up yet at start', () => {
  let cluster: RedisClusterFixture | undefined;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  }, 60_000);

  it('starts anyway (503 meanwhile) and connects once the cluster is up', async () => {
    const ports = await RedisClusterFixture.ports(3, 0);
    t = await startTestApp({ REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(',') });
    const before = await t.http.get('/health');
    expect({ status: before.status, redis: before.body.error?.redis }).toEqual({
      status: 503,
      redis: { status: 'down' },
    });
    expect((await t.http.post('/api/auth/login').send({ email: 'a@example.com', password: 'x' })).status).toBe(503);

    cluster = await RedisClusterFixture.start(3, 0, ports);
    const app = t;
    await waitUntil('the service to reach the cluster', async () => (await app.http.get('/health')).status === 200);
    const session = await newSession(app);
    // The first guarded request finds the empty Redis and fills the revocation buckets from PostgreSQL.
    expect((await app.http.get('/api/auth/me').set(bearer(session.accessToken))).status).toBe(200);
    await logOut(app, session);
    expectRevoked(await app.http.get('/api/auth/me').set(bearer(session.accessToken)));
  });
});

describeCluster('when the service looks at the Redis Cluster before its slots are assigned', () => {
  let cluster: RedisClusterFixture | undefined;
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  }, 60_000);

  it('looks again until every slot is served, then works', async () => {
    const ports = await RedisClusterFixture.ports(3, 0);
    t = await startTestApp({ REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(',') });
    cluster = await RedisClusterFixture.start(3, 0, ports, async (up) => {
      // The service has asked a node for the slot map (CLUSTER SLOTS) while no slot was assigned.
      await waitUntil('the service to ask for the slot map', async () => {
        for (const port of up) {
          if (/^cmdstat_cluster\|slots:calls=[1-9]/m.test(await cli(port, 'INFO', 'commandstats'))) return true;
        }
        return false;
      });
    });
    const app = t;
    await waitUntil('the service to reach the cluster', async () => (await app.http.get('/health')).status === 200);
    // Every slot answers: a code send and verify (keys on many slots), a login, a logout.
    const session = await newSession(app);
    expect((await app.http.get('/api/auth/me').set(bearer(session.accessToken))).status).toBe(200);
    await logOut(app, session);
    expectRevoked(await app.http.get('/api/auth/me').set(bearer(session.accessToken)));
  });
});
