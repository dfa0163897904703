import { createHash } from 'node:crypto';
import { stateKey, STATE_TTL_MS } from '../../src/oauth/flow/oauth-state.store.js';
import { pkceMatches } from '../emulators/index.js';
import {
  authorize,
  BOOT_TIMEOUT_MS,
  callback,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  expectFailureRedirect,
  landing,
  providerUser,
  start,
  startEmulators,
  userRows,
  usersCount,
  useTestApp,
} from '../support/kit.js';

/** The token requests an emulator has received so far. */
const tokenRequests = (emulators: Emulators, provider: keyof Emulators) =>
  emulators[provider].requests.filter((r) => r.path === new URL(emulators[provider].urls.token).pathname);

describe('state: single use, bound to the browser, 10 minutes', () => {
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
  }, BOOT_TIMEOUT_MS);
  const t = useTestApp(() => emulatorEnv(emulators));
  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);
  afterEach(() => t.clock.reset());

  /** Start and consent as a fresh user; returns what a callback needs. */
  async function begin(provider: keyof Emulators = 'kakao') {
    const user = providerUser();
    emulators[provider].addUser(user);
    const started = await start(t, `/oauth2/authorization/${provider}`);
    const back = await authorize(started.authorizeUrl, { user: user.id });
    return { user, started, back };
  }

  /** Asserts INVALID_STATE, that no user was created and that no code was exchanged. */
  async function expectRefused(run: () => Promise<URL>, provider: keyof Emulators = 'kakao') {
    const count = await usersCount(t);
    const exchanges = tokenRequests(emulators, provider).length;
    const params = expectFailureRedirect(await run(), 'INVALID_STATE');
    expect(params.get('message')).toBe('유효하지 않은 로그인 요청입니다. 다시 시도해주세요.');
    expect(await usersCount(t)).toBe(count);
    expect(tokenRequests(emulators, provider).length).toBe(exchanges);
  }

  it('sets an HttpOnly, SameSite=Lax cookie on path / for 10 minutes with the redirect to the provider', async () => {
    const started = await start(t, '/oauth2/authorization/kakao');
    const cookie = (started.res.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('oauth2_state='),
    );
    expect(cookie).toMatch(/; Max-Age=600;/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(started.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(started.cookie).not.toContain(started.state);
    expect(started.res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('refuses a callback without state', async () => {
    const { started, back } = await begin();
    back.searchParams.delete('state');
    await expectRefused(async () => landing(await callback(t, back, started.cookie)));
  });

  it('refuses an altered state', async () => {
    const { started, back } = await begin();
    const state = back.searchParams.get('state') ?? '';
    back.searchParams.set('state', (state[0] === 'A' ? 'B' : 'A') + state.slice(1));
    await expectRefused(async () => landing(await callback(t, back, started.cookie)));
  });

  it('refuses a replayed callback: the state works once', async () => {
    const { user, started, back } = await begin();
    const first = landing(await callback(t, back, started.cookie));
    expect(first.searchParams.get('accessToken')).toBeTruthy();
    expect(await userRows(t, 'provider_user_id = $1', [user.id])).toHaveLength(1);

    await expectRefused(async () => landing(await callback(t, back, started.cookie)));
  });

  it('refuses a state older than 10 minutes', async () => {
    const { started, back } = await begin();
    t.clock.advance(STATE_TTL_MS + 1_000);
    await expectRefused(async () => landing(await callback(t, back, started.cookie)));
  });

  it('accepts a state just within its 10 minutes', async () => {
    const { started, back } = await begin();
    t.clock.advance(STATE_TTL_MS - 5_000);
    expect(landing(await callback(t, back, started.cookie)).searchParams.get('accessToken')).toBeTruthy();
  });

  it('refuses the callback in a browser without the cookie, or with another browser’s cookie', async () => {
    const { started, back } = await begin();
    const other = await start(t, '/oauth2/authorization/kakao');
    await expectRefused(async () => landing(await callback(t, back)));
    const again = await begin();
    await expectRefused(async () => landing(await callback(t, again.back, other.cookie)));
    // A forged cookie (bad signature) is no cookie at all.
    const forged = started.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const third = await begin();
    await expectRefused(async () => landing(await callback(t, third.back, forged)));
  });

  it('lets two tabs of one browser log in at once (they share the cookie)', async () => {
    const one = providerUser();
    const two = providerUser();
    emulators.google.addUser(one);
    emulators.google.addUser(two);
    const first = await start(t, '/oauth2/authorization/google');
    const second = await start(t, '/oauth2/authorization/google', first.cookie);
    expect(second.cookie).toBe(first.cookie);
    const backOne = await authorize(first.authorizeUrl, { user: one.id });
    const backTwo = await authorize(second.authorizeUrl, { user: two.id });
    expect(landing(await callback(t, backTwo, first.cookie)).searchParams.get('accessToken')).toBeTruthy();
    expect(landing(await callback(t, backOne, first.cookie)).searchParams.get('accessToken')).toBeTruthy();
  });

  it('refuses a state started for another provider', async () => {
    const google = await start(t, '/oauth2/authorization/google');
    const { started, back } = await begin('kakao');
    back.searchParams.set('state', google.state);
    await expectRefused(async () => landing(await callback(t, back, started.cookie)));
  });

  it('refuses a callback with neither code nor error', async () => {
    const started = await start(t, '/oauth2/authorization/kakao');
    await expectRefused(async () =>
      landing(await t.http.get(`/login/oauth2/code/kakao?state=${started.state}`).set('Cookie', started.cookie)),
    );
  });

  describe('PKCE', () => {
    it.each(['kakao', 'google', 'github'] as const)(
      '%s: sends an S256 challenge, then the verifier that matches it',
      async (provider) => {
        const { started, back } = await begin(provider);
        const challenge = started.authorizeUrl.searchParams.get('code_challenge') ?? '';
        expect(started.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
        expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);

        expect(landing(await callback(t, back, started.cookie)).searchParams.get('accessToken')).toBeTruthy();

        const exchange = tokenRequests(emulators, provider).at(-1);
        const verifier = exchange?.body.code_verifier ?? '';
        expect(verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
        expect(createHash('sha256').update(verifier).digest('base64url')).toBe(challenge);
        expect(pkceMatches(verifier, challenge, 'S256')).toBe(true);
      },
    );

    it('naver: sends no PKCE (Naver takes none) but repeats the state at the token endpoint', async () => {
      const { started, back } = await begin('naver');
      expect(started.authorizeUrl.searchParams.has('code_challenge')).toBe(false);
      expect(landing(await callback(t, back, started.cookie)).searchParams.get('accessToken')).toBeTruthy();
      const exchange = tokenRequests(emulators, 'naver').at(-1);
      expect(exchange?.body.state ?? exchange?.query.state).toBe(started.state);
      expect(exchange?.body.code_verifier).toBeUndefined();
    });

    it.each([
      ['kakao', 'KAKAO_AUTH_FAILED', 'KOE320'],
      ['google', 'GOOGLE_AUTH_FAILED', 'invalid_grant'],
      ['github', 'GITHUB_AUTH_FAILED', 'bad_verification_code'],
    ] as const)(
      '%s: the provider refuses a tampered verifier → %s (%s)',
      async (provider, errorCode, providerError) => {
        const { user, started, back } = await begin(provider);
        const key = stateKey(back.searchParams.get('state') ?? '');
        const record = JSON.parse((await t.store.get(key)) ?? '{}') as { verifier: string };
        record.verifier = `${record.verifier.slice(0, -4)}AAAA`;
        await t.store.set(key, JSON.stringify(record), 60_000);

        const landed = landing(await callback(t, back, started.cookie));

        expectFailureRedirect(landed, errorCode, providerError);
        expect(tokenRequests(emulators, provider).at(-1)?.body.code_verifier).toBe(record.verifier);
        expect(await userRows(t, 'provider_user_id = $1', [user.id])).toEqual([]);
      },
    );
  });
});
