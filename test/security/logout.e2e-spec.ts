import { bearer, claimsOf, expectError, logIn, refreshRows, sessionById, signUp, useTestApp } from '../support/kit.js';

/**
 * SPEC §2 "Tokens": logout revokes the access token and the session's refresh
 * token, and a revocation outlives Redis losing its data (PostgreSQL keeps the truth).
 */
describe('logout', () => {
  const t = useTestApp();

  const me = (accessToken: string) => t.http.get('/api/auth/me').set(bearer(accessToken));
  const logout = (accessToken: string) => t.http.post('/api/auth/logout').set(bearer(accessToken));
  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });

  it('revokes the access token and the refresh token of the session, and only that session', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const other = await logIn(t, user.email, user.password);

    const res = await logout(login.accessToken);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ code: { code: 200, message: '성공' }, message: '성공', data: '로그아웃되었습니다.' });
    const sid = claimsOf(login.accessToken).sid;
    expect(await sessionById(t, sid)).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'logout' });
    expectError(await me(login.accessToken), 401, 'TOKEN_REVOKED', '이미 로그아웃된 토큰입니다.');
    expectError(
      await refresh(login.refreshToken),
      400,
      'REFRESH_TOKEN_REVOKED',
      '이미 로그아웃된 Refresh Token입니다.',
    );
    // Refused, not spent: nothing was issued for the revoked session.
    expect((await refreshRows(t, sid)).map((row) => row.spentAt)).toEqual([null]);
    expectError(await logout(login.accessToken), 401, 'TOKEN_REVOKED', '이미 로그아웃된 토큰입니다.');

    expect(await sessionById(t, claimsOf(other.accessToken).sid)).toMatchObject({ revokedAt: null });
    expect((await me(other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('revokes the tokens a refresh issued, not only the ones from login', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    const next = (await refresh(login.refreshToken)).body.data as { accessToken: string; refreshToken: string };

    expect((await logout(login.accessToken)).status).toBe(200);

    expectError(await me(next.accessToken), 401, 'TOKEN_REVOKED');
    expectError(await refresh(next.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
    expectError(await logout(next.accessToken), 401, 'TOKEN_REVOKED');
  });

  it('lets exactly one of two concurrent logouts with one token succeed', async () => {
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);

    const answers = await Promise.all([logout(login.accessToken), logout(login.accessToken)]);

    expect(answers.map((res) => res.status).sort()).toEqual([200, 401]);
    expect(answers.find((res) => res.status === 401)?.body.errorCode).toBe('TOKEN_REVOKED');
  });

  describe('after Redis restarts empty (flushStore)', () => {
    it('still refuses the logged-out access and refresh tokens, and a second logout', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      expect((await logout(login.accessToken)).status).toBe(200);

      await t.flushStore();

      expectError(await me(login.accessToken), 401, 'TOKEN_REVOKED');
      expectError(await refresh(login.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
      expectError(await logout(login.accessToken), 401, 'TOKEN_REVOKED');
      expect((await me(other.accessToken)).status).toBe(200);
      expect((await refresh(other.refreshToken)).status).toBe(200);
    });

    it('refuses the logged-out token on the very first request after the flush, even when several arrive together', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      expect((await logout(login.accessToken)).status).toBe(200);

      await t.flushStore();
      const answers = await Promise.all([
        me(login.accessToken),
        me(other.accessToken),
        me(login.accessToken),
        me(other.accessToken),
      ]);

      expect(answers.map((res) => res.status)).toEqual([401, 200, 401, 200]);
      expect(answers[0].body.errorCode).toBe('TOKEN_REVOKED');
      expect(answers[2].body.errorCode).toBe('TOKEN_REVOKED');
    });

    it('keeps a spent refresh token spent', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const next = (await refresh(login.refreshToken)).body.data as { accessToken: string; refreshToken: string };

      await t.flushStore();

      expectError(await refresh(login.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
      const sid = claimsOf(login.refreshToken).sid;
      expect(await sessionById(t, sid)).toMatchObject({ revokedAt: null });
      const rows = await refreshRows(t, sid);
      expect(rows.filter((row) => row.spentAt !== null).map((row) => row.jti)).toEqual([
        claimsOf(login.refreshToken).jti,
      ]);
      expect((await me(next.accessToken)).status).toBe(200);
      expect((await refresh(next.refreshToken)).status).toBe(200);
    });
  });
});
