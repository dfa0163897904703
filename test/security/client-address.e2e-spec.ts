import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBuilt,
  getFrom,
  type RawAnswer,
  type ReverseProxy,
  startReverseProxy,
  startTestApp,
  type TestApp,
} from '../support/kit.js';

/**
 * SPEC §1 "Client address": behind a real reverse proxy that appends to
 * X-Forwarded-For as nginx does, the per-IP limit keys on the address the
 * proxy appended, never on one the client wrote. Clients are played from
 * distinct loopback addresses (127.0.0.2, 127.0.0.3), so "the client the
 * proxy saw" and "the proxy" are different addresses.
 */

const MAX = 5;
const ME = '/api/auth/me';
const CLIENT = '127.0.0.2';
const OTHER_CLIENT = '127.0.0.3';
const BOOT_TIMEOUT_MS = 60_000;

const servicePort = (t: TestApp) => ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
const baseUrl = (t: TestApp) => `http://127.0.0.1:${servicePort(t)}`;

const counter = async (t: TestApp, address: string) => {
  const value = await t.store.get(`rate:${address}`);
  return value === null ? null : Number(value);
};

function expectTooManyRequests(res: RawAnswer): void {
  expect({ status: res.status, errorCode: res.body.errorCode, message: res.body.message }).toEqual({
    status: 429,
    errorCode: 'TOO_MANY_REQUESTS',
    message: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/** MAX requests from `from`, each with a different forged X-Forwarded-For: none is limited; the next one is. */
async function exhaustWithRotatingForgedHeaders(port: number, from: string): Promise<RawAnswer> {
  for (let i = 1; i <= MAX; i += 1) {
    const res = await getFrom(from, port, ME, { 'X-Forwarded-For': `1.2.3.${i}` });
    expect({ i, status: res.status, errorCode: res.body.errorCode }).toEqual({
      i,
      status: 401,
      errorCode: 'TOKEN_MISSING',
    });
  }
  return getFrom(from, port, ME, { 'X-Forwarded-For': `1.2.3.${MAX + 1}` });
}

describe('the reverse proxy used by these tests', () => {
  let echo: Server;
  let proxy: ReverseProxy;
  let seen: string | undefined;

  beforeAll(async () => {
    echo = createServer((req, res) => {
      seen = req.headers['x-forwarded-for'] as string | undefined;
      res.end('{}');
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', () => resolve()));
    proxy = await startReverseProxy(`http://127.0.0.1:${(echo.address() as AddressInfo).port}`);
  });

  afterAll(async () => {
    await proxy.close();
    echo.closeAllConnections();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('appends the peer it accepted to the X-Forwarded-For the client sent, as nginx does', async () => {
    await getFrom(CLIENT, proxy.port, '/', { 'X-Forwarded-For': '1.2.3.4' });
    expect(seen?.split(',').map((entry) => entry.trim())).toEqual(['1.2.3.4', CLIENT]);
    await getFrom(CLIENT, proxy.port, '/');
    expect(seen).toBe(CLIENT);
  });
});

describe('TRUST_PROXY=1 behind one proxy', () => {
  let t: TestApp;
  let proxy: ReverseProxy;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '1', RATE_LIMIT_MAX: String(MAX) });
    proxy = await startReverseProxy(baseUrl(t));
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  beforeEach(() => t.flushStore());

  it('keys the client on the address the proxy appended, not on the forged X-Forwarded-For', async () => {
    const res = await getFrom(CLIENT, proxy.port, ME, { 'X-Forwarded-For': '1.2.3.4' });
    expect(res.status).toBe(401);
    expect({
      client: await counter(t, CLIENT),
      forged: await counter(t, '1.2.3.4'),
      proxy: await counter(t, '127.0.0.1'),
    }).toEqual({ client: 1, forged: null, proxy: null });
  });

  it('limits a client after RATE_LIMIT_MAX requests even when it rotates forged X-Forwarded-For values', async () => {
    expectTooManyRequests(await exhaustWithRotatingForgedHeaders(proxy.port, CLIENT));
    expect(await counter(t, CLIENT)).toBe(MAX + 1);
    for (let i = 1; i <= MAX + 1; i += 1) expect(await counter(t, `1.2.3.${i}`)).toBeNull();
  });

  it("does not let a client spend another client's budget by forging its address", async () => {
    for (let i = 0; i <= MAX; i += 1) await getFrom(CLIENT, proxy.port, ME, { 'X-Forwarded-For': OTHER_CLIENT });
    expect(await counter(t, OTHER_CLIENT)).toBeNull();
    const other = await getFrom(OTHER_CLIENT, proxy.port, ME);
    expect(other.status).toBe(401);
    expect({ client: await counter(t, CLIENT), other: await counter(t, OTHER_CLIENT) }).toEqual({
      client: MAX + 1,
      other: 1,
    });
  });
});

describe('TRUST_PROXY=2 behind two chained proxies', () => {
  // client 127.0.0.2 → outer proxy (appends 127.0.0.2, connects from 127.0.1.1) → inner proxy (appends 127.0.1.1) → service
  let t: TestApp;
  let inner: ReverseProxy;
  let outer: ReverseProxy;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '2', RATE_LIMIT_MAX: String(MAX) });
    inner = await startReverseProxy(baseUrl(t));
    outer = await startReverseProxy(`http://127.0.0.1:${inner.port}`, { localAddress: '127.0.1.1' });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await outer?.close();
    await inner?.close();
    await t?.close();
  });

  it('takes the entry the outer proxy appended and limits it despite rotating forged values', async () => {
    expectTooManyRequests(await exhaustWithRotatingForgedHeaders(outer.port, CLIENT));
    expect({
      client: await counter(t, CLIENT),
      outerProxy: await counter(t, '127.0.1.1'),
      forged: await counter(t, '1.2.3.1'),
    }).toEqual({ client: MAX + 1, outerProxy: null, forged: null });
  });
});

describe('TRUST_PROXY=0 (the default)', () => {
  let t: TestApp;
  let proxy: ReverseProxy;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '0', RATE_LIMIT_MAX: String(MAX) });
    proxy = await startReverseProxy(baseUrl(t));
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  beforeEach(() => t.flushStore());

  it('ignores a forged X-Forwarded-For sent straight to the service and limits the socket address', async () => {
    const port = servicePort(t);
    expectTooManyRequests(await exhaustWithRotatingForgedHeaders(port, CLIENT));
    expect(await counter(t, CLIENT)).toBe(MAX + 1);
    expect(await counter(t, '1.2.3.1')).toBeNull();
  });

  it('behind a proxy it trusts nothing the header says: the proxy is the client', async () => {
    expectTooManyRequests(await exhaustWithRotatingForgedHeaders(proxy.port, CLIENT));
    expect({ proxy: await counter(t, '127.0.0.1'), client: await counter(t, CLIENT) }).toEqual({
      proxy: MAX + 1,
      client: null,
    });
  });
});

