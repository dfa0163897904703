import {
  claimsOf,
  countRows,
  GENERATED_TRACE_ID,
  LOGIN,
  logIn,
  LOGOUT,
  ME,
  REFRESH,
  refreshRows,
  REISSUE,
  SEND_PATH,
  sendCode,
  sessionsOfUser,
  SIGNUP,
  signUp,
  signupBody,
  uniqueEmail,
  userRowsByEmail,
  useTestApp,
  VERIFY_PATH,
  verifyEmail,
} from '../support/kit.js';

/** Every success response of SPEC §2, field for field, with the state it leaves behind. */

const FRONTEND = 'http://localhost:3000';

const ok = (data: unknown, message = '성공') => ({ code: { code: 200, message: '성공' }, message, data });
const tokenPair = { accessToken: expect.any(String), refreshToken: expect.any(String) };
const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** No password, hash or bcrypt string anywhere in a response body. */
function expectNoSecrets(body: unknown, password: string): void {
  const text = JSON.stringify(body);
  expect(text).not.toContain(password);
  expect(text).not.toMatch(/\$2[aby]\$/);
  expect(text).not.toMatch(/"password/i);
  expect(text).not.toMatch(/hash/i);
}

describe('SPEC §2 success responses', () => {
  const t = useTestApp();

  describe('email code', () => {
    it('send answers 200 "인증 번호를 발송했습니다." with data null', async () => {
      const res = await t.http.post(SEND_PATH).send({ email: uniqueEmail() });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok(null, '인증 번호를 발송했습니다.'));
    });

    it('verify answers 200 "인증이 완료되었습니다." with data null', async () => {
      const email = uniqueEmail();
      const code = await sendCode(t, email);
      const res = await t.http.post(VERIFY_PATH).send({ email, verificationCode: code });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok(null, '인증이 완료되었습니다.'));
    });
  });

  describe('signup', () => {
    it('answers 201 "생성됨" with the user object and stores a lower-cased email and a bcrypt hash', async () => {
      const email = uniqueEmail('Shape');
      const body = signupBody({ email: `  ${email.toUpperCase()} ` });
      await verifyEmail(t, email);

      const res = await t.http.post(SIGNUP).send(body);

      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        code: { code: 201, message: '생성됨' },
        message: '생성됨',
        data: {
          id: expect.any(Number),
          email: email.toLowerCase(),
          name: body.name,
          nickname: body.nickname,
          birthDate: body.birthDate,
          addressSido: body.addressSido,
          addressGugun: body.addressGugun,
          provider: 'local',
        },
      });
      expect(Number.isInteger(res.body.data.id)).toBe(true);
      expectNoSecrets(res.body, body.password);

      const [row] = await userRowsByEmail(t, email.toLowerCase());
      expect(row).toEqual({
        id: String(res.body.data.id),
        email: email.toLowerCase(),
        password_hash: expect.stringMatching(BCRYPT_HASH),
        name: body.name,
        nickname: body.nickname,
        birth_date: body.birthDate,
        address_sido: body.addressSido,
        address_gugun: body.addressGugun,
        provider: 'local',
        provider_user_id: null,
      });
      expect(row.password_hash).not.toContain(body.password);
    });

    it('answers absent or blank addresses as null and stores null', async () => {
      const withoutAddress = signupBody({ addressSido: undefined, addressGugun: '   ' });
      await verifyEmail(t, withoutAddress.email);

      const res = await t.http.post(SIGNUP).send(withoutAddress);

      expect(res.status).toBe(201);
      expect(res.body.data).toEqual(expect.objectContaining({ addressSido: null, addressGugun: null }));
      const [row] = await userRowsByEmail(t, withoutAddress.email);
      expect({ sido: row.address_sido, gugun: row.address_gugun }).toEqual({ sido: null, gugun: null });
    });

    it('trims the name and nickname it stores', async () => {
      const body = signupBody();
      await verifyEmail(t, body.email);

      const res = await t.http.post(SIGNUP).send({ ...body, name: ` ${body.name} `, nickname: `\t${body.nickname} ` });

      expect(res.status).toBe(201);
      expect(res.body.data).toEqual(expect.objectContaining({ name: body.name, nickname: body.nickname }));
    });
  });

  describe('login, me, refresh, reissue, logout', () => {
    it('login answers 200 "성공" with both tokens and the user, and opens one session with one refresh token', async () => {
      const user = await signUp(t);

      const res = await t.http.post(LOGIN).send({ email: ` ${user.email.toUpperCase()}`, password: user.password });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        ok({
          ...tokenPair,
          user: {
            id: user.id,
            email: user.email,
            name: '홍길동',
            nickname: user.nickname,
            birthDate: '2000-01-01',
            addressSido: '서울특별시',
            addressGugun: '강남구',
            provider: 'local',
          },
        }),
      );
      expectNoSecrets(res.body, user.password);
      const { accessToken, refreshToken } = res.body.data as { accessToken: string; refreshToken: string };
      expect(claimsOf(accessToken)).toMatchObject({ sub: String(user.id), typ: 'access' });
      expect(claimsOf(refreshToken)).toMatchObject({ sub: String(user.id), typ: 'refresh' });
      expect(claimsOf(accessToken).sid).toBe(claimsOf(refreshToken).sid);

      const sessions = await sessionsOfUser(t, user.id);
      expect(sessions).toEqual([
        expect.objectContaining({
          id: claimsOf(accessToken).sid,
          userId: String(user.id),
          revokedAt: null,
          revokedReason: null,
        }),
      ]);
      expect(await refreshRows(t, sessions[0].id)).toEqual([
        { jti: claimsOf(refreshToken).jti, sessionId: sessions[0].id, spentAt: null, replacedBy: null },
      ]);
    });

    it('me answers 200 "성공" with the user object: id a JSON number, birthDate a string, no secret', async () => {
      const user = await signUp(t, { addressSido: undefined, addressGugun: undefined });
      const login = await logIn(t, user.email, user.password);

      const res = await t.http.get(ME).set('Authorization', `Bearer ${login.accessToken}`);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(
        ok({
          id: user.id,
          email: user.email,
          name: '홍길동',
          nickname: user.nickname,
          birthDate: '2000-01-01',
          addressSido: null,
          addressGugun: null,
          provider: 'local',
        }),
      );
      expect(typeof res.body.data.id).toBe('number');
      expectNoSecrets(res.body, user.password);
    });

    it('refresh answers 200 with a new pair, spending the old refresh token in favour of the new one', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const res = await t.http.post(REFRESH).send({ refreshToken: login.refreshToken });

      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok(tokenPair));
      const next = res.body.data as { accessToken: string; refreshToken: string };
      expect(next.refreshToken).not.toBe(login.refreshToken);
      expect(next.accessToken).not.toBe(login.accessToken);
      const sid = claimsOf(login.refreshToken).sid;
      expect(claimsOf(next.refreshToken).sid).toBe(sid);
      expect(await refreshRows(t, sid)).toEqual([
        {
          jti: claimsOf(login.refreshToken).jti,
          sessionId: sid,
          spentAt: expect.any(Date),
          replacedBy: claimsOf(next.refreshToken).jti,
        },
        { jti: claimsOf(next.refreshToken).jti, sessionId: sid, spentAt: null, replacedBy: null },
      ]);
      const me = await t.http.get(ME).set('Authorization', `Bearer ${next.accessToken}`);
      expect(me.status).toBe(200);
    });

    it('reissue answers 200 with the new pair in the body and in the Authorization and Refresh-Token headers', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const res = await t.http
        .post(REISSUE)
        .set('Authorization', `Bearer ${login.accessToken}`)
        .set('Refresh-Token', login.refreshToken);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok(tokenPair));
      const next = res.body.data as { accessToken: string; refreshToken: string };
      expect(res.headers.authorization).toBe(`Bearer ${next.accessToken}`);
      expect(res.headers['refresh-token']).toBe(next.refreshToken);
      const [spent] = await refreshRows(t, claimsOf(login.refreshToken).sid);
      expect(spent).toMatchObject({ jti: claimsOf(login.refreshToken).jti, spentAt: expect.any(Date) });
    });

    it('reissue works with an expired access token of the same session and without one', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      t.clock.advance(3_600_000 + 1_000);
      try {
        const withExpired = await t.http
          .post(REISSUE)
          .set('Authorization', `Bearer ${login.accessToken}`)
          .set('Refresh-Token', login.refreshToken);
        expect(withExpired.status).toBe(200);

        const alone = await t.http.post(REISSUE).set('Refresh-Token', withExpired.body.data.refreshToken as string);
        expect(alone.status).toBe(200);
        expect(alone.body).toEqual(ok(tokenPair));
      } finally {
        t.clock.reset();
      }
    });

    it('CORS lets the frontend origin read Authorization and Refresh-Token of a reissue', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const preflight = await t.http
        .options(REISSUE)
        .set('Origin', FRONTEND)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,refresh-token');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(FRONTEND);
      expect(preflight.headers['access-control-allow-headers']?.toLowerCase()).toContain('refresh-token');

      const res = await t.http
        .post(REISSUE)
        .set('Origin', FRONTEND)
        .set('Authorization', `Bearer ${login.accessToken}`)
        .set('Refresh-Token', login.refreshToken);

      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(FRONTEND);
      const exposed = res.headers['access-control-expose-headers'].split(',').map((name) => name.trim().toLowerCase());
      expect(exposed).toEqual(expect.arrayContaining(['authorization', 'refresh-token', 'x-trace-id']));
    });

    it('logout answers 200 "성공" with data "로그아웃되었습니다." without a body or Content-Type, and revokes the session', async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);

      const res = await t.http.post(LOGOUT).set('Authorization', `Bearer ${login.accessToken}`);

      expect(res.status).toBe(200);
      expect(res.body).toEqual(ok('로그아웃되었습니다.'));
      const [session] = await sessionsOfUser(t, user.id);
      expect(session).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'logout' });
      // Beyond the seed: the session's refresh token is refused as well.
      const refresh = await t.http.post(REFRESH).send({ refreshToken: login.refreshToken });
      expect(refresh.body.errorCode).toBe('REFRESH_TOKEN_REVOKED');
    });
  });

  describe('X-Trace-Id', () => {
    it('uses a well-formed client X-Trace-Id in the header and the error body', async () => {
      const traceId = 'client.trace_ID-0123456789';
      const success = await t.http.post(SEND_PATH).set('X-Trace-Id', traceId).send({ email: uniqueEmail() });
      expect(success.status).toBe(200);
      expect(success.headers['x-trace-id']).toBe(traceId);

      const failure = await t.http.get(ME).set('X-Trace-Id', traceId);
      expect(failure.status).toBe(401);
      expect(failure.headers['x-trace-id']).toBe(traceId);
      expect(failure.body.traceId).toBe(traceId);
    });

    it.each([
      ['with a space and a "!"', 'bad id!'],
      ['of 65 characters', 'a'.repeat(65)],
      ['with a slash', 'a/b'],
    ])('replaces a client X-Trace-Id %s by a new 32-hex id', async (_label, given) => {
      const res = await t.http.get(ME).set('X-Trace-Id', given);
      expect(res.status).toBe(401);
      expect(res.body.traceId).toMatch(GENERATED_TRACE_ID);
      expect(res.headers['x-trace-id']).toBe(res.body.traceId);
    });

    it('gives every response a new X-Trace-Id, success, error, docs and health alike', async () => {
      const responses = await Promise.all([
        t.http.post(SEND_PATH).send({ email: uniqueEmail() }),
        t.http.get(ME),
        t.http.get('/nowhere'),
        t.http.get('/health'),
        t.http.get('/api/docs-json'),
      ]);
      const ids = responses.map((res) => res.headers['x-trace-id']);
      for (const id of ids) expect(id).toMatch(GENERATED_TRACE_ID);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('docs and health', () => {
    type Example = { value: { errorCode: string; message: string; code: { code: number; message: string } } };
    type Operation = {
      responses: Record<string, { content?: Record<string, { examples?: Record<string, Example> }> }>;
    };
    const documented: [string, string, [number, string, string][]][] = [
      [
        'post',
        SEND_PATH,
        [
          [400, 'VALIDATION_FAILED', '이메일은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '올바른 이메일 형식이 아닙니다.'],
          [400, 'VALIDATION_FAILED', '이메일은 최대 100자까지 입력 가능합니다.'],
          [429, 'EMAIL_SEND_COOLDOWN', '인증코드는 잠시 후 다시 요청할 수 있습니다.'],
          [503, 'MAIL_SEND_FAILED', '인증 메일 발송에 실패했습니다. 잠시 후 다시 시도해주세요.'],
        ],
      ],
      [
        'post',
        VERIFY_PATH,
        [
          [400, 'VALIDATION_FAILED', '이메일은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '올바른 이메일 형식이 아닙니다.'],
          [400, 'VALIDATION_FAILED', '이메일은 최대 100자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '인증코드는 필수입니다.'],
          [400, 'VALIDATION_FAILED', '인증코드는 6자리 숫자여야 합니다.'],
          [400, 'VERIFICATION_CODE_EXPIRED', '만료된 인증코드입니다. 인증코드 전송 재시도 부탁드립니다.'],
          [400, 'VERIFICATION_CODE_MISMATCH', '인증코드가 일치하지 않습니다.'],
          [400, 'VERIFICATION_ATTEMPTS_EXCEEDED', '인증 시도 횟수를 초과했습니다. 인증코드를 다시 요청해주세요.'],
        ],
      ],
      [
        'post',
        SIGNUP,
        [
          [400, 'VALIDATION_FAILED', '이메일은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '올바른 이메일 형식이 아닙니다.'],
          [400, 'VALIDATION_FAILED', '이메일은 최대 100자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '비밀번호는 필수입니다.'],
          [400, 'VALIDATION_FAILED', '비밀번호는 8자 이상 128자 이하여야 합니다.'],
          [400, 'VALIDATION_FAILED', '이름은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '이름은 최대 10자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '닉네임은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '닉네임은 최대 10자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '생년월일은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '생년월일 형식이 올바르지 않습니다.'],
          [400, 'VALIDATION_FAILED', '시/도는 최대 50자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '구/군은 최대 50자까지 입력 가능합니다.'],
          [400, 'UNDER_AGE', '만 14세 이상만 회원가입이 가능합니다.'],
          [403, 'EMAIL_NOT_VERIFIED', '이메일 인증이 완료되지 않았습니다.'],
          [409, 'EMAIL_ALREADY_EXISTS', '이미 사용 중인 이메일입니다.'],
          [409, 'NICKNAME_ALREADY_EXISTS', '이미 사용 중인 닉네임입니다.'],
        ],
      ],
      [
        'post',
        LOGIN,
        [
          [400, 'VALIDATION_FAILED', '이메일은 필수입니다.'],
          [400, 'VALIDATION_FAILED', '올바른 이메일 형식이 아닙니다.'],
          [400, 'VALIDATION_FAILED', '이메일은 최대 100자까지 입력 가능합니다.'],
          [400, 'VALIDATION_FAILED', '비밀번호는 필수입니다.'],
          [401, 'INVALID_CREDENTIALS', '이메일 또는 비밀번호가 일치하지 않습니다.'],
          [429, 'LOGIN_THROTTLED', '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.'],
        ],
      ],
      [
        'post',
        LOGOUT,
        [
          [400, 'TOKEN_MISSING', '인증 토큰이 필요합니다.'],
          [400, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.'],
          [401, 'TOKEN_REVOKED', '이미 로그아웃된 토큰입니다.'],
        ],
      ],
      [
        'post',
        REFRESH,
        [
          [400, 'VALIDATION_FAILED', 'Refresh Token은 필수입니다.'],
          [400, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.'],
          [400, 'REFRESH_TOKEN_REVOKED', '이미 로그아웃된 Refresh Token입니다.'],
        ],
      ],
      [
        'get',
        ME,
        [
          [401, 'TOKEN_MISSING', '인증 토큰이 필요합니다.'],
          [401, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.'],
          [401, 'TOKEN_EXPIRED', '만료된 토큰입니다.'],
          [401, 'TOKEN_REVOKED', '이미 로그아웃된 토큰입니다.'],
        ],
      ],
      [
        'post',
        REISSUE,
        [
          [400, 'VALIDATION_FAILED', 'Refresh Token은 필수입니다.'],
          [401, 'EXPIRED_REFRESH_TOKEN', '리프레시 토큰이 만료되었습니다. 다시 로그인해주세요.'],
          [401, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.'],
          [401, 'REFRESH_TOKEN_REVOKED', '이미 로그아웃된 Refresh Token입니다.'],
        ],
      ],
    ];
    let spec: { paths: Record<string, Record<string, Operation>> };

    beforeAll(async () => {
      const res = await t.http.get('/api/docs-json');
      expect(res.status).toBe(200);
      spec = res.body as typeof spec;
    });

    it.each(documented)(
      '/api/docs-json documents %s %s with every error of the SPEC table in Korean',
      (method, path, errors) => {
        const operation = spec.paths[path]?.[method];
        expect(operation).toBeDefined();
        expect(operation.responses[method === 'post' && path === SIGNUP ? '201' : '200']).toBeDefined();
        const examples = Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.values(response.content?.['application/json']?.examples ?? {}).map((example) => [
            Number(status),
            example.value.errorCode,
            example.value.message,
          ]),
        );
        expect(examples).toEqual(expect.arrayContaining(errors));
      },
    );

    it('/api/docs serves the Swagger UI as HTML', async () => {
      const res = await t.http.get('/api/docs');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain('swagger');
    });

    it('/health answers 200', async () => {
      const before = await countRows(t);
      const res = await t.http.get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok' });
      expect(await countRows(t)).toEqual(before);
    });
  });
});
