import { createSigner } from 'fast-jwt';
import { randomBytes } from 'node:crypto';
import {
  addDays,
  claimsOf,
  countRows,
  DAY_MS,
  emailOfLength,
  expectFailure,
  expectRetryAfter,
  FIELD_MESSAGE,
  letTimePass,
  LOGIN,
  logIn,
  LOGOUT,
  ME,
  otherCode,
  REFRESH,
  refreshRows,
  REISSUE,
  SEND_PATH,
  sendCode,
  seoulDate,
  seoulTimestamp,
  sessionsOfUser,
  SIGNUP,
  signUp,
  signupBody,
  uniqueEmail,
  uniqueNickname,
  userRowsByEmail,
  useTestApp,
  validationFailed,
  VERIFY_PATH,
  verifyEmail,
} from '../support/kit.js';

/** Every row of the SPEC §2 message table and the generic errors of §1, each reached through its real cause. */

const M = FIELD_MESSAGE;

const E = {
  EMAIL_SEND_COOLDOWN: {
    status: 429,
    errorCode: 'EMAIL_SEND_COOLDOWN',
    message: '인증코드는 잠시 후 다시 요청할 수 있습니다.',
  },
  MAIL_SEND_FAILED: {
    status: 503,
    errorCode: 'MAIL_SEND_FAILED',
    message: '인증 메일 발송에 실패했습니다. 잠시 후 다시 시도해주세요.',
  },
  VERIFICATION_CODE_EXPIRED: {
    status: 400,
    errorCode: 'VERIFICATION_CODE_EXPIRED',
    message: '만료된 인증코드입니다. 인증코드 전송 재시도 부탁드립니다.',
  },
  VERIFICATION_CODE_MISMATCH: {
    status: 400,
    errorCode: 'VERIFICATION_CODE_MISMATCH',
    message: '인증코드가 일치하지 않습니다.',
  },
  VERIFICATION_ATTEMPTS_EXCEEDED: {
    status: 400,
    errorCode: 'VERIFICATION_ATTEMPTS_EXCEEDED',
    message: '인증 시도 횟수를 초과했습니다. 인증코드를 다시 요청해주세요.',
  },
  UNDER_AGE: { status: 400, errorCode: 'UNDER_AGE', message: '만 14세 이상만 회원가입이 가능합니다.' },
  EMAIL_NOT_VERIFIED: { status: 403, errorCode: 'EMAIL_NOT_VERIFIED', message: '이메일 인증이 완료되지 않았습니다.' },
  EMAIL_ALREADY_EXISTS: { status: 409, errorCode: 'EMAIL_ALREADY_EXISTS', message: '이미 사용 중인 이메일입니다.' },
  NICKNAME_ALREADY_EXISTS: {
    status: 409,
    errorCode: 'NICKNAME_ALREADY_EXISTS',
    message: '이미 사용 중인 닉네임입니다.',
  },
  INVALID_CREDENTIALS: {
    status: 401,
    errorCode: 'INVALID_CREDENTIALS',
    message: '이메일 또는 비밀번호가 일치하지 않습니다.',
  },
  LOGIN_THROTTLED: {
    status: 429,
    errorCode: 'LOGIN_THROTTLED',
    message: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.',
  },
  TOKEN_MISSING: { status: 401, errorCode: 'TOKEN_MISSING', message: '인증 토큰이 필요합니다.' },
  TOKEN_INVALID: { status: 401, errorCode: 'TOKEN_INVALID', message: '유효하지 않은 토큰입니다.' },
  TOKEN_EXPIRED: { status: 401, errorCode: 'TOKEN_EXPIRED', message: '만료된 토큰입니다.' },
  TOKEN_REVOKED: { status: 401, errorCode: 'TOKEN_REVOKED', message: '이미 로그아웃된 토큰입니다.' },
  REFRESH_TOKEN_INVALID: {
    status: 400,
    errorCode: 'REFRESH_TOKEN_INVALID',
    message: '유효하지 않은 Refresh Token입니다.',
  },
  REFRESH_TOKEN_REVOKED: {
    status: 400,
    errorCode: 'REFRESH_TOKEN_REVOKED',
    message: '이미 로그아웃된 Refresh Token입니다.',
  },
  EXPIRED_REFRESH_TOKEN: {
    status: 401,
    errorCode: 'EXPIRED_REFRESH_TOKEN',
    message: '리프레시 토큰이 만료되었습니다. 다시 로그인해주세요.',
  },
  INVALID_JSON: { status: 400, errorCode: 'INVALID_JSON', message: '요청 본문이 올바른 JSON 형식이 아닙니다.' },
  PAYLOAD_TOO_LARGE: { status: 413, errorCode: 'PAYLOAD_TOO_LARGE', message: '요청 본문이 너무 큽니다.' },
  UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    errorCode: 'UNSUPPORTED_MEDIA_TYPE',
    message: '지원하지 않는 Content-Type입니다.',
  },
  NOT_FOUND: { status: 404, errorCode: 'NOT_FOUND', message: '요청한 리소스를 찾을 수 없습니다.' },
  TOO_MANY_REQUESTS: {
    status: 429,
    errorCode: 'TOO_MANY_REQUESTS',
    message: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  },
} as const;

