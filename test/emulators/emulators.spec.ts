import { createHash, randomBytes } from 'node:crypto';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type EmulatorOptions,
  type GitHubEmulator,
  GOOGLE_UNVERIFIABLE_KID,
  type GoogleEmulator,
  KakaoEmulator,
  type NaverEmulator,
  type StartedEmulator,
  startGitHubEmulator,
  startGoogleEmulator,
  startKakaoEmulator,
  startNaverEmulator,
} from './index.js';

// ---------------------------------------------------------------------------------------------
// helpers
// ---------------------------------------------------------------------------------------------

const CALLBACK = 'http://localhost:3000/auth/callback';
const EMAIL = 'https://www.googleapis.com/auth/userinfo.email';
const PROFILE = 'https://www.googleapis.com/auth/userinfo.profile';
type Json = Record<string, unknown>;
type Params = Record<string, string>;

function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return {
    verifier,
    challenge: createHash('sha256').update(verifier).digest('base64url'),
  };
}

const authorizeUrl = (emu: StartedEmulator, params: Params): string =>
  `${emu.urls.authorization}?${new URLSearchParams(params)}`;
const get = (url: string, headers: Params = {}): Promise<Response> => fetch(url, { redirect: 'manual', headers });
const postForm = (url: string, params: Params, headers: Params = {}): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: new URLSearchParams(params).toString(),
  });
const location = (res: Response): string => res.headers.get('location') ?? '';
const bodyOf = async (res: Response): Promise<Json> => (await res.json()) as Json;

/** Non-interactive authorize (emulator_auto=accept); returns the code from the redirect. */
async function authorizeCode(emu: StartedEmulator, params: Params): Promise<string> {
  const res = await get(authorizeUrl(emu, { ...params, emulator_auto: 'accept' }));
  expect(res.status).toBe(302);
  return new URL(location(res)).searchParams.get('code') ?? '';
}

/** Browser-like: load the consent page, then submit it with the chosen button (and user). */
async function consent(
  emu: StartedEmulator,
  params: Params,
  action: 'accept' | 'cancel',
  userId?: string,
): Promise<Response> {
  const page = await get(authorizeUrl(emu, params));
  expect(page.status).toBe(200);
  const markup = await page.text();
  const tx = /name="tx" value="([^"]+)"/.exec(markup)?.[1] ?? '';
  const form: Params = {
    tx,
    action,
    ...(userId === undefined ? {} : { user_id: userId }),
  };
  return postForm(emu.urls.authorization, form);
}

/** Raw request without fetch's default headers (fetch always sends a User-Agent). */
function rawGet(url: string, headers: Params): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decodeJwtPart(token: string, index: number): Json {
  return JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString('utf8')) as Json;
}

// A mutable clock shared by every emulator in this file, reset before each test.
const START = Date.parse('2025-01-01T00:00:00Z');
let clock = START;
const now = (): number => clock;
const advance = (seconds: number): void => {
  clock += seconds * 1000;
};

const alice = {
  id: '1001',
  email: 'alice@example.com',
  nickname: '앨리스',
  name: 'Alice Kim',
};
const bob = {
  id: '1002',
  email: 'bob@example.com',
  nickname: 'bob',
  name: 'Bob',
  consentEmail: false,
};

function setup<E extends StartedEmulator>(
  start: (opts: EmulatorOptions) => Promise<E>,
  opts: EmulatorOptions,
): () => E {
  let emu: E | undefined;
  beforeEach(async () => {
    clock = START;
    emu = await start({ now, users: [alice, bob], ...opts });
  });
  afterEach(async () => {
    await emu?.close();
  });
  return () => {
    if (!emu) throw new Error('emulator not started');
    return emu;
  };
}

// ---------------------------------------------------------------------------------------------
// Kakao
// ---------------------------------------------------------------------------------------------

