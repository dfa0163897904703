import { jest } from '@jest/globals';
import { bearer, claimsOf, expectError, logIn, sessionsOfUser, signUp, useTestApp, works } from '../support/kit.js';

jest.setTimeout(60_000);

const CHANGE = '/api/auth/password/change';
const LOGIN_MAX_FAILURES = 3;
const CHANGED = { code: { code: 200, message: '성공' }, message: '비밀번호가 변경되었습니다.', data: null };

/** SPEC §5 endpoint 11: password change. */
describe('password change', () => {
  const t = useTestApp({ LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) });

  const change = (accessToken: string, body: Record<string, unknown>) =>
    t.http.post(CHANGE).set(bearer(accessToken)).send(body);
  const login = (email: string, password: string) => t.http.post('/api/auth/login').send({ email, password });
  const passwordHash = async (id: number) =>
    (await t.db.query<{ hash: string }[]>(`SELECT password_hash AS hash FROM users WHERE id = $1`, [id]))[0].hash;

  it("sets the new password, revokes every other session, keeps the caller's and mails a notice", async () => {
    const user = await signUp(t);
    const caller = await logIn(t, user.email, user.password);
    const others = [await logIn(t, user.email, user.password), await logIn(t, user.email, user.password)];
    const before = t.mail.mails.length;

    const res = await change(caller.accessToken, { currentPassword: user.password, newPassword: 'Changed-Password-7' });

    expect(res.status).toBe(200);
    expect(res.body).toEqual(CHANGED);
    const rows = await sessionsOfUser(t, user.id);
    const callerSid = claimsOf(caller.accessToken).sid;
    for (const row of rows) {
      expect(row.revokedReason).toBe(row.id === callerSid ? null : 'password_changed');
    }
    for (const other of others) {
      expectError(await t.http.get('/api/auth/me').set(bearer(other.accessToken)), 401, 'TOKEN_REVOKED');
      expectError(
        await t.http.post('/api/auth/refresh').send({ refreshToken: other.refreshToken }),
        400,
        'REFRESH_TOKEN_REVOKED',
      );
    }
    expect(await works(t, caller.accessToken)).toBe(true);
    expect((await t.http.post('/api/auth/refresh').send({ refreshToken: caller.refreshToken })).status).toBe(200);
    expect((await login(user.email, 'Changed-Password-7')).status).toBe(200);
    expectError(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
    const notice = await t.mail.waitFor(user.email, before);
    expect(notice.subject).toContain('비밀번호가 변경되었습니다');
    expect(notice.html).toContain('비밀번호가 변경되었습니다');
  });

  it('refuses a wrong current password with 400, counting it as a failed login up to 429 LOGIN_THROTTLED', async () => {
    const user = await signUp(t);
    const caller = await logIn(t, user.email, user.password);
    const hash = await passwordHash(user.id);

    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      const res = await change(caller.accessToken, {
        currentPassword: `Wrong-${i}-password`,
        newPassword: 'New-Password-1',
      });
      expectError(res, 400, 'CURRENT_PASSWORD_MISMATCH', '현재 비밀번호가 일치하지 않습니다.');
    }
    const throttled = await change(caller.accessToken, {
      currentPassword: user.password,
      newPassword: 'New-Password-1',
    });

    expectError(throttled, 429, 'LOGIN_THROTTLED', '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.');
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // The same count as logins of that email.
    expectError(await login(user.email, user.password), 429, 'LOGIN_THROTTLED');
    expect(await passwordHash(user.id)).toBe(hash);
    expect((await sessionsOfUser(t, user.id)).every((row) => row.revokedAt === null)).toBe(true);
  });

  it('refuses a new password equal to the current one (in any Unicode form) with 400 PASSWORD_UNCHANGED', async () => {
    const password = '한글비밀번호입니다';
    const user = await signUp(t, { password });
    const caller = await logIn(t, user.email, password);
    const hash = await passwordHash(user.id);

    for (const newPassword of [password, password.normalize('NFD')]) {
      const res = await change(caller.accessToken, { currentPassword: password, newPassword });
      expectError(res, 400, 'PASSWORD_UNCHANGED', '새 비밀번호는 현재 비밀번호와 달라야 합니다.');
    }
    expect(await passwordHash(user.id)).toBe(hash);
  });

  it('validates currentPassword, then newPassword, before anything else', async () => {
    const user = await signUp(t);
    const caller = await logIn(t, user.email, user.password);

    const empty = expectError(
      await change(caller.accessToken, {}),
      400,
      'VALIDATION_FAILED',
      '현재 비밀번호는 필수입니다.',
    );
    expect(empty.errors).toEqual([
      { field: 'currentPassword', message: '현재 비밀번호는 필수입니다.' },
      { field: 'newPassword', message: '비밀번호는 필수입니다.' },
    ]);
    expectError(
      await change(caller.accessToken, { currentPassword: user.password, newPassword: 'short' }),
      400,
      'VALIDATION_FAILED',
      '비밀번호는 8자 이상 128자 이하여야 합니다.',
    );
    expectError(
      await change(caller.accessToken, { currentPassword: 'wrong', newPassword: 'x'.repeat(129) }),
      400,
      'VALIDATION_FAILED',
      '비밀번호는 8자 이상 128자 이하여야 합니다.',
    );
    // Refused bodies are not password guesses.
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('needs an access token', async () => {
    expectError(await t.http.post(CHANGE).send({ currentPassword: 'a', newPassword: 'b' }), 401, 'TOKEN_MISSING');
  });
});

describe('sessions opened while the password changes', () => {
  const t = useTestApp();

  it('opens no session for a login that checked the password the change replaced, nor for a withdrawn account', async () => {
    const { SessionService } = await import('../../src/token/session.service.js');
    const sessions = t.app.get(SessionService);
    const user = await signUp(t);
    const caller = await logIn(t, user.email, user.password);
    const [{ hash: oldHash }] = await t.db.query<{ hash: string }[]>(
      `SELECT password_hash AS hash FROM users WHERE id = $1`,
      [user.id],
    );
    const origin = { method: 'local' as const, userAgent: null, ip: null };
    expect(await sessions.createSession(user.id, origin, oldHash)).not.toBeNull();
    const before = (await sessionsOfUser(t, user.id)).length;

    const changed = await t.http
      .post(CHANGE)
      .set(bearer(caller.accessToken))
      .send({ currentPassword: user.password, newPassword: 'Changed-Password-8' });
    expect(changed.status).toBe(200);

    // A login that verified the old password before the change committed.
    expect(await sessions.createSession(user.id, origin, oldHash)).toBeNull();
    expect(await sessionsOfUser(t, user.id)).toHaveLength(before);

    expect(
      (await t.http.delete('/api/auth/me').set(bearer(caller.accessToken)).send({ password: 'Changed-Password-8' }))
        .status,
    ).toBe(200);
    expect(await sessions.createSession(user.id, origin)).toBeNull();
    expect(await sessionsOfUser(t, user.id)).toHaveLength(before);
  });
});
