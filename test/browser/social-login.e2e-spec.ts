/**
 * Issue 4: social login in a real browser. Headless Chromium opens the test
 * SPA (test/browser/spa/), clicks the seed's login link, consents on the
 * provider emulator's page, follows the service's callback back to the SPA,
 * whose redirect page (the seed's React example on @pet-market/auth-client)
 * stores the tokens and shows the user from a cross-origin GET /api/auth/me. Screenshots of each step go to
 * test/artifacts/browser/.
 */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type EmulatorUser, type OAuthEmulator, startGoogleEmulator, startKakaoEmulator } from '../emulators/index.js';
import { startTestApp, type TestApp } from '../support/kit.js';
import {
  ARTIFACTS_DIR,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  ServicePort,
  type SpaServer,
  startSpaServer,
  STEP_TIMEOUT_MS,
} from './browser-kit.js';
import { ensureClientBuilt, STORAGE_KEY } from './auth-client-kit.js';

/** App, emulators, SPA server and Chromium on two shared cores. */
const BOOT_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 60_000;

type Provider = 'kakao' | 'google';
const PROVIDERS: Provider[] = ['kakao', 'google'];

/** The SPA's link text and the emulator consent page's heading, per provider. */
const UI: Record<Provider, { link: string; consentHeading: string }> = {
  kakao: { link: '카카오 로그인', consentHeading: '카카오계정' },
  google: { link: 'Google 로그인', consentHeading: 'Google' },
};

const clientId = (provider: Provider) => `browser-${provider}-client`;
const clientSecret = (provider: Provider) => `browser-${provider}-secret`;

interface UserRow {
  id: string;
  email: string;
  nickname: string;
  provider: string;
  provider_user_id: string;
}

const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  console.warn(`test/browser skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`);
}
const describeInBrowser = hasChromium ? describe : describe.skip;

