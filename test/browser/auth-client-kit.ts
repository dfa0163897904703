/**
 * What the browser tests of @pet-market/auth-client need: the BUILT package
 * (client/dist) served to a small page on its own loopback origin, another
 * origin that records what reaches it, and a tap on the service's own HTTP
 * server that counts requests, holds some back (to make races happen for
 * sure) and plays a load balancer's 503 or a dropped connection.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import type { AuthClient } from '../../client/src/index.js';
import { CHROMIUM_ARGS, CHROMIUM_PATH, STEP_TIMEOUT_MS } from './browser-kit.js';

const CLIENT_DIR = fileURLToPath(new URL('../../client/', import.meta.url));
const CLIENT_DIST = join(CLIENT_DIR, 'dist');
const PAGE_DIR = fileURLToPath(new URL('./auth-client-page/', import.meta.url));

/** The lock the client takes around refresh and logout, for its default storageKey. */
export const SESSION_LOCK = 'pet-market-auth:session';
export const STORAGE_KEY = 'pet-market-auth';

/** What the test page puts on `window` (see auth-client-page/index.html). */
export interface PageGlobals {
  auth: AuthClient;
  authEvents: string[];
  authReady: boolean;
  redirectOutcome?: Promise<unknown>;
}

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

/** The page must run what `npm run build` ships; build the package when dist/ is missing or older than src/. */
export function ensureClientBuilt(): void {
  const entry = join(CLIENT_DIST, 'index.js');
  if (existsSync(entry) && newest(join(CLIENT_DIR, 'src')) <= statSync(entry).mtimeMs) return;
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const build = spawnSync(process.execPath, [tsc, '-p', join(CLIENT_DIR, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error('building client/ failed (npm run build -w client)');
}

function listen(server: HttpServer): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeServer(server: HttpServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

const PAGES: Record<string, string> = {
  '/': 'index.html',
  '/oauth-redirect': 'oauth-redirect.html',
};

export interface ClientPages {
  /** The pages' origin (no trailing slash): the service's CORS_ORIGINS. */
  url: string;
  /** The service's base URL the pages hand to createAuthClient(); known once the service listens. */
  serviceUrl: string;
  close(): Promise<void>;
}

/**
 * Serves the test page and the built package: `/` and `/oauth-redirect`
 * (with `{{SERVICE_URL}}` filled in), `/auth-client/*.js` from client/dist.
 * Pages are sent with `Referrer-Policy: no-referrer`, as the README asks of
 * an app's redirect page.
 */
export async function startClientPages(): Promise<ClientPages> {
  const pages = { serviceUrl: '' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://pages.invalid').pathname;
    const notFound = () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    if (req.method !== 'GET') return notFound();
    const headers = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
    if (PAGES[path]) {
      readFile(join(PAGE_DIR, PAGES[path]), 'utf8').then(
        (markup) =>
          res
            .writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' })
            .end(markup.replaceAll('{{SERVICE_URL}}', pages.serviceUrl)),
        (error: Error) => res.writeHead(500).end(error.message),
      );
      return;
    }
    const module = /^\/auth-client\/([\w-]+\.js)$/.exec(path);
    if (!module) return notFound();
    readFile(join(CLIENT_DIST, module[1]), 'utf8').then(
      (source) => res.writeHead(200, { ...headers, 'content-type': 'text/javascript; charset=utf-8' }).end(source),
      () => notFound(),
    );
  });
  const port = await listen(server);
  return Object.assign(pages, { url: `http://127.0.0.1:${port}`, close: () => closeServer(server) });
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

/** Another origin: answers 200 to anything (CORS open) and keeps every request it got. */
export async function startOtherOrigin(): Promise<{
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    res
      .writeHead(req.method === 'OPTIONS' ? 204 : 200, {
        'access-control-allow-origin': '*',
        'access-control-allow-headers': '*',
        'content-type': 'application/json',
      })
      .end(req.method === 'OPTIONS' ? undefined : '{"ok":true}');
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, requests, close: () => closeServer(server) };
}

export interface TappedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  /** The answer's status, once it has been sent. */
  status?: number;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Sits in front of the app's request handler on its own HTTP server (the
 * browser talks to the real app): every request is recorded on arrival and
 * its status on finish. `hold()` keeps matching requests back until
 * released; `fail()` answers the next matching requests itself, as a load
 * balancer in front of an unreachable service would (503 with the SPEC's
 * envelope and Retry-After) or by dropping the connection.
 */
export class ServiceTap {
  readonly requests: TappedRequest[] = [];
  private held: { method: string; path: string; queue: (() => void)[] } | null = null;
  private faults: { method: string; path: string; kind: '503' | 'drop' }[] = [];

  private constructor(
    private readonly handlers: Listener[],
    private readonly corsOrigin: string,
  ) {}

  static attach(server: HttpServer, corsOrigin: string): ServiceTap {
    const handlers = server.listeners('request') as Listener[];
    server.removeAllListeners('request');
    const tap = new ServiceTap(handlers, corsOrigin);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => tap.onRequest(req, res));
    return tap;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? '';
    const path = (req.url ?? '').split('?')[0];
    const seen: TappedRequest = { method, path, authorization: req.headers.authorization };
    this.requests.push(seen);
    res.once('finish', () => {
      seen.status = res.statusCode;
    });
    const fault = this.faults.find((f) => f.method === method && f.path === path);
    if (fault) {
      if (fault.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'retry-after': '5',
        'x-trace-id': 'f'.repeat(32),
        'access-control-allow-origin': this.corsOrigin,
        'access-control-expose-headers': 'X-Trace-Id, Retry-After',
      });
      res.end(
        JSON.stringify({
          code: { code: 503, message: '서비스 이용 불가' },
          message: '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.',
          traceId: 'f'.repeat(32),
          timestamp: '2025-11-14T15:45:00',
          errorCode: 'SERVICE_UNAVAILABLE',
        }),
      );
      return;
    }
    const dispatch = () => {
      for (const handler of this.handlers) handler(req, res);
    };
    if (this.held && this.held.method === method && this.held.path === path) this.held.queue.push(dispatch);
    else dispatch();
  }

  /** Holds matching requests back until the returned release() (which lets them and all later ones through). */
  hold(method: string, path: string): () => void {
    const held = { method, path, queue: [] as (() => void)[] };
    this.held = held;
    return () => {
      if (this.held === held) this.held = null;
      for (const dispatch of held.queue.splice(0)) dispatch();
    };
  }

  /**
   * Matching requests are answered by the tap instead of the app until the
   * returned clear() (a browser may retry a request whose connection dropped).
   */
  fail(method: string, path: string, kind: '503' | 'drop'): () => void {
    const fault = { method, path, kind };
    this.faults.push(fault);
    return () => {
      this.faults = this.faults.filter((f) => f !== fault);
    };
  }

  /** Requests that arrived (optionally: answered with `status`) since `from` (an index into requests). */
  count(method: string, path: string, status?: number, from = 0): number {
    return this.requests
      .slice(from)
      .filter((r) => r.method === method && r.path === path && (status === undefined || r.status === status)).length;
  }

  mark(): number {
    return this.requests.length;
  }

  /** Waits (bounded) until `condition` holds; no fixed sleeps. */
  async waitFor(condition: () => boolean, what: string, timeoutMs = STEP_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: STEP_TIMEOUT_MS * 2,
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'ko-KR' });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

/** Opens the test page in a new tab of `context` and waits until its client exists. */
export async function openTab(context: BrowserContext, pagesUrl: string, console: string[] = []): Promise<Page> {
  const page = await context.newPage();
  page.on('console', (message) => console.push(`[${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.push(`[pageerror] ${error.message}`));
  await page.goto(`${pagesUrl}/`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).authReady === true);
  return page;
}

/** An AuthError (or anything thrown) as plain data the test can compare. */
export interface ThrownError {
  name: string;
  status?: number;
  errorCode?: string;
  message: string;
  traceId?: string | null;
  retryAfter?: number | null;
}

/** The `sid` claim of a JWT (read, not verified: the service has verified it). */
export function sessionIdOf(jwt: string): string {
  const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { sid: string };
  return claims.sid;
}