/** The same error answered with another status, as logout and reissue do. */
const withStatus = <T extends { status: number }>(error: T, status: number): T => ({ ...error, status });

const ACCESS_TTL_MS = 3_600_000;
const REFRESH_TTL_MS = 7 * DAY_MS;
const LOGIN_MAX_FAILURES = 3;
const LOGIN_FAILURE_WINDOW_S = 15 * 60;

/** The same claims, signed with a key that is not the server's. */
function forged(token: string): string {
  const sign = createSigner({ key: randomBytes(32).toString('base64url'), algorithm: 'HS256' });
  return sign(claimsOf(token));
}

const bearer = (token: string) => `Bearer ${token}`;

describe('SPEC §2 messages', () => {
  // No resend cooldown here (it has its own app below), so a test may send twice.
  const t = useTestApp({ LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES), EMAIL_CODE_RESEND_COOLDOWN: '0' });
  afterEach(() => {
    t.clock.reset();
  });

  describe('email on send, verify, signup and login', () => {
    const endpoints: [string, string, (email: unknown) => Record<string, unknown>][] = [
      ['send', SEND_PATH, (email) => ({ email })],
      ['verify', VERIFY_PATH, (email) => ({ email, verificationCode: '123456' })],
      ['signup', SIGNUP, (email) => signupBody({ email })],
      ['login', LOGIN, (email) => ({ email, password: 'MyPassword123!' })],
    ];
    const cases: [string, () => unknown, string][] = [
      ['absent', () => undefined, M.emailRequired],
      ['empty', () => '', M.emailRequired],
      ['blank', () => '   ', M.emailRequired],
      ['not an address', () => 'not-an-email', M.emailFormat],
      ['missing its domain', () => 'user@', M.emailFormat],
      ['101 characters long', () => emailOfLength(101), M.emailLength],
    ];
    const table = endpoints.flatMap(([name, path, body]) =>
      cases.map(([label, email, message]) => ({ name, path, body, label, email, message })),
    );

    it.each(table)('$name answers an email that is $label with "$message"', async ({ path, body, email, message }) => {
      await expectFailure(t, t.http.post(path).send(body(email())), validationFailed({ field: 'email', message }));
    });

    it('accepts an email of exactly 100 characters', async () => {
      const res = await t.http.post(SEND_PATH).send({ email: emailOfLength(100) });
      expect(res.status).toBe(200);
    });
  });

  describe('send', () => {
    it('answers 503 MAIL_SEND_FAILED when the mail server refuses, and the previous code still verifies', async () => {
      const email = uniqueEmail('mailfail');
      const code = await sendCode(t, email);
      const mailsBefore = t.mail.mails.length;
      t.mail.failNext(1);

      await expectFailure(t, t.http.post(SEND_PATH).send({ email }), E.MAIL_SEND_FAILED);

      expect(t.mail.mails.length).toBe(mailsBefore);
      const verified = await t.http.post(VERIFY_PATH).send({ email, verificationCode: code });
      expect(verified.status).toBe(200);
    });
  });

  describe('verify', () => {
    const email = 'verify-rules@example.com';
    it.each([
      ['absent', undefined, M.codeRequired],
      ['empty', '', M.codeRequired],
      ['blank', '   ', M.codeRequired],
      ['five digits', '12345', M.codeFormat],
      ['seven digits', '1234567', M.codeFormat],
      ['not all digits', '12a456', M.codeFormat],
      ['a JSON number', 123456, M.codeFormat],
    ])('answers a verificationCode that is %s with "%s"', async (_label, verificationCode, message) => {
      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode }),
        validationFailed({ field: 'verificationCode', message }),
      );
    });

    it('lists both fields, email first, when both are missing', async () => {
      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({}),
        validationFailed(
          { field: 'email', message: M.emailRequired },
          { field: 'verificationCode', message: M.codeRequired },
        ),
      );
    });

    it('answers VERIFICATION_CODE_EXPIRED for an email that was never sent a code', async () => {
      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email: uniqueEmail('never'), verificationCode: '123456' }),
        E.VERIFICATION_CODE_EXPIRED,
      );
    });

    it('answers VERIFICATION_CODE_EXPIRED for a code that was already used', async () => {
      const email = uniqueEmail('used');
      const code = await sendCode(t, email);
      expect((await t.http.post(VERIFY_PATH).send({ email, verificationCode: code })).status).toBe(200);

      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: code }),
        E.VERIFICATION_CODE_EXPIRED,
      );
    });

    it('answers VERIFICATION_CODE_MISMATCH for a wrong code, and the right one still verifies', async () => {
      const email = uniqueEmail('mismatch');
      const code = await sendCode(t, email);

      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: otherCode(code) }),
        E.VERIFICATION_CODE_MISMATCH,
      );

      expect((await t.http.post(VERIFY_PATH).send({ email, verificationCode: code })).status).toBe(200);
    });

    it('answers VERIFICATION_CODE_MISMATCH for the previous code once a new one was sent', async () => {
      const email = uniqueEmail('replaced');
      const first = await sendCode(t, email);
      let second = await sendCode(t, email);
      // One chance in a million that both are equal: then a third one decides.
      if (second === first) second = await sendCode(t, email);
      expect(second).not.toBe(first);

      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: first }),
        E.VERIFICATION_CODE_MISMATCH,
      );
      expect((await t.http.post(VERIFY_PATH).send({ email, verificationCode: second })).status).toBe(200);
    });

    it('kills the code at the fifth wrong try with VERIFICATION_ATTEMPTS_EXCEEDED, even for the right code after', async () => {
      const email = uniqueEmail('attempts');
      const code = await sendCode(t, email);
      const wrong = otherCode(code);
      for (let attempt = 1; attempt <= 4; attempt++) {
        await expectFailure(
          t,
          t.http.post(VERIFY_PATH).send({ email, verificationCode: wrong }),
          E.VERIFICATION_CODE_MISMATCH,
        );
      }

      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: wrong }),
        E.VERIFICATION_ATTEMPTS_EXCEEDED,
      );
      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: code }),
        E.VERIFICATION_ATTEMPTS_EXCEEDED,
      );

      // A new code starts with fresh attempts.
      const fresh = await sendCode(t, email);
      expect((await t.http.post(VERIFY_PATH).send({ email, verificationCode: fresh })).status).toBe(200);
    });
  });

  describe('signup', () => {
    const hangul11 = '가나다라마바사아자차카';
    const fieldCases = (
      [
        ['password', 'absent', undefined, M.passwordRequired],
        ['password', 'empty', '', M.passwordRequired],
        ['password', 'blank', '        ', M.passwordRequired],
        ['password', '7 characters', 'Short7!', M.passwordLength],
        ['password', '129 characters', 'a'.repeat(129), M.passwordLength],
        ['password', '129 Hangul characters', '가'.repeat(129), M.passwordLength],
        ['name', 'absent', undefined, M.nameRequired],
        ['name', 'blank', '  ', M.nameRequired],
        ['name', '11 Hangul characters', hangul11, M.nameLength],
        ['nickname', 'absent', undefined, M.nicknameRequired],
        ['nickname', 'blank', ' ', M.nicknameRequired],
        ['nickname', '11 Hangul characters', hangul11, M.nicknameLength],
        ['nickname', '11 Latin characters', 'abcdefghijk', M.nicknameLength],
        ['birthDate', 'absent', undefined, M.birthDateRequired],
        ['birthDate', 'blank', '  ', M.birthDateRequired],
        ['birthDate', '29 February of a common year', '2001-02-29', M.birthDateFormat],
        ['birthDate', 'month 13', '2000-13-01', M.birthDateFormat],
        ['birthDate', 'without leading zeros', '2000-1-1', M.birthDateFormat],
        ['birthDate', 'with slashes', '2000/01/01', M.birthDateFormat],
        ['birthDate', 'a date and time', '2000-01-01T00:00:00Z', M.birthDateFormat],
        ['birthDate', 'before 1900', '1899-12-31', M.birthDateFormat],
        ['birthDate', 'in the far future', '2999-01-01', M.birthDateFormat],
        ['addressSido', '51 characters', '시'.repeat(51), M.sidoLength],
        ['addressGugun', '51 characters', '구'.repeat(51), M.gugunLength],
      ] as [string, string, unknown, string][]
    ).map(([field, label, value, message]) => ({ field, label, value, message }));

    it.each(fieldCases)(
      'answers a $field that is $label with "$message" and writes nothing',
      async ({ field, value, message }) => {
        const before = await countRows(t);
        await expectFailure(
          t,
          t.http.post(SIGNUP).send(signupBody({ [field]: value })),
          validationFailed({ field, message }),
        );
        expect(await countRows(t)).toEqual(before);
      },
    );

    it('refuses a birthDate two days after today in Asia/Seoul as not a valid date', async () => {
      const future = addDays(seoulDate(Date.now()), 2);
      await expectFailure(
        t,
        t.http.post(SIGNUP).send(signupBody({ birthDate: future })),
        validationFailed({ field: 'birthDate', message: M.birthDateFormat }),
      );
    });

    it('lists every failing field in the order of the SPEC table, message being the first', async () => {
      await expectFailure(
        t,
        t.http.post(SIGNUP).send({
          addressGugun: '구'.repeat(51),
          addressSido: '시'.repeat(51),
          birthDate: '2000-02-30',
          nickname: hangul11,
          name: hangul11,
          password: 'short',
          email: 'nope',
        }),
        validationFailed(
          { field: 'email', message: M.emailFormat },
          { field: 'password', message: M.passwordLength },
          { field: 'name', message: M.nameLength },
          { field: 'nickname', message: M.nicknameLength },
          { field: 'birthDate', message: M.birthDateFormat },
          { field: 'addressSido', message: M.sidoLength },
          { field: 'addressGugun', message: M.gugunLength },
        ),
      );
    });

    it('names every required field of an empty body, blank strings counting as missing', async () => {
      const expected = validationFailed(
        { field: 'email', message: M.emailRequired },
        { field: 'password', message: M.passwordRequired },
        { field: 'name', message: M.nameRequired },
        { field: 'nickname', message: M.nicknameRequired },
        { field: 'birthDate', message: M.birthDateRequired },
      );
      await expectFailure(t, t.http.post(SIGNUP).send({}), expected);
      await expectFailure(
        t,
        t.http.post(SIGNUP).send({ email: ' ', password: '', name: '\t', nickname: '  ', birthDate: '' }),
        expected,
      );
    });

    it('accepts every field at its limit, counting characters rather than bytes', async () => {
      const body = signupBody({
        email: emailOfLength(100),
        password: '가'.repeat(128),
        name: '가나다라마바사아자차',
        nickname: `${uniqueNickname().slice(0, 4)}가나다라마바`,
        birthDate: '1900-01-01',
        addressSido: '시'.repeat(50),
        addressGugun: '구'.repeat(50),
      });
      await verifyEmail(t, body.email);

      const res = await t.http.post(SIGNUP).send(body);

      expect(res.status).toBe(201);
      expect(res.body.data).toMatchObject({ email: body.email, nickname: body.nickname, birthDate: '1900-01-01' });
      expect(await userRowsByEmail(t, body.email)).toHaveLength(1);
    });

    it('answers UNDER_AGE one day before the 14th birthday and accepts a 14th birthday today, keeping the ticket', async () => {
      // Keep "today" away from midnight and from 29 February, so the dates below are unambiguous.
      if (seoulTimestamp(t.clock.now()).slice(11) >= '23:59') t.clock.advance(2 * 60_000);
      if (seoulDate(t.clock.now()).endsWith('-02-29')) t.clock.advance(DAY_MS);
      const today = seoulDate(t.clock.now());
      const fourteenToday = `${Number(today.slice(0, 4)) - 14}${today.slice(4)}`;
      const body = signupBody({ birthDate: addDays(fourteenToday, 1) });
      await verifyEmail(t, body.email);
      const before = await countRows(t);

      await expectFailure(t, t.http.post(SIGNUP).send(body), E.UNDER_AGE);

      expect(await countRows(t)).toEqual(before);
      const res = await t.http.post(SIGNUP).send({ ...body, birthDate: fourteenToday });
      expect(res.status).toBe(201);
      expect((await userRowsByEmail(t, body.email))[0]?.birth_date).toBe(fourteenToday);
    });

    it('answers EMAIL_NOT_VERIFIED to an email that never verified, and to another than the one verified', async () => {
      const before = await countRows(t);
      await expectFailure(t, t.http.post(SIGNUP).send(signupBody()), E.EMAIL_NOT_VERIFIED);

      await verifyEmail(t, uniqueEmail('verified'));
      await expectFailure(t, t.http.post(SIGNUP).send(signupBody()), E.EMAIL_NOT_VERIFIED);
      expect(await countRows(t)).toEqual(before);
    });

    it('answers EMAIL_NOT_VERIFIED to a second signup on one verification', async () => {
      const user = await signUp(t);
      await expectFailure(t, t.http.post(SIGNUP).send(signupBody({ email: user.email })), E.EMAIL_NOT_VERIFIED);
      expect(await userRowsByEmail(t, user.email)).toHaveLength(1);
    });

    it('answers EMAIL_ALREADY_EXISTS to the same email in another case and with surrounding spaces', async () => {
      const email = uniqueEmail('dup');
      await signUp(t, { email });
      await verifyEmail(t, email);

      await expectFailure(
        t,
        t.http.post(SIGNUP).send(signupBody({ email: `  ${email.toUpperCase()}  ` })),
        E.EMAIL_ALREADY_EXISTS,
      );

      expect(await userRowsByEmail(t, email)).toHaveLength(1);
      expect(await userRowsByEmail(t, email.toUpperCase())).toHaveLength(0);
    });

    it('answers NICKNAME_ALREADY_EXISTS to a taken nickname, and the ticket still signs up with another', async () => {
      const taken = await signUp(t);
      const body = signupBody({ nickname: ` ${taken.nickname} ` });
      await verifyEmail(t, body.email);

      await expectFailure(t, t.http.post(SIGNUP).send(body), E.NICKNAME_ALREADY_EXISTS);

      expect(await userRowsByEmail(t, body.email)).toHaveLength(0);
      const retry = await t.http.post(SIGNUP).send({ ...body, nickname: uniqueNickname() });
      expect(retry.status).toBe(201);
    });
  });

  describe('login', () => {
    it.each([
      ['absent', undefined],
      ['empty', ''],
      ['blank', '   '],
    ])('answers a password that is %s with "비밀번호는 필수입니다."', async (_label, password) => {
      await expectFailure(
        t,
        t.http.post(LOGIN).send({ email: uniqueEmail(), password }),
        validationFailed({ field: 'password', message: M.passwordRequired }),
      );
    });

    it('lists email then password when both are missing', async () => {
      await expectFailure(
        t,
        t.http.post(LOGIN).send({}),
        validationFailed(
          { field: 'email', message: M.emailRequired },
          { field: 'password', message: M.passwordRequired },
        ),
      );
    });

    it('answers INVALID_CREDENTIALS to an unknown email and to a wrong password, opening no session', async () => {
      const user = await signUp(t);
      const before = await countRows(t);

      await expectFailure(
        t,
        t.http.post(LOGIN).send({ email: uniqueEmail('unknown'), password: user.password }),
        E.INVALID_CREDENTIALS,
      );
      await expectFailure(
        t,
        t.http.post(LOGIN).send({ email: user.email, password: `${user.password}x` }),
        E.INVALID_CREDENTIALS,
      );

      expect(await countRows(t)).toEqual(before);
    });

    it('answers INVALID_CREDENTIALS to the email of an account that has no password', async () => {
      const email = uniqueEmail('social');
      await t.db.query(
        `insert into users (email, password_hash, name, nickname, provider, provider_user_id)
         values ($1, null, '소셜', $2, 'kakao', $3)`,
        [email, uniqueNickname(), randomBytes(8).toString('hex')],
      );

      await expectFailure(t, t.http.post(LOGIN).send({ email, password: 'MyPassword123!' }), E.INVALID_CREDENTIALS);
    });

    it('answers LOGIN_THROTTLED with Retry-After after LOGIN_MAX_FAILURES failures, even to the right password', async () => {
      const user = await signUp(t);
      const variants = [user.email, user.email.toUpperCase(), ` ${user.email} `];
      for (const email of variants.slice(0, LOGIN_MAX_FAILURES)) {
        await expectFailure(t, t.http.post(LOGIN).send({ email, password: 'WrongPassword1!' }), E.INVALID_CREDENTIALS);
      }

      const res = await expectFailure(
        t,
        t.http.post(LOGIN).send({ email: user.email, password: user.password }),
        E.LOGIN_THROTTLED,
      );

      expectRetryAfter(res, LOGIN_FAILURE_WINDOW_S);
      expect(await sessionsOfUser(t, user.id)).toHaveLength(0);
    });

    it('answers LOGIN_THROTTLED with Retry-After for an email that does not exist', async () => {
      const email = uniqueEmail('ghost');
      for (let attempt = 0; attempt < LOGIN_MAX_FAILURES; attempt++) {
        await expectFailure(t, t.http.post(LOGIN).send({ email, password: 'WrongPassword1!' }), E.INVALID_CREDENTIALS);
      }

      const res = await expectFailure(
        t,
        t.http.post(LOGIN).send({ email, password: 'WrongPassword1!' }),
        E.LOGIN_THROTTLED,
      );

      expectRetryAfter(res, LOGIN_FAILURE_WINDOW_S);
    });
  });

  describe('logout', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a Basic credential', 'Basic dXNlcjpwYXNz'],
      ['"Bearer" with no token', 'Bearer'],
      ['a token with no scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ])('answers 400 TOKEN_MISSING to %s', async (_label, header) => {
      const req = t.http.post(LOGOUT);
      if (header !== undefined) req.set('Authorization', header);
      await expectFailure(t, req, withStatus(E.TOKEN_MISSING, 400));
    });

    it('answers 400 TOKEN_INVALID to a malformed, forged or refresh token and leaves the session open', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      for (const token of ['not-a-jwt', forged(login.accessToken), login.refreshToken]) {
        await expectFailure(
          t,
          t.http.post(LOGOUT).set('Authorization', bearer(token)),
          withStatus(E.TOKEN_INVALID, 400),
        );
      }
      const [session] = await sessionsOfUser(t, user.id);
      expect(session.revokedAt).toBeNull();
    });

    it('answers 400 TOKEN_INVALID to an expired access token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(ACCESS_TTL_MS + 1_000);

      await expectFailure(
        t,
        t.http.post(LOGOUT).set('Authorization', bearer(login.accessToken)),
        withStatus(E.TOKEN_INVALID, 400),
      );
    });

    it('answers 401 TOKEN_REVOKED to a token already logged out', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.post(LOGOUT).set('Authorization', bearer(login.accessToken))).status).toBe(200);

      await expectFailure(t, t.http.post(LOGOUT).set('Authorization', bearer(login.accessToken)), E.TOKEN_REVOKED);

      const [session] = await sessionsOfUser(t, user.id);
      expect(session.revokedReason).toBe('logout');
    });
  });

  describe('refresh', () => {
    it.each([
      ['absent', undefined],
      ['empty', ''],
      ['blank', '   '],
    ])('answers a refreshToken that is %s with "Refresh Token은 필수입니다."', async (_label, refreshToken) => {
      await expectFailure(
        t,
        t.http.post(REFRESH).send({ refreshToken }),
        validationFailed({ field: 'refreshToken', message: M.refreshTokenRequired }),
      );
    });

    it('answers REFRESH_TOKEN_INVALID to a malformed, forged or access token, spending nothing', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      for (const refreshToken of ['not-a-jwt', forged(login.refreshToken), login.accessToken]) {
        await expectFailure(t, t.http.post(REFRESH).send({ refreshToken }), E.REFRESH_TOKEN_INVALID);
      }
      const [session] = await sessionsOfUser(t, user.id);
      expect(await refreshRows(t, session.id)).toEqual([expect.objectContaining({ spentAt: null })]);
    });

    it('answers REFRESH_TOKEN_INVALID to an expired refresh token and revokes its session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(REFRESH_TTL_MS + 1_000);

      await expectFailure(t, t.http.post(REFRESH).send({ refreshToken: login.refreshToken }), E.REFRESH_TOKEN_INVALID);

      const [session] = await sessionsOfUser(t, user.id);
      expect(session.revokedReason).toBe('refresh_expired');
    });

    it('answers REFRESH_TOKEN_REVOKED to a spent refresh token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.post(REFRESH).send({ refreshToken: login.refreshToken })).status).toBe(200);

      await expectFailure(t, t.http.post(REFRESH).send({ refreshToken: login.refreshToken }), E.REFRESH_TOKEN_REVOKED);
    });

    it('answers REFRESH_TOKEN_REVOKED to the refresh token of a logged-out session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.post(LOGOUT).set('Authorization', bearer(login.accessToken))).status).toBe(200);

      await expectFailure(t, t.http.post(REFRESH).send({ refreshToken: login.refreshToken }), E.REFRESH_TOKEN_REVOKED);

      const [session] = await sessionsOfUser(t, user.id);
      expect(await refreshRows(t, session.id)).toEqual([expect.objectContaining({ spentAt: null })]);
    });
  });

  describe('me', () => {
    it.each([
      ['no Authorization header', undefined],
      ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ])('answers 401 TOKEN_MISSING to %s', async (_label, header) => {
      const req = t.http.get(ME);
      if (header !== undefined) req.set('Authorization', header);
      await expectFailure(t, req, E.TOKEN_MISSING);
    });

    it('answers 401 TOKEN_INVALID to a malformed, forged or refresh token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      for (const token of ['not-a-jwt', forged(login.accessToken), login.refreshToken]) {
        await expectFailure(t, t.http.get(ME).set('Authorization', bearer(token)), E.TOKEN_INVALID);
      }
    });

    it('answers 401 TOKEN_EXPIRED to an expired access token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(ACCESS_TTL_MS + 1_000);

      await expectFailure(t, t.http.get(ME).set('Authorization', bearer(login.accessToken)), E.TOKEN_EXPIRED);
    });

    it('answers 401 TOKEN_REVOKED to a logged-out access token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      expect((await t.http.post(LOGOUT).set('Authorization', bearer(login.accessToken))).status).toBe(200);

      await expectFailure(t, t.http.get(ME).set('Authorization', bearer(login.accessToken)), E.TOKEN_REVOKED);
    });
  });

  describe('reissue', () => {
    it.each([
      ['absent', undefined],
      ['blank', '   '],
    ])('answers a Refresh-Token header that is %s with "Refresh Token은 필수입니다."', async (_label, header) => {
      const req = t.http.post(REISSUE);
      if (header !== undefined) req.set('Refresh-Token', header);
      await expectFailure(t, req, validationFailed({ field: 'Refresh-Token', message: M.refreshTokenRequired }));
    });

    it('answers 401 EXPIRED_REFRESH_TOKEN to an expired refresh token and revokes its session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(REFRESH_TTL_MS + 1_000);

      await expectFailure(
        t,
        t.http.post(REISSUE).set('Authorization', bearer(login.accessToken)).set('Refresh-Token', login.refreshToken),
        E.EXPIRED_REFRESH_TOKEN,
      );

      const [session] = await sessionsOfUser(t, user.id);
      expect(session.revokedReason).toBe('refresh_expired');
    });

    it('answers 401 REFRESH_TOKEN_INVALID to a malformed, forged or access token', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      for (const token of ['not-a-jwt', forged(login.refreshToken), login.accessToken]) {
        await expectFailure(
          t,
          t.http.post(REISSUE).set('Refresh-Token', token),
          withStatus(E.REFRESH_TOKEN_INVALID, 401),
        );
      }
    });

    it('answers 401 REFRESH_TOKEN_INVALID when the access token belongs to another session, spending nothing', async () => {
      const user = await signUp(t);
      const first = await logIn(t, user.email, user.password);
      const second = await logIn(t, user.email, user.password);

      await expectFailure(
        t,
        t.http.post(REISSUE).set('Authorization', bearer(first.accessToken)).set('Refresh-Token', second.refreshToken),
        withStatus(E.REFRESH_TOKEN_INVALID, 401),
      );
      await expectFailure(
        t,
        t.http.post(REISSUE).set('Authorization', bearer('not-a-jwt')).set('Refresh-Token', second.refreshToken),
        withStatus(E.REFRESH_TOKEN_INVALID, 401),
      );

      const ok = await t.http
        .post(REISSUE)
        .set('Authorization', bearer(second.accessToken))
        .set('Refresh-Token', second.refreshToken);
      expect(ok.status).toBe(200);
    });

    it('answers 401 REFRESH_TOKEN_REVOKED to a spent refresh token and to one of a logged-out session', async () => {
      const user = await signUp(t);
      const spent = await logIn(t, user.email, user.password);
      expect((await t.http.post(REFRESH).send({ refreshToken: spent.refreshToken })).status).toBe(200);
      const loggedOut = await logIn(t, user.email, user.password);
      expect((await t.http.post(LOGOUT).set('Authorization', bearer(loggedOut.accessToken))).status).toBe(200);

      for (const token of [spent.refreshToken, loggedOut.refreshToken]) {
        await expectFailure(
          t,
          t.http.post(REISSUE).set('Refresh-Token', token),
          withStatus(E.REFRESH_TOKEN_REVOKED, 401),
        );
      }
    });
  });

  describe('errors of SPEC §1 that no endpoint names', () => {
    it('answers malformed JSON with 400 INVALID_JSON', async () => {
      await expectFailure(
        t,
        t.http.post(LOGIN).set('Content-Type', 'application/json').send('{"email": "a@example.com",'),
        E.INVALID_JSON,
      );
    });

    it('answers a body over 16 kB with 413 PAYLOAD_TOO_LARGE and accepts one just under', async () => {
      const over = JSON.stringify({ email: uniqueEmail(), padding: 'x'.repeat(16 * 1024) });
      await expectFailure(
        t,
        t.http.post(SEND_PATH).set('Content-Type', 'application/json').send(over),
        E.PAYLOAD_TOO_LARGE,
      );

      const under = JSON.stringify({ email: uniqueEmail(), padding: 'x'.repeat(15 * 1024) });
      const res = await t.http.post(SEND_PATH).set('Content-Type', 'application/json').send(under);
      expect(res.status).toBe(200);
    });

    it('answers a text/plain body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      await expectFailure(
        t,
        t.http.post(LOGIN).set('Content-Type', 'text/plain').send('email=a@example.com'),
        E.UNSUPPORTED_MEDIA_TYPE,
      );
    });

    it.each([
      ['GET', '/api/auth/nothing-here'],
      ['POST', '/nowhere'],
      ['GET', LOGIN],
      // DELETE /api/auth/me is withdrawal (SPEC §5); DELETE on login is no route.
      ['DELETE', LOGIN],
    ])('answers %s %s with 404 NOT_FOUND', async (method, path) => {
      const req = method === 'GET' ? t.http.get(path) : method === 'POST' ? t.http.post(path) : t.http.delete(path);
      await expectFailure(t, req, E.NOT_FOUND);
    });
  });
});

