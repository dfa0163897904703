import { jest } from '@jest/globals';
import {
  bearer,
  claimsOf,
  DAY_MS,
  expectError,
  logIn,
  sessionById,
  sessionsOfUser,
  signHs256,
  signUp,
  statusAndCode,
  useTestApp,
  works,
} from '../support/kit.js';

jest.setTimeout(60_000);

const SESSIONS = '/api/auth/sessions';

/** SPEC §5 endpoints 12–15 and the absolute session lifetime. */
describe('sessions', () => {
  const t = useTestApp();
  afterEach(() => {
    t.clock.reset();
  });

  const loginWith = (email: string, password: string, userAgent: string) =>
    t.http.post('/api/auth/login').set('User-Agent', userAgent).send({ email, password });
  const list = (accessToken: string) => t.http.get(SESSIONS).set(bearer(accessToken));
  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });
  const revokeToken = (refreshToken: unknown) => t.http.post('/api/auth/token/revoke').send({ refreshToken });

  describe('metadata and GET /api/auth/sessions', () => {
    it('records method, the first 200 characters of the User-Agent, the address and the last rotation', async () => {
      const user = await signUp(t);
      const longAgent = `Mozilla/5.0 (Linux; Android 14) ${'x'.repeat(300)}`;
      const first = (await loginWith(user.email, user.password, 'Phone/1.0')).body.data;
      t.clock.advance(1_000);
      const second = (await loginWith(user.email, user.password, longAgent)).body.data;

      const rows = await sessionsOfUser(t, user.id);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({ method: 'local', userAgent: 'Phone/1.0', lastRefreshedAt: null });
      expect(rows[1].userAgent).toBe([...longAgent].slice(0, 200).join(''));
      expect(rows[0].ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
      expect(new Date(rows[0].expiresAt).getTime() - new Date(rows[0].createdAt).getTime()).toBe(30 * DAY_MS);

      const res = await list(second.accessToken);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ code: { code: 200, message: '성공' }, message: '성공' });
      const items = res.body.data as Record<string, unknown>[];
      expect(items.map((item) => item.id)).toEqual([claimsOf(second.accessToken).sid, claimsOf(first.accessToken).sid]);
      expect(items[0]).toEqual({
        id: rows[1].id,
        current: true,
        method: 'local',
        createdAt: new Date(rows[1].createdAt).toISOString(),
        lastRefreshedAt: null,
        expiresAt: new Date(rows[1].expiresAt).toISOString(),
        userAgent: rows[1].userAgent,
        ip: rows[1].ip,
      });
      expect(items[1]).toMatchObject({ current: false, userAgent: 'Phone/1.0' });
      // Account data (SPEC §1).
      expect(res.headers['cache-control']).toBe('no-store');

      t.clock.advance(60_000);
      const before = t.clock.now();
      const rotated = await refresh(first.refreshToken);
      expect(rotated.status).toBe(200);
      const after = await sessionById(t, rows[0].id);
      const refreshedAt = new Date(after.lastRefreshedAt!).getTime();
      expect(refreshedAt).toBeGreaterThanOrEqual(before);
      expect(refreshedAt).toBeLessThanOrEqual(t.clock.now());
      const relisted = (await list(rotated.body.data.accessToken)).body.data as Record<string, unknown>[];
      expect(relisted.find((item) => item.id === rows[0].id)).toMatchObject({
        current: true,
        lastRefreshedAt: new Date(after.lastRefreshedAt!).toISOString(),
      });
    });

    it('never shows one user the sessions of another, and leaves out revoked ones', async () => {
      const alice = await signUp(t);
      const bob = await signUp(t);
      const a1 = await logIn(t, alice.email, alice.password);
      const a2 = await logIn(t, alice.email, alice.password);
      const b1 = await logIn(t, bob.email, bob.password);
      expect((await t.http.post('/api/auth/logout').set(bearer(a2.accessToken))).status).toBe(200);

      const aliceSees = (await list(a1.accessToken)).body.data as { id: string }[];
      const bobSees = (await list(b1.accessToken)).body.data as { id: string }[];

      expect(aliceSees.map((s) => s.id)).toEqual([claimsOf(a1.accessToken).sid]);
      expect(bobSees.map((s) => s.id)).toEqual([claimsOf(b1.accessToken).sid]);
    });

    it('needs an access token', async () => {
      expectError(await t.http.get(SESSIONS), 401, 'TOKEN_MISSING', '인증 토큰이 필요합니다.');
    });
  });

  describe('DELETE /api/auth/sessions/{sessionId}', () => {
    it("ends another of the caller's sessions: its tokens are refused, the caller's still work", async () => {
      const user = await signUp(t);
      const mine = await logIn(t, user.email, user.password);
      const other = await logIn(t, user.email, user.password);
      const otherSid = claimsOf(other.accessToken).sid;

      const res = await t.http.delete(`${SESSIONS}/${otherSid}`).set(bearer(mine.accessToken));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ code: { code: 200, message: '성공' }, message: '성공', data: '로그아웃되었습니다.' });
      expect(await sessionById(t, otherSid)).toMatchObject({
        revokedAt: expect.any(Date),
        revokedReason: 'session_revoked',
      });
      expectError(await t.http.get('/api/auth/me').set(bearer(other.accessToken)), 401, 'TOKEN_REVOKED');
      expectError(await refresh(other.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
      expect(await works(t, mine.accessToken)).toBe(true);
      // Already revoked: not found.
      const again = await t.http.delete(`${SESSIONS}/${otherSid}`).set(bearer(mine.accessToken));
      expectError(again, 404, 'SESSION_NOT_FOUND', '세션을 찾을 수 없습니다.');
    });

    it("ends the caller's own session (a logout)", async () => {
      const user = await signUp(t);
      const mine = await logIn(t, user.email, user.password);
      const sid = claimsOf(mine.accessToken).sid;

      expect((await t.http.delete(`${SESSIONS}/${sid}`).set(bearer(mine.accessToken))).status).toBe(200);

      expectError(await t.http.get('/api/auth/me').set(bearer(mine.accessToken)), 401, 'TOKEN_REVOKED');
      expect((await sessionById(t, sid)).revokedAt).not.toBeNull();
    });

    it("answers 404 for another user's session and changes nothing", async () => {
      const alice = await signUp(t);
      const bob = await signUp(t);
      const a = await logIn(t, alice.email, alice.password);
      const b = await logIn(t, bob.email, bob.password);
      const bobSid = claimsOf(b.accessToken).sid;
      const before = await sessionsOfUser(t, bob.id);

      const res = await t.http.delete(`${SESSIONS}/${bobSid}`).set(bearer(a.accessToken));

      expectError(res, 404, 'SESSION_NOT_FOUND', '세션을 찾을 수 없습니다.');
      expect(await sessionsOfUser(t, bob.id)).toEqual(before);
      expect(before[0].revokedAt).toBeNull();
      expect(await works(t, b.accessToken)).toBe(true);
      expect((await refresh(b.refreshToken)).status).toBe(200);
      expect((await sessionsOfUser(t, alice.id)).every((row) => row.revokedAt === null)).toBe(true);
    });

    it('answers 404 for an id that is not a UUID or is unknown', async () => {
      const user = await signUp(t);
      const mine = await logIn(t, user.email, user.password);
      for (const id of ['not-a-uuid', '123', '00000000-0000-4000-8000-000000000000', "1' OR '1'='1"]) {
        const res = await t.http.delete(`${SESSIONS}/${encodeURIComponent(id)}`).set(bearer(mine.accessToken));
        expectError(res, 404, 'SESSION_NOT_FOUND', '세션을 찾을 수 없습니다.');
      }
      expect(await works(t, mine.accessToken)).toBe(true);
    });
  });

  describe('POST /api/auth/logout/all', () => {
    it("revokes every session of the user, the caller's included, and no one else's", async () => {
      const user = await signUp(t);
      const other = await signUp(t);
      const logins = [
        await logIn(t, user.email, user.password),
        await logIn(t, user.email, user.password),
        await logIn(t, user.email, user.password),
      ];
      const bystander = await logIn(t, other.email, other.password);

      const res = await t.http.post('/api/auth/logout/all').set(bearer(logins[0].accessToken));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        code: { code: 200, message: '성공' },
        message: '성공',
        data: '모든 기기에서 로그아웃되었습니다.',
      });
      const rows = await sessionsOfUser(t, user.id);
      expect(rows.map((row) => row.revokedReason)).toEqual(['logout_all', 'logout_all', 'logout_all']);
      for (const login of logins) {
        expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');
        expectError(await refresh(login.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
      }
      expect(await works(t, bystander.accessToken)).toBe(true);

      // After Redis loses its data, PostgreSQL still refuses them.
      await t.flushStore();
      expectError(await t.http.get('/api/auth/me').set(bearer(logins[1].accessToken)), 401, 'TOKEN_REVOKED');
      expect(await works(t, bystander.accessToken)).toBe(true);
    });
  });

  describe('POST /api/auth/token/revoke', () => {
    it('logs out an SPA whose access token has expired: logout says 400, revoke ends the session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const sid = claimsOf(login.accessToken).sid;
      t.clock.advance(60 * 60_000 + 1_000);
      expectError(await t.http.post('/api/auth/logout').set(bearer(login.accessToken)), 400, 'TOKEN_INVALID');

      const res = await revokeToken(login.refreshToken);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ code: { code: 200, message: '성공' }, message: '성공', data: '로그아웃되었습니다.' });
      expect(await sessionById(t, sid)).toMatchObject({ revokedReason: 'token_revoked' });
      expectError(await refresh(login.refreshToken), 400, 'REFRESH_TOKEN_REVOKED');
    });

    it('ends the session of a live token at once, access token included', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      expect((await revokeToken(login.refreshToken)).status).toBe(200);

      expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');
      expect((await sessionById(t, claimsOf(login.accessToken).sid)).revokedAt).not.toBeNull();
    });

    it('answers 200 for a spent, an already revoked and an expired refresh token, revoking their sessions', async () => {
      const user = await signUp(t);
      const spentLogin = await logIn(t, user.email, user.password);
      const rotated = (await refresh(spentLogin.refreshToken)).body.data as { accessToken: string };
      expect((await revokeToken(spentLogin.refreshToken)).status).toBe(200);
      expectError(await t.http.get('/api/auth/me').set(bearer(rotated.accessToken)), 401, 'TOKEN_REVOKED');
      expect((await revokeToken(spentLogin.refreshToken)).status).toBe(200);

      const old = await logIn(t, user.email, user.password);
      t.clock.advance(8 * DAY_MS);
      expect((await revokeToken(old.refreshToken)).status).toBe(200);
      expect((await sessionById(t, claimsOf(old.refreshToken).sid)).revokedAt).not.toBeNull();
    });

    it('refuses a forged or malformed token and an access token with 400 REFRESH_TOKEN_INVALID, revoking nothing', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const claims = claimsOf(login.refreshToken);
      const forged = signHs256('a-different-secret-of-at-least-32-bytes!!', { ...claims });

      for (const token of [forged, 'not-a-jwt', login.accessToken, `${login.refreshToken}x`]) {
        expectError(await revokeToken(token), 400, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.');
      }
      expect((await sessionById(t, claims.sid)).revokedAt).toBeNull();
      expect(await works(t, login.accessToken)).toBe(true);
    });

    it('refuses a missing token with 400 VALIDATION_FAILED', async () => {
      for (const body of [{}, { refreshToken: '' }, { refreshToken: 5 }]) {
        const res = await t.http.post('/api/auth/token/revoke').send(body);
        const error = expectError(res, 400, 'VALIDATION_FAILED', 'Refresh Token은 필수입니다.');
        expect(error.errors).toEqual([{ field: 'refreshToken', message: 'Refresh Token은 필수입니다.' }]);
      }
    });
  });

  describe('absolute lifetime (SESSION_MAX_AGE, 30 days)', () => {
    it('caps every token at the end however often it rotates, then answers as an expired refresh token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const sid = claimsOf(login.accessToken).sid;
      const end = new Date((await sessionById(t, sid)).expiresAt).getTime();
      expect(end).toBe(new Date((await sessionById(t, sid)).createdAt).getTime() + 30 * DAY_MS);

      let tokens: { accessToken: string; refreshToken: string } = login;
      for (let day = 6; day <= 29; day += 6) {
        t.clock.advance(6 * DAY_MS);
        const res = await refresh(tokens.refreshToken);
        expect(res.status).toBe(200);
        tokens = res.body.data;
        for (const token of [tokens.accessToken, tokens.refreshToken]) {
          expect(claimsOf(token).exp * 1000).toBeLessThanOrEqual(end);
        }
      }
      // Day 24: a 7-day refresh token would reach day 31; it ends with the session.
      expect(claimsOf(tokens.refreshToken).exp).toBe(Math.floor(end / 1000));
      // 30 minutes before the end: the new access token lives 30 minutes, not an hour.
      t.clock.advance(5 * DAY_MS + 23 * 3_600_000 + 30 * 60_000);
      const last = await refresh(tokens.refreshToken);
      expect(last.status).toBe(200);
      tokens = last.body.data;
      expect(claimsOf(tokens.accessToken).exp).toBe(Math.floor(end / 1000));
      expect(claimsOf(tokens.refreshToken).exp).toBe(Math.floor(end / 1000));
      expect(await works(t, tokens.accessToken)).toBe(true);

      t.clock.advance(31 * 60_000);
      expectError(await t.http.get('/api/auth/me').set(bearer(tokens.accessToken)), 401, 'TOKEN_EXPIRED');
      expectError(
        await refresh(tokens.refreshToken),
        400,
        'REFRESH_TOKEN_INVALID',
        '유효하지 않은 Refresh Token입니다.',
      );
      expect(await sessionById(t, sid)).toMatchObject({ revokedAt: expect.any(Date) });
    });

    it('answers reissue after the end with 401 EXPIRED_REFRESH_TOKEN and leaves it out of the list', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(6 * DAY_MS);
      let tokens = (await refresh(login.refreshToken)).body.data as { accessToken: string; refreshToken: string };
      for (let i = 0; i < 3; i++) {
        t.clock.advance(6 * DAY_MS);
        tokens = (await refresh(tokens.refreshToken)).body.data;
      }
      t.clock.advance(6 * DAY_MS + 1_000);
      const fresh = await logIn(t, user.email, user.password);

      const res = await t.http.post('/api/auth/reissue').set('Refresh-Token', tokens.refreshToken);

      expectError(res, 401, 'EXPIRED_REFRESH_TOKEN', '리프레시 토큰이 만료되었습니다. 다시 로그인해주세요.');
      const listed = (await list(fresh.accessToken)).body.data as { id: string }[];
      expect(listed.map((s) => s.id)).toEqual([claimsOf(fresh.accessToken).sid]);
      expect(statusAndCode(await refresh(fresh.refreshToken)).status).toBe(200);
    });
  });
});
