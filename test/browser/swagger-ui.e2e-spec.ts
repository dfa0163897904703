/**
 * SPEC §4 "Docs": reissue works from Swagger UI. Headless Chromium opens
 * /api/docs, enters the access token through the Authorize button, fills
 * Refresh-Token in reissue's "Try it out" and executes it: Swagger UI must
 * send both headers (it drops a header parameter named Authorization, so the
 * token has to come from the operation's bearer security) to the document's
 * first server, and the service must answer 200 with a new pair.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { claimsOf, logIn, refreshRows, signUp, startTestApp, type TestApp } from '../support/kit.js';
import { ARTIFACTS_DIR, CHROMIUM_ARGS, CHROMIUM_PATH, STEP_TIMEOUT_MS } from './browser-kit.js';

const BOOT_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 60_000;

const hasChromium = existsSync(CHROMIUM_PATH);
const describeInBrowser = hasChromium ? describe : describe.skip;

describeInBrowser('Swagger UI (Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS_DIR, { recursive: true });
    t = await startTestApp();
    baseUrl = `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: STEP_TIMEOUT_MS * 2,
    });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, BOOT_TIMEOUT_MS);

  it(
    "reissues through Authorize and reissue's Try it out, sending the access token and Refresh-Token",
    async () => {
      const user = await signUp(t);
      const login = await logIn(t, user.email, user.password);
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      const consoleLines: string[] = [];
      page.on('pageerror', (error) => consoleLines.push(`[pageerror] ${error.message}`));
      try {
        await page.goto(`${baseUrl}/api/docs`);

        await page.locator('button.authorize').first().click();
        const bearer = page.locator('.auth-container').filter({ hasText: 'bearer' });
        await bearer.locator('input').fill(login.accessToken);
        await bearer.locator('button.authorize').click();
        await page.locator('button.btn-done').click();

        const reissue = page.locator('#operations-auth-AuthController_reissue');
        await reissue.locator('.opblock-summary').click();
        await reissue.locator('button.try-out__btn').click();
        await reissue.locator('tr[data-param-name="Refresh-Token"] input').fill(login.refreshToken);
        const sent = page.waitForRequest((request) => request.url().endsWith('/api/auth/reissue'));
        const answered = page.waitForResponse((response) => response.url().endsWith('/api/auth/reissue'));
        await reissue.locator('button.execute').click();

        const request = await sent;
        expect(request.url()).toBe(`${baseUrl}/api/auth/reissue`);
        expect(request.headers().authorization).toBe(`Bearer ${login.accessToken}`);
        expect(request.headers()['refresh-token']).toBe(login.refreshToken);
        const response = await answered;
        expect(response.status()).toBe(200);
        const body = (await response.json()) as { data: { accessToken: string; refreshToken: string } };
        expect(claimsOf(body.data.accessToken).sid).toBe(claimsOf(login.accessToken).sid);
        expect(
          (await reissue.locator('.live-responses-table tbody .response-col_status').first().innerText()).trim(),
        ).toBe('200');
        await page.screenshot({ path: `${ARTIFACTS_DIR}swagger-ui-reissue.png`, fullPage: true });

        // The service rotated: the presented refresh token is spent, replaced by the one Swagger UI shows.
        const old = claimsOf(login.refreshToken);
        const rows = await refreshRows(t, old.sid);
        expect(rows.find((row) => row.jti === old.jti)).toMatchObject({
          spentAt: expect.any(Date),
          replacedBy: claimsOf(body.data.refreshToken).jti,
        });
      } catch (error) {
        await page
          .screenshot({ path: `${ARTIFACTS_DIR}swagger-ui-failure.png`, fullPage: true })
          .catch(() => undefined);
        if (error instanceof Error) error.message += `\n  browser: ${consoleLines.join('\n    ') || '(no page error)'}`;
        throw error;
      } finally {
        await context.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
