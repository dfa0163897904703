import {
  type ExpectedError,
  expectFailure,
  expectNoRowsWritten,
  FIELD_MESSAGE,
  LOGIN,
  logIn,
  LOGOUT,
  ME,
  REFRESH,
  refreshRows,
  REISSUE,
  SEND_PATH,
  sessionsOfUser,
  SIGNUP,
  signUp,
  signupBody,
  uniqueEmail,
  useTestApp,
  validationFailed,
  VERIFY_PATH,
  verifyEmail,
} from '../support/kit.js';

/**
 * Hostile and malformed input: every request gets its 4xx envelope (never a
 * 500), and no row of users, sessions or refresh_tokens is written.
 */

const POSTS = [SEND_PATH, VERIFY_PATH, SIGNUP, LOGIN, LOGOUT, REFRESH, REISSUE];

const M = FIELD_MESSAGE;

const INVALID_JSON: ExpectedError = {
  status: 400,
  errorCode: 'INVALID_JSON',
  message: '요청 본문이 올바른 JSON 형식이 아닙니다.',
};
const PAYLOAD_TOO_LARGE: ExpectedError = {
  status: 413,
  errorCode: 'PAYLOAD_TOO_LARGE',
  message: '요청 본문이 너무 큽니다.',
};
const UNSUPPORTED_MEDIA_TYPE: ExpectedError = {
  status: 415,
  errorCode: 'UNSUPPORTED_MEDIA_TYPE',
  message: '지원하지 않는 Content-Type입니다.',
};
const INVALID_CREDENTIALS: ExpectedError = {
  status: 401,
  errorCode: 'INVALID_CREDENTIALS',
  message: '이메일 또는 비밀번호가 일치하지 않습니다.',
};
const REFRESH_TOKEN_INVALID: ExpectedError = {
  status: 400,
  errorCode: 'REFRESH_TOKEN_INVALID',
  message: '유효하지 않은 Refresh Token입니다.',
};
const TOKEN_INVALID: ExpectedError = { status: 401, errorCode: 'TOKEN_INVALID', message: '유효하지 않은 토큰입니다.' };

const field = (name: string, message: string) => validationFailed({ field: name, message });
const SQL = "' OR 1=1 --";

