import {
  authorize,
  BOOT_TIMEOUT_MS,
  callback,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  expectFailureRedirect,
  FRONTEND,
  landing,
  login,
  PROVIDERS,
  providerUser,
  signUp,
  start,
  startEmulators,
  uniqueEmail,
  userRows,
  usersCount,
  useTestApp,
} from '../support/kit.js';

describe('social login through each provider', () => {
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
  }, BOOT_TIMEOUT_MS);
  const t = useTestApp(() => emulatorEnv(emulators));
  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);

  describe('first and later logins', () => {
    it.each(PROVIDERS)(
      '%s: a first login creates the account and its tokens work on /api/auth/me',
      async (provider) => {
        const user = providerUser({ nickname: `${provider}유저`, name: '홍길동' });
        emulators[provider].addUser(user);

        const landed = await login(t, provider, user.id);

        expect(landed.origin + landed.pathname).toBe(FRONTEND);
        const accessToken = landed.searchParams.get('accessToken') ?? '';
        expect(landed.searchParams.get('refreshToken')).toBeTruthy();
        const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`);
        expect(me.status).toBe(200);
        expect(me.body.data).toMatchObject({ email: user.email, provider, birthDate: null });

        const rows = await userRows(t, 'provider = $1 AND provider_user_id = $2', [provider, user.id]);
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({ email: user.email, provider, password_hash: null, birth_date: null });
        expect(Number(rows[0].id)).toBe(me.body.data.id);
      },
    );

    it.each(PROVIDERS)('%s: a second login opens a new session on the same account', async (provider) => {
      const user = providerUser();
      emulators[provider].addUser(user);
      const first = await login(t, provider, user.id);
      const before = await usersCount(t);

      const second = await login(t, provider, user.id);

      expect(await usersCount(t)).toBe(before);
      expect(second.searchParams.get('accessToken')).not.toBe(first.searchParams.get('accessToken'));
      const me = await t.http
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${second.searchParams.get('accessToken')}`);
      expect(me.body.data.email).toBe(user.email);
    });

    it('answers the hand-off redirect with Referrer-Policy: no-referrer and no caching', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      const started = await start(t, '/oauth2/authorization/kakao');
      const res = await callback(t, await authorize(started.authorizeUrl, { user: user.id }), started.cookie);
      expect(res.status).toBe(302);
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('starts through seed 004 alias /api/auth/kakao exactly like /oauth2/authorization/kakao', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      const landed = await login(t, 'kakao', user.id, '/api/auth/kakao');
      expect(landed.searchParams.get('accessToken')).toBeTruthy();
    });

    it('keeps name and nickname to 10 characters, in NFC, and falls back to the email local part', async () => {
      const nfd = '홍길동'.normalize('NFD');
      const kakaoUser = providerUser({ nickname: `${nfd}의아주긴닉네임입니다` });
      const naverUser = providerUser({ nickname: `네이버${Date.now() % 10000}`, name: '아주아주아주아주긴이름입니다' });
      const noNickname = providerUser({ email: `plainlocal${Date.now() % 10000}@example.com` });
      emulators.kakao.addUser(kakaoUser);
      emulators.naver.addUser(naverUser);
      emulators.google.addUser(noNickname);

      await login(t, 'kakao', kakaoUser.id);
      await login(t, 'naver', naverUser.id);
      await login(t, 'google', noNickname.id);

      // Kakao gives no name: the nickname stands in.
      const [kakaoRow] = await userRows(t, 'provider_user_id = $1', [kakaoUser.id]);
      expect(kakaoRow).toMatchObject({ nickname: '홍길동의아주긴닉네임', name: '홍길동의아주긴닉네임' });
      expect(kakaoRow.nickname.normalize('NFC')).toBe(kakaoRow.nickname);
      const [naverRow] = await userRows(t, 'provider_user_id = $1', [naverUser.id]);
      expect(naverRow.name).toBe('아주아주아주아주긴이');
      // Google gives no nickname: the email's local part stands in.
      const [googleRow] = await userRows(t, 'provider_user_id = $1', [noNickname.id]);
      expect(googleRow.nickname).toBe(noNickname.email?.split('@')[0].slice(0, 10));
    });

    it('gives a taken nickname the shortest free numeric suffix, cutting the stem to stay within 10', async () => {
      const nickname = `겹${Date.now() % 100000}`.padEnd(10, '닉').slice(0, 10);
      const landed: string[] = [];
      for (let i = 0; i < 3; i++) {
        const user = providerUser({ nickname });
        emulators.naver.addUser(user);
        await login(t, 'naver', user.id);
        landed.push((await userRows(t, 'provider_user_id = $1', [user.id]))[0].nickname);
      }
      expect(landed).toEqual([nickname, `${nickname.slice(0, 9)}1`, `${nickname.slice(0, 9)}2`]);
    });
  });

  describe('accounts are keyed by provider identity, never by email', () => {
    it('gives the same email on Kakao and on Google two separate accounts', async () => {
      const email = uniqueEmail('both');
      const kakaoUser = providerUser({ email });
      const googleUser = providerUser({ email });
      emulators.kakao.addUser(kakaoUser);
      emulators.google.addUser(googleUser);

      const viaKakao = await login(t, 'kakao', kakaoUser.id);
      const viaGoogle = await login(t, 'google', googleUser.id);

      const rows = await userRows(t, 'email = $1', [email]);
      expect(rows.map((row) => [row.provider, row.provider_user_id])).toEqual([
        ['kakao', kakaoUser.id],
        ['google', googleUser.id],
      ]);
      const meKakao = await t.http
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${viaKakao.searchParams.get('accessToken')}`);
      const meGoogle = await t.http
        .get('/api/auth/me')
        .set('Authorization', `Bearer ${viaGoogle.searchParams.get('accessToken')}`);
      expect(meKakao.body.data.id).not.toBe(meGoogle.body.data.id);
    });

    it('refuses a first Kakao login with the email of a local account and leaves the local account untouched', async () => {
      const local = await signUp(t);
      const [before] = await userRows(t, 'email = $1', [local.email]);
      const count = await usersCount(t);
      const kakaoUser = providerUser({ email: local.email.toUpperCase() });
      emulators.kakao.addUser(kakaoUser);

      const landed = await login(t, 'kakao', kakaoUser.id);

      const params = expectFailureRedirect(landed, 'EMAIL_REGISTERED_WITH_LOCAL');
      expect(params.get('message')).toBe('이미 가입된 이메일입니다. 일반 로그인을 사용해주세요.');
      expect(await usersCount(t)).toBe(count);
      expect(await userRows(t, 'email = $1', [local.email])).toEqual([before]);
      const password = await t.http.post('/api/auth/login').send({ email: local.email, password: local.password });
      expect(password.status).toBe(200);
    });

    it('refuses a social account a password login (it has no password)', async () => {
      const user = providerUser();
      emulators.github.addUser(user);
      await login(t, 'github', user.id);
      const res = await t.http.post('/api/auth/login').send({ email: user.email, password: 'whatever-password' });
      expect(res.status).toBe(401);
      expect(res.body.errorCode).toBe('INVALID_CREDENTIALS');
    });

    it('makes one account of two concurrent first logins of the same person', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      const flows = await Promise.all(
        [0, 1].map(async () => {
          const begun = await start(t, '/oauth2/authorization/kakao');
          return { begun, back: await authorize(begun.authorizeUrl, { user: user.id }) };
        }),
      );

      const results = await Promise.all(flows.map(({ begun, back }) => callback(t, back, begun.cookie)));

      const ids = await Promise.all(
        results.map(async (res) => {
          const token = landing(res).searchParams.get('accessToken') ?? '';
          return (await t.http.get('/api/auth/me').set('Authorization', `Bearer ${token}`)).body.data.id as number;
        }),
      );
      expect(ids[0]).toBe(ids[1]);
      expect(await userRows(t, 'provider = $1 AND provider_user_id = $2', ['kakao', user.id])).toHaveLength(1);
    });

    it('gives 10 concurrent first logins with one nickname 10 distinct nicknames of at most 10 characters', async () => {
      const nickname = `동시${Date.now() % 1_000_000}`.padEnd(10, '가').slice(0, 10);
      const users = Array.from({ length: 10 }, () => providerUser({ nickname }));
      const started = await Promise.all(
        users.map(async (user, i) => {
          // Google has no nickname (the local part is used), so the others collide here.
          const provider = (['kakao', 'github', 'naver'] as const)[i % 3];
          emulators[provider].addUser(user);
          const begun = await start(t, `/oauth2/authorization/${provider}`);
          return { begun, back: await authorize(begun.authorizeUrl, { user: user.id }) };
        }),
      );

      const results = await Promise.all(started.map(({ begun, back }) => callback(t, back, begun.cookie)));

      for (const res of results) expect(landing(res).searchParams.get('accessToken')).toBeTruthy();
      const rows = await userRows(t, 'provider_user_id = ANY($1)', [users.map((user) => user.id)]);
      expect(rows).toHaveLength(10);
      const nicknames = rows.map((row) => row.nickname);
      expect(new Set(nicknames).size).toBe(10);
      for (const name of nicknames) expect([...name].length).toBeLessThanOrEqual(10);
      expect(nicknames).toContain(nickname);
      expect(nicknames.filter((name) => name !== nickname).sort()).toEqual(
        Array.from({ length: 9 }, (_, i) => `${nickname.slice(0, 9)}${i + 1}`).sort(),
      );
    });
  });

  describe('failures redirect to the frontend with an error code', () => {
    it.each(PROVIDERS)('%s: cancelling at the provider → ACCESS_DENIED, nothing created', async (provider) => {
      const user = providerUser();
      emulators[provider].addUser(user);
      const count = await usersCount(t);
      const started = await start(t, `/oauth2/authorization/${provider}`);
      const back = await authorize(started.authorizeUrl, { action: 'cancel', user: user.id });

      const res = await callback(t, back, started.cookie);

      const params = expectFailureRedirect(landing(res), 'ACCESS_DENIED');
      expect(params.get('message')).toBe('소셜 로그인이 취소되었습니다.');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(await usersCount(t)).toBe(count);
    });

    it.each(PROVIDERS)('%s: email not shared → EMAIL_REQUIRED, nothing created', async (provider) => {
      const user = providerUser({ consentEmail: false });
      emulators[provider].addUser(user);
      const count = await usersCount(t);

      const landed = await login(t, provider, user.id);

      const params = expectFailureRedirect(landed, 'EMAIL_REQUIRED');
      expect(params.get('message')).toBe('이메일 정보가 필요합니다. 소셜 로그인 시 이메일 제공에 동의해주세요.');
      expect(await usersCount(t)).toBe(count);
      expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
    });

    it.each(['kakao', 'google', 'github'] as const)(
      '%s: an email the provider has not verified counts as none → EMAIL_REQUIRED',
      async (provider) => {
        const user = providerUser({ emailVerified: false });
        emulators[provider].addUser(user);
        expectFailureRedirect(await login(t, provider, user.id), 'EMAIL_REQUIRED');
        expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
      },
    );

    it.each(PROVIDERS)('%s: provider down during the exchange → <P>_AUTH_FAILED', async (provider) => {
      const user = providerUser();
      emulators[provider].addUser(user);
      const count = await usersCount(t);
      const started = await start(t, `/oauth2/authorization/${provider}`);
      const back = await authorize(started.authorizeUrl, { user: user.id });
      emulators[provider].setDown(true);
      try {
        const res = await callback(t, back, started.cookie);
        const params = expectFailureRedirect(landing(res), `${provider.toUpperCase()}_AUTH_FAILED`);
        expect(params.get('message')).toBe('소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.');
      } finally {
        emulators[provider].setDown(false);
      }
      expect(await usersCount(t)).toBe(count);
    });

    it('answers an unknown provider with 404 UNSUPPORTED_PROVIDER in the JSON envelope', async () => {
      for (const path of ['/oauth2/authorization/facebook', '/login/oauth2/code/facebook?code=x&state=y']) {
        const res = await t.http.get(path);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({
          code: { code: 404, message: '찾을 수 없음' },
          errorCode: 'UNSUPPORTED_PROVIDER',
          message: '지원하지 않는 소셜 로그인입니다.',
        });
      }
    });
  });
});
