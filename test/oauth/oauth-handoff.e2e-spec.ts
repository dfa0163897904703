import { HANDOFF_CODE_TTL_MS } from '../../src/oauth/flow/oauth-handoff.service.js';
import {
  authorize,
  BOOT_TIMEOUT_MS,
  callback,
  closeEmulators,
  emulatorEnv,
  type Emulators,
  FRONTEND,
  KAKAO_ALIAS_CALLBACK,
  landing,
  login,
  providerUser,
  start,
  startEmulators,
  startTestApp,
  userRows,
  usersCount,
  useTestApp,
} from '../support/kit.js';

const APP = 'https://app.example.com/oauth/callback';
const LOCAL_APP = 'http://localhost:5173/login-success';

/** Each block boots its own app with another configuration. */
describe('token hand-off', () => {
  let emulators: Emulators;

  beforeAll(async () => {
    emulators = await startEmulators();
  }, BOOT_TIMEOUT_MS);
  afterAll(async () => {
    await closeEmulators(emulators);
  });

  describe('OAUTH2_TOKEN_DELIVERY=code with an allow-list', () => {
    const t = useTestApp(() => ({
      ...emulatorEnv(emulators),
      OAUTH2_TOKEN_DELIVERY: 'code',
      OAUTH2_ALLOWED_REDIRECT_URIS: `${APP}, ${LOCAL_APP}`,
    }));
    afterEach(() => t.clock.reset());

    async function codeFor(provider: 'kakao' | 'google' = 'kakao') {
      const user = providerUser();
      emulators[provider].addUser(user);
      const landed = await login(t, provider, user.id);
      expect(landed.origin + landed.pathname).toBe(FRONTEND);
      expect([...landed.searchParams.keys()]).toEqual(['code']);
      return { user, code: landed.searchParams.get('code') ?? '' };
    }

    const sessionsOf = async (userId: string) => {
      const rows = await t.db.query<{ n: string }[]>('SELECT count(*)::text AS n FROM sessions WHERE user_id = $1', [
        userId,
      ]);
      return Number(rows[0].n);
    };

    it('redirects with a one-time code only, which POST /api/auth/oauth2/token trades for the login data once', async () => {
      const { user, code } = await codeFor();
      const [row] = await userRows(t, 'provider_user_id = $1', [user.id]);
      expect(await sessionsOf(row.id)).toBe(0);

      const traded = await t.http.post('/api/auth/oauth2/token').send({ code });

      expect(traded.status).toBe(200);
      expect(traded.body).toMatchObject({ code: { code: 200, message: '성공' }, message: '성공' });
      expect(traded.body.data.user).toMatchObject({ id: Number(row.id), email: user.email, provider: 'kakao' });
      expect(await sessionsOf(row.id)).toBe(1);
      const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${traded.body.data.accessToken}`);
      expect(me.body.data.id).toBe(Number(row.id));
      const refreshed = await t.http.post('/api/auth/refresh').send({ refreshToken: traded.body.data.refreshToken });
      expect(refreshed.status).toBe(200);

      const again = await t.http.post('/api/auth/oauth2/token').send({ code });
      expect(again.status).toBe(400);
      expect(again.body).toMatchObject({
        errorCode: 'INVALID_STATE',
        message: '유효하지 않은 로그인 요청입니다. 다시 시도해주세요.',
      });
      expect(await sessionsOf(row.id)).toBe(1);
    });

    it('lets exactly one of concurrent trades of one code succeed', async () => {
      const { code } = await codeFor('google');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => t.http.post('/api/auth/oauth2/token').send({ code })),
      );
      expect(results.map((res) => res.status).sort()).toEqual([200, 400, 400, 400, 400]);
    });

    it('honours a code for 60 s only', async () => {
      const late = await codeFor();
      const inTime = await codeFor();
      t.clock.advance(HANDOFF_CODE_TTL_MS - 1_000);
      expect((await t.http.post('/api/auth/oauth2/token').send({ code: inTime.code })).status).toBe(200);
      t.clock.advance(2_000);
      const res = await t.http.post('/api/auth/oauth2/token').send({ code: late.code });
      expect(res.status).toBe(400);
      expect(res.body.errorCode).toBe('INVALID_STATE');
    });

    it('refuses an unknown code and asks for a missing one', async () => {
      const unknown = await t.http.post('/api/auth/oauth2/token').send({ code: 'not-a-code' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errorCode).toBe('INVALID_STATE');
      const missing = await t.http.post('/api/auth/oauth2/token').send({});
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({
        errorCode: 'VALIDATION_FAILED',
        message: '인증 코드가 필요합니다.',
        errors: [{ field: 'code', message: '인증 코드가 필요합니다.' }],
      });
    });

    it('sends success and failure to an allow-listed redirect_uri given at the start', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      const ok = await start(t, `/oauth2/authorization/kakao?redirect_uri=${encodeURIComponent(APP)}`);
      const landed = landing(await callback(t, await authorize(ok.authorizeUrl, { user: user.id }), ok.cookie));
      expect(landed.origin + landed.pathname).toBe(APP);
      expect(landed.searchParams.get('code')).toBeTruthy();

      const cancelled = await start(t, `/api/auth/kakao?redirect_uri=${encodeURIComponent(LOCAL_APP)}`);
      const back = await authorize(cancelled.authorizeUrl, { action: 'cancel', user: user.id });
      const failed = landing(await callback(t, back, cancelled.cookie));
      expect(failed.origin + failed.pathname).toBe(LOCAL_APP);
      expect(failed.searchParams.get('error')).toBe('ACCESS_DENIED');
    });

    it.each([
      'https://evil.com',
      '//evil.com',
      'https://app.example.com.evil.com',
      'https://app.example.com@evil.com',
      `${APP}/../../evil`,
      `${APP}?next=https://evil.com`,
      `${APP}#x`,
      APP.toUpperCase(),
      'javascript:alert(1)',
    ])('refuses redirect_uri=%s with 400 REDIRECT_URI_NOT_ALLOWED and starts nothing', async (uri) => {
      const res = await t.http.get(`/oauth2/authorization/google?redirect_uri=${encodeURIComponent(uri)}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        errorCode: 'REDIRECT_URI_NOT_ALLOWED',
        message: '허용되지 않은 redirect_uri입니다.',
      });
      expect(res.headers.location).toBeUndefined();
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('refuses a repeated redirect_uri', async () => {
      const res = await t.http.get(
        `/oauth2/authorization/kakao?redirect_uri=${encodeURIComponent(APP)}&redirect_uri=${encodeURIComponent('https://evil.com')}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.errorCode).toBe('REDIRECT_URI_NOT_ALLOWED');
    });
  });

  describe('OAUTH2_TOKEN_DELIVERY=fragment, Kakao on the seed 004 callback, Naver not configured', () => {
    const FAIL_PAGE = 'http://localhost:5173/login-fail';
    const t = useTestApp(() => {
      const env = emulatorEnv(emulators);
      delete env.NAVER_CLIENT_ID;
      delete env.NAVER_CLIENT_SECRET;
      return {
        ...env,
        OAUTH2_TOKEN_DELIVERY: 'fragment',
        KAKAO_REDIRECT_URI: KAKAO_ALIAS_CALLBACK,
        OAUTH2_FAILURE_REDIRECT_URI: FAIL_PAGE,
      };
    });

    it('logs in through /api/auth/kakao and /api/auth/kakao/callback with the tokens in the fragment', async () => {
      const user = providerUser();
      emulators.kakao.addUser(user);
      const started = await start(t, '/api/auth/kakao');
      expect(started.authorizeUrl.searchParams.get('redirect_uri')).toBe(KAKAO_ALIAS_CALLBACK);
      const back = await authorize(started.authorizeUrl, { user: user.id });
      expect(back.pathname).toBe('/api/auth/kakao/callback');

      const res = await callback(t, back, started.cookie);

      const landed = landing(res);
      expect(landed.origin + landed.pathname + landed.search).toBe(FRONTEND);
      const fragment = new URLSearchParams(landed.hash.slice(1));
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${fragment.get('accessToken')}`);
      expect(me.body.data).toMatchObject({ email: user.email, provider: 'kakao' });
      expect(fragment.get('refreshToken')).toBeTruthy();
    });

    it(
      'keeps its own settings while another app with other settings runs in the same process',
      async () => {
        const other = await startTestApp({ ...emulatorEnv(emulators), OAUTH2_TOKEN_DELIVERY: 'query' });
        try {
          const user = providerUser();
          emulators.kakao.addUser(user);
          const viaOther = await login(other, 'kakao', user.id);
          expect(viaOther.searchParams.get('accessToken')).toBeTruthy();
          const viaThis = await login(t, 'kakao', user.id, '/api/auth/kakao');
          expect(new URLSearchParams(viaThis.hash.slice(1)).get('accessToken')).toBeTruthy();
        } finally {
          await other.close();
        }
        const user = providerUser();
        emulators.google.addUser(user);
        expect(new URLSearchParams((await login(t, 'google', user.id)).hash.slice(1)).get('accessToken')).toBeTruthy();
      },
      BOOT_TIMEOUT_MS,
    );

    it(
      'counts the start and callback paths in the per-IP rate limit, and answers a refused one with the failure redirect',
      async () => {
        const limited = await startTestApp({
          ...emulatorEnv(emulators),
          RATE_LIMIT_MAX: '3',
          OAUTH2_FAILURE_REDIRECT_URI: FAIL_PAGE,
        });
        try {
          const statuses: number[] = [];
          for (const path of ['/api/auth/kakao', '/oauth2/authorization/google', '/login/oauth2/code/naver?code=x']) {
            statuses.push((await limited.http.get(path)).status);
          }
          expect(statuses).toEqual([302, 302, 302]);

          // Starts and callbacks of both path families: a page the browser can show, not a JSON 429.
          for (const path of [
            '/oauth2/authorization/kakao',
            '/api/auth/kakao',
            '/login/oauth2/code/google?code=c&state=s',
            '/api/auth/kakao/callback?code=c&state=s',
          ]) {
            const refused = await limited.http.get(path);
            expect({ path, status: refused.status }).toEqual({ path, status: 302 });
            const landed = new URL(String(refused.headers.location));
            expect(landed.origin + landed.pathname).toBe(FAIL_PAGE);
            expect(Object.fromEntries(landed.searchParams)).toEqual({
              error: 'TOO_MANY_REQUESTS',
              message: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
              traceId: refused.headers['x-trace-id'],
            });
            expect(refused.headers['retry-after']).toMatch(/^[1-9]\d*$/);
            expect(refused.headers['cache-control']).toBe('no-store');
            // Refused before the guard: no login was started, no state cookie set.
            expect(refused.headers['set-cookie']).toBeUndefined();
          }

          // The JSON API under /api/auth keeps its 429 envelope.
          const api = await limited.http.get('/api/auth/me');
          expect(api.status).toBe(429);
          expect(api.body.errorCode).toBe('TOO_MANY_REQUESTS');
          expect(api.headers['retry-after']).toBeDefined();
        } finally {
          await limited.close();
        }
      },
      BOOT_TIMEOUT_MS,
    );

    it('sends failures to OAUTH2_FAILURE_REDIRECT_URI', async () => {
      const user = providerUser({ consentEmail: false });
      emulators.kakao.addUser(user);
      const landed = await login(t, 'kakao', user.id, '/api/auth/kakao');
      expect(landed.origin + landed.pathname).toBe(FAIL_PAGE);
      expect(landed.searchParams.get('error')).toBe('EMAIL_REQUIRED');
      expect(landed.hash).toBe('');
    });

    it('answers a provider without a client id with 503 PROVIDER_NOT_CONFIGURED, at start and at callback', async () => {
      const count = await usersCount(t);
      for (const path of ['/oauth2/authorization/naver', '/login/oauth2/code/naver?code=x&state=y']) {
        const res = await t.http.get(path);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
          code: { code: 503, message: '서비스 이용 불가' },
          errorCode: 'PROVIDER_NOT_CONFIGURED',
          message: '소셜 로그인 설정이 완료되지 않았습니다.',
        });
      }
      expect(await usersCount(t)).toBe(count);
    });
  });
});