describe('bad input', () => {
  const t = useTestApp();
  /** A verified email: a signup with it is refused only for the input under test. */
  let verified: string;
  /** A live session whose tokens must survive every bad request. */
  let session: { userId: number; accessToken: string; refreshToken: string };

  beforeAll(async () => {
    verified = uniqueEmail('ticket');
    await verifyEmail(t, verified);
    const user = await signUp(t);
    const login = await logIn(t, user.email, user.password);
    session = { userId: user.id, accessToken: login.accessToken, refreshToken: login.refreshToken };
  });

  /** A signup body for the verified email that is valid but for `overrides`. */
  const signupWith = (overrides: Record<string, unknown>) => signupBody({ email: verified, ...overrides });

  /** Sends the raw text as `application/json` to `path`. */
  const rawJson = (path: string, text: string) => t.http.post(path).set('Content-Type', 'application/json').send(text);

  describe('body syntax and size', () => {
    const malformed: [string, string][] = [
      ['a truncated object', '{"email": "a@example.com",'],
      ['single quotes', "{'email': 'a@example.com'}"],
      ['a trailing brace', '{"email": "a@example.com"}}'],
      ['a bare word', 'undefined'],
      ['NaN', '{"email": NaN}'],
    ];
    const table = POSTS.flatMap((path) => malformed.map(([label, text]) => ({ path, label, text })));

    it.each(table)('answers $label on $path with 400 INVALID_JSON', async ({ path, text }) => {
      await expectNoRowsWritten(t, () => expectFailure(t, rawJson(path, text), INVALID_JSON));
    });

    it.each([SEND_PATH, SIGNUP, LOGIN, REFRESH])(
      'answers a 1 MB body on %s with 413 PAYLOAD_TOO_LARGE',
      async (path) => {
        const body = JSON.stringify({ ...signupWith({}), padding: 'x'.repeat(1024 * 1024) });
        await expectNoRowsWritten(t, () => expectFailure(t, rawJson(path, body), PAYLOAD_TOO_LARGE));
      },
    );

    it.each([
      ['text/plain', (path: string) => t.http.post(path).set('Content-Type', 'text/plain').send('hello')],
      ['a form', (path: string) => t.http.post(path).type('form').send(signupWith({}))],
      ['multipart', (path: string) => t.http.post(path).field('email', verified)],
      ['XML', (path: string) => t.http.post(path).set('Content-Type', 'application/xml').send('<email/>')],
      [
        'JSON in an unsupported charset',
        (path: string) =>
          t.http
            .post(path)
            .set('Content-Type', 'application/json; charset=latin1')
            .send(JSON.stringify(signupWith({}))),
      ],
    ])('answers %s with 415 UNSUPPORTED_MEDIA_TYPE', async (_label, send) => {
      for (const path of [SIGNUP, LOGIN, SEND_PATH]) {
        await expectNoRowsWritten(t, () => expectFailure(t, send(path), UNSUPPORTED_MEDIA_TYPE));
      }
    });

    // Functions: the verified email exists only once beforeAll has run.
    it.each([
      ['an empty array', () => '[]'],
      ['an array holding the fields', () => JSON.stringify([signupWith({})])],
      ['a string', () => JSON.stringify(verified)],
      ['a number', () => '42'],
      ['null', () => 'null'],
      ['true', () => 'true'],
    ])('reads %s as the whole body as an object with no fields', async (_label, textOf) => {
      const text = textOf();
      await expectNoRowsWritten(t, async () => {
        await expectFailure(t, rawJson(SEND_PATH, text), field('email', M.emailRequired));
        await expectFailure(
          t,
          rawJson(SIGNUP, text),
          validationFailed(
            { field: 'email', message: M.emailRequired },
            { field: 'password', message: M.passwordRequired },
            { field: 'name', message: M.nameRequired },
            { field: 'nickname', message: M.nicknameRequired },
            { field: 'birthDate', message: M.birthDateRequired },
          ),
        );
      });
    });
  });

  describe('arrays, objects, null and numbers in string fields', () => {
    const cases: [string, string, unknown, ExpectedError][] = [
      [SEND_PATH, 'email', ['a@example.com'], field('email', M.emailFormat)],
      [SEND_PATH, 'email', { address: 'a@example.com' }, field('email', M.emailFormat)],
      [SEND_PATH, 'email', 42, field('email', M.emailFormat)],
      [SEND_PATH, 'email', true, field('email', M.emailFormat)],
      [SEND_PATH, 'email', null, field('email', M.emailRequired)],
      [VERIFY_PATH, 'verificationCode', ['123456'], field('verificationCode', M.codeFormat)],
      [VERIFY_PATH, 'verificationCode', { code: '123456' }, field('verificationCode', M.codeFormat)],
      [LOGIN, 'email', ['someone@example.com'], field('email', M.emailFormat)],
      [LOGIN, 'password', ['MyPassword123!'], field('password', M.passwordRequired)],
      [LOGIN, 'password', { $ne: '' }, field('password', M.passwordRequired)],
      [LOGIN, 'password', 12345678, field('password', M.passwordRequired)],
      [REFRESH, 'refreshToken', ['x.y.z'], field('refreshToken', M.refreshTokenRequired)],
      [REFRESH, 'refreshToken', { token: 'x.y.z' }, field('refreshToken', M.refreshTokenRequired)],
      [REFRESH, 'refreshToken', null, field('refreshToken', M.refreshTokenRequired)],
      [SIGNUP, 'email', ['someone@example.com'], field('email', M.emailFormat)],
      [SIGNUP, 'email', { $gt: '' }, field('email', M.emailFormat)],
      [SIGNUP, 'password', ['MyPassword123!'], field('password', M.passwordLength)],
      [SIGNUP, 'password', { length: 10 }, field('password', M.passwordLength)],
      [SIGNUP, 'password', 1234567890, field('password', M.passwordLength)],
      [SIGNUP, 'name', ['홍길동'], field('name', M.nameLength)],
      [SIGNUP, 'nickname', { nick: 'x' }, field('nickname', M.nicknameLength)],
      [SIGNUP, 'nickname', ['길동이'], field('nickname', M.nicknameLength)],
      [SIGNUP, 'nickname', 12345, field('nickname', M.nicknameLength)],
      [SIGNUP, 'birthDate', ['2000-01-01'], field('birthDate', M.birthDateFormat)],
      [SIGNUP, 'birthDate', 20000101, field('birthDate', M.birthDateFormat)],
      [SIGNUP, 'birthDate', { year: 2000 }, field('birthDate', M.birthDateFormat)],
      [SIGNUP, 'addressSido', ['서울특별시'], field('addressSido', M.sidoLength)],
      [SIGNUP, 'addressGugun', { gu: '강남구' }, field('addressGugun', M.gugunLength)],
    ];
    const table = cases.map(([path, name, value, expected]) => ({
      path,
      name,
      value,
      expected,
      shown: JSON.stringify(value),
    }));

    it.each(table)('$path answers $name = $shown with "$expected.message"', async ({ path, name, value, expected }) => {
      const base: Record<string, unknown> =
        path === SIGNUP
          ? signupWith({})
          : path === VERIFY_PATH
            ? { email: verified, verificationCode: '123456' }
            : path === LOGIN
              ? { email: verified, password: 'MyPassword123!' }
              : path === REFRESH
                ? { refreshToken: session.refreshToken }
                : { email: verified };
      await expectNoRowsWritten(t, () =>
        expectFailure(t, t.http.post(path).send({ ...base, [name]: value }), expected),
      );
    });
  });

  describe('prototype keys', () => {
    it('ignores __proto__ and constructor keys as fields and pollutes no prototype', async () => {
      const fields = JSON.stringify(signupWith({}));
      await expectNoRowsWritten(t, async () => {
        await expectFailure(
          t,
          rawJson(SEND_PATH, `{"__proto__": {"email": "${verified}"}}`),
          field('email', M.emailRequired),
        );
        await expectFailure(
          t,
          rawJson(SEND_PATH, `{"constructor": {"prototype": {"email": "${verified}"}}}`),
          field('email', M.emailRequired),
        );
        await expectFailure(
          t,
          rawJson(SIGNUP, `{"__proto__": ${fields}, "constructor": {"prototype": ${fields}}}`),
          validationFailed(
            { field: 'email', message: M.emailRequired },
            { field: 'password', message: M.passwordRequired },
            { field: 'name', message: M.nameRequired },
            { field: 'nickname', message: M.nicknameRequired },
            { field: 'birthDate', message: M.birthDateRequired },
          ),
        );
        await expectFailure(
          t,
          rawJson(
            LOGIN,
            `{"email": "${uniqueEmail()}", "password": "MyPassword123!", "__proto__": {"polluted": "yes"}, ` +
              `"constructor": {"prototype": {"polluted": "yes"}}}`,
          ),
          INVALID_CREDENTIALS,
        );
      });
      expect(Object.prototype).not.toHaveProperty('polluted');
      expect(Object.prototype).not.toHaveProperty('email');
    });
  });

  describe('SQL-looking strings', () => {
    it(`refuses ${SQL} as an email or a too-long nickname and finds no account with it as a password`, async () => {
      await expectNoRowsWritten(t, async () => {
        await expectFailure(t, t.http.post(SEND_PATH).send({ email: SQL }), field('email', M.emailFormat));
        await expectFailure(
          t,
          t.http.post(VERIFY_PATH).send({ email: `x@example.com${SQL}`, verificationCode: '123456' }),
          field('email', M.emailFormat),
        );
        await expectFailure(
          t,
          t.http.post(VERIFY_PATH).send({ email: verified, verificationCode: SQL }),
          field('verificationCode', M.codeFormat),
        );
        await expectFailure(t, t.http.post(LOGIN).send({ email: SQL, password: SQL }), field('email', M.emailFormat));
        await expectFailure(
          t,
          t.http.post(LOGIN).send({ email: "admin'--@example.com", password: SQL }),
          INVALID_CREDENTIALS,
        );
        await expectFailure(
          t,
          t.http.post(SIGNUP).send(signupWith({ nickname: SQL })),
          field('nickname', M.nicknameLength),
        );
        await expectFailure(
          t,
          t.http.post(SIGNUP).send(signupWith({ name: "'; DROP TABLE users; --" })),
          field('name', M.nameLength),
        );
        await expectFailure(t, t.http.post(REFRESH).send({ refreshToken: SQL }), REFRESH_TOKEN_INVALID);
        await expectFailure(t, t.http.get(ME).set('Authorization', "Bearer '--"), TOKEN_INVALID);
      });
    });
  });

  describe('huge numbers and long strings', () => {
    it.each([
      [SEND_PATH, '{"email": 1e400}', field('email', M.emailFormat)],
      [VERIFY_PATH, '{"email": "a@example.com", "verificationCode": 1e21}', field('verificationCode', M.codeFormat)],
      [
        VERIFY_PATH,
        '{"email": "a@example.com", "verificationCode": "123456789012345678901234567890"}',
        field('verificationCode', M.codeFormat),
      ],
      [REFRESH, '{"refreshToken": -1e400}', field('refreshToken', M.refreshTokenRequired)],
      [LOGIN, '{"email": "a@example.com", "password": 99999999999999999999999}', field('password', M.passwordRequired)],
    ])('%s answers %s with its validation message', async (path, text, expected) => {
      await expectNoRowsWritten(t, () => expectFailure(t, rawJson(path, text), expected));
    });

    it.each([
      ['nickname', '1e308', 1e308, M.nicknameLength],
      ['birthDate', '1e20', 1e20, M.birthDateFormat],
      ['password', 'Number.MAX_SAFE_INTEGER', Number.MAX_SAFE_INTEGER, M.passwordLength],
      ['nickname', '5000 characters', '닉'.repeat(5000), M.nicknameLength],
      ['email', '5012 characters', `${'a'.repeat(5000)}@example.com`, M.emailFormat],
    ])('signup answers a %s of %s with its field message, nothing written', async (name, _label, value, message) => {
      await expectNoRowsWritten(t, () =>
        expectFailure(t, t.http.post(SIGNUP).send(signupWith({ [name]: value })), field(name, message)),
      );
    });
  });

  describe('null bytes', () => {
    it.each([
      ['email', `a\u0000b@example.com`, M.emailFormat],
      ['email', 'someone@example.com\u0000', M.emailFormat],
      ['password', '\u0000\u0000', M.passwordLength],
      ['name', '홍\u0000길동', M.invalid],
      ['nickname', 'ab\u0000cd', M.invalid],
      ['birthDate', '2000-01-01\u0000', M.birthDateFormat],
      ['addressSido', '서울\u0000', M.invalid],
      ['addressGugun', '\u0000강남구', M.invalid],
    ])('signup answers a null byte in %s with VALIDATION_FAILED, nothing written', async (name, value, message) => {
      await expectNoRowsWritten(t, () =>
        expectFailure(t, t.http.post(SIGNUP).send(signupWith({ [name]: value })), field(name, message)),
      );
    });

    it('send, verify, login and refresh answer null bytes with their 4xx', async () => {
      await expectNoRowsWritten(t, async () => {
        await expectFailure(
          t,
          t.http.post(SEND_PATH).send({ email: 'a\u0000@example.com' }),
          field('email', M.emailFormat),
        );
        await expectFailure(
          t,
          t.http.post(VERIFY_PATH).send({ email: verified, verificationCode: '123456\u0000' }),
          field('verificationCode', M.codeFormat),
        );
        await expectFailure(
          t,
          t.http.post(LOGIN).send({ email: verified, password: 'My\u0000Password' }),
          INVALID_CREDENTIALS,
        );
        await expectFailure(
          t,
          t.http.post(REFRESH).send({ refreshToken: `${session.refreshToken}\u0000` }),
          REFRESH_TOKEN_INVALID,
        );
      });
    });
  });

  describe('afterwards', () => {
    it('left the live session untouched and the verified email still able to sign up', async () => {
      const [live] = await sessionsOfUser(t, session.userId);
      expect(live.revokedAt).toBeNull();
      expect(await refreshRows(t, live.id)).toEqual([expect.objectContaining({ spentAt: null })]);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${session.accessToken}`);
      expect(me.status).toBe(200);

      const res = await t.http.post(SIGNUP).send(signupWith({}));
      expect(res.status).toBe(201);
    });
  });
});