describeInBrowser(
  hasChromium
    ? 'social login in a real browser (Chromium)'
    : `social login in a real browser — SKIPPED: no Chromium at ${CHROMIUM_PATH}`,
  () => {
    let service: ServicePort | undefined;
    let spa: SpaServer | undefined;
    let emulators: Record<Provider, OAuthEmulator> | undefined;
    let t: TestApp | undefined;
    let browser: Browser | undefined;

    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${what} did not start (see beforeAll)`);
      return value;
    };

    beforeAll(async () => {
      // Only this run's screenshots (the folder is this suite's own, and gitignored).
      ensureClientBuilt();
      await rm(ARTIFACTS_DIR, { recursive: true, force: true });
      await mkdir(ARTIFACTS_DIR, { recursive: true });
      service = await ServicePort.open();
      spa = await startSpaServer(service.url);
      const [kakao, google] = await Promise.all([startKakaoEmulator(), startGoogleEmulator()]);
      emulators = { kakao, google };

      const env: Record<string, string> = {
        OAUTH2_REDIRECT_URI: `${spa.url}/oauth-redirect`,
        CORS_ORIGINS: spa.url,
        KAKAO_TOKEN_INFO_URI: kakao.urls.tokenInfo ?? '',
      };
      for (const provider of PROVIDERS) {
        const P = provider.toUpperCase();
        const emulator = emulators[provider];
        const callback = `${service.url}/login/oauth2/code/${provider}`;
        emulator.registerClient({
          clientId: clientId(provider),
          clientSecret: clientSecret(provider),
          redirectUris: [callback],
        });
        env[`${P}_CLIENT_ID`] = clientId(provider);
        env[`${P}_CLIENT_SECRET`] = clientSecret(provider);
        env[`${P}_REDIRECT_URI`] = callback;
        env[`${P}_AUTHORIZATION_URI`] = emulator.urls.authorization;
        env[`${P}_TOKEN_URI`] = emulator.urls.token;
        env[`${P}_USER_INFO_URI`] = emulator.urls.userInfo;
      }
      t = await startTestApp(env);
      service.attach(t.app.getHttpServer() as HttpServer);

      browser = await chromium.launch({
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: CHROMIUM_ARGS,
        timeout: STEP_TIMEOUT_MS * 2,
      });
    }, BOOT_TIMEOUT_MS);

    afterAll(async () => {
      // Each part is closed even when another fails to; the browser first, so its connections go.
      const closers: (() => Promise<void> | undefined)[] = [
        () => browser?.close(),
        () => t?.close(),
        () => service?.close(),
        () => spa?.close(),
        () => emulators?.kakao.close(),
        () => emulators?.google.close(),
      ];
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

    /**
     * Runs `steps` in a fresh browser context (no cookies, empty localStorage),
     * every wait bounded by STEP_TIMEOUT_MS. `shot(step)` saves
     * `<name>-<n>-<step>.png`; a failure saves `<name>-failure.png` and adds the
     * page's console to the error.
     */
    async function inBrowser(
      name: string,
      steps: (page: Page, shot: (step: string) => Promise<void>) => Promise<void>,
    ): Promise<void> {
      const context = await need(browser, 'Chromium').newContext({
        locale: 'ko-KR',
        viewport: { width: 900, height: 640 },
      });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      const consoleLines: string[] = [];
      page.on('console', (message) => consoleLines.push(`[${message.type()}] ${message.text()}`));
      page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
      let n = 0;
      const shot = async (step: string) => {
        n += 1;
        await page.screenshot({ path: `${ARTIFACTS_DIR}${name}-${n}-${step}.png`, fullPage: true });
      };
      try {
        await steps(page, shot);
      } catch (error) {
        await page.screenshot({ path: `${ARTIFACTS_DIR}${name}-failure.png`, fullPage: true }).catch(() => undefined);
        if (error instanceof Error) {
          error.message += `\n  page: ${page.url()}\n  browser console:\n    ${consoleLines.join('\n    ') || '(empty)'}`;
        }
        throw error;
      } finally {
        await context.close();
      }
    }

    /** From the SPA's home page to the provider's consent page, which it checks. */
    async function openConsent(page: Page, provider: Provider, shot: (step: string) => Promise<void>): Promise<void> {
      const spaUrl = need(spa, 'SPA server').url;
      const serviceUrl = need(service, 'service port').url;
      const emulator = need(emulators, 'emulators')[provider];

      await page.goto(`${spaUrl}/`);
      const link = page.getByRole('link', { name: UI[provider].link, exact: true });
      expect(await link.getAttribute('href')).toBe(`${serviceUrl}/oauth2/authorization/${provider}`);
      await shot('spa-home');

      await link.click();
      await page.waitForURL((url) => url.origin === emulator.baseUrl);

      // The service sent the browser to the provider with a state and PKCE S256 ...
      const authorize = new URL(page.url());
      expect(authorize.origin + authorize.pathname).toBe(emulator.urls.authorization);
      expect({
        clientId: authorize.searchParams.get('client_id'),
        redirectUri: authorize.searchParams.get('redirect_uri'),
        challengeMethod: authorize.searchParams.get('code_challenge_method'),
      }).toEqual({
        clientId: clientId(provider),
        redirectUri: `${serviceUrl}/login/oauth2/code/${provider}`,
        challengeMethod: 'S256',
      });
      expect(authorize.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // ... and bound the state to this browser with an HttpOnly cookie.
      const cookies = await page.context().cookies(serviceUrl);
      expect(cookies.find((cookie) => cookie.name === 'oauth2_state')).toMatchObject({
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
      });

      // The emulator's consent page.
      expect(await page.title()).toBe(`${UI[provider].consentHeading} 로그인 - 동의`);
      expect(await page.locator('h1').innerText()).toBe(UI[provider].consentHeading);
      expect(await page.locator('body').innerText()).toContain(
        `${clientId(provider)} 앱이 다음 정보에 접근하려고 합니다.`,
      );
      expect(await page.locator('#consent-accept').innerText()).toBe('동의하고 계속하기');
      expect(await page.locator('#consent-cancel').innerText()).toBe('취소');
      await shot('consent');
    }

    /** Waits until the SPA's redirect page has finished (shown the user or an error). */
    async function redirectPageOutcome(page: Page) {
      const spaUrl = need(spa, 'SPA server').url;
      await page.waitForURL((url) => url.origin === spaUrl && url.pathname === '/oauth-redirect');
      await page.locator('body:not([data-state="loading"])').waitFor();
      return {
        state: await page.locator('body').getAttribute('data-state'),
        errorCode: await page.locator('#error-code').textContent(),
        errorMessage: await page.locator('#error-message').textContent(),
        traceId: await page.locator('#error-trace-id').textContent(),
      };
    }

    /** The tokens as the auth client stored them (one JSON value under its storage key). */
    async function storedTokens(page: Page) {
      return page.evaluate((key) => {
        const stored = JSON.parse(localStorage.getItem(key) ?? 'null') as {
          accessToken: string;
          refreshToken: string;
        } | null;
        return { accessToken: stored?.accessToken ?? null, refreshToken: stored?.refreshToken ?? null };
      }, STORAGE_KEY);
    }

    async function usersCount(): Promise<number> {
      const rows: { count: string }[] = await need(t, 'app').db.query('SELECT count(*)::text AS count FROM users');
      return Number(rows[0].count);
    }

    it.each(PROVIDERS)(
      '%s: link → consent page → accept → the SPA shows the user from /api/auth/me',
      async (provider) => {
        const spaUrl = need(spa, 'SPA server').url;
        const serviceUrl = need(service, 'service port').url;
        const emulator = need(emulators, 'emulators')[provider];
        const id = String(randomInt(1e9, 1e12));
        const user: EmulatorUser & { id: string; email: string } = {
          id,
          email: `browser-${provider}-${id}@example.com`,
          nickname: provider === 'kakao' ? '브라우저카카오' : undefined,
          name: provider === 'google' ? 'Browser Tester' : undefined,
        };
        emulator.addUser(user);
        emulator.setNextUser(user.id);

        await inBrowser(`${provider}-login`, async (page, shot) => {
          await openConsent(page, provider, shot);

          const handoff = page.waitForResponse((res) =>
            res.url().startsWith(`${serviceUrl}/login/oauth2/code/${provider}?`),
          );
          const landing = page.waitForRequest((req) => req.url().startsWith(`${spaUrl}/oauth-redirect`));
          const me = page.waitForResponse(
            (res) => res.url() === `${serviceUrl}/api/auth/me` && res.request().method() === 'GET',
          );
          // Awaited below; a step failing first must not leave them as unhandled rejections.
          for (const waiter of [handoff, landing, me]) waiter.catch(() => undefined);
          await page.locator('#consent-accept').click();

          // The callback handed the tokens to the SPA in the query (the seed's contract) ...
          const callback = await handoff;
          expect(callback.status()).toBe(302);
          expect(callback.headers()['referrer-policy']).toBe('no-referrer');
          const location = new URL(callback.headers().location ?? '');
          expect(location.origin + location.pathname).toBe(`${spaUrl}/oauth-redirect`);
          expect([...location.searchParams.keys()]).toEqual(['accessToken', 'refreshToken']);
          // ... and the browser applied its Referrer-Policy: the callback was told it came from the
          // provider's page, the SPA is told nothing.
          expect(await callback.request().headerValue('referer')).toBe(`${emulator.baseUrl}/`);
          expect(await (await landing).headerValue('referer')).toBeNull();

          expect(await redirectPageOutcome(page)).toEqual({
            state: 'done',
            errorCode: '',
            errorMessage: '',
            traceId: '',
          });
          // The SPA called the service cross-origin with its Bearer token, and CORS let it read the answer.
          const meResponse = await me;
          expect(meResponse.status()).toBe(200);
          expect(meResponse.headers()['access-control-allow-origin']).toBe(spaUrl);
          const tokens = await storedTokens(page);
          expect(tokens).toEqual({
            accessToken: location.searchParams.get('accessToken'),
            refreshToken: location.searchParams.get('refreshToken'),
          });
          expect(tokens.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
          expect(await meResponse.request().headerValue('authorization')).toBe(`Bearer ${tokens.accessToken}`);
          // The SPA took the tokens out of the address bar.
          expect(page.url()).toBe(`${spaUrl}/oauth-redirect`);

          const shown = {
            nickname: await page.locator('#user-nickname').innerText(),
            email: await page.locator('#user-email').innerText(),
            provider: await page.locator('#user-provider').innerText(),
            id: await page.locator('#user-id').innerText(),
          };
          await shot('logged-in');

          const rows: UserRow[] = await need(t, 'app').db.query(
            `SELECT id::text, email, nickname, provider, provider_user_id
               FROM users WHERE provider = $1 AND provider_user_id = $2`,
            [provider, user.id],
          );
          expect(rows).toHaveLength(1);
          expect(rows[0]).toMatchObject({ email: user.email, provider, provider_user_id: user.id });
          expect(shown).toEqual({ nickname: rows[0].nickname, email: user.email, provider, id: rows[0].id });
          if (provider === 'kakao') expect(shown.nickname).toBe('브라우저카카오');
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'kakao: cancel on the consent page → the SPA shows ACCESS_DENIED and its Korean message',
      async () => {
        const emulator = need(emulators, 'emulators').kakao;
        const id = String(randomInt(1e9, 1e12));
        emulator.addUser({ id, email: `browser-cancel-${id}@example.com`, nickname: '취소할사람' });
        emulator.setNextUser(id);
        const before = await usersCount();

        await inBrowser('kakao-cancel', async (page, shot) => {
          await openConsent(page, 'kakao', shot);

          await page.locator('#consent-cancel').click();

          const outcome = await redirectPageOutcome(page);
          await shot('cancelled');
          expect(outcome).toMatchObject({
            state: 'error',
            errorCode: 'ACCESS_DENIED',
            errorMessage: '소셜 로그인이 취소되었습니다.',
          });
          expect(outcome.traceId).toMatch(/^[0-9a-f]{32}$/);
          expect(await page.locator('#error').isVisible()).toBe(true);
          expect(await page.locator('#user').isVisible()).toBe(false);
          expect(await storedTokens(page)).toEqual({ accessToken: null, refreshToken: null });
        });
        expect(await usersCount()).toBe(before);
      },
      TEST_TIMEOUT_MS,
    );
  },
);
