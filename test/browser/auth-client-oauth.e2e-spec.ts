/**
 * The social-login hand-off on @pet-market/auth-client, in Chromium, for each
 * OAUTH2_TOKEN_DELIVERY mode (query, fragment, code), one service per mode:
 * the test page's login link (auth.socialLoginUrl) → the Kakao emulator's
 * consent page → the service's callback → the page's handleRedirect(). After
 * it, no token is left in the address bar or in the history, and none went
 * to any origin but the service's after the page took over.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Server as HttpServer } from 'node:http';
import type { Browser, Page, Request } from 'playwright-core';
import { type KakaoEmulator, startKakaoEmulator } from '../emulators/index.js';
import { startTestApp, type TestApp } from '../support/kit.js';
import {
  type ClientPages,
  ensureClientBuilt,
  launchChromium,
  newContext,
  type PageGlobals,
  startClientPages,
  STORAGE_KEY,
} from './auth-client-kit.js';
import { CHROMIUM_PATH, ServicePort } from './browser-kit.js';

const BOOT_TIMEOUT_MS = 150_000;
const TEST_TIMEOUT_MS = 60_000;

type Mode = 'query' | 'fragment' | 'code';
const MODES: Mode[] = ['query', 'fragment', 'code'];

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) console.warn(`test/browser skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
const describeInBrowser = hasChromium ? describe : describe.skip;

interface Service {
  port: ServicePort;
  pages: ClientPages;
  app: TestApp;
}

interface RedirectOutcome {
  ok: boolean;
  user?: { id: number; email: string; nickname: string; provider: string } | null;
  error?: { isAuthError: boolean; name: string; status: number; errorCode: string; message: string; traceId: string };
}

interface SeenRequest {
  url: string;
  isNavigation: boolean;
  text: string;
}

describeInBrowser('@pet-market/auth-client: social-login hand-off in Chromium', () => {
  let kakao: KakaoEmulator | undefined;
  const services = new Map<Mode, Service>();
  let browser: Browser | undefined;

  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
    return value;
  };

  beforeAll(async () => {
    ensureClientBuilt();
    kakao = await startKakaoEmulator();
    const callbacks: string[] = [];
    // One service per mode, one after the other: boots share two cores.
    for (const mode of MODES) {
      const port = await ServicePort.open();
      const pages = await startClientPages();
      pages.serviceUrl = port.url;
      const callback = `${port.url}/login/oauth2/code/kakao`;
      callbacks.push(callback);
      const app = await startTestApp({
        CORS_ORIGINS: pages.url,
        OAUTH2_REDIRECT_URI: `${pages.url}/oauth-redirect`,
        OAUTH2_TOKEN_DELIVERY: mode,
        KAKAO_CLIENT_ID: 'client-kakao',
        KAKAO_CLIENT_SECRET: 'client-kakao-secret',
        KAKAO_REDIRECT_URI: callback,
        KAKAO_AUTHORIZATION_URI: kakao.urls.authorization,
        KAKAO_TOKEN_URI: kakao.urls.token,
        KAKAO_USER_INFO_URI: kakao.urls.userInfo,
        KAKAO_TOKEN_INFO_URI: kakao.urls.tokenInfo ?? '',
      });
      port.attach(app.app.getHttpServer() as HttpServer);
      services.set(mode, { port, pages, app });
    }
    kakao.registerClient({ clientId: 'client-kakao', clientSecret: 'client-kakao-secret', redirectUris: callbacks });
    browser = await launchChromium();
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    const closers: (() => Promise<void> | undefined)[] = [() => browser?.close()];
    for (const service of services.values()) {
      closers.push(
        () => service.app.close(),
        () => service.port.close(),
        () => service.pages.close(),
      );
    }
    closers.push(() => kakao?.close());
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

  /** Runs `steps` in a fresh context (empty storage), recording every request the browser makes. */
  async function inBrowser(steps: (page: Page, seen: SeenRequest[]) => Promise<void>): Promise<void> {
    const context = await newContext(need(browser, 'Chromium'));
    const page = await context.newPage();
    const consoleLines: string[] = [];
    page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
    const seen: SeenRequest[] = [];
    context.on('request', (request: Request) => {
      seen.push({
        url: request.url(),
        isNavigation: request.isNavigationRequest(),
        text: [request.url(), request.postData() ?? '', ...Object.values(request.headers())].join('\n'),
      });
    });
    try {
      await steps(page, seen);
    } catch (error) {
      if (error instanceof Error) {
        error.message += `\n  page: ${page.url()}\n  browser console:\n    ${consoleLines.join('\n    ') || '(empty)'}`;
      }
      throw error;
    } finally {
      await context.close();
    }
  }

  function newKakaoUser() {
    const id = String(randomInt(1e9, 1e12));
    const user = { id, email: `client-${id}@example.com`, nickname: '클라이언트' };
    need(kakao, 'emulator').addUser(user);
    need(kakao, 'emulator').setNextUser(id);
    return user;
  }

  /** From the test page's login link to the consent page, then `choice`; resolves to the redirect page's outcome. */
  async function socialLogin(page: Page, service: Service, choice: 'accept' | 'cancel') {
    await page.goto(`${service.pages.url}/`);
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).authReady === true);
    expect(await page.locator('#kakao-login').getAttribute('href')).toBe(
      `${service.port.url}/oauth2/authorization/kakao`,
    );
    await page.locator('#kakao-login').click();
    await page.waitForURL((url) => url.origin === need(kakao, 'emulator').baseUrl);
    const callback = page.waitForResponse((res) =>
      res.url().startsWith(`${service.port.url}/login/oauth2/code/kakao?`),
    );
    callback.catch(() => undefined);
    await page.locator(choice === 'accept' ? '#consent-accept' : '#consent-cancel').click();
    const location = new URL((await callback).headers().location ?? '');
    await page.waitForURL((url) => url.origin === service.pages.url && url.pathname === '/oauth-redirect');
    await page.locator('body:not([data-state="loading"])').waitFor({ state: 'attached' });
    const outcome = (await page.evaluate(
      () => (globalThis as unknown as PageGlobals).redirectOutcome,
    )) as RedirectOutcome;
    return { location, outcome };
  }

  const storedTokens = (page: Page) =>
    page.evaluate((key) => {
      const raw = localStorage.getItem(key);
      return raw === null ? null : (JSON.parse(raw) as { accessToken: string; refreshToken: string });
    }, STORAGE_KEY);

  it.each(MODES)(
    '%s mode: the page signs in, and no token stays in the address bar or the history',
    (mode) =>
      inBrowser(async (page, seen) => {
        const service = need(services.get(mode), `the ${mode} service`);
        const kakaoUser = newKakaoUser();

        const { location, outcome } = await socialLogin(page, service, 'accept');

        // The service really handed off in this mode.
        const handedOff = {
          query: [...location.searchParams.keys()],
          fragment: [...new URLSearchParams(location.hash.slice(1)).keys()],
        };
        expect(handedOff).toEqual({
          query: { query: ['accessToken', 'refreshToken'], fragment: [], code: ['code'] }[mode],
          fragment: mode === 'fragment' ? ['accessToken', 'refreshToken'] : [],
        });

        // Signed in as the Kakao user, with tokens the service accepts (handleRedirect read /api/auth/me or the code's answer).
        const rows: { id: string; nickname: string }[] = await service.app.db.query(
          `SELECT id::text, nickname FROM users WHERE provider = 'kakao' AND provider_user_id = $1`,
          [kakaoUser.id],
        );
        expect(rows).toHaveLength(1);
        expect(outcome).toMatchObject({
          ok: true,
          user: { id: Number(rows[0].id), email: kakaoUser.email, nickname: rows[0].nickname, provider: 'kakao' },
        });
        const tokens = await storedTokens(page);
        if (!tokens) throw new Error('no tokens stored');
        if (mode !== 'code') {
          const params = mode === 'query' ? location.searchParams : new URLSearchParams(location.hash.slice(1));
          expect(tokens).toEqual({
            accessToken: params.get('accessToken'),
            refreshToken: params.get('refreshToken'),
            accessExpiresAt: expect.any(Number),
          });
        }
        const me = await service.app.http.get('/api/auth/me').set('Authorization', `Bearer ${tokens.accessToken}`);
        expect(me.body.data.id).toBe(Number(rows[0].id));

        // Address bar and history: the landing entry was rewritten, not added to. The tab's entries
        // are about:blank, the page, the consent page and the landing; every one of them is token-free.
        const landing = `${service.pages.url}/oauth-redirect`;
        expect(page.url()).toBe(landing);
        expect(
          await page.evaluate(() => (globalThis as unknown as { history: { length: number } }).history.length),
        ).toBe(4);
        await page.goBack();
        const consentPage = new URL(page.url());
        expect(consentPage.origin).toBe(need(kakao, 'emulator').baseUrl);
        expect([...consentPage.searchParams.keys()]).not.toContain('accessToken');
        await page.goForward();
        expect(page.url()).toBe(landing);
        await page.locator('body:not([data-state="loading"])').waitFor({ state: 'attached' });
        expect(await page.locator('body').getAttribute('data-state')).toBe('nothing');
        expect(await storedTokens(page)).toEqual(tokens);

        // No token went to any origin but the service's; in query mode the landing request itself
        // carries them to the page's origin (the seed's contract: the reason to prefer the others).
        const serviceOrigin = new URL(service.port.url).origin;
        const carrying = seen.filter(
          (r) =>
            new URL(r.url).origin !== serviceOrigin &&
            (r.text.includes(tokens.accessToken) || r.text.includes(tokens.refreshToken)),
        );
        expect(carrying.map((r) => ({ path: new URL(r.url).pathname, isNavigation: r.isNavigation }))).toEqual(
          mode === 'query' ? [{ path: '/oauth-redirect', isNavigation: true }] : [],
        );
        if (mode === 'code') {
          // The code in the history is spent: replaying it gets nothing.
          const replay = await service.app.http
            .post('/api/auth/oauth2/token')
            .send({ code: location.searchParams.get('code') });
          expect([replay.status, replay.body.errorCode]).toEqual([400, 'INVALID_STATE']);
        }
      }),
    TEST_TIMEOUT_MS,
  );

  it(
    'a cancelled login: handleRedirect throws AuthError ACCESS_DENIED with the Korean message, and stores nothing',
    () =>
      inBrowser(async (page) => {
        const service = need(services.get('query'), 'the query service');
        newKakaoUser();

        const { location, outcome } = await socialLogin(page, service, 'cancel');

        expect(location.searchParams.get('error')).toBe('ACCESS_DENIED');
        expect(outcome).toEqual({
          ok: false,
          error: {
            isAuthError: true,
            name: 'AuthError',
            status: 0,
            errorCode: 'ACCESS_DENIED',
            message: '소셜 로그인이 취소되었습니다.',
            traceId: location.searchParams.get('traceId'),
          },
        });
        expect(outcome.error?.traceId).toMatch(/^[0-9a-f]{32}$/);
        expect(page.url()).toBe(`${service.pages.url}/oauth-redirect`);
        expect(await storedTokens(page)).toBeNull();
        expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).authEvents)).toEqual([]);
      }),
    TEST_TIMEOUT_MS,
  );
});
