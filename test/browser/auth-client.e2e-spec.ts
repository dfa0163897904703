/**
 * @pet-market/auth-client in real Chromium against the real service: the
 * page imports the built package (client/dist); tabs are pages of one
 * browser context, so they share localStorage, Web Locks and
 * BroadcastChannel as the tabs of one origin do. Access tokens are expired
 * by moving the service's clock (no sleeping); refreshes are counted on the
 * service's own HTTP server, and held back there so that the races the
 * client must survive really happen.
 */
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { type SignedUp, signUp, startTestApp, type TestApp } from '../support/kit.js';
import {
  type ClientPages,
  ensureClientBuilt,
  launchChromium,
  newContext,
  openTab,
  type PageGlobals,
  type RecordedRequest,
  ServiceTap,
  SESSION_LOCK,
  sessionIdOf,
  startClientPages,
  startOtherOrigin,
  STORAGE_KEY,
  type ThrownError,
} from './auth-client-kit.js';
import { CHROMIUM_PATH } from './browser-kit.js';

const BOOT_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 60_000;
/** The service's default JWT_ACCESS_TTL (1 h) and JWT_REFRESH_TTL (7 d). */
const ACCESS_TTL_MS = 3_600_000;
const REFRESH_TTL_MS = 7 * 86_400_000;
const REFRESH = '/api/auth/refresh';
const ME = '/api/auth/me';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) console.warn(`test/browser skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
const describeInBrowser = hasChromium ? describe : describe.skip;

interface SessionRow {
  revoked_at: Date | null;
  revoked_reason: string | null;
}
interface RefreshRow {
  jti: string;
  spent_at: Date | null;
}

describeInBrowser('@pet-market/auth-client in Chromium', () => {
  let pages: ClientPages | undefined;
  let other: Awaited<ReturnType<typeof startOtherOrigin>> | undefined;
  let t: TestApp | undefined;
  let tap: ServiceTap | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  const consoleLines: string[] = [];

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
    return value;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    pages = await startClientPages();
    other = await startOtherOrigin();
    t = await startTestApp({ CORS_ORIGINS: pages.url });
    const server = t.app.getHttpServer() as HttpServer;
    tap = ServiceTap.attach(server, pages.url);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
    pages.serviceUrl = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    const closers = [() => browser?.close(), () => t?.close(), () => pages?.close(), () => other?.close()];
    const errors: unknown[] = [];
    for (const close of closers) {
      try {
        await close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }, BOOT_TIMEOUT_MS);

  beforeEach(async () => {
    consoleLines.length = 0;
    context = await newContext(need(browser, 'Chromium'));
  });

  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  /** Adds the pages' console to a failure, which is all one can see of the browser side. */
  async function withConsole(steps: () => Promise<void>): Promise<void> {
    try {
      await steps();
    } catch (error) {
      if (error instanceof Error)
        error.message += `\n  browser console:\n    ${consoleLines.join('\n    ') || '(empty)'}`;
      throw error;
    }
  }

  const tab = () => openTab(need(context, 'context'), need(pages, 'pages').url, consoleLines);
  const app = () => need(t, 'app');
  const service = () => need(tap, 'tap');

  async function login(page: Page, user: SignedUp): Promise<void> {
    await page.evaluate(
      ([email, password]) => (globalThis as unknown as PageGlobals).auth.login(email, password).then(() => undefined),
      [user.email, user.password],
    );
  }

  const accessToken = (page: Page) => page.evaluate(() => (globalThis as unknown as PageGlobals).auth.getAccessToken());
  const stored = (page: Page) =>
    page.evaluate((key) => {
      const raw = localStorage.getItem(key);
      return raw === null ? null : (JSON.parse(raw) as { accessToken: string; refreshToken: string });
    }, STORAGE_KEY);
  const events = (page: Page) => page.evaluate(() => [...(globalThis as unknown as PageGlobals).authEvents]);

  /** `n` concurrent auth.fetch('/api/auth/me') in the page: each one's status and user id, or its AuthError. */
  function fetchMe(page: Page, n: number) {
    return page.evaluate(async (count) => {
      const { auth } = globalThis as unknown as PageGlobals;
      return Promise.all(
        Array.from({ length: count }, async () => {
          try {
            const res = await auth.fetch('/api/auth/me');
            const body = (await res.json()) as { data?: { id: number }; errorCode?: string };
            return { status: res.status, id: body.data?.id ?? null, errorCode: body.errorCode ?? null };
          } catch (error) {
            const e = error as ThrownError;
            return {
              thrown: {
                name: e.name,
                status: e.status,
                errorCode: e.errorCode,
                message: e.message,
                retryAfter: e.retryAfter,
              },
            };
          }
        }),
      );
    }, n);
  }

  async function sessionRow(sessionId: string): Promise<SessionRow> {
    const rows: SessionRow[] = await app().db.query('SELECT revoked_at, revoked_reason FROM sessions WHERE id = $1', [
      sessionId,
    ]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  async function refreshRows(sessionId: string): Promise<RefreshRow[]> {
    return app().db.query('SELECT jti::text, spent_at FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at', [
      sessionId,
    ]);
  }

  const jtiOf = (jwt: string) =>
    (JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { jti: string }).jti;

  /** The stored tokens are the session's one live pair: the newest refresh row, unspent. */
  async function expectOneRotation(sessionId: string, tokens: { refreshToken: string } | null): Promise<void> {
    const rows = await refreshRows(sessionId);
    expect(rows.map((row) => row.spent_at !== null)).toEqual([true, false]);
    expect(jtiOf(tokens?.refreshToken ?? '')).toBe(rows[1].jti);
    expect(await sessionRow(sessionId)).toEqual({ revoked_at: null, revoked_reason: null });
  }

  it(
    'single flight: 12 concurrent fetches meeting an expired access token cause one refresh, and all succeed',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const page = await tab();
        await login(page, user);
        const before = await stored(page);
        const sessionId = sessionIdOf(before?.accessToken ?? '');
        app().clock.advance(ACCESS_TTL_MS + 1_000);
        const from = service().mark();

        // The first refresh is held at the service until every request has been refused as expired.
        const release = service().hold('POST', REFRESH);
        const results = fetchMe(page, 12);
        results.catch(() => undefined);
        try {
          await service().waitFor(
            () =>
              service().count('GET', ME, 401, from) === 12 && service().count('POST', REFRESH, undefined, from) >= 1,
            '12 refusals and a refresh',
          );
        } finally {
          release();
        }

        expect(await results).toEqual(
          Array.from({ length: 12 }, () => ({ status: 200, id: user.id, errorCode: null })),
        );
        expect(service().count('POST', REFRESH, undefined, from)).toBe(1);
        const after = await stored(page);
        expect(after?.accessToken).not.toBe(before?.accessToken);
        // The 12 retries carried the new token.
        const retried = service()
          .requests.slice(from)
          .filter((r) => r.path === ME && r.status === 200);
        expect(retried.map((r) => r.authorization)).toEqual(
          Array.from({ length: 12 }, () => `Bearer ${after?.accessToken}`),
        );
        await expectOneRotation(sessionId, after);
        expect(await events(page)).toEqual(['signed-in']);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'two tabs: concurrent expiry causes one refresh (Web Locks), the other tab takes the new tokens from storage',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const [a, b] = [await tab(), await tab()];
        await login(a, user);
        // Tab B heard tab A's login and reads the same tokens.
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
        expect(await accessToken(b)).toBe(await accessToken(a));
        const before = await stored(a);
        const sessionId = sessionIdOf(before?.accessToken ?? '');
        app().clock.advance(ACCESS_TTL_MS + 1_000);
        const from = service().mark();

        const release = service().hold('POST', REFRESH);
        const inA = fetchMe(a, 5);
        const inB = fetchMe(b, 5);
        for (const pending of [inA, inB]) pending.catch(() => undefined);
        try {
          await service().waitFor(
            () =>
              service().count('GET', ME, 401, from) === 10 && service().count('POST', REFRESH, undefined, from) >= 1,
            '10 refusals and a refresh',
          );
          // The refreshing tab holds the lock and the other one waits for it: the race is on.
          const lockRace = () =>
            a.evaluate(async (name) => {
              const state = await navigator.locks.query();
              return {
                held: state.held?.filter((lock) => lock.name === name).length ?? 0,
                pending: state.pending?.filter((lock) => lock.name === name).length ?? 0,
              };
            }, SESSION_LOCK);
          let race = await lockRace();
          const deadline = Date.now() + 15_000;
          while ((race.held !== 1 || race.pending !== 1) && Date.now() < deadline) race = await lockRace();
          expect(race).toEqual({ held: 1, pending: 1 });
        } finally {
          release();
        }

        const ok = Array.from({ length: 5 }, () => ({ status: 200, id: user.id, errorCode: null }));
        expect([await inA, await inB]).toEqual([ok, ok]);
        expect(service().count('POST', REFRESH, undefined, from)).toBe(1);
        const after = await stored(a);
        expect(await stored(b)).toEqual(after);
        expect([await accessToken(a), await accessToken(b)]).toEqual([after?.accessToken, after?.accessToken]);
        await expectOneRotation(sessionId, after);
        expect([await events(a), await events(b)]).toEqual([['signed-in'], ['signed-in']]);
      }),
    TEST_TIMEOUT_MS,
  );

  it.each([
    {
      answer: 'REFRESH_TOKEN_REVOKED',
      message: '이미 로그아웃된 Refresh Token입니다.',
      reason: 'refresh_reuse',
      // Someone else spent the refresh token (a theft); 1 h later its replay revokes the session.
      setUp: async (refreshToken: string) => {
        const res = await app().http.post(REFRESH).send({ refreshToken });
        expect(res.status).toBe(200);
        app().clock.advance(ACCESS_TTL_MS + 1_000);
      },
    },
    {
      answer: 'REFRESH_TOKEN_INVALID',
      message: '유효하지 않은 Refresh Token입니다.',
      reason: 'refresh_expired',
      setUp: async () => {
        app().clock.advance(REFRESH_TTL_MS + 1_000);
      },
    },
  ])(
    'a refresh answered $answer signs out, and every tab hears it',
    ({ answer, message, reason, setUp }) =>
      withConsole(async () => {
        const user = await signUp(app());
        const [a, b] = [await tab(), await tab()];
        await login(a, user);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
        const tokens = await stored(a);
        const sessionId = sessionIdOf(tokens?.accessToken ?? '');
        await setUp(tokens?.refreshToken ?? '');
        const from = service().mark();

        expect(await fetchMe(a, 1)).toEqual([
          { thrown: { name: 'AuthError', status: 400, errorCode: answer, message, retryAfter: null } },
        ]);
        expect(service().count('POST', REFRESH, 400, from)).toBe(1);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-out'));
        expect([await events(a), await events(b)]).toEqual([
          ['signed-in', 'signed-out'],
          ['signed-in', 'signed-out'],
        ]);
        expect([await stored(a), await accessToken(a), await accessToken(b)]).toEqual([null, null, null]);
        expect(await sessionRow(sessionId)).toMatchObject({ revoked_reason: reason });
        // Signed out means no token at all: the next call goes without one.
        const next = service().mark();
        expect(await fetchMe(b, 1)).toEqual([{ status: 401, id: null, errorCode: 'TOKEN_MISSING' }]);
        expect(
          service()
            .requests.slice(next)
            .map((r) => r.authorization),
        ).toEqual([undefined]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'a request answered TOKEN_REVOKED (the session ended elsewhere) signs out every tab',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const [a, b] = [await tab(), await tab()];
        await login(a, user);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
        const tokens = await stored(a);
        // Logged out on the service by someone else holding the token (another device, an admin).
        const logout = await app().http.post('/api/auth/logout').set('Authorization', `Bearer ${tokens?.accessToken}`);
        expect(logout.status).toBe(200);
        const from = service().mark();

        expect(await fetchMe(a, 1)).toEqual([{ status: 401, id: null, errorCode: 'TOKEN_REVOKED' }]);

        expect(service().count('POST', REFRESH, undefined, from)).toBe(0);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-out'));
        expect([await events(a), await events(b)]).toEqual([
          ['signed-in', 'signed-out'],
          ['signed-in', 'signed-out'],
        ]);
        expect([await stored(a), await accessToken(b)]).toEqual([null, null]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'a 503 or a dropped connection on refresh does not sign out; the next call refreshes',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const [a, b] = [await tab(), await tab()];
        await login(a, user);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
        const before = await stored(a);
        const sessionId = sessionIdOf(before?.accessToken ?? '');
        app().clock.advance(ACCESS_TTL_MS + 1_000);
        const from = service().mark();

        let clear = service().fail('POST', REFRESH, '503');
        const unavailable = await fetchMe(a, 1);
        clear();
        expect(unavailable).toEqual([
          {
            thrown: {
              name: 'AuthError',
              status: 503,
              errorCode: 'SERVICE_UNAVAILABLE',
              message: '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.',
              retryAfter: 5,
            },
          },
        ]);
        clear = service().fail('POST', REFRESH, 'drop');
        const dropped = await fetchMe(a, 1);
        clear();
        expect(dropped).toEqual([
          {
            thrown: {
              name: 'AuthError',
              status: 0,
              errorCode: 'NETWORK_ERROR',
              message: '서버에 연결할 수 없습니다. 네트워크 연결을 확인해주세요.',
              retryAfter: null,
            },
          },
        ]);
        // Still signed in, in both tabs, with the same tokens; the service never saw those refreshes.
        expect(await stored(a)).toEqual(before);
        expect(await refreshRows(sessionId)).toHaveLength(1);

        expect(await fetchMe(b, 1)).toEqual([{ status: 200, id: user.id, errorCode: null }]);
        // Answered by the service itself: only the last one.
        expect(service().count('POST', REFRESH, 200, from)).toBe(1);
        expect(service().count('POST', REFRESH, 503, from)).toBe(1);
        await expectOneRotation(sessionId, await stored(a));
        expect([await events(a), await events(b)]).toEqual([['signed-in'], ['signed-in']]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'logout in one tab signs out the other tabs and ends the session on the service',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const [a, b] = [await tab(), await tab()];
        await login(a, user);
        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
        const sessionId = sessionIdOf((await accessToken(a)) ?? '');

        await a.evaluate(() => (globalThis as unknown as PageGlobals).auth.logout());

        await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-out'));
        expect([await events(a), await events(b)]).toEqual([
          ['signed-in', 'signed-out'],
          ['signed-in', 'signed-out'],
        ]);
        expect([await stored(b), await accessToken(b)]).toEqual([null, null]);
        expect((await sessionRow(sessionId)).revoked_at).toBeInstanceOf(Date);
        expect(await fetchMe(b, 1)).toEqual([{ status: 401, id: null, errorCode: 'TOKEN_MISSING' }]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'no token goes to any origin but baseUrl',
    () =>
      withConsole(async () => {
        const elsewhere = need(other, 'other origin');
        const user = await signUp(app());
        const page = await tab();
        const leaks: string[] = [];
        const serviceOrigin = new URL(need(pages, 'pages').serviceUrl).origin;
        await login(page, user);
        const tokens = await stored(page);
        if (!tokens) throw new Error('not signed in');
        page.on('request', (request) => {
          if (new URL(request.url()).origin === serviceOrigin) return;
          const seen = [request.url(), request.postData() ?? '', ...Object.values(request.headers())].join('\n');
          if (seen.includes(tokens.accessToken) || seen.includes(tokens.refreshToken)) leaks.push(request.url());
        });
        const from = service().mark();
        const port = new URL(serviceOrigin).port;

        const statuses = await page.evaluate(
          async (urls) => {
            const { auth } = globalThis as unknown as PageGlobals;
            const out: number[] = [];
            for (const url of urls) out.push((await auth.fetch(url)).status);
            return out;
          },
          [
            `${elsewhere.url}/api/auth/me`,
            // The service itself under another name is another origin.
            `http://localhost:${port}/api/auth/me`,
            '/api/auth/me',
            `${serviceOrigin}/api/auth/me`,
          ],
        );

        expect(statuses).toEqual([200, 401, 200, 200]);
        const atOther = elsewhere.requests.filter((r: RecordedRequest) => r.method === 'GET');
        expect(atOther.map((r) => r.headers.authorization)).toEqual([undefined]);
        expect(
          service()
            .requests.slice(from)
            .filter((r) => r.method === 'GET')
            .map((r) => r.authorization),
        ).toEqual([undefined, `Bearer ${tokens.accessToken}`, `Bearer ${tokens.accessToken}`]);
        expect(leaks).toEqual([]);
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'refreshes just before exp, not earlier: 10 s before, the old token is used; 3 s before, a new one',
    () =>
      withConsole(async () => {
        const user = await signUp(app());
        const page = await tab();
        // The page's clock stands still where the test puts it.
        const loginAt = Date.now();
        await page.clock.setFixedTime(loginAt);
        await login(page, user);
        const first = await stored(page);
        const sessionId = sessionIdOf(first?.accessToken ?? '');
        const claims = JSON.parse(Buffer.from((first?.accessToken ?? '').split('.')[1], 'base64url').toString()) as {
          iat: number;
          exp: number;
        };
        const lifetime = (claims.exp - claims.iat) * 1000;
        expect(lifetime).toBe(ACCESS_TTL_MS);
        const from = service().mark();

        await page.clock.setFixedTime(loginAt + lifetime - 10_000);
        expect(await fetchMe(page, 1)).toEqual([{ status: 200, id: user.id, errorCode: null }]);
        expect(service().count('POST', REFRESH, undefined, from)).toBe(0);
        expect(await stored(page)).toEqual(first);

        await page.clock.setFixedTime(loginAt + lifetime - 3_000);
        expect(await fetchMe(page, 1)).toEqual([{ status: 200, id: user.id, errorCode: null }]);
        // Refreshed before the request: the service refused nothing as expired.
        expect(service().count('POST', REFRESH, 200, from)).toBe(1);
        expect(service().count('GET', ME, 401, from)).toBe(0);
        const second = await stored(page);
        expect(
          service()
            .requests.slice(from)
            .filter((r) => r.method === 'GET' && r.path === ME)
            .map((r) => r.authorization),
        ).toEqual([`Bearer ${first?.accessToken}`, `Bearer ${second?.accessToken}`]);
        await expectOneRotation(sessionId, second);
      }),
    TEST_TIMEOUT_MS,
  );
});
