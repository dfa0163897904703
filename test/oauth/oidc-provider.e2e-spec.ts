import { randomBytes } from 'node:crypto';
import {
  BOOT_TIMEOUT_MS,
  callback,
  callbackUrl,
  captureLogs,
  expectFailureRedirect,
  FRONTEND,
  landing,
  start,
  startTestApp,
  type TestApp,
  userRows,
} from '../support/kit.js';
import {
  authorizeAtProvider,
  type OpAccount,
  type TestOpenIdProvider,
  TestOpenIdProvider as Op,
} from './oidc-provider-kit.js';

const METHODS = ['client_secret_post', 'client_secret_basic'] as const;
type Method = (typeof METHODS)[number];
const clientOf = (method: Method) => ({
  clientId: `service-${method}`,
  clientSecret: `secret-${method}-${randomBytes(8).toString('hex')}`,
  authMethod: method,
  redirectUri: callbackUrl('google'),
});

/**
 * Google's flow against a certified OpenID Provider (panva's oidc-provider)
 * instead of an emulator written here: PKCE required, both client
 * authentication methods, consent refused, RFC 9207 `iss`, and a userinfo
 * endpoint that takes the token in the Authorization header only.
 */
describe('Google login against oidc-provider', () => {
  const clients = {
    client_secret_post: clientOf('client_secret_post'),
    client_secret_basic: clientOf('client_secret_basic'),
  };
  let op: TestOpenIdProvider;
  const apps = {} as Record<Method, TestApp>;
  let logs: ReturnType<typeof captureLogs>;

  beforeAll(async () => {
    op = await Op.start(Object.values(clients));
    logs = captureLogs();
    for (const method of METHODS) {
      apps[method] = await startTestApp({
        GOOGLE_CLIENT_ID: clients[method].clientId,
        GOOGLE_CLIENT_SECRET: clients[method].clientSecret,
        GOOGLE_TOKEN_AUTH_METHOD: method,
        GOOGLE_AUTHORIZATION_URI: op.urls.authorization,
        GOOGLE_TOKEN_URI: op.urls.token,
        // oidc-provider serves userinfo at /me: any path is accepted.
        GOOGLE_USER_INFO_URI: op.urls.userInfo,
        GOOGLE_ISSUER: op.issuer,
      });
    }
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    logs?.restore();
    for (const method of METHODS) await apps[method]?.close();
    await op?.close();
  }, BOOT_TIMEOUT_MS);

  let seq = 0;
  const account = (): OpAccount => {
    seq += 1;
    const sub = `op-${randomBytes(6).toString('hex')}`;
    return { sub, email: `${sub}@example.com`, name: `오픈아이디${seq}` };
  };
  const profileFailures = () => logs.lines.filter((line) => line.stage === 'profile');

  it.each(METHODS)(
    '%s: a full login creates the google account keyed by sub and issues working tokens',
    async (method) => {
      const t = apps[method];
      const user = account();
      op.addAccount(user);
      const tokenCalls = op.tokenRequests.length;

      const started = await start(t, '/oauth2/authorization/google');
      expect(started.authorizeUrl.origin + started.authorizeUrl.pathname).toBe(op.urls.authorization);
      expect(started.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
      const back = await authorizeAtProvider(op, started.authorizeUrl.href, {
        login: user.sub,
        consent: 'grant',
        callbackPrefix: callbackUrl('google'),
      });
      expect(back.searchParams.get('iss')).toBe(op.issuer);
      const landed = landing(await callback(t, back, started.cookie));

      expect(landed.origin + landed.pathname).toBe(FRONTEND);
      const accessToken = landed.searchParams.get('accessToken') ?? '';
      expect(landed.searchParams.get('refreshToken')).toBeTruthy();
      const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`);
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ email: user.email, provider: 'google' });
      const rows = await userRows(t, 'provider = $1 AND provider_user_id = $2', ['google', user.sub]);
      expect(rows).toEqual([
        expect.objectContaining({
          email: user.email,
          provider: 'google',
          provider_user_id: user.sub,
          password_hash: null,
        }),
      ]);
      expect(rows[0].name).toBe(user.name);
      // The client authenticated the way it was told to, and only that way.
      expect(op.tokenRequests.slice(tokenCalls)).toEqual([
        {
          clientId: clients[method].clientId,
          basic: method === 'client_secret_basic',
          secretInBody: method === 'client_secret_post',
          status: 200,
        },
      ]);
    },
  );

  it('reads userinfo with the token in Authorization: Bearer, never in the query string', async () => {
    const t = apps.client_secret_post;
    const user = account();
    op.addAccount(user);
    const before = op.requestsTo(op.urls.userInfo).length;

    const started = await start(t, '/oauth2/authorization/google');
    const back = await authorizeAtProvider(op, started.authorizeUrl.href, {
      login: user.sub,
      consent: 'grant',
      callbackPrefix: callbackUrl('google'),
    });
    const landed = landing(await callback(t, back, started.cookie));

    const reads = op.requestsTo(op.urls.userInfo).slice(before);
    expect(reads.map((read) => ({ method: read.method, query: [...read.query.keys()] }))).toEqual([
      { method: 'GET', query: [] },
    ]);
    expect(reads[0].headers.authorization).toMatch(/^Bearer \S+$/);
    expect(landed.searchParams.get('error')).toBeNull();
    expect(await userRows(t, 'provider_user_id = $1', [user.sub])).toHaveLength(1);
  });

  it('consent refused at the provider → ACCESS_DENIED, no token request, no account', async () => {
    const t = apps.client_secret_basic;
    const user = account();
    op.addAccount(user);
    const tokenCalls = op.requestsTo(op.urls.token).length;

    const started = await start(t, '/oauth2/authorization/google');
    const back = await authorizeAtProvider(op, started.authorizeUrl.href, {
      login: user.sub,
      consent: 'deny',
      callbackPrefix: callbackUrl('google'),
    });
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('iss')).toBe(op.issuer);

    expectFailureRedirect(landing(await callback(t, back, started.cookie)), 'ACCESS_DENIED');
    expect(op.requestsTo(op.urls.token)).toHaveLength(tokenCalls);
    expect(await userRows(t, 'provider_user_id = $1', [user.sub])).toEqual([]);
  });

  it('a callback naming another issuer → GOOGLE_AUTH_FAILED before any token request; its state is used up', async () => {
    const t = apps.client_secret_post;
    const user = account();
    op.addAccount(user);
    const tokenCalls = op.requestsTo(op.urls.token).length;

    const started = await start(t, '/oauth2/authorization/google');
    const genuine = await authorizeAtProvider(op, started.authorizeUrl.href, {
      login: user.sub,
      consent: 'grant',
      callbackPrefix: callbackUrl('google'),
    });
    // A mix-up: the same code and state presented as coming from another authorization server.
    const mixedUp = new URL(genuine);
    mixedUp.searchParams.set('iss', 'https://attacker.example.com');

    const refused = landing(await callback(t, mixedUp, started.cookie));
    expectFailureRedirect(refused, 'GOOGLE_AUTH_FAILED');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ provider: 'google', iss: 'https://attacker.example.com', expected_iss: op.issuer }),
    );
    // The genuine answer cannot be replayed after it: the state went with the refused one.
    expectFailureRedirect(landing(await callback(t, genuine, started.cookie)), 'INVALID_STATE');
    expect(op.requestsTo(op.urls.token)).toHaveLength(tokenCalls);
    expect(await userRows(t, 'provider_user_id = $1', [user.sub])).toEqual([]);
  });

  it('userinfo refusing the token → GOOGLE_AUTH_FAILED with the provider’s error, logged at the profile step', async () => {
    const t = apps.client_secret_basic;
    const user = account();
    op.addAccount(user);
    // The account is deleted at the provider right after the code exchange.
    op.provider.once('grant.success', () => op.removeAccount(user.sub));
    const before = profileFailures().length;

    const started = await start(t, '/oauth2/authorization/google');
    const back = await authorizeAtProvider(op, started.authorizeUrl.href, {
      login: user.sub,
      consent: 'grant',
      callbackPrefix: callbackUrl('google'),
    });
    expectFailureRedirect(landing(await callback(t, back, started.cookie)), 'GOOGLE_AUTH_FAILED', 'invalid_token');

    expect(profileFailures().slice(before)).toEqual([
      expect.objectContaining({
        level: 'warn',
        provider: 'google',
        stage: 'profile',
        error: 'invalid_token',
        status: 401,
      }),
    ]);
    expect(await userRows(t, 'provider_user_id = $1', [user.sub])).toEqual([]);
  });
});
