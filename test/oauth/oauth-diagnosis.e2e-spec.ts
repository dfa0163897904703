import {
  authorize,
  BOOT_TIMEOUT_MS,
  callback,
  callbackUrl,
  captureLogs,
  clientId,
  clientSecret,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  expectFailureRedirect,
  KAKAO_ALIAS_CALLBACK,
  KAKAO_APP_ID,
  landing,
  login,
  PROVIDERS,
  providerUser,
  start,
  startEmulators,
  userRows,
  usersCount,
  useTestApp,
} from '../support/kit.js';

/**
 * Seed 000: why Kakao's code-for-token exchange fails, each reached through
 * its real cause, answered KAKAO_AUTH_FAILED with the KOE code and logged
 * with what the operator needs to fix it.
 */
describe('diagnosing failed exchanges', () => {
  let emulators: Emulators;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    emulators = await startEmulators();
    logs = captureLogs();
  }, BOOT_TIMEOUT_MS);
  afterAll(() => logs?.restore());
  const t = useTestApp(() => emulatorEnv(emulators));
  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);

  const exchangeFailures = () => logs.lines.filter((line) => String(line.msg).includes('login failed at the provider'));

  it('logs at start, per configured provider, the exact callback URL to register', () => {
    for (const provider of PROVIDERS) {
      expect(logs.lines).toContainEqual(
        expect.objectContaining({
          provider,
          callback_url: callbackUrl(provider),
          client_id: `${provider.slice(0, 4)}***`,
        }),
      );
    }
  });

  it('KOE303: the redirect_uri sent for the token differs from the one used at authorization', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const started = await start(t, '/oauth2/authorization/kakao');
    expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(callbackUrl('kakao'));
    // The code is issued for the alias callback (registered too), the service exchanges it with its own.
    const back = await authorize(started.authorizeUrl, {
      user: user.id,
      rewrite: (url) => url.searchParams.set('redirect_uri', KAKAO_ALIAS_CALLBACK),
    });
    expect(back.pathname).toBe('/api/auth/kakao/callback');
    const before = exchangeFailures().length;

    const landed = landing(await callback(t, back, started.cookie));

    expectFailureRedirect(landed, 'KAKAO_AUTH_FAILED', 'KOE303');
    expect(exchangeFailures().slice(before)).toEqual([
      expect.objectContaining({
        level: 'warn',
        provider: 'kakao',
        stage: 'token',
        error: 'invalid_grant',
        error_description: 'Redirect URI mismatch.',
        error_code: 'KOE303',
        redirect_uri: callbackUrl('kakao'),
        client_id: 'kaka***',
        hint: expect.stringContaining('character for character'),
      }),
    ]);
    expect(JSON.stringify(exchangeFailures())).not.toContain(clientId('kakao'));
    expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
  });

  it('KOE320: a code that was already used (its callback replayed under a fresh state)', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const first = await start(t, '/oauth2/authorization/kakao');
    const back = await authorize(first.authorizeUrl, { user: user.id });
    expect(landing(await callback(t, back, first.cookie)).searchParams.get('accessToken')).toBeTruthy();
    const count = await usersCount(t);

    const second = await start(t, '/oauth2/authorization/kakao');
    const replay = new URL(back);
    replay.searchParams.set('state', second.state);
    const before = exchangeFailures().length;
    const landed = landing(await callback(t, replay, second.cookie));

    expectFailureRedirect(landed, 'KAKAO_AUTH_FAILED', 'KOE320');
    expect(exchangeFailures().slice(before)).toEqual([
      expect.objectContaining({ error_code: 'KOE320', hint: expect.stringContaining('already used or has expired') }),
    ]);
    expect(await usersCount(t)).toBe(count);
  });

  it('KOE010: a wrong client secret', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const registered = {
      clientId: clientId('kakao'),
      redirectUris: [callbackUrl('kakao'), KAKAO_ALIAS_CALLBACK],
      appId: KAKAO_APP_ID,
    };
    emulators.kakao.registerClient({ ...registered, clientSecret: 'the-secret-was-rotated' });
    try {
      const before = exchangeFailures().length;
      const landed = await login(t, 'kakao', user.id);
      expectFailureRedirect(landed, 'KAKAO_AUTH_FAILED', 'KOE010');
      expect(exchangeFailures().slice(before)).toEqual([
        expect.objectContaining({
          error: 'invalid_client',
          error_code: 'KOE010',
          hint: expect.stringContaining('client secret is missing or wrong'),
        }),
      ]);
      expect(JSON.stringify(exchangeFailures())).not.toContain(clientSecret('kakao'));
    } finally {
      emulators.kakao.registerClient({ ...registered, clientSecret: clientSecret('kakao') });
    }
    expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
  });

  it('KOE101: a client id Kakao does not know (not the REST API key)', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const started = await start(t, '/oauth2/authorization/kakao');
    const back = await authorize(started.authorizeUrl, { user: user.id });
    const client = emulators.kakao.clients.get(clientId('kakao'));
    emulators.kakao.clients.delete(clientId('kakao'));
    try {
      const landed = landing(await callback(t, back, started.cookie));
      expectFailureRedirect(landed, 'KAKAO_AUTH_FAILED', 'KOE101');
      expect(exchangeFailures().at(-1)).toMatchObject({
        error_code: 'KOE101',
        hint: expect.stringContaining('REST API'),
      });
    } finally {
      if (client) emulators.kakao.clients.set(clientId('kakao'), client);
    }
  });

  it.each([
    ['google', 'GOOGLE_AUTH_FAILED', 'invalid_grant'],
    ['github', 'GITHUB_AUTH_FAILED', 'bad_verification_code'],
    ['naver', 'NAVER_AUTH_FAILED', 'invalid_request'],
  ] as const)(
    '%s: a used code → %s with providerError %s (GitHub and Naver say so with HTTP 200)',
    async (provider, code, said) => {
      const user = providerUser();
      emulators[provider].addUser(user);
      const first = await start(t, `/oauth2/authorization/${provider}`);
      const back = await authorize(first.authorizeUrl, { user: user.id });
      landing(await callback(t, back, first.cookie));
      const second = await start(t, `/oauth2/authorization/${provider}`);
      const replay = new URL(back);
      replay.searchParams.set('state', second.state);

      expectFailureRedirect(landing(await callback(t, replay, second.cookie)), code, said);
      expect(exchangeFailures().at(-1)).toMatchObject({ provider, stage: 'token', error: said });
    },
  );

  describe('RFC 9207: the iss of the authorization response', () => {
    const FAILED = {
      kakao: 'KAKAO_AUTH_FAILED',
      google: 'GOOGLE_AUTH_FAILED',
      github: 'GITHUB_AUTH_FAILED',
      naver: 'NAVER_AUTH_FAILED',
    } as const;
    /** SPEC §3's defaults of {P}_ISSUER. */
    const ISSUERS = {
      kakao: 'https://kauth.kakao.com',
      google: 'https://accounts.google.com',
      github: 'https://github.com/login/oauth',
      naver: 'https://nid.naver.com',
    } as const;
    const tokenRequests = (provider: (typeof PROVIDERS)[number]) =>
      emulators[provider].requests.filter((r) => r.path === new URL(emulators[provider].urls.token).pathname).length;

    it.each(PROVIDERS)('%s: an iss equal to the default {P}_ISSUER is accepted', async (provider) => {
      const user = providerUser();
      emulators[provider].addUser(user);
      emulators[provider].setIssuer(ISSUERS[provider]);
      try {
        const landed = await login(t, provider, user.id);
        expect(landed.searchParams.get('accessToken')).toBeTruthy();
      } finally {
        emulators[provider].setIssuer(undefined);
      }
      expect(await userRows(t, 'provider = $1 AND provider_user_id = $2', [provider, user.id])).toHaveLength(1);
    });

    it.each(PROVIDERS)(
      '%s: another iss fails the login before the code is exchanged, and logs both issuers',
      async (provider) => {
        const user = providerUser();
        emulators[provider].addUser(user);
        const exchanges = tokenRequests(provider);
        emulators[provider].setIssuer('https://mix-up.example.com');
        let landed: URL;
        try {
          landed = await login(t, provider, user.id);
        } finally {
          emulators[provider].setIssuer(undefined);
        }
        expectFailureRedirect(landed, FAILED[provider]);
        expect(tokenRequests(provider)).toBe(exchanges);
        expect(logs.lines.at(-1)).toMatchObject({
          level: 'warn',
          provider,
          stage: 'authorize',
          iss: 'https://mix-up.example.com',
          expected_iss: ISSUERS[provider],
        });
        expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
      },
    );

    it('a repeated iss is refused even when one of them is right', async () => {
      const user = providerUser();
      emulators.naver.addUser(user);
      const exchanges = tokenRequests('naver');
      const started = await start(t, '/oauth2/authorization/naver');
      const back = await authorize(started.authorizeUrl, { user: user.id });
      back.searchParams.append('iss', ISSUERS.naver);
      back.searchParams.append('iss', 'https://mix-up.example.com');

      expectFailureRedirect(landing(await callback(t, back, started.cookie)), 'NAVER_AUTH_FAILED');
      expect(tokenRequests('naver')).toBe(exchanges);
      expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
    });

    it('a cancel carrying another iss is a failed login too, not a cancel', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      emulators.kakao.setIssuer('https://mix-up.example.com');
      try {
        const started = await start(t, '/oauth2/authorization/kakao');
        const back = await authorize(started.authorizeUrl, { action: 'cancel' });
        expect(back.searchParams.get('error')).toBe('access_denied');
        expectFailureRedirect(landing(await callback(t, back, started.cookie)), 'KAKAO_AUTH_FAILED');
      } finally {
        emulators.kakao.setIssuer(undefined);
      }
    });
  });

  describe('a refusal at the profile step keeps what the provider said', () => {
    it.each([
      [
        'kakao',
        'KAKAO_AUTH_FAILED',
        '-401',
        { error_code: '-401', error_description: 'this access token does not exist' },
      ],
      [
        'naver',
        'NAVER_AUTH_FAILED',
        '024',
        { error_code: '024', error_description: expect.stringContaining('Authentication failed') },
      ],
      ['github', 'GITHUB_AUTH_FAILED', 'Bad credentials', { error: 'Bad credentials' }],
      [
        'google',
        'GOOGLE_AUTH_FAILED',
        'invalid_request',
        { error: 'invalid_request', error_description: 'Invalid Credentials' },
      ],
    ] as const)(
      '%s: the token is refused by the profile API → %s with providerError %s',
      async (provider, code, said, logged) => {
        const user = providerUser();
        emulators[provider].addUser(user);
        const before = exchangeFailures().length;
        emulators[provider].setTokensRevoked(true);
        let landed: URL;
        try {
          landed = await login(t, provider, user.id);
        } finally {
          emulators[provider].setTokensRevoked(false);
        }

        expectFailureRedirect(landed, code, said);
        expect(exchangeFailures().slice(before)).toEqual([
          expect.objectContaining({ level: 'warn', provider, stage: 'profile', status: 401, ...logged }),
        ]);
        expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
      },
    );
  });

  it('provider down: logged without a provider error, answered KAKAO_AUTH_FAILED without providerError', async () => {
    const user = providerUser();
    emulators.kakao.addUser(user);
    const started = await start(t, '/oauth2/authorization/kakao');
    const back = await authorize(started.authorizeUrl, { user: user.id });
    emulators.kakao.setDown(true);
    try {
      expectFailureRedirect(landing(await callback(t, back, started.cookie)), 'KAKAO_AUTH_FAILED');
    } finally {
      emulators.kakao.setDown(false);
    }
    expect(exchangeFailures().at(-1)).toMatchObject({ provider: 'kakao', stage: 'token', status: 503 });
  });
});
