import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import {
  authorize,
  BOOT_TIMEOUT_MS,
  callback,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  FRONTEND,
  getFrom,
  logIn,
  providerUser,
  type SignedUp,
  signUp,
  start,
  startEmulators,
  uniqueEmail,
  useTestApp,
} from '../support/kit.js';

/**
 * SPEC §1 "Headers on every response": every answer of the service, errors,
 * refusals and redirects included, carries the same protective headers; the
 * JSON API a CSP that loads nothing, Swagger UI one that lets it run; every
 * answer that carries a token, a code or account data `Cache-Control: no-store`.
 */

const API_CSP = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };
const DOCS_CSP = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
};
const SPA_ORIGIN = 'http://localhost:3000';

/** A CSP header as directive → sources, so `a; b` and `a;b` compare equal. */
function parseCsp(header: string | undefined): Record<string, string[]> {
  const directives: Record<string, string[]> = {};
  for (const part of (header ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives[name.toLowerCase()] = sources;
  }
  return directives;
}

interface Row {
  name: string;
  send: () => Promise<Response>;
  status: number;
  errorCode?: string;
  csp?: Record<string, string[]>;
  /** Swagger UI's static files set their own Cache-Control (public, revalidated): they hold no account data. */
  cacheable?: boolean;
  also?: (res: Response) => void | Promise<void>;
}

describe('security headers on every answer', () => {
  let emulators: Emulators;
  let account: SignedUp;
  let tokens: { accessToken: string; refreshToken: string };

  beforeAll(async () => {
    emulators = await startEmulators();
  }, BOOT_TIMEOUT_MS);
  const t = useTestApp(() => ({ ...emulatorEnv(emulators), CORS_ORIGINS: SPA_ORIGIN }));
  beforeAll(async () => {
    account = await signUp(t);
    tokens = await logIn(t, account.email, account.password);
  });

  afterAll(async () => {
    await closeEmulators(emulators);
  }, BOOT_TIMEOUT_MS);

  const json = (path: string, body: unknown) => t.http.post(path).send(body as object);

  const rows: Row[] = [
    {
      name: 'login success (tokens)',
      send: () => json('/api/auth/login', { email: account.email, password: account.password }),
      status: 200,
      also: (res) => expect(res.body.data.accessToken).toEqual(expect.any(String)),
    },
    {
      name: 'me success (account data)',
      send: () => t.http.get('/api/auth/me').set('Authorization', `Bearer ${tokens.accessToken}`),
      status: 200,
      also: (res) => expect(res.body.data.email).toBe(account.email),
    },
    {
      name: 'refresh success (tokens)',
      send: async () => {
        const fresh = await logIn(t, account.email, account.password);
        return json('/api/auth/refresh', { refreshToken: fresh.refreshToken });
      },
      status: 200,
    },
    {
      name: 'reissue success (tokens in headers)',
      send: async () => {
        const fresh = await logIn(t, account.email, account.password);
        return t.http
          .post('/api/auth/reissue')
          .set('Authorization', `Bearer ${fresh.accessToken}`)
          .set('Refresh-Token', fresh.refreshToken);
      },
      status: 200,
      also: (res) => expect(res.headers['refresh-token']).toEqual(expect.any(String)),
    },
    {
      name: 'verification code send (a code is mailed)',
      send: () => json('/api/auth/email/verification/send', { email: uniqueEmail('headers') }),
      status: 200,
    },
    {
      name: 'validation error',
      send: () => json('/api/auth/login', {}),
      status: 400,
      errorCode: 'VALIDATION_FAILED',
    },
    {
      name: 'wrong password',
      send: () => json('/api/auth/login', { email: account.email, password: 'not-the-password' }),
      status: 401,
      errorCode: 'INVALID_CREDENTIALS',
    },
    {
      name: '401 without a token',
      send: () => t.http.get('/api/auth/me'),
      status: 401,
      errorCode: 'TOKEN_MISSING',
    },
    {
      name: '404 unknown route',
      send: () => t.http.get('/no/such/route'),
      status: 404,
      errorCode: 'NOT_FOUND',
    },
    {
      name: '413 body too large',
      send: () =>
        t.http
          .post('/api/auth/login')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ email: 'a'.repeat(20_000) })),
      status: 413,
      errorCode: 'PAYLOAD_TOO_LARGE',
    },
    {
      name: '415 not JSON',
      send: () => t.http.post('/api/auth/login').set('Content-Type', 'text/plain').send('email=a'),
      status: 415,
      errorCode: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      name: '400 malformed JSON',
      send: () => t.http.post('/api/auth/login').set('Content-Type', 'application/json').send('{"email":'),
      status: 400,
      errorCode: 'INVALID_JSON',
    },
    {
      name: '429 from the rate limiter',
      send: async () => {
        // This client's window is already full: the next request is refused before any route runs. A
        // client the service has not seen, so no unit it holds for it answers before the counter does.
        const client = '127.0.0.9';
        await t.store.set(`rate:${client}`, '1000000', 60_000);
        try {
          const port = (t.app.getHttpServer() as Server).address() as AddressInfo;
          return (await getFrom(client, port.port, '/api/auth/me')) as unknown as Response;
        } finally {
          await t.store.delete(`rate:${client}`);
        }
      },
      status: 429,
      errorCode: 'TOO_MANY_REQUESTS',
      also: (res) => expect(Number(res.headers['retry-after'])).toBeGreaterThan(0),
    },
    {
      name: 'OAuth start redirect (state cookie)',
      send: () => t.http.get('/oauth2/authorization/kakao'),
      status: 302,
      also: (res) => expect(String(res.headers.location)).toContain('state='),
    },
    {
      name: 'OAuth success redirect (tokens in the Location)',
      send: async () => {
        const user = providerUser();
        emulators.kakao.addUser(user);
        const started = await start(t, '/oauth2/authorization/kakao');
        return callback(t, await authorize(started.authorizeUrl, { user: user.id }), started.cookie);
      },
      status: 302,
      also: (res) => {
        const location = new URL(String(res.headers.location));
        expect(location.origin + location.pathname).toBe(FRONTEND);
        expect(location.searchParams.get('accessToken')).toEqual(expect.any(String));
      },
    },
    {
      name: 'OAuth failure redirect (bad state)',
      send: () => t.http.get('/login/oauth2/code/kakao?code=abc&state=forged'),
      status: 302,
      also: (res) => expect(new URL(String(res.headers.location)).searchParams.get('error')).toBe('INVALID_STATE'),
    },
    {
      name: 'OAuth code exchange validation error',
      send: () => json('/api/auth/oauth2/token', {}),
      status: 400,
      errorCode: 'VALIDATION_FAILED',
    },
    {
      name: 'CORS preflight',
      send: () =>
        t.http
          .options('/api/auth/login')
          .set('Origin', SPA_ORIGIN)
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'content-type'),
      status: 204,
      also: (res) => expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN),
    },
    {
      name: 'health',
      send: () => t.http.get('/health'),
      status: 200,
    },
    {
      name: 'OpenAPI JSON',
      send: () => t.http.get('/api/docs-json'),
      status: 200,
      also: (res) => expect(res.body.openapi).toMatch(/^3\./),
    },
    {
      name: 'Swagger UI page',
      send: () => t.http.get('/api/docs'),
      status: 200,
      csp: DOCS_CSP,
      also: (res) => expect(res.text).toContain('swagger-ui-bundle.js'),
    },
    {
      name: 'Swagger UI script',
      send: () => t.http.get('/api/docs/swagger-ui-init.js'),
      status: 200,
      csp: DOCS_CSP,
    },
    {
      name: 'Swagger UI stylesheet',
      send: () => t.http.get('/api/docs/swagger-ui.css'),
      status: 200,
      csp: DOCS_CSP,
      cacheable: true,
    },
  ];

  it.each(rows)('$name: answers $status with every protective header', async (row) => {
    const res = await row.send();

    expect({ status: res.status, errorCode: res.body?.errorCode as unknown }).toEqual({
      status: row.status,
      errorCode: row.errorCode,
    });
    expect({
      'x-content-type-options': res.headers['x-content-type-options'],
      'x-frame-options': res.headers['x-frame-options'],
      'referrer-policy': res.headers['referrer-policy'],
      csp: parseCsp(res.headers['content-security-policy']),
    }).toEqual({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      csp: row.csp ?? API_CSP,
    });
    if (!row.cacheable) {
      // A route may add more (the health route sends `no-cache, no-store, must-revalidate`); no-store must be there.
      const directives = String(res.headers['cache-control']).split(',');
      expect(directives.map((directive) => directive.trim().toLowerCase())).toContain('no-store');
    }
    // HSTS is left to the TLS terminator in front (docs/DECISIONS.md).
    expect(res.headers['strict-transport-security']).toBeUndefined();
    await row.also?.(res);
  });
});