describe('Kakao emulator', () => {
  const emu = setup(startKakaoEmulator, {
    clients: [
      {
        clientId: 'kakao-rest-key',
        clientSecret: 'kakao-secret',
        redirectUris: [CALLBACK],
        appId: 4321,
      },
    ],
  });
  const authParams = (extra: Params = {}): Params => ({
    response_type: 'code',
    client_id: 'kakao-rest-key',
    redirect_uri: CALLBACK,
    state: 'st-1',
    ...extra,
  });
  const tokenParams = (code: string, extra: Params = {}): Params => ({
    grant_type: 'authorization_code',
    client_id: 'kakao-rest-key',
    client_secret: 'kakao-secret',
    redirect_uri: CALLBACK,
    code,
    ...extra,
  });

  it('exposes the real paths', () => {
    const { baseUrl, urls } = emu();
    expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls).toEqual({
      authorization: `${baseUrl}/oauth/authorize`,
      token: `${baseUrl}/oauth/token`,
      userInfo: `${baseUrl}/v2/user/me`,
      tokenInfo: `${baseUrl}/v1/user/access_token_info`,
      emails: undefined,
    });
  });

  it('renders a consent page with accept/cancel buttons and a user selector', async () => {
    const res = await get(authorizeUrl(emu(), authParams()));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const markup = await res.text();
    expect(markup).toMatch(/<button[^>]*id="consent-accept"[^>]*>동의하고 계속하기<\/button>/);
    expect(markup).toMatch(/<button[^>]*id="consent-cancel"[^>]*>취소<\/button>/);
    expect(markup).toContain('<select id="consent-user" name="user_id">');
  });

  it('accept redirects with code and state; the chosen user is the one signed in', async () => {
    const res = await consent(emu(), authParams(), 'accept', '1002');
    expect(res.status).toBe(302);
    const target = new URL(location(res));
    expect(`${target.origin}${target.pathname}`).toBe(CALLBACK);
    expect(target.searchParams.get('state')).toBe('st-1');
    const token = await bodyOf(await postForm(emu().urls.token, tokenParams(target.searchParams.get('code') ?? '')));
    const me = await bodyOf(
      await get(emu().urls.userInfo, {
        authorization: `Bearer ${String(token.access_token)}`,
      }),
    );
    expect(me.id).toBe(1002);
  });

  it('setNextUser decides who logs in when the form does not choose', async () => {
    emu().setNextUser('1002');
    const code = await authorizeCode(emu(), authParams());
    const token = await bodyOf(await postForm(emu().urls.token, tokenParams(code)));
    const me = await bodyOf(
      await get(emu().urls.userInfo, {
        authorization: `Bearer ${String(token.access_token)}`,
      }),
    );
    expect(me.id).toBe(1002);
  });

  it('cancel redirects with access_denied exactly like Kakao', async () => {
    const res = await consent(emu(), authParams(), 'cancel');
    expect(res.status).toBe(302);
    expect(location(res)).toBe(`${CALLBACK}?error=access_denied&error_description=User%20denied%20access&state=st-1`);
    const auto = await get(authorizeUrl(emu(), authParams({ emulator_auto: 'cancel' })));
    expect(location(auto)).toBe(location(res));
  });

  it('shows KOE101 / KOE006 error pages at authorize', async () => {
    const unknown = await get(authorizeUrl(emu(), authParams({ client_id: 'nope' })));
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('(KOE101)');
    const mismatch = await get(authorizeUrl(emu(), authParams({ redirect_uri: 'http://evil.example/cb' })));
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('(KOE006)');
  });

  it('exchanges a code (with PKCE) and logs what the client sent', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(emu(), authParams({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const res = await postForm(emu().urls.token, tokenParams(code, { code_verifier: verifier }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(await bodyOf(res)).toEqual({
      token_type: 'bearer',
      access_token: expect.any(String),
      expires_in: 21599,
      refresh_token: expect.any(String),
      refresh_token_expires_in: 5183999,
      scope: 'account_email profile_nickname',
    });
    const sent = emu().requests.find((r) => r.path === '/oauth/token');
    expect(sent).toMatchObject({
      method: 'POST',
      bodyType: 'form',
      body: {
        client_secret: 'kakao-secret',
        code_verifier: verifier,
        redirect_uri: CALLBACK,
        code,
      },
    });
  });

  it('rejects a reused, expired or unknown code with KOE320', async () => {
    const code = await authorizeCode(emu(), authParams());
    expect((await postForm(emu().urls.token, tokenParams(code))).status).toBe(200);
    const reused = await postForm(emu().urls.token, tokenParams(code));
    expect(reused.status).toBe(400);
    expect(await bodyOf(reused)).toEqual({
      error: 'invalid_grant',
      error_description: `authorization code not found for code=${code}`,
      error_code: 'KOE320',
    });
    const late = await authorizeCode(emu(), authParams());
    advance(601);
    expect(await bodyOf(await postForm(emu().urls.token, tokenParams(late)))).toMatchObject({
      error_code: 'KOE320',
    });
  });

  it('rejects a redirect_uri different from the authorize one with KOE303', async () => {
    const code = await authorizeCode(emu(), authParams());
    const res = await postForm(emu().urls.token, tokenParams(code, { redirect_uri: `${CALLBACK}/other` }));
    expect(res.status).toBe(400);
    expect(await bodyOf(res)).toEqual({
      error: 'invalid_grant',
      error_description: 'Redirect URI mismatch.',
      error_code: 'KOE303',
    });
  });

  it('rejects bad/missing secrets (KOE010) and unknown clients (KOE101) with 401', async () => {
    const code = await authorizeCode(emu(), authParams());
    const bad = await postForm(emu().urls.token, tokenParams(code, { client_secret: 'wrong' }));
    expect(bad.status).toBe(401);
    expect(await bodyOf(bad)).toEqual({
      error: 'invalid_client',
      error_description: 'Bad client credentials',
      error_code: 'KOE010',
    });
    const { client_secret: _omitted, ...noSecret } = tokenParams(code);
    expect(await bodyOf(await postForm(emu().urls.token, noSecret))).toMatchObject({
      error_code: 'KOE010',
    });
    const unknown = await postForm(emu().urls.token, tokenParams(code, { client_id: 'ghost' }));
    expect(unknown.status).toBe(401);
    expect(await bodyOf(unknown)).toEqual({
      error: 'invalid_client',
      error_description: 'Not exist client_id [ghost]',
      error_code: 'KOE101',
    });
    // client auth failures do not burn the code
    expect((await postForm(emu().urls.token, tokenParams(code))).status).toBe(200);
  });

  it('does not require a secret for clients registered without one', async () => {
    emu().registerClient({ clientId: 'public-key', redirectUris: [CALLBACK] });
    const code = await authorizeCode(emu(), authParams({ client_id: 'public-key' }));
    const res = await postForm(emu().urls.token, {
      grant_type: 'authorization_code',
      client_id: 'public-key',
      redirect_uri: CALLBACK,
      code,
    });
    expect(res.status).toBe(200);
  });

  it('rejects a wrong or missing PKCE verifier', async () => {
    const { challenge } = pkce();
    const expected = {
      error: 'invalid_grant',
      error_description: 'PKCE verification failed.',
      error_code: 'KOE320',
    };
    const code = await authorizeCode(emu(), authParams({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const wrong = await postForm(emu().urls.token, tokenParams(code, { code_verifier: pkce().verifier }));
    expect(wrong.status).toBe(400);
    expect(await bodyOf(wrong)).toEqual(expected);
    const code2 = await authorizeCode(emu(), authParams({ code_challenge: challenge, code_challenge_method: 'S256' }));
    expect(await bodyOf(await postForm(emu().urls.token, tokenParams(code2)))).toEqual(expected);
  });

  it('ignores a JSON token body (Kakao only reads form encoding)', async () => {
    const code = await authorizeCode(emu(), authParams());
    const res = await fetch(emu().urls.token, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tokenParams(code)),
    });
    expect(res.status).toBe(401);
    expect(await bodyOf(res)).toMatchObject({ error_code: 'KOE101' });
  });

  it('/v2/user/me returns the profile with email', async () => {
    const token = emu().issueAccessToken('1001', 'kakao-rest-key');
    const res = await get(emu().urls.userInfo, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      id: 1001,
      connected_at: '2025-01-01T00:00:00Z',
      properties: { nickname: '앨리스' },
      kakao_account: {
        profile_nickname_needs_agreement: false,
        profile: { nickname: '앨리스', is_default_nickname: false },
        has_email: true,
        email_needs_agreement: false,
        is_email_valid: true,
        is_email_verified: true,
        email: 'alice@example.com',
      },
    });
    // Header only: a token in the query string is refused (RFC 6750 §2.3).
    const viaQuery = await fetch(`${emu().urls.userInfo}?access_token=${token}`, {
      method: 'POST',
    });
    expect(viaQuery.status).toBe(401);
    expect(await bodyOf(viaQuery)).toEqual({ msg: 'this access token does not exist', code: -401 });
  });

  it('/v2/user/me omits the email without consent', async () => {
    const code = await authorizeCode(emu(), authParams({ emulator_user: '1002' }));
    const token = await bodyOf(await postForm(emu().urls.token, tokenParams(code)));
    expect(token.scope).toBe('profile_nickname');
    const me = await bodyOf(
      await get(emu().urls.userInfo, {
        authorization: `Bearer ${String(token.access_token)}`,
      }),
    );
    expect(me.kakao_account).toEqual({
      profile_nickname_needs_agreement: false,
      profile: { nickname: 'bob', is_default_nickname: false },
      has_email: true,
      email_needs_agreement: true,
    });
  });

  it('answers -401 for unknown, missing or expired tokens', async () => {
    const expected = { msg: 'this access token does not exist', code: -401 };
    const bad = await get(emu().urls.userInfo, {
      authorization: 'Bearer nope',
    });
    expect(bad.status).toBe(401);
    expect(await bodyOf(bad)).toEqual(expected);
    const missing = await get(emu().urls.userInfo);
    expect(missing.status).toBe(401);
    const token = emu().issueAccessToken('1001');
    advance(21600);
    expect(await bodyOf(await get(emu().urls.userInfo, { authorization: `Bearer ${token}` }))).toEqual(expected);
    const info = await get(emu().urls.tokenInfo ?? '', {
      authorization: `Bearer ${token}`,
    });
    expect(info.status).toBe(401);
    expect(await bodyOf(info)).toEqual(expected);
  });

  it('/v1/user/access_token_info returns id, remaining lifetime and app_id', async () => {
    const token = emu().issueAccessToken('1001', 'kakao-rest-key');
    advance(99);
    const res = await get(emu().urls.tokenInfo ?? '', {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      id: 1001,
      expires_in: 21500,
      app_id: 4321,
    });
  });

  it('setDown makes every endpoint answer 503 with an HTML page', async () => {
    emu().setDown(true);
    for (const res of [
      await get(authorizeUrl(emu(), authParams())),
      await postForm(emu().urls.token, tokenParams('x')),
      await get(emu().urls.userInfo, { authorization: 'Bearer x' }),
    ]) {
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('503 Service Temporarily Unavailable');
    }
    expect(emu().requests).toHaveLength(3);
    emu().setDown(false);
    expect((await get(authorizeUrl(emu(), authParams()))).status).toBe(200);
  });

  it('close() also drops open keep-alive and in-flight connections', async () => {
    const started = await startKakaoEmulator({});
    const idle = await fetch(`${started.baseUrl}/nothing`); // undici keeps this socket alive
    await idle.text();
    // A request whose body never completes keeps its connection busy: server.close() alone would wait.
    const stuck = httpRequest(`${started.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': '100' },
    });
    const dropped = new Promise<string>((resolve) => stuck.on('error', () => resolve('dropped')));
    await new Promise<void>((resolve) => stuck.write('grant_type=', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 20));

    const closed = started.close().then(() => 'closed');
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 1000));
    expect(await Promise.race([closed, timeout])).toBe('closed');
    expect(await dropped).toBe('dropped');
    await expect(fetch(`${started.baseUrl}/nothing`)).rejects.toThrow();
  });

  it('supports autoConsent at start', async () => {
    const auto = new KakaoEmulator({
      autoConsent: true,
      users: [alice],
      clients: [{ clientId: 'k', redirectUris: [CALLBACK] }],
    });
    await auto.start();
    try {
      const res = await get(
        authorizeUrl(auto, {
          response_type: 'code',
          client_id: 'k',
          redirect_uri: CALLBACK,
        }),
      );
      expect(res.status).toBe(302);
      expect(location(res)).toMatch(new RegExp(`^${CALLBACK}\\?code=[\\w-]+$`));
    } finally {
      await auto.close();
    }
  });

  describe('POST /v1/user/unlink (admin key)', () => {
    const unlink = (params: Params, authorization = 'KakaoAK admin-key-4321') =>
      postForm(emu().unlinkUrl, params, { authorization });

    it('unlinks a user with the app admin key and answers {"id": <id>}, once', async () => {
      emu().registerAdminKey(4321, 'admin-key-4321');

      const res = await unlink({ target_id_type: 'user_id', target_id: alice.id });

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json;charset=UTF-8');
      expect(await bodyOf(res)).toEqual({ id: 1001 });
      expect(emu().unlinks).toEqual([{ appId: 4321, userId: '1001' }]);
      const again = await unlink({ target_id_type: 'user_id', target_id: alice.id });
      expect(again.status).toBe(400);
      expect(await bodyOf(again)).toEqual({ msg: 'NotRegisteredUserException', code: -101 });
    });

    it("refuses a wrong or missing admin key, or a REST key scheme, with Kakao's -401", async () => {
      emu().registerAdminKey(4321, 'admin-key-4321');
      for (const authorization of ['KakaoAK wrong', '', 'Bearer admin-key-4321']) {
        const res = await unlink({ target_id_type: 'user_id', target_id: alice.id }, authorization);
        expect(res.status).toBe(401);
        expect(await bodyOf(res)).toMatchObject({ code: -401 });
      }
      expect(emu().unlinks).toEqual([]);
    });

    it('sends the unlink callback as a form POST or a GET query with the admin key', async () => {
      const seen: { method: string; url: string; auth: string | undefined; body: string }[] = [];
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += chunk.toString()));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const target = `http://127.0.0.1:${port}/unlink`;
        const posted = await emu().sendUnlinkCallback(target, { appId: 4321, userId: 1001, adminKey: 'k' });
        await emu().sendUnlinkCallback(target, {
          appId: 4321,
          userId: 1001,
          adminKey: 'k',
          method: 'GET',
          referrerType: 'ACCOUNT_DELETE',
        });

        expect(posted).toEqual({ status: 200, body: { ok: true } });
        expect(seen).toEqual([
          {
            method: 'POST',
            url: '/unlink',
            auth: 'KakaoAK k',
            body: 'app_id=4321&user_id=1001&referrer_type=UNLINK_FROM_APPS',
          },
          {
            method: 'GET',
            url: '/unlink?app_id=4321&user_id=1001&referrer_type=ACCOUNT_DELETE',
            auth: 'KakaoAK k',
            body: '',
          },
        ]);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Google
// ---------------------------------------------------------------------------------------------

describe('Google emulator', () => {
  const emu = setup<GoogleEmulator>(startGoogleEmulator, {
    clients: [
      {
        clientId: 'g-client.apps.googleusercontent.com',
        clientSecret: 'g-secret',
        redirectUris: [CALLBACK],
      },
    ],
  });
  const clientId = 'g-client.apps.googleusercontent.com';
  const basic = `Basic ${Buffer.from(`${clientId}:g-secret`).toString('base64')}`;
  const authParams = (extra: Params = {}): Params => ({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'openid email profile',
    state: 's-1',
    ...extra,
  });
  const tokenParams = (code: string, extra: Params = {}): Params => ({
    grant_type: 'authorization_code',
    redirect_uri: CALLBACK,
    code,
    ...extra,
  });
  const exchange = (code: string, extra: Params = {}): Promise<Response> =>
    postForm(emu().urls.token, tokenParams(code, extra), {
      authorization: basic,
    });

  it('uses Google paths; userinfo ends with /userinfo', () => {
    const { baseUrl, urls } = emu();
    expect(urls.authorization).toBe(`${baseUrl}/o/oauth2/v2/auth`);
    expect(urls.token).toBe(`${baseUrl}/token`);
    expect(urls.userInfo).toBe(`${baseUrl}/v1/userinfo`);
  });

  it('cancel redirects with error=access_denied and state', async () => {
    const res = await consent(emu(), authParams(), 'cancel');
    expect(location(res)).toBe(`${CALLBACK}?error=access_denied&state=s-1`);
  });

  it('shows invalid_client / redirect_uri_mismatch / invalid_request pages', async () => {
    const unknown = await get(authorizeUrl(emu(), authParams({ client_id: 'nope' })));
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain('Error 401: invalid_client');
    const mismatch = await get(authorizeUrl(emu(), authParams({ redirect_uri: 'http://localhost:3000/other' })));
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain('Error 400: redirect_uri_mismatch');
    const { scope: _s, ...noScope } = authParams();
    const missing = await get(authorizeUrl(emu(), noScope));
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Missing required parameter: scope');
  });

  it('exchanges a code with HTTP Basic credentials and PKCE', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(
      emu(),
      authParams({
        code_challenge: challenge,
        code_challenge_method: 'S256',
        nonce: 'n-1',
      }),
    );
    expect(code.startsWith('4/0A')).toBe(true); // arrives URL-encoded (4%2F0A...) in the redirect
    const res = await exchange(code, { code_verifier: verifier });
    expect(res.status).toBe(200);
    const body = await bodyOf(res);
    expect(body).toEqual({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 3599,
      scope: `openid ${EMAIL} ${PROFILE}`,
      token_type: 'Bearer',
      id_token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    const idToken = String(body.id_token);
    expect(decodeJwtPart(idToken, 0)).toEqual({
      alg: 'RS256',
      kid: GOOGLE_UNVERIFIABLE_KID,
      typ: 'JWT',
    });
    expect(decodeJwtPart(idToken, 1)).toMatchObject({
      iss: 'https://accounts.google.com',
      aud: clientId,
      sub: '1001',
      email: 'alice@example.com',
      email_verified: true,
      nonce: 'n-1',
    });
  });

  it('accepts client credentials in the form body', async () => {
    const code = await authorizeCode(emu(), authParams());
    const res = await postForm(emu().urls.token, tokenParams(code, { client_id: clientId, client_secret: 'g-secret' }));
    expect(res.status).toBe(200);
  });

  it('answers invalid_grant / redirect_uri_mismatch / invalid_client errors', async () => {
    const code = await authorizeCode(emu(), authParams());
    const wrongSecret = await postForm(
      emu().urls.token,
      tokenParams(code, { client_id: clientId, client_secret: 'x' }),
    );
    expect(wrongSecret.status).toBe(401);
    expect(await bodyOf(wrongSecret)).toEqual({
      error: 'invalid_client',
      error_description: 'Unauthorized',
    });
    const unknown = await postForm(emu().urls.token, tokenParams(code, { client_id: 'ghost', client_secret: 'x' }));
    expect(unknown.status).toBe(401);
    expect(await bodyOf(unknown)).toEqual({
      error: 'invalid_client',
      error_description: 'The OAuth client was not found.',
    });

    const mismatch = await exchange(code, {
      redirect_uri: 'http://localhost:3000/other',
    });
    expect(mismatch.status).toBe(400);
    expect(await bodyOf(mismatch)).toEqual({
      error: 'redirect_uri_mismatch',
      error_description: 'Bad Request',
    });
    const reused = await exchange(code); // the failed attempt above burned the code
    expect(reused.status).toBe(400);
    expect(await bodyOf(reused)).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad Request',
    });
  });

  it('enforces PKCE like Google', async () => {
    const { challenge } = pkce();
    const withChallenge = {
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    const missing = await exchange(await authorizeCode(emu(), authParams(withChallenge)));
    expect(missing.status).toBe(400);
    expect(await bodyOf(missing)).toEqual({
      error: 'invalid_grant',
      error_description: 'Missing code verifier.',
    });
    const wrong = await exchange(await authorizeCode(emu(), authParams(withChallenge)), {
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(400);
    expect(await bodyOf(wrong)).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad Request',
    });
    const unexpected = await exchange(await authorizeCode(emu(), authParams()), {
      code_verifier: pkce().verifier,
    });
    expect(unexpected.status).toBe(400);
    expect(await bodyOf(unexpected)).toEqual({
      error: 'invalid_grant',
      error_description: 'code_verifier or verifier is not needed.',
    });
  });

  it('userinfo returns the OIDC profile', async () => {
    const token = await bodyOf(await exchange(await authorizeCode(emu(), authParams())));
    const res = await get(emu().urls.userInfo, {
      authorization: `Bearer ${String(token.access_token)}`,
    });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      sub: '1001',
      name: 'Alice Kim',
      given_name: 'Alice',
      family_name: 'Kim',
      picture: expect.stringMatching(/^https:\/\//),
      email: 'alice@example.com',
      email_verified: true,
    });
  });

  it('without email consent: no email scope, no email fields', async () => {
    const token = await bodyOf(await exchange(await authorizeCode(emu(), authParams({ emulator_user: '1002' }))));
    expect(token.scope).toBe(`openid ${PROFILE}`);
    expect(decodeJwtPart(String(token.id_token), 1)).not.toHaveProperty('email');
    const me = await bodyOf(
      await get(emu().urls.userInfo, {
        authorization: `Bearer ${String(token.access_token)}`,
      }),
    );
    expect(me).toEqual({
      sub: '1002',
      name: 'Bob',
      given_name: 'Bob',
      picture: expect.any(String),
    });
  });

  it('userinfo rejects bad tokens with 401 and WWW-Authenticate', async () => {
    const res = await get(emu().urls.userInfo, {
      authorization: 'Bearer ya29.bogus',
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="https:\/\/accounts\.google\.com\/"/);
    expect(await bodyOf(res)).toEqual({
      error: 'invalid_request',
      error_description: 'Invalid Credentials',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// GitHub
// ---------------------------------------------------------------------------------------------

describe('GitHub emulator', () => {
  const emu = setup<GitHubEmulator>(startGitHubEmulator, {
    clients: [
      {
        clientId: 'Iv1.gh',
        clientSecret: 'gh-secret',
        redirectUris: [CALLBACK],
      },
    ],
  });
  const authParams = (extra: Params = {}): Params => ({
    client_id: 'Iv1.gh',
    redirect_uri: CALLBACK,
    scope: 'user:email',
    state: 'g-1',
    ...extra,
  });
  const tokenParams = (code: string, extra: Params = {}): Params => ({
    client_id: 'Iv1.gh',
    client_secret: 'gh-secret',
    code,
    ...extra,
  });
  const jsonAccept = { accept: 'application/json' };
  const tokenFor = async (extra: Params = {}): Promise<string> => {
    const res = await postForm(
      emu().urls.token,
      tokenParams(await authorizeCode(emu(), authParams(extra))),
      jsonAccept,
    );
    return String((await bodyOf(res)).access_token);
  };

  it('uses GitHub paths', () => {
    const { baseUrl, urls } = emu();
    expect(urls).toMatchObject({
      authorization: `${baseUrl}/login/oauth/authorize`,
      token: `${baseUrl}/login/oauth/access_token`,
      userInfo: `${baseUrl}/user`,
      emails: `${baseUrl}/user/emails`,
    });
  });

  it('cancel redirects with access_denied, description and error_uri', async () => {
    const res = await consent(emu(), authParams(), 'cancel');
    expect(location(res)).toBe(
      `${CALLBACK}?error=access_denied&error_description=The+user+has+denied+your+application+access.` +
        '&error_uri=https%3A%2F%2Fdocs.github.com%2Fapps%2Fmanaging-oauth-apps%2Ftroubleshooting-authorization-request-errors%2F%23access-denied' +
        '&state=g-1',
    );
  });

  it('authorize: unregistered redirect_uri goes back to the registered callback; unknown client is 404', async () => {
    const res = await get(authorizeUrl(emu(), authParams({ redirect_uri: 'http://evil.example/cb' })));
    expect(res.status).toBe(302);
    const target = new URL(location(res));
    expect(`${target.origin}${target.pathname}`).toBe(CALLBACK);
    expect(Object.fromEntries(target.searchParams)).toMatchObject({
      error: 'redirect_uri_mismatch',
      state: 'g-1',
    });
    expect((await get(authorizeUrl(emu(), authParams({ client_id: 'nope' })))).status).toBe(404);
    const { redirect_uri: _r, ...noRedirect } = authParams();
    expect(location(await get(authorizeUrl(emu(), { ...noRedirect, emulator_auto: 'accept' })))).toMatch(
      `${CALLBACK}?code=`,
    );
  });

  it('token reply is form-encoded by default and JSON with Accept: application/json', async () => {
    const { verifier, challenge } = pkce();
    const code = await authorizeCode(emu(), authParams({ code_challenge: challenge, code_challenge_method: 'S256' }));
    const res = await postForm(
      emu().urls.token,
      tokenParams(code, { redirect_uri: CALLBACK, code_verifier: verifier }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(await res.text()).toMatch(/^access_token=gho_[\w-]+&scope=user%3Aemail&token_type=bearer$/);

    const res2 = await postForm(emu().urls.token, tokenParams(await authorizeCode(emu(), authParams())), jsonAccept);
    expect(await bodyOf(res2)).toEqual({
      access_token: expect.stringMatching(/^gho_/),
      scope: 'user:email',
      token_type: 'bearer',
    });
  });

  it('token errors come with HTTP 200', async () => {
    const code = await authorizeCode(emu(), authParams());
    const badCreds = await postForm(emu().urls.token, tokenParams(code, { client_secret: 'x' }), jsonAccept);
    expect(badCreds.status).toBe(200);
    expect(await bodyOf(badCreds)).toEqual({
      error: 'incorrect_client_credentials',
      error_description: 'The client_id and/or client_secret passed are incorrect.',
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#incorrect-client-credentials',
    });
    const mismatch = await postForm(
      emu().urls.token,
      tokenParams(code, { redirect_uri: 'http://localhost:3000/x' }),
      jsonAccept,
    );
    expect(await bodyOf(mismatch)).toEqual({
      error: 'redirect_uri_mismatch',
      error_description: 'The redirect_uri MUST match the registered callback URL for this application.',
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch2',
    });
    const reused = await postForm(emu().urls.token, tokenParams(code));
    expect(reused.status).toBe(200);
    expect(Object.fromEntries(new URLSearchParams(await reused.text()))).toEqual({
      error: 'bad_verification_code',
      error_description: 'The code passed is incorrect or expired.',
      error_uri:
        'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
    });
  });

  it('a wrong PKCE verifier is a bad_verification_code', async () => {
    const code = await authorizeCode(
      emu(),
      authParams({
        code_challenge: pkce().challenge,
        code_challenge_method: 'S256',
      }),
    );
    const res = await postForm(emu().urls.token, tokenParams(code, { code_verifier: pkce().verifier }), jsonAccept);
    expect(await bodyOf(res)).toMatchObject({ error: 'bad_verification_code' });
  });

  it('/user returns the profile for `token X` and `Bearer X`', async () => {
    const token = await tokenFor();
    for (const authorization of [`token ${token}`, `Bearer ${token}`]) {
      const res = await get(emu().urls.userInfo, {
        authorization,
        'user-agent': 'pet-market-auth',
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-oauth-scopes')).toBe('user:email');
      expect(await bodyOf(res)).toMatchObject({
        login: '앨리스',
        id: 1001,
        node_id: Buffer.from('04:User1001').toString('base64'),
        avatar_url: 'https://avatars.githubusercontent.com/u/1001?v=4',
        name: 'Alice Kim',
        email: 'alice@example.com',
        type: 'User',
      });
    }
  });

  it('/user requires a User-Agent, then valid credentials', async () => {
    const token = await tokenFor();
    const noAgent = await rawGet(emu().urls.userInfo, {
      authorization: `token ${token}`,
    });
    expect(noAgent.status).toBe(403);
    expect(noAgent.body).toMatch(
      /^Request forbidden by administrative rules\. Please make sure your request has a User-Agent header/,
    );
    const bad = await get(emu().urls.userInfo, {
      authorization: 'token gho_bogus',
    });
    expect(bad.status).toBe(401);
    expect(await bodyOf(bad)).toEqual({
      message: 'Bad credentials',
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    const anonymous = await get(emu().urls.userInfo);
    expect(anonymous.status).toBe(401);
    expect(await bodyOf(anonymous)).toMatchObject({
      message: 'Requires authentication',
      status: '401',
    });
  });

  it('/user/emails lists the primary verified email (scope user:email)', async () => {
    const res = await get(emu().urls.emails ?? '', {
      authorization: `Bearer ${await tokenFor()}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        email: 'alice@example.com',
        primary: true,
        verified: true,
        visibility: 'public',
      },
      {
        email: '1001+앨리스@users.noreply.github.com',
        primary: false,
        verified: true,
        visibility: null,
      },
    ]);
  });

  it('/user/emails is 404 without the user:email scope', async () => {
    const res = await get(emu().urls.emails ?? '', {
      authorization: `Bearer ${await tokenFor({ scope: 'read:user' })}`,
    });
    expect(res.status).toBe(404);
    expect(await bodyOf(res)).toEqual({
      message: 'Not Found',
      documentation_url: 'https://docs.github.com/rest/users/emails#list-email-addresses-for-the-authenticated-user',
      status: '404',
    });
  });

  it('without email consent: email null and no primary verified email', async () => {
    const token = await tokenFor({ emulator_user: '1002' });
    const user = await bodyOf(await get(emu().urls.userInfo, { authorization: `token ${token}` }));
    expect(user).toMatchObject({ login: 'bob', id: 1002, email: null });
    const emails = (await (await get(emu().urls.emails ?? '', { authorization: `token ${token}` })).json()) as Json[];
    expect(emails.filter((e) => e.primary === true && e.verified === true)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Naver
// ---------------------------------------------------------------------------------------------

describe('Naver emulator', () => {
  const emu = setup<NaverEmulator>(startNaverEmulator, {
    clients: [
      {
        clientId: 'naver-id',
        clientSecret: 'naver-secret',
        redirectUris: [CALLBACK],
      },
    ],
  });
  const authParams = (extra: Params = {}): Params => ({
    response_type: 'code',
    client_id: 'naver-id',
    redirect_uri: CALLBACK,
    state: 'n-1',
    ...extra,
  });
  const tokenParams = (code: string, extra: Params = {}): Params => ({
    grant_type: 'authorization_code',
    client_id: 'naver-id',
    client_secret: 'naver-secret',
    code,
    state: 'n-1',
    ...extra,
  });
  const tokenGet = (params: Params): Promise<Response> => get(`${emu().urls.token}?${new URLSearchParams(params)}`);

  it('uses Naver paths', () => {
    const { baseUrl, urls } = emu();
    expect(urls).toMatchObject({
      authorization: `${baseUrl}/oauth2.0/authorize`,
      token: `${baseUrl}/oauth2.0/token`,
      userInfo: `${baseUrl}/v1/nid/me`,
    });
  });

  it('cancel redirects with Canceled By User', async () => {
    const res = await consent(emu(), authParams(), 'cancel');
    expect(location(res)).toBe(`${CALLBACK}?error=access_denied&error_description=Canceled+By+User&state=n-1`);
  });

  it('authorize requires state and a registered redirect_uri', async () => {
    const { state: _s, ...noState } = authParams();
    expect((await get(authorizeUrl(emu(), noState))).status).toBe(400);
    expect((await get(authorizeUrl(emu(), authParams({ redirect_uri: 'http://evil.example/cb' })))).status).toBe(400);
  });

  it('token via GET query or POST form; expires_in is a string', async () => {
    const res = await tokenGet(tokenParams(await authorizeCode(emu(), authParams())));
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: '3600',
    });
    const post = await postForm(emu().urls.token, tokenParams(await authorizeCode(emu(), authParams())));
    expect(await bodyOf(post)).toMatchObject({
      token_type: 'bearer',
      expires_in: '3600',
    });
  });

  it('token errors come with HTTP 200', async () => {
    const code = await authorizeCode(emu(), authParams());
    for (const params of [tokenParams(code, { client_secret: 'x' }), tokenParams(code, { client_id: 'ghost' })]) {
      const res = await tokenGet(params);
      expect(res.status).toBe(200);
      expect(await bodyOf(res)).toEqual({
        error: 'invalid_client',
        error_description: 'client authentication failed',
      });
    }
    const noSession = {
      error: 'invalid_request',
      error_description: 'no valid data in session',
    };
    const { state: _s, ...noState } = tokenParams(code);
    const missingState = await tokenGet(noState); // burns the code
    expect(missingState.status).toBe(200);
    expect(await bodyOf(missingState)).toEqual(noSession);
    expect(await bodyOf(await tokenGet(tokenParams(code)))).toEqual(noSession);
    const other = await authorizeCode(emu(), authParams());
    expect(await bodyOf(await tokenGet(tokenParams(other, { state: 'forged' })))).toEqual(noSession);
  });

  it('/v1/nid/me returns the profile', async () => {
    const res = await get(emu().urls.userInfo, {
      authorization: `Bearer ${emu().issueAccessToken('1001')}`,
    });
    expect(res.status).toBe(200);
    expect(await bodyOf(res)).toEqual({
      resultcode: '00',
      message: 'success',
      response: {
        id: '1001',
        nickname: '앨리스',
        profile_image: expect.any(String),
        email: 'alice@example.com',
        name: 'Alice Kim',
      },
    });
  });

  it('/v1/nid/me omits email without consent', async () => {
    const token = await bodyOf(
      await tokenGet(tokenParams(await authorizeCode(emu(), authParams({ emulator_user: '1002' })))),
    );
    const res = await get(emu().urls.userInfo, {
      authorization: `Bearer ${String(token.access_token)}`,
    });
    expect((await bodyOf(res)).response as Json).toEqual({
      id: '1002',
      nickname: 'bob',
      profile_image: expect.any(String),
      name: 'Bob',
    });
  });

  it('/v1/nid/me answers 024 for a bad token', async () => {
    const res = await get(emu().urls.userInfo, {
      authorization: 'Bearer bogus',
    });
    expect(res.status).toBe(401);
    expect(await bodyOf(res)).toEqual({
      resultcode: '024',
      message: 'Authentication failed /* 인증에 실패했습니다. */',
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Every emulator: RFC 9207 iss, header-only tokens, revoked tokens
// ---------------------------------------------------------------------------------------------

describe('every emulator', () => {
  const starters = {
    kakao: startKakaoEmulator,
    google: startGoogleEmulator,
    github: startGitHubEmulator,
    naver: startNaverEmulator,
  };
  type Name = keyof typeof starters;
  const names = Object.keys(starters) as Name[];
  const CLIENT = 'every-client';
  /** What each provider's API answers for a token it refuses. */
  const refusals: Record<Name, { status: number; body: Json }> = {
    kakao: { status: 401, body: { msg: 'this access token does not exist', code: -401 } },
    google: { status: 401, body: { error: 'invalid_request', error_description: 'Invalid Credentials' } },
    github: {
      status: 401,
      body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' },
    },
    naver: { status: 401, body: { resultcode: '024', message: 'Authentication failed /* 인증에 실패했습니다. */' } },
  };
  let emu: StartedEmulator | undefined;
  afterEach(async () => {
    await emu?.close();
    emu = undefined;
  });
  const started = async (name: Name, opts: EmulatorOptions = {}): Promise<StartedEmulator> => {
    clock = START;
    emu = await starters[name]({
      now,
      users: [alice],
      clients: [{ clientId: CLIENT, redirectUris: [CALLBACK] }],
      ...opts,
    });
    return emu;
  };
  const authorizeParams: Params = {
    response_type: 'code',
    client_id: CLIENT,
    redirect_uri: CALLBACK,
    scope: 'openid email profile',
    state: 'st-9207',
  };

  it.each(names)('%s: sends no iss unless asked, then iss on accept and on cancel', async (name) => {
    const e = await started(name);
    const plain = new URL(location(await get(authorizeUrl(e, { ...authorizeParams, emulator_auto: 'accept' }))));
    expect(plain.searchParams.has('iss')).toBe(false);

    e.setIssuer('https://issuer.example.com/o');
    const accepted = new URL(location(await get(authorizeUrl(e, { ...authorizeParams, emulator_auto: 'accept' }))));
    expect(accepted.searchParams.get('code')).toBeTruthy();
    expect(accepted.searchParams.get('state')).toBe('st-9207');
    expect(accepted.searchParams.get('iss')).toBe('https://issuer.example.com/o');
    const cancelled = new URL(location(await get(authorizeUrl(e, { ...authorizeParams, emulator_auto: 'cancel' }))));
    expect(cancelled.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.searchParams.get('iss')).toBe('https://issuer.example.com/o');
  });

  it('the issuer option sends iss from the start', async () => {
    const e = await started('kakao', { issuer: 'https://kauth.kakao.com' });
    const back = new URL(location(await get(authorizeUrl(e, { ...authorizeParams, emulator_auto: 'accept' }))));
    expect(back.searchParams.get('iss')).toBe('https://kauth.kakao.com');
  });

  it.each(names)('%s: the userinfo API takes the token in the header only, never ?access_token=', async (name) => {
    const e = await started(name);
    const token = e.issueAccessToken(alice.id, CLIENT);
    const headers = { 'user-agent': 'emulator-spec' };
    expect((await get(e.urls.userInfo, { ...headers, authorization: `Bearer ${token}` })).status).toBe(200);
    const viaQuery = await get(`${e.urls.userInfo}?access_token=${encodeURIComponent(token)}`, headers);
    expect(viaQuery.status).toBe(401);
  });

  it.each(names)('%s: setTokensRevoked refuses a valid token with the provider’s own error', async (name) => {
    const e = await started(name);
    const token = e.issueAccessToken(alice.id, CLIENT);
    const headers = { 'user-agent': 'emulator-spec', authorization: `Bearer ${token}` };
    e.setTokensRevoked(true);
    const refused = await get(e.urls.userInfo, headers);
    expect({ status: refused.status, body: await bodyOf(refused) }).toEqual(refusals[name]);
    e.setTokensRevoked(false);
    expect((await get(e.urls.userInfo, headers)).status).toBe(200);
  });
});
