import {
  BOOT_TIMEOUT_MS,
  clientId,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  login,
  providerUser,
  signUp,
  startEmulators,
  userRows,
  usersCount,
  useTestApp,
} from '../support/kit.js';

/** Seed 001: the frontend holds a Kakao access token and signs in with it. */
describe('POST /api/auth/social/kakao', () => {
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
    emulators.kakao.registerClient({ clientId: 'another-app', redirectUris: ['http://localhost/x'], appId: 777 });
  }, BOOT_TIMEOUT_MS);
  const t = useTestApp(() => emulatorEnv(emulators));
  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);

  const signIn = (accessToken: unknown) => t.http.post('/api/auth/social/kakao').send({ accessToken });

  it('signs up on the first call and logs into the same account on the next, with the login data of §2', async () => {
    const user = providerUser({ nickname: '토큰유저' });
    emulators.kakao.addUser(user);
    const count = await usersCount(t);

    const first = await signIn(emulators.kakao.issueAccessToken(user.id, clientId('kakao')));
    const second = await signIn(emulators.kakao.issueAccessToken(user.id, clientId('kakao')));

    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      code: { code: 200, message: '성공' },
      message: '성공',
      data: {
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        user: { email: user.email, nickname: '토큰유저', birthDate: null, provider: 'kakao' },
      },
    });
    expect(second.status).toBe(200);
    expect(second.body.data.user.id).toBe(first.body.data.user.id);
    expect(await usersCount(t)).toBe(count + 1);
    const rows = await userRows(t, 'provider = $1 AND provider_user_id = $2', ['kakao', user.id]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].id)).toBe(first.body.data.user.id);
    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${second.body.data.accessToken}`);
    expect(me.body.data.id).toBe(first.body.data.user.id);
  });

  it('finds the account the redirect flow created for the same Kakao user', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const landed = await login(t, 'kakao', user.id);
    const viaRedirect = await t.http
      .get('/api/auth/me')
      .set('Authorization', `Bearer ${landed.searchParams.get('accessToken')}`);

    const viaToken = await signIn(emulators.kakao.issueAccessToken(user.id, clientId('kakao')));

    expect(viaToken.body.data.user.id).toBe(viaRedirect.body.data.id);
  });

  it('refuses a token issued to another Kakao app with 401 KAKAO_APP_MISMATCH, creating nothing', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const count = await usersCount(t);
    const res = await signIn(emulators.kakao.issueAccessToken(user.id, 'another-app'));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({
      code: { code: 401, message: '인증 필요' },
      errorCode: 'KAKAO_APP_MISMATCH',
      message: '이 서비스에서 발급된 카카오 토큰이 아닙니다.',
    });
    expect(await usersCount(t)).toBe(count);
    // The profile was never read.
    expect(emulators.kakao.requests.at(-1)?.path).toBe('/v1/user/access_token_info');
  });

  it.each(['not-a-kakao-token', 'line\nbreak'])(
    'refuses a token Kakao does not know (%j) with 401 KAKAO_TOKEN_INVALID',
    async (token) => {
      const res = await signIn(token);
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({
        errorCode: 'KAKAO_TOKEN_INVALID',
        message: '유효하지 않은 카카오 액세스 토큰입니다.',
      });
    },
  );

  it.each([undefined, '', '   ', 42])('asks for the token when it is %j', async (token) => {
    const res = await signIn(token);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      errorCode: 'VALIDATION_FAILED',
      message: '카카오 액세스 토큰이 필요합니다.',
      errors: [{ field: 'accessToken', message: '카카오 액세스 토큰이 필요합니다.' }],
    });
  });

  it('answers 502 KAKAO_UNAVAILABLE while Kakao is down', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const token = emulators.kakao.issueAccessToken(user.id, clientId('kakao'));
    emulators.kakao.setDown(true);
    try {
      const res = await signIn(token);
      expect(res.status).toBe(502);
      expect(res.body).toMatchObject({
        code: { code: 502, message: '게이트웨이 오류' },
        errorCode: 'KAKAO_UNAVAILABLE',
        message: '카카오 서버와 통신에 실패했습니다.',
      });
    } finally {
      emulators.kakao.setDown(false);
    }
    expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
  });

  it('refuses the email of a local account with 409 EMAIL_REGISTERED_WITH_LOCAL, local account untouched', async () => {
    const local = await signUp(t);
    const [before] = await userRows(t, 'email = $1', [local.email]);
    const user = providerUser({ email: local.email });
    emulators.kakao.addUser(user);
    const res = await signIn(emulators.kakao.issueAccessToken(user.id, clientId('kakao')));
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({
      errorCode: 'EMAIL_REGISTERED_WITH_LOCAL',
      message: '이미 가입된 이메일입니다. 일반 로그인을 사용해주세요.',
    });
    expect(await userRows(t, 'email = $1', [local.email])).toEqual([before]);
  });

  it('answers 400 EMAIL_REQUIRED when the user did not share the email', async () => {
    const user = providerUser({ consentEmail: false });
    emulators.kakao.addUser(user);
    const res = await signIn(emulators.kakao.issueAccessToken(user.id, clientId('kakao')));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      errorCode: 'EMAIL_REQUIRED',
      message: '이메일 정보가 필요합니다. 소셜 로그인 시 이메일 제공에 동의해주세요.',
    });
    expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
  });

  it('is documented in the OpenAPI JSON with Korean error examples, like the other social endpoints', async () => {
    const docs = await t.http.get('/api/docs-json');
    const paths = docs.body.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        '/api/auth/social/kakao',
        '/api/auth/oauth2/token',
        '/oauth2/authorization/{provider}',
        '/login/oauth2/code/{provider}',
        '/api/auth/kakao',
        '/api/auth/kakao/callback',
      ]),
    );
    const kakao = JSON.stringify(paths['/api/auth/social/kakao'].post.responses);
    expect(kakao).toContain('이 서비스에서 발급된 카카오 토큰이 아닙니다.');
    expect(kakao).toContain('카카오 액세스 토큰이 필요합니다.');
    expect(JSON.stringify(paths['/api/auth/oauth2/token'].post.responses)).toContain('인증 코드가 필요합니다.');
    expect(JSON.stringify(paths['/oauth2/authorization/{provider}'].get.responses)).toContain(
      '허용되지 않은 redirect_uri입니다.',
    );
  });
});
