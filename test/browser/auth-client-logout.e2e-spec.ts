/**
 * auth.logout() ends the session with the refresh token alone (SPEC §5,
 * endpoint 15, POST /api/auth/token/revoke), so a user whose access token
 * has expired is still logged out on the service, not only in the browser.

 */
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Browser, BrowserContext } from 'playwright-core';
import { signUp, startTestApp, type TestApp } from '../support/kit.js';
import {
  type ClientPages,
  ensureClientBuilt,
  launchChromium,
  newContext,
  openTab,
  type PageGlobals,
  ServiceTap,
  sessionIdOf,
  startClientPages,
  STORAGE_KEY,
  type ThrownError,
} from './auth-client-kit.js';
import { CHROMIUM_PATH } from './browser-kit.js';

const BOOT_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 60_000;
const ACCESS_TTL_MS = 3_600_000;
const REVOKE = '/api/auth/token/revoke';

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) console.warn(`test/browser skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);

const describeInBrowser = hasChromium ? describe : describe.skip;

describeInBrowser('@pet-market/auth-client logout in Chromium', () => {
  let pages: ClientPages | undefined;
  let t: TestApp | undefined;
  let tap: ServiceTap | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start`);
    return value;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    pages = await startClientPages();
    t = await startTestApp({ CORS_ORIGINS: pages.url });
    const app = need(t, 'app');
    const server = app.app.getHttpServer() as HttpServer;
    tap = ServiceTap.attach(server, need(pages, 'pages').url);
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the app is not listening on TCP');
    need(pages, 'pages').serviceUrl = `http://127.0.0.1:${address.port}`;
    browser = await launchChromium();
    context = await newContext(browser);
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    const closers = [() => browser?.close(), () => t?.close(), () => pages?.close()];
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

  it(
    'logout ends the session even when the access token has expired, and every tab signs out',
    async () => {
      const app = need(t, 'app');
      const service = need(tap, 'tap');
      const user = await signUp(app);
      const consoleLines: string[] = [];
      const a = await openTab(need(context, 'context'), need(pages, 'pages').url, consoleLines);
      const b = await openTab(need(context, 'context'), need(pages, 'pages').url, consoleLines);
      await a.evaluate(
        ([email, password]) => (globalThis as unknown as PageGlobals).auth.login(email, password).then(() => undefined),
        [user.email, user.password],
      );
      await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-in'));
      const tokens = await a.evaluate(
        (key) => JSON.parse(localStorage.getItem(key) ?? 'null') as { accessToken: string; refreshToken: string },
        STORAGE_KEY,
      );
      const sessionId = sessionIdOf(tokens.accessToken);
      // The access token has expired on the service.
      app.clock.advance(ACCESS_TTL_MS + 1_000);
      const expired = await app.http.get('/api/auth/me').set('Authorization', `Bearer ${tokens.accessToken}`);
      expect([expired.status, expired.body.errorCode]).toEqual([401, 'TOKEN_EXPIRED']);
      const from = service.mark();

      const thrown = await a.evaluate(() =>
        (globalThis as unknown as PageGlobals).auth.logout().then(
          () => null,
          (error: ThrownError) => ({ errorCode: error.errorCode, message: error.message }),
        ),
      );

      expect({ thrown, console: consoleLines }).toEqual({ thrown: null, console: [] });
      expect(service.count('POST', REVOKE, 200, from)).toBe(1);
      // The session is over on the service: revoked, and its refresh token refused.
      const rows: { revoked_at: Date | null }[] = await app.db.query('SELECT revoked_at FROM sessions WHERE id = $1', [
        sessionId,
      ]);
      expect(rows[0].revoked_at).toBeInstanceOf(Date);
      const refresh = await app.http.post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken });
      expect([refresh.status, refresh.body.errorCode]).toEqual([400, 'REFRESH_TOKEN_REVOKED']);
      // And in the browser: storage cleared, both tabs told.
      await b.waitForFunction(() => (globalThis as unknown as PageGlobals).authEvents.includes('signed-out'));
      expect(await a.evaluate((key) => localStorage.getItem(key), STORAGE_KEY)).toBeNull();
      expect(await b.evaluate(() => (globalThis as unknown as PageGlobals).auth.getAccessToken())).toBeNull();
    },
    TEST_TIMEOUT_MS,
  );
});
