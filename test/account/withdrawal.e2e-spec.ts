import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { currentTraceId } from '../../src/common/logging/request-context.js';
import type { KakaoEmulator } from '../emulators/kakao.emulator.js';
import {
  bearer,
  BOOT_TIMEOUT_MS,
  claimsOf,
  clientId,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  expectError,
  KAKAO_APP_ID,
  login,
  logIn,
  providerUser,
  sessionById,
  sessionsOfUser,
  signUp,
  signupBody,
  startEmulators,
  statusAndCode,
  userRows,
  useTestApp,
  verifyEmail,
  works,
} from '../support/kit.js';

jest.setTimeout(90_000);

const ADMIN_KEY = 'kakao-admin-key-for-tests-0123456789';
const LOGIN_MAX_FAILURES = 3;
const DELETED = { code: { code: 200, message: '성공' }, message: '회원 탈퇴가 완료되었습니다.', data: null };

/** SPEC §5 endpoints 16 (withdrawal) and 17 (Kakao's unlink callback), and password change of a social account. */
describe('withdrawal and Kakao unlink', () => {
  let emulators: Emulators;
  let kakao: KakaoEmulator;

  beforeAll(async () => {
    emulators = await startEmulators();
    kakao = emulators.kakao as KakaoEmulator;
    kakao.registerAdminKey(KAKAO_APP_ID, ADMIN_KEY);
  }, BOOT_TIMEOUT_MS);
  const t = useTestApp(() => ({
    ...emulatorEnv(emulators),
    KAKAO_ADMIN_KEY: ADMIN_KEY,
    KAKAO_UNLINK_URI: kakao.unlinkUrl,
    LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES),
    // The same email signs up again right after withdrawing.
    EMAIL_CODE_RESEND_COOLDOWN: '0',
  }));
  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);
  afterEach(() => {
    t.clock.reset();
    kakao.setDown(false);
    jest.restoreAllMocks();
  });

  const withdraw = (accessToken: string, body?: Record<string, unknown>) => {
    const req = t.http.delete('/api/auth/me').set(bearer(accessToken));
    return body === undefined ? req : req.send(body);
  };
  const callbackUrl = () =>
    `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}/api/auth/kakao/unlink`;

  /** A Kakao user signed in through seed 001's token sign-in: their tokens and account id. */
  async function kakaoLogin(user = providerUser()) {
    if (!kakao.users.has(user.id)) kakao.addUser(user);
    const res = await t.http
      .post('/api/auth/social/kakao')
      .set('User-Agent', 'KakaoTalkWebView/10.4')
      .send({ accessToken: kakao.issueAccessToken(user.id, clientId('kakao')) });
    expect(res.status).toBe(200);
    // The session records how it was opened.
    const sid = claimsOf(res.body.data.accessToken as string).sid;
    expect(await sessionById(t, sid)).toMatchObject({ method: 'kakao', userAgent: 'KakaoTalkWebView/10.4' });
    return {
      user,
      id: res.body.data.user.id as number,
      accessToken: res.body.data.accessToken as string,
      refreshToken: res.body.data.refreshToken as string,
    };
  }

  describe('DELETE /api/auth/me, local account', () => {
    it('erases the personal data in place, revokes every session and mails a farewell to the old address', async () => {
      const user = await signUp(t);
      const sessions = [await logIn(t, user.email, user.password), await logIn(t, user.email, user.password)];
      const before = t.mail.mails.length;

      const res = await withdraw(sessions[0].accessToken, { password: user.password });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(DELETED);
      const [row] = await userRows(t, 'id = $1', [user.id]);
      expect(row).toMatchObject({
        email: '',
        name: '',
        nickname: '',
        password_hash: null,
        provider_user_id: null,
        birth_date: null,
        provider: 'local',
      });
      const extra = await t.db.query<Record<string, unknown>[]>(
        `SELECT address_sido, address_gugun, deleted_at FROM users WHERE id = $1`,
        [user.id],
      );
      expect(extra[0]).toEqual({ address_sido: null, address_gugun: null, deleted_at: expect.any(Date) });
      expect((await sessionsOfUser(t, user.id)).map((s) => s.revokedReason)).toEqual([
        'account_deleted',
        'account_deleted',
      ]);
      for (const session of sessions) {
        expectError(await t.http.get('/api/auth/me').set(bearer(session.accessToken)), 401, 'TOKEN_REVOKED');
        expectError(
          await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }),
          400,
          'REFRESH_TOKEN_REVOKED',
        );
      }
      const farewell = await t.mail.waitFor(user.email, before);
      expect(farewell.subject).toContain('회원 탈퇴');
      expect(farewell.text).toContain('회원 탈퇴가 완료되었습니다');
      expect(farewell.html).toContain('회원 탈퇴가 완료되었습니다');
      expectError(
        await t.http.post('/api/auth/login').send({ email: user.email, password: user.password }),
        401,
        'INVALID_CREDENTIALS',
      );
      // Nothing of the address is left anywhere in the row.
      const all = await t.db.query<Record<string, unknown>[]>(`SELECT * FROM users WHERE id = $1`, [user.id]);
      expect(JSON.stringify(all)).not.toContain(user.email);
      expect(JSON.stringify(all)).not.toContain(user.nickname);
    });

    it('frees the email and nickname at once: a new signup takes them and gets a new id', async () => {
      const user = await signUp(t);
      const session = await logIn(t, user.email, user.password);
      expect((await withdraw(session.accessToken, { password: user.password })).status).toBe(200);

      await verifyEmail(t, user.email);
      const again = await t.http
        .post('/api/auth/signup')
        .send(signupBody({ email: user.email, nickname: user.nickname }));

      expect(again.status).toBe(201);
      expect(again.body.data).toMatchObject({ email: user.email, nickname: user.nickname });
      expect(again.body.data.id).not.toBe(user.id);
      const fresh = await logIn(t, user.email, 'MyPassword123!');
      expect(fresh.user.id).toBe(again.body.data.id);
      expect(await userRows(t, 'email = $1', [user.email])).toHaveLength(1);
    });

    it('asks for the password: missing is 400 VALIDATION_FAILED, wrong is 400 and counted up to 429', async () => {
      const user = await signUp(t);
      const session = await logIn(t, user.email, user.password);

      for (const body of [undefined, {}, { password: '' }, { password: 5 }]) {
        const error = expectError(
          await withdraw(session.accessToken, body),
          400,
          'VALIDATION_FAILED',
          '비밀번호는 필수입니다.',
        );
        expect(error.errors).toEqual([{ field: 'password', message: '비밀번호는 필수입니다.' }]);
      }
      for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
        expectError(
          await withdraw(session.accessToken, { password: `Wrong-${i}-password` }),
          400,
          'CURRENT_PASSWORD_MISMATCH',
          '현재 비밀번호가 일치하지 않습니다.',
        );
      }
      expectError(await withdraw(session.accessToken, { password: user.password }), 429, 'LOGIN_THROTTLED');

      const [row] = await userRows(t, 'id = $1', [user.id]);
      expect(row).toMatchObject({ email: user.email, nickname: user.nickname });
      expect(await works(t, session.accessToken)).toBe(true);
    });
  });

  describe('DELETE /api/auth/me, Kakao account', () => {
    it('withdraws with no body within 10 minutes of login and unlinks the user at Kakao with the admin key', async () => {
      const login = await kakaoLogin();
      const unlinksBefore = kakao.unlinks.length;
      const requestsBefore = kakao.requests.length;
      const before = t.mail.mails.length;
      t.clock.advance(9 * 60_000);

      const res = await withdraw(login.accessToken);

      expect(res.body).toEqual(DELETED);
      expect(kakao.unlinks.slice(unlinksBefore)).toEqual([{ appId: KAKAO_APP_ID, userId: login.user.id }]);
      const call = kakao.requests.slice(requestsBefore).find((r) => r.path === '/v1/user/unlink');
      expect(call).toMatchObject({
        method: 'POST',
        bodyType: 'form',
        body: { target_id_type: 'user_id', target_id: login.user.id },
      });
      expect(call?.headers.authorization).toBe(`KakaoAK ${ADMIN_KEY}`);
      const [row] = await userRows(t, 'id = $1', [login.id]);
      expect(row).toMatchObject({ email: '', nickname: '', provider: 'kakao', provider_user_id: null });
      expect((await t.mail.waitFor(login.user.email!, before)).subject).toContain('회원 탈퇴');
      expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');

      // The same Kakao identity signing in again gets a new account.
      const back = await kakaoLogin(login.user);
      expect(back.id).not.toBe(login.id);
    });

    it('answers 403 REAUTH_REQUIRED once the session is older than 10 minutes, changing nothing', async () => {
      const login = await kakaoLogin();
      t.clock.advance(10 * 60_000 + 1_000);
      const unlinksBefore = kakao.unlinks.length;

      expectError(
        await withdraw(login.accessToken, {}),
        403,
        'REAUTH_REQUIRED',
        '보안을 위해 다시 로그인한 후 시도해주세요.',
      );

      expect(kakao.unlinks.length).toBe(unlinksBefore);
      expect((await userRows(t, 'id = $1', [login.id]))[0].provider_user_id).toBe(login.user.id);
      expect(await works(t, login.accessToken)).toBe(true);
      // A fresh login re-authenticates.
      const fresh = await kakaoLogin(login.user);
      expect((await withdraw(fresh.accessToken)).status).toBe(200);
    });

    it('keeps the withdrawal when Kakao cannot unlink, and logs the failure with the traceId', async () => {
      const login = await kakaoLogin();
      const logged: { msg: unknown; traceId: string | undefined }[] = [];
      jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
        logged.push({ msg: message, traceId: currentTraceId() });
      });
      kakao.setDown(true);

      const res = await withdraw(login.accessToken).set('X-Trace-Id', 'withdraw-unlink-failure');

      expect(res.body).toEqual(DELETED);
      const line = logged.find((l) => JSON.stringify(l.msg).includes('kakao unlink'));
      expect(line?.traceId).toBe('withdraw-unlink-failure');
      expect((await userRows(t, 'id = $1', [login.id]))[0]).toMatchObject({ email: '', provider_user_id: null });
      expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');
    });

    it('records method and address on a session opened through the redirect flow too', async () => {
      const user = providerUser();
      kakao.addUser(user);
      const landed = await login(t, 'kakao', user.id);
      const accessToken = landed.searchParams.get('accessToken')!;

      expect(await sessionById(t, claimsOf(accessToken).sid)).toMatchObject({
        method: 'kakao',
        ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      });
    });

    it('answers a password change of a social account with 400 PASSWORD_NOT_SET', async () => {
      const login = await kakaoLogin();
      const res = await t.http
        .post('/api/auth/password/change')
        .set(bearer(login.accessToken))
        .send({ currentPassword: 'Anything-1', newPassword: 'Something-2' });
      expectError(res, 400, 'PASSWORD_NOT_SET', '비밀번호로 가입한 계정이 아닙니다.');
    });
  });

  describe('Kakao unlink callback (POST and GET /api/auth/kakao/unlink)', () => {
    it('revokes every session of the Kakao account on a form POST sent as Kakao does; the account stays', async () => {
      const first = await kakaoLogin();
      const second = await kakaoLogin(first.user);

      const answer = await kakao.sendUnlinkCallback(callbackUrl(), {
        appId: KAKAO_APP_ID,
        userId: first.user.id,
        adminKey: ADMIN_KEY,
      });

      expect(answer).toEqual({
        status: 200,
        body: { code: { code: 200, message: '성공' }, message: '성공', data: null },
      });
      expect((await sessionsOfUser(t, first.id)).map((s) => s.revokedReason)).toEqual([
        'kakao_unlinked',
        'kakao_unlinked',
      ]);
      for (const login of [first, second]) {
        expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');
      }
      expect((await userRows(t, 'id = $1', [first.id]))[0]).toMatchObject({ provider_user_id: first.user.id });
      // The next Kakao login reaches the same account.
      expect((await kakaoLogin(first.user)).id).toBe(first.id);
    });

    it('takes the parameters from the query string too (GET, and POST without a body)', async () => {
      for (const method of ['GET', 'POST'] as const) {
        const login = await kakaoLogin();
        const query = `app_id=${KAKAO_APP_ID}&user_id=${login.user.id}&referrer_type=ACCOUNT_DELETE`;
        const req =
          method === 'GET'
            ? t.http.get(`/api/auth/kakao/unlink?${query}`)
            : t.http.post(`/api/auth/kakao/unlink?${query}`);

        const res = await req.set('Authorization', `KakaoAK ${ADMIN_KEY}`);

        expect(res.status).toBe(200);
        expect(res.body.data).toBeNull();
        expectError(await t.http.get('/api/auth/me').set(bearer(login.accessToken)), 401, 'TOKEN_REVOKED');
      }
      const viaEmulator = await kakaoLogin();
      const answer = await kakao.sendUnlinkCallback(callbackUrl(), {
        appId: KAKAO_APP_ID,
        userId: viaEmulator.user.id,
        adminKey: ADMIN_KEY,
        method: 'GET',
      });
      expect(answer.status).toBe(200);
      expect(await works(t, viaEmulator.accessToken)).toBe(false);
    });

    it('refuses a missing or wrong admin key with 401 and another app id with 400 UNLINK_UNAUTHORIZED, revoking nothing', async () => {
      const login = await kakaoLogin();
      const message = '인증되지 않은 연결 끊기 요청입니다.';
      const form = `app_id=${KAKAO_APP_ID}&user_id=${login.user.id}&referrer_type=UNLINK_FROM_APPS`;
      const post = (authorization: string | undefined, body = form) => {
        const req = t.http.post('/api/auth/kakao/unlink').set('Content-Type', 'application/x-www-form-urlencoded');
        return (authorization === undefined ? req : req.set('Authorization', authorization)).send(body);
      };

      expectError(await post(undefined), 401, 'UNLINK_UNAUTHORIZED', message);
      expectError(await post('KakaoAK wrong-admin-key'), 401, 'UNLINK_UNAUTHORIZED', message);
      expectError(await post(`Bearer ${ADMIN_KEY}`), 401, 'UNLINK_UNAUTHORIZED', message);
      expectError(
        await post(`KakaoAK ${ADMIN_KEY}`, `app_id=777&user_id=${login.user.id}`),
        400,
        'UNLINK_UNAUTHORIZED',
        message,
      );
      expectError(await post(`KakaoAK ${ADMIN_KEY}`, `user_id=${login.user.id}`), 400, 'UNLINK_UNAUTHORIZED', message);
      const viaEmulator = await kakao.sendUnlinkCallback(callbackUrl(), {
        appId: KAKAO_APP_ID,
        userId: login.user.id,
        adminKey: 'not-the-admin-key',
      });
      expect(viaEmulator.status).toBe(401);

      expect((await sessionsOfUser(t, login.id)).every((s) => s.revokedAt === null)).toBe(true);
      expect(await works(t, login.accessToken)).toBe(true);
    });

    it('answers 200 for a Kakao user it does not know, so Kakao stops retrying', async () => {
      const res = await t.http
        .post('/api/auth/kakao/unlink')
        .set('Authorization', `KakaoAK ${ADMIN_KEY}`)
        .type('form')
        .send({ app_id: String(KAKAO_APP_ID), user_id: '9999999999', referrer_type: 'UNLINK_FROM_APPS' });
      expect(statusAndCode(res)).toEqual({ status: 200, errorCode: undefined });
    });

    it('takes a form body on this route only: elsewhere it is still 415', async () => {
      const res = await t.http.post('/api/auth/login').type('form').send({ email: 'a@example.com', password: 'x' });
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });
});