describe('TRUST_PROXY as a list of proxy addresses/CIDRs', () => {
  // The proxy connects from 127.0.1.1; the clients stay outside 127.0.1.0/24.
  const PROXY_ADDRESS = '127.0.1.1';
  let t: TestApp;
  let proxy: ReverseProxy;

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: '127.0.1.0/24, ::1', RATE_LIMIT_MAX: String(MAX) });
    proxy = await startReverseProxy(baseUrl(t), { localAddress: PROXY_ADDRESS });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await proxy?.close();
    await t?.close();
  });

  beforeEach(() => t.flushStore());

  it('takes the entry the listed proxy appended and limits it despite rotating forged values', async () => {
    expectTooManyRequests(await exhaustWithRotatingForgedHeaders(proxy.port, CLIENT));
    expect({
      client: await counter(t, CLIENT),
      proxy: await counter(t, PROXY_ADDRESS),
      forged: await counter(t, '1.2.3.1'),
    }).toEqual({ client: MAX + 1, proxy: null, forged: null });
  });

  it('ignores X-Forwarded-For from a peer that is not a listed proxy', async () => {
    const port = servicePort(t);
    await getFrom(OTHER_CLIENT, port, ME, { 'X-Forwarded-For': '1.2.3.4' });
    expect({ client: await counter(t, OTHER_CLIENT), forged: await counter(t, '1.2.3.4') }).toEqual({
      client: 1,
      forged: null,
    });
  });
});

describe('TRUST_PROXY=true', () => {
  it(
    'stops the start with a message naming the variable and why',
    async () => {
      ensureBuilt();
      const dataDir = mkdtempSync(join(tmpdir(), 'auth-trust-proxy-'));
      try {
        const child = spawn(process.execPath, ['dist/src/main.js'], {
          env: {
            PATH: process.env.PATH,
            NODE_ENV: 'development',
            TRUST_PROXY: 'true',
            PORT: '0',
            HOST: '127.0.0.1',
            DATA_DIR: dataDir,
            PGLITE_DATA_DIR: 'memory://',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        child.stdout.resume();
        // A service that starts instead would run until killed: give it a bounded time, then stop it.
        const timer = setTimeout(() => child.kill('SIGKILL'), BOOT_TIMEOUT_MS);
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        clearTimeout(timer);
        expect({ code, stderr }).toEqual({
          code: 1,
          stderr: expect.stringContaining('TRUST_PROXY: "true" is refused'),
        });
        expect(stderr).toContain('TRUST_PROXY: "true" is refused');
        expect(stderr).toContain('any client could choose its address');
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    BOOT_TIMEOUT_MS * 2,
  );
});
