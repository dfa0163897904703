import { bearer, logIn, signUp, useTestApp } from '../support/kit.js';

/**
 * Redis restarts empty (no persistence): the test's key prefix is flushed
 * (the in-process store is cleared on the embedded parts). PostgreSQL holds
 * the truth, so nothing that was refused becomes accepted again.
 */
describe('Redis restarts empty', () => {
  const t = useTestApp();

  it('keeps logged-out tokens refused, on every guarded route and on refresh', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    expect((await t.http.post('/api/auth/logout').set(bearer(login.accessToken))).status).toBe(200);

    await t.flushStore();

    // Concurrent first requests after the flush share one reload and all see the revocation.
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => t.http.get('/api/auth/me').set(bearer(login.accessToken))),
    );
    for (const res of answers) {
      expect({ status: res.status, errorCode: res.body.errorCode }).toEqual({
        status: 401,
        errorCode: 'TOKEN_REVOKED',
      });
    }
    const refresh = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect({ status: refresh.status, errorCode: refresh.body.errorCode }).toEqual({
      status: 400,
      errorCode: 'REFRESH_TOKEN_REVOKED',
    });
    const logout = await t.http.post('/api/auth/logout').set(bearer(login.accessToken));
    expect({ status: logout.status, errorCode: logout.body.errorCode }).toEqual({
      status: 401,
      errorCode: 'TOKEN_REVOKED',
    });
  });

  it('keeps spent refresh tokens spent, and their successors usable', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const first = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect(first.status).toBe(200);
    const next = first.body.data as { accessToken: string; refreshToken: string };

    await t.flushStore();

    const replay = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect({ status: replay.status, errorCode: replay.body.errorCode }).toEqual({
      status: 400,
      errorCode: 'REFRESH_TOKEN_REVOKED',
    });
    // Within the reuse grace the replay only refuses; the session goes on.
    expect((await t.http.get('/api/auth/me').set(bearer(next.accessToken))).status).toBe(200);
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: next.refreshToken })).status).toBe(200);
  });

  it('keeps a session revoked for refresh-token theft revoked', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const first = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    const next = first.body.data as { accessToken: string; refreshToken: string };
    t.clock.advance(11_000);
    // A replay after the grace window is the theft signal: the whole session is revoked.
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken })).status).toBe(400);

    await t.flushStore();

    expect((await t.http.get('/api/auth/me').set(bearer(next.accessToken))).body.errorCode).toBe('TOKEN_REVOKED');
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: next.refreshToken })).status).toBe(400);
  });

  it('still accepts tokens of sessions nobody revoked', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    await t.flushStore();
    expect((await t.http.get('/api/auth/me').set(bearer(login.accessToken))).status).toBe(200);
  });
});
