/**
 * Swagger UI under its Content-Security-Policy (SPEC §1), in headless
 * Chromium: the page loads its scripts and styles from /api/docs/*, renders
 * every operation, runs "Try it out", and no CSP violation is reported; and
 * no other page can frame it. A screenshot goes to test/artifacts/api-docs/.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/kit.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, STEP_TIMEOUT_MS } from './browser-kit.js';

const BOOT_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 60_000;
const SCREENSHOTS = fileURLToPath(new URL('../artifacts/api-docs/', import.meta.url));

const hasChromium = existsSync(CHROMIUM_PATH);
const describeInBrowser = hasChromium ? describe : describe.skip;

interface Problems {
  violations: string[];
  errors: string[];
}

/** Records CSP violations (as the page's own event reports them) and script errors. */
async function watch(page: Page): Promise<Problems> {
  const problems: Problems = { violations: [], errors: [] };
  await page.exposeFunction('reportCspViolation', (text: string) => problems.violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (text: string) => void }).reportCspViolation;
      void report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'}`);
    });
  });
  page.on('pageerror', (error) => problems.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(message.text());
  });
  return problems;
}

describeInBrowser(`Swagger UI in a real browser (${CHROMIUM_PATH})`, () => {
  let t: TestApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    t = await startTestApp();
    base = `http://127.0.0.1:${((t.app.getHttpServer() as Server).address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, BOOT_TIMEOUT_MS);

  it(
    'renders every operation, styled, and runs "Try it out" with no CSP violation',
    async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const problems = await watch(page);
      const document = (await (await fetch(`${base}/api/docs-json`)).json()) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const operations = Object.values(document.paths).reduce((sum, item) => sum + Object.keys(item).length, 0);

      const answer = await page.goto(`${base}/api/docs`);
      expect(answer?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
      await page.locator('.opblock').first().waitFor();

      expect(await page.locator('.info .title').innerText()).toContain('Auth API');
      expect(await page.locator('.opblock').count()).toBe(operations);
      // swagger-ui.css applied: the GET badge is painted, not a transparent default.
      const badge = page.locator('.opblock-get .opblock-summary-method').first();
      expect(await badge.evaluate((element) => getComputedStyle(element).backgroundColor)).not.toBe('rgba(0, 0, 0, 0)');

      const health = page.locator('.opblock').filter({ has: page.locator('[data-path="/health"]') });
      await health.locator('.opblock-summary').click();
      await health.getByRole('button', { name: 'Try it out' }).click();
      await health.getByRole('button', { name: 'Execute' }).click();
      const status = health.locator('.live-responses-table .response .response-col_status');
      await status.waitFor();
      expect((await status.innerText()).trim()).toBe('200');

      await page.screenshot({ path: `${SCREENSHOTS}swagger-ui.png` });
      expect(problems).toEqual({ violations: [], errors: [] });
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'cannot be framed by another page',
    async () => {
      const page = await browser.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const answered: number[] = [];
      page.on('response', (response) => {
        if (response.url() === `${base}/api/docs`) answered.push(response.status());
      });
      // setContent resolves on the page's load event, which waits for the frame's own load.
      await page.setContent(`<iframe id="docs" src="${base}/api/docs" width="800" height="600"></iframe>`);
      expect(answered).toEqual([200]);
      const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
      // Chromium puts its own error document in a refused frame: the docs page's #swagger-ui never arrives.
      expect(frame).toBeDefined();
      expect(await frame?.locator('#swagger-ui').count()).toBe(0);
      await page.close();
    },
    TEST_TIMEOUT_MS,
  );
});