describe('SPEC §2 messages that need their own settings', () => {
  describe('with the default 60 s resend cooldown and 1 s codes', () => {
    const CODE_TTL_MS = 1_000;
    const t = useTestApp({ EMAIL_CODE_TTL: '1s' });

    it('answers a second send within the cooldown with 429 EMAIL_SEND_COOLDOWN and Retry-After, whatever the case', async () => {
      const email = uniqueEmail('cooldown');
      await sendCode(t, email);
      const mails = t.mail.mails.length;

      const res = await expectFailure(t, t.http.post(SEND_PATH).send({ email }), E.EMAIL_SEND_COOLDOWN);
      expectRetryAfter(res, 60);
      await expectFailure(t, t.http.post(SEND_PATH).send({ email: ` ${email.toUpperCase()}` }), E.EMAIL_SEND_COOLDOWN);

      expect(t.mail.mails.length).toBe(mails);
      expect((await t.http.post(SEND_PATH).send({ email: uniqueEmail('other') })).status).toBe(200);
    });

    it('answers VERIFICATION_CODE_EXPIRED once EMAIL_CODE_TTL has passed', async () => {
      const email = uniqueEmail('expired');
      const code = await sendCode(t, email);
      await letTimePass(t, CODE_TTL_MS + 200);

      await expectFailure(
        t,
        t.http.post(VERIFY_PATH).send({ email, verificationCode: code }),
        E.VERIFICATION_CODE_EXPIRED,
      );
    });
  });

  describe('with RATE_LIMIT_MAX=5', () => {
    const t = useTestApp({ RATE_LIMIT_MAX: '5' });

    it('answers the sixth /api/auth request of one IP with 429 TOO_MANY_REQUESTS and Retry-After, on any route', async () => {
      for (let i = 0; i < 5; i++) {
        const res = await t.http.post(SEND_PATH).send({ email: 'not-an-email' });
        expect(res.status).toBe(400);
      }

      const limited = await expectFailure(
        t,
        t.http.post(LOGIN).send({ email: uniqueEmail(), password: 'x' }),
        E.TOO_MANY_REQUESTS,
      );
      expectRetryAfter(limited, 60);
      await expectFailure(t, t.http.get(ME), E.TOO_MANY_REQUESTS);
      // Routes match whatever the case, and so does the limit.
      await expectFailure(t, t.http.get(ME.toUpperCase()), E.TOO_MANY_REQUESTS);

      expect((await t.http.get('/health')).status).toBe(200);
    });
  });
});
