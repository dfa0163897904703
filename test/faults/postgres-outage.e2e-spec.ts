import pg from 'pg';
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
  useRealServices,
  verifyEmail,
} from '../support/kit.js';

const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  console.info(
    'postgres-outage: skipped on the embedded parts (PGlite runs inside the process and cannot become ' +
      'unreachable); run `npm run test:e2e` with DATABASE_URL',
  );
}

/**
 * PostgreSQL becomes unreachable (a TCP proxy between the app and the server
 * refuses connections and cuts the open ones) during signup and refresh.
 */
describeReal('PostgreSQL unreachable', () => {
  let proxy: TcpProxy;
  let t: TestApp;
  /** Straight to the test database, past the proxy, for assertions while the app cannot reach it. */
  let direct: pg.Client;
  beforeAll(async () => {
    proxy = await TcpProxy.forUrl(process.env.DATABASE_URL!, 5432);
    t = await startTestApp({}, { via: { database: (url) => proxy.via(url) } });
    const url = new URL(t.env.DATABASE_URL);
    const real = new URL(process.env.DATABASE_URL!);
    url.hostname = real.hostname;
    url.port = real.port;
    direct = new pg.Client({ connectionString: url.toString() });
    await direct.connect();
  }, 60_000);
  afterAll(async () => {
    await proxy.restore();
    await direct?.end();
    await t?.close();
    await proxy?.close();
  });
  afterEach(async () => {
    await proxy.restore();
  });

  const counts = () => countRows(async (sql) => (await direct.query<Record<string, string>>(sql)).rows);
  const backUp = () =>
    eventually(async () => (await t.http.get('/health')).status === 200, 15_000, 'the service to see PostgreSQL again');

  it('answers a signup 503 and creates no user; the verified email can sign up once it is back', async () => {
    const body = signupBody();
    await verifyEmail(t, body.email);
    const before = await counts();

    await proxy.refuse();
    expectUnavailable(await t.http.post('/api/auth/signup').send(body));
    expectHealthDown(await t.http.get('/health'), 'database');

    expect(await counts()).toEqual(before);
    const rows = await direct.query('SELECT 1 FROM users WHERE email = $1', [body.email]);
    expect(rows.rowCount).toBe(0);

    await proxy.restore();
    await backUp();
    // The verification ticket was not spent by the failed attempt.
    const signup = await t.http.post('/api/auth/signup').send(body);
    expect(signup.status).toBe(201);
    expect((await counts()).users).toBe(before.users + 1);
  }, 60_000);

  it('answers a refresh 503 and leaves the presented token usable once it is back', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const before = await counts();

    await proxy.refuse();
    for (let i = 0; i < 3; i++) {
      expectUnavailable(await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken }));
      expectUnavailable(
        await t.http.post('/api/auth/reissue').set(bearer(login.accessToken)).set('Refresh-Token', login.refreshToken),
      );
    }
    expectUnavailable(await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }));
    // A guarded read needs only Redis and the profile cache (filled by the login).
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
    expect(await counts()).toEqual(before);

    await proxy.restore();
    await backUp();
    const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(refreshed.status).toBe(200);
    const after = await counts();
    expect(after.spent).toBe(before.spent + 1);
    expect(after.revoked).toBe(before.revoked);
  }, 60_000);

  it('replaces connections cut under it without failing the next request', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    proxy.cut();
    // The pool's idle connections are dead; the next query must open a new one, not fail.
    await eventually(
      async () =>
        (await t.http.post('/api/auth/login').send({ email: user.email, password: user.password })).status === 200,
      5_000,
      'a login after the cut',
    );
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken })).status).toBe(200);
  }, 60_000);

  it('never answers 500 while PostgreSQL comes and goes under refreshes and logins', async () => {
    const user = await signUp(t);
    const chains = await Promise.all(Array.from({ length: 3 }, () => logIn(t, user.email, user.password)));
    const statuses: number[] = [];
    const stopAt = Date.now() + 2_500;
    const refresh = async (chain: { refreshToken: string }) => {
      let token = chain.refreshToken;
      while (Date.now() < stopAt) {
        const res = await t.http.post('/api/auth/refresh').send({ refreshToken: token });
        statuses.push(res.status);
        if (res.status === 200) token = (res.body.data as { refreshToken: string }).refreshToken;
        if (res.status === 503) expectUnavailable(res);
      }
    };
    const login = async () => {
      while (Date.now() < stopAt) {
        const res = await t.http.post('/api/auth/login').send({ email: user.email, password: user.password });
        statuses.push(res.status);
      }
    };
    const outage = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await proxy.refuse();
      await new Promise((resolve) => setTimeout(resolve, 700));
      await proxy.restore();
    })();
    await Promise.all([...chains.map(refresh), login(), outage]);

    // A refresh cut after its UPDATE committed answers 503 and leaves its token spent: the chain then sees a
    // 400 (spent within the grace window). That is the one answer besides 200 and 503 it may give.
    expect(statuses.filter((status) => ![200, 400, 503].includes(status))).toEqual([]);
    expect(statuses).toContain(503);
    await backUp();
    // No rotation is half done: every spent token has its successor.
    const orphans = await direct.query(
      `SELECT 1 FROM refresh_tokens rt WHERE rt.spent_at IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM refresh_tokens n WHERE n.jti = rt.replaced_by)`,
    );
    expect(orphans.rowCount).toBe(0);
  }, 60_000);
});
