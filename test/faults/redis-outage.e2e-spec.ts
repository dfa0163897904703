import {
  bearer,
  countRows,
  eventually,
  expectHealthDown,
  expectUnavailable,
  logIn,
  signUp,
  signupBody,
  startTestApp,
  TcpProxy,
  type TestApp,
  uniqueEmail,
  useRealServices,
} from '../support/kit.js';

const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  console.info(
    'redis-outage: skipped on the embedded parts (the in-process store cannot become unreachable); ' +
      'run `npm run test:e2e` with REDIS_URL',
  );
}

/**
 * Redis becomes unreachable (a TCP proxy between the app and Redis refuses
 * and cuts connections), then comes back. Requests that need Redis answer 503
 * with Retry-After, never 500; nothing is issued whose state was not
 * recorded; the service resumes by itself.
 */
describeReal('Redis unreachable mid-run', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  beforeAll(async () => {
    proxy = await TcpProxy.forUrl(process.env.REDIS_URL!, 6379);
    t = await startTestApp({}, { via: { redis: (url) => proxy.via(url) } });
  }, 60_000);
  afterAll(async () => {
    await proxy.restore();
    await t?.close();
    await proxy?.close();
  });
  afterEach(async () => {
    await proxy.restore();
  });

  const backUp = () =>
    eventually(async () => (await t.http.get('/health')).status === 200, 15_000, 'the service to see Redis again');

  it('answers 503 with Retry-After on every endpoint that needs Redis, writes nothing, and resumes', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const pending = signupBody();
    const before = await countRows(t.db);

    await proxy.refuse();

    expectUnavailable(await t.http.get('/api/auth/me').set(bearer(login.accessToken)));
    expectUnavailable(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }));
    expectUnavailable(await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken }));
    expectUnavailable(
      await t.http.post('/api/auth/reissue').set(bearer(login.accessToken)).set('Refresh-Token', login.refreshToken),
    );
    expectUnavailable(await t.http.post('/api/auth/logout').set(bearer(login.accessToken)));
    expectUnavailable(await t.http.post('/api/auth/email/verification/send').send({ email: uniqueEmail() }));
    expectUnavailable(
      await t.http.post('/api/auth/email/verification/verify').send({ email: user.email, verificationCode: '123456' }),
    );
    expectUnavailable(await t.http.post('/api/auth/signup').send(pending));
    expectHealthDown(await t.http.get('/health'), 'redis');

    // No session, user, rotation or revocation happened while Redis was away.
    expect(await countRows(t.db)).toEqual(before);

    await proxy.restore();
    await backUp();

    // Nothing was lost: the same tokens still work, without a restart.
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await t.http.post('/api/auth/login').send({ email: user.email, password: user.password })).status).toBe(
      200,
    );
  }, 60_000);

  it('never answers 500, nor spends a token it did not answer for, when Redis drops under load', async () => {
    const user = await signUp(t);
    const chains = await Promise.all(Array.from({ length: 3 }, () => logIn(t, user.email, user.password)));
    const before = await countRows(t.db);
    const statuses: number[] = [];
    let loginsOk = 0;
    let refreshesOk = 0;
    let restoredAt = 0;
    let okAfterRestore = 0;
    const deadline = Date.now() + 15_000;
    const done = () => Date.now() > deadline || (restoredAt > 0 && okAfterRestore >= 10);
    const record = (status: number) => {
      statuses.push(status);
      if (status === 200 && restoredAt > 0) okAfterRestore++;
    };

    const me = async () => {
      while (!done()) record((await t.http.get('/api/auth/me').set(bearer(chains[0].accessToken))).status);
    };
    const login = async () => {
      while (!done()) {
        const res = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
        record(res.status);
        if (res.status === 200) loginsOk++;
      }
    };
    // A refresh answered 503 must leave its token unspent: the chain goes on with the same token.
    const refresh = async (chain: { refreshToken: string }) => {
      let token = chain.refreshToken;
      while (!done()) {
        const res = await t.http.post('/api/auth/refresh').send({ refreshToken: token });
        record(res.status);
        if (res.status === 200) {
          refreshesOk++;
          token = (res.body.data as { refreshToken: string }).refreshToken;
        }
      }
    };
    const outage = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await proxy.refuse();
      await new Promise((resolve) => setTimeout(resolve, 800));
      await proxy.restore();
      restoredAt = Date.now();
    })();
    await Promise.all([me(), me(), login(), ...chains.map(refresh), outage]);

    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 503).length).toBeGreaterThan(0);
    expect(okAfterRestore).toBeGreaterThanOrEqual(10);
    const after = await countRows(t.db);
    // Every session belongs to a login answered 200, every spent token to a refresh answered 200.
    expect(after.sessions - before.sessions).toBe(loginsOk);
    expect(after.spent - before.spent).toBe(refreshesOk);
  }, 60_000);

  it('keeps answering 503 while Redis stays away, then recovers without a restart', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    await proxy.refuse();
    for (let i = 0; i < 5; i++) {
      expectUnavailable(await t.http.get('/api/auth/me').set(bearer(login.accessToken)));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await proxy.restore();
    const tookMs = await backUp();
    expect(tookMs).toBeLessThan(10_000);
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
  }, 60_000);

  it('answers 503, not from what it knows, for a session it had read as live before Redis went away', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    // Read once, then known: answered without a Redis read while the channel works.
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);

    await proxy.refuse();
    expectUnavailable(await t.http.get('/api/auth/me').set(bearer(login.accessToken)));
    await proxy.restore();
    await backUp();
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
  }, 60_000);

  it('refuses, once Redis is back, a session another instance revoked while this one could not hear of it', async () => {
    // Another instance on the same PostgreSQL and Redis, connected to Redis directly.
    const other = await startTestApp({ REDIS_URL: process.env.REDIS_URL! }, { join: t });
    try {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);

      await proxy.refuse();
      expect((await other.http.post('/api/auth/logout').set(bearer(login.accessToken))).status).toBe(200);
      await proxy.restore();
      await backUp();

      const me = await t.http.get('/api/auth/me').set(bearer(login.accessToken));
      expect({ status: me.status, errorCode: me.body.errorCode }).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
    } finally {
      await other.close();
    }
  }, 60_000);
});
