import { bearer, claimsOf, expectError, logIn, refreshRows, sessionById, signUp, useTestApp } from '../support/kit.js';

interface Pair {
  accessToken: string;
  refreshToken: string;
}

/** SPEC §2 "Tokens": rotation, the reuse grace window, theft and expiry, on /refresh and on /reissue. */
describe('refresh token rotation', () => {
  const t = useTestApp();

  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });
  const me = (accessToken: string) => t.http.get('/api/auth/me').set(bearer(accessToken));

  async function rotated(refreshToken: string): Promise<Pair> {
    const res = await refresh(refreshToken);
    expect(res.status).toBe(200);
    return res.body.data as Pair;
  }

  describe('POST /api/auth/refresh', () => {
    it('issues a new pair and spends the presented token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const next = await rotated(login.refreshToken);

      expect(claimsOf(next.refreshToken).sid).toBe(claimsOf(login.refreshToken).sid);
      expect((await me(next.accessToken)).status).toBe(200);
      const rows = await refreshRows(t, claimsOf(login.refreshToken).sid);
      expect(rows.find((row) => row.jti === claimsOf(login.refreshToken).jti)?.replacedBy).toBe(
        claimsOf(next.refreshToken).jti,
      );
    });

    it('only refuses a spent token replayed within REFRESH_REUSE_GRACE and leaves the session alone', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const next = await rotated(login.refreshToken);
      t.clock.advance(9_000);

      const replay = await refresh(login.refreshToken);

      expectError(replay, 400, 'REFRESH_TOKEN_REVOKED', '이미 로그아웃된 Refresh Token입니다.');
      const sid = claimsOf(login.refreshToken).sid;
      expect(await sessionById(t, sid)).toMatchObject({ revokedAt: null, revokedReason: null });
      expect((await me(login.accessToken)).status).toBe(200);
      expect((await me(next.accessToken)).status).toBe(200);
      await rotated(next.refreshToken);
    });

    it('revokes every token of the session when a spent token is replayed after the grace window', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      const next = await rotated(login.refreshToken);
      t.clock.advance(11_000);

      const replay = await refresh(login.refreshToken);

      expectError(replay, 400, 'REFRESH_TOKEN_REVOKED');
      const sid = claimsOf(login.refreshToken).sid;
      expect(await sessionById(t, sid)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'refresh_reuse' });
      expectError(await refresh(next.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
      expectError(await me(login.accessToken), 401, 'TOKEN_REVOKED');
      expectError(await me(next.accessToken), 401, 'TOKEN_REVOKED');
      // The successor was not spent by the refused attempt.
      const rows = await refreshRows(t, sid);
      expect(rows.find((row) => row.jti === claimsOf(next.refreshToken).jti)?.spentAt).toBeNull();

      // Another session of the same user is not touched.
      expect(await sessionById(t, claimsOf(other.refreshToken).sid)).toMatchObject({ revokedAt: null });
      expect((await me(other.accessToken)).status).toBe(200);
      await rotated(other.refreshToken);
    });
  });

  describe('POST /api/auth/reissue', () => {
    const reissue = (pair: Pair) =>
      t.http.post('/api/auth/reissue').set(bearer(pair.accessToken)).set('Refresh-Token', pair.refreshToken);

    it('rotates like refresh and answers the new pair in headers and body', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const res = await reissue(login);

      expect(res.status).toBe(200);
      const data = res.body.data as Pair;
      expect(res.headers.authorization).toBe(`Bearer ${data.accessToken}`);
      expect(res.headers['refresh-token']).toBe(data.refreshToken);
      expect(claimsOf(data.refreshToken).sid).toBe(claimsOf(login.refreshToken).sid);
      expectError(await refresh(login.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
    });

    it('accepts an expired access token of the same session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(3_601_000);
      expectError(await me(login.accessToken), 401, 'TOKEN_EXPIRED');

      const res = await reissue(login);

      expect(res.status).toBe(200);
      expect((await me((res.body.data as Pair).accessToken)).status).toBe(200);
    });

    it('refuses, 401 REFRESH_TOKEN_INVALID, an access token of another session and spends nothing', async () => {
      const user = await signUp(t);
      const first = await logIn(t, user.email, user.password);
      const second = await logIn(t, user.email, user.password);

      const res = await reissue({ accessToken: second.accessToken, refreshToken: first.refreshToken });

      expectError(res, 401, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.');
      const rows = await refreshRows(t, claimsOf(first.refreshToken).sid);
      expect(rows.map((row) => row.spentAt)).toEqual([null]);
      await rotated(first.refreshToken);
    });

    it('only refuses, 401, a spent token replayed within the grace window', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const next = (await reissue(login)).body.data as Pair;

      const replay = await reissue(login);

      expectError(replay, 401, 'REFRESH_TOKEN_REVOKED', '이미 로그아웃된 Refresh Token입니다.');
      expect(await sessionById(t, claimsOf(login.refreshToken).sid)).toMatchObject({ revokedAt: null });
      expect((await reissue(next)).status).toBe(200);
    });

    it('refuses, 401, a spent token replayed after the grace window and revokes its session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      const next = (await reissue(login)).body.data as Pair;
      t.clock.advance(11_000);

      const replay = await reissue(login);

      expectError(replay, 401, 'REFRESH_TOKEN_REVOKED');
      expect(await sessionById(t, claimsOf(login.refreshToken).sid)).toMatchObject({
        revokedAt: expect.any(Date),
        revokedReason: 'refresh_reuse',
      });
      expectError(await reissue(next), 401, 'REFRESH_TOKEN_REVOKED');
      expectError(await me(next.accessToken), 401, 'TOKEN_REVOKED');
      expect((await reissue(other)).status).toBe(200);
    });
  });
});

describe('an expired refresh token (JWT_REFRESH_TTL=60s)', () => {
  const t = useTestApp({ JWT_REFRESH_TTL: '60s' });

  const me = (accessToken: string) => t.http.get('/api/auth/me').set(bearer(accessToken));

  it('is refused on refresh, 400 REFRESH_TOKEN_INVALID, and its session revoked', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    t.clock.advance(61_000);
    const other = await logIn(t, user.email, user.password);

    const res = await t.http.post('/api/auth/refresh').send({ refreshToken: login.refreshToken });

    expectError(res, 400, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.');
    const sid = claimsOf(login.refreshToken).sid;
    expect(await sessionById(t, sid)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'refresh_expired' });
    // Its access token (1 h) was still unexpired; it goes with the session.
    expectError(await me(login.accessToken), 401, 'TOKEN_REVOKED');

    expect((await me(other.accessToken)).status).toBe(200);
    const fresh = await t.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken });
    expect(fresh.status).toBe(200);
  });

  it('is refused on reissue, 401 EXPIRED_REFRESH_TOKEN, and its session revoked', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    t.clock.advance(61_000);

    const res = await t.http
      .post('/api/auth/reissue')
      .set(bearer(login.accessToken))
      .set('Refresh-Token', login.refreshToken);

    expectError(res, 401, 'EXPIRED_REFRESH_TOKEN', '리프레시 토큰이 만료되었습니다. 다시 로그인해주세요.');
    expect(await sessionById(t, claimsOf(login.refreshToken).sid)).toMatchObject({
      revokedAt: expect.any(Date),
      revokedReason: 'refresh_expired',
    });
    expectError(await me(login.accessToken), 401, 'TOKEN_REVOKED');
  });
});
