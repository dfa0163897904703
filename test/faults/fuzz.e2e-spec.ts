import { createHmac } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import type { Server } from 'node:http';
import { countRows, signUp, useRealServices, useTestApp } from '../support/kit.js';

const SEED = 0x5eed_2025;
/** Full size in `npm run test:e2e` (CI); a laptop's `npm test` sends a fifth, from the same seed. */
const TOTAL = useRealServices ? 10_000 : 2_000;
/** Share of requests written as raw, malformed HTTP on a socket of their own. */
const RAW_SHARE = 0.03;
const CONCURRENCY = 16;
const TIME_LIMIT_MS = 120_000;

/** mulberry32: small, fast and deterministic, so a failing request can be replayed from the seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Percent-encodes every byte of the string's UTF-8 (lone surrogates included, as U+FFFD). */
function pct(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
}

/** A header value as raw bytes: its UTF-8, sent as is, without the control characters HTTP forbids. */
function headerValue(text: string): string {
  return [...Buffer.from(text, 'utf8').toString('latin1')]
    .filter((char) => {
      const code = char.charCodeAt(0);
      return code === 0x09 || (code >= 0x20 && code !== 0x7f);
    })
    .join('');
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

/**
 * Builds requests that are invalid by construction: no email is ever verified
 * (every send carries a malformed email), no password is ever right, every
 * token is forged or garbage, every OAuth state and code unknown. So every
 * request is refused and none may write a row.
 */
class Fuzzer {
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(max: number): number {
    return Math.floor(this.random() * max);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  string(maxLength = 40): string {
    const alphabets = [
      'abcdefghijklmnopqrstuvwxyz0123456789',
      '가나다라마바사아자차카타파하홍길동',
      ' \t\r\n\\"\'{}[]<>%&$#@!;:,./?~`^*()+=|_-',
      '\u0000\u0001\u001f\u007f\u200b\ufeff\ud83d\ude00\u00e9',
    ];
    const alphabet = this.pick(alphabets);
    const length = this.int(maxLength + 1);
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  /** Anything JSON can hold, of any type, sometimes huge or deep. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 6 : 9)) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1e308, -0, 123456, 2 ** 53 + 1, 0.5]);
      case 3:
        return this.string(this.chance(0.05) ? 5_000 : 40);
      case 4:
        return '';
      case 5:
        return this.pick(['__proto__', 'constructor', 'prototype', 'toString', 'null', 'undefined', 'NaN']);
      case 6:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      case 7:
        return Object.fromEntries(Array.from({ length: this.int(4) }, () => [this.string(8), this.value(depth + 1)]));
      default:
        return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
    }
  }

  /** An email the validator refuses: no '@', too long, or not a string. */
  badEmail(): unknown {
    switch (this.int(4)) {
      case 0:
        return this.string(30).replace(/@/g, '');
      case 1:
        return `${'a'.repeat(95 + this.int(50))}@example.com`;
      case 2:
        return this.value();
      default:
        return this.pick(['', ' ', 'user.example.com', '@', 'a@', '@b.c', 'a@@b.c', 'a b@c.d']);
    }
  }

  /** Any email, well-formed or not; none is ever verified or has a known password. */
  anyEmail(): unknown {
    return this.chance(0.5) ? `fuzz-${this.int(1e9)}@example.com` : this.badEmail();
  }

  /** A token that is never ours: garbage, truncated, `alg: none`, another algorithm, or signed with another secret. */
  forgedToken(): string {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: String(this.int(1000)),
      sid: '00000000-0000-4000-8000-000000000000',
      jti: '00000000-0000-4000-8000-000000000001',
      typ: this.pick(['access', 'refresh', 'admin', 1]),
      iat: now,
      exp: now + this.pick([3600, -3600, 0, 1e12]),
    };
    switch (this.int(7)) {
      case 0:
        return this.string(200);
      case 1:
        return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      case 2: {
        const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
        return `${unsigned}.${createHmac('sha256', 'not-the-secret-not-the-secret-xx').update(unsigned).digest('base64url')}`;
      }
      case 3:
        return `${b64({ alg: this.pick(['HS512', 'RS256', 'ES256', 'hs256', '']), typ: 'JWT' })}.${b64(claims)}.${this.string(43)}`;
      case 4:
        return `${b64(this.value())}.${b64(this.value())}.${this.string(10)}`;
      case 5:
        return 'a'.repeat(this.pick([1, 64, 8_000]));
      default:
        return this.pick(['', '.', '..', '...', 'null', 'undefined', 'Bearer', 'eyJ', 'eyJhbGciOiJub25lIn0..']);
    }
  }

  authorization(): Record<string, string> {
    if (this.chance(0.15)) return {};
    const scheme = this.pick(['Bearer ', 'bearer ', 'Basic ', 'Bearer  ', 'Token ', '', 'Bearer\t']);
    return { authorization: `${scheme}${this.forgedToken()}` };
  }

  bodyFor(path: string): unknown {
    if (this.chance(0.15)) return this.value();
    switch (path) {
      case '/api/auth/email/verification/send':
        return { email: this.badEmail(), extra: this.value() };
      case '/api/auth/email/verification/verify':
        return {
          email: this.anyEmail(),
          verificationCode: this.pick([this.string(8), '000000', 123456, null, ''] as unknown[]),
        };
      case '/api/auth/signup':
        return {
          email: this.anyEmail(),
          password: this.pick([this.string(200), 'short', 'MyPassword123!', null] as unknown[]),
          name: this.value(),
          nickname: this.pick([this.string(20), '', null] as unknown[]),
          birthDate: this.pick([
            '2000-01-01',
            '2030-01-01',
            '1899-12-31',
            '2000-02-30',
            this.string(10),
            20000101,
          ] as unknown[]),
          addressSido: this.value(),
        };
      case '/api/auth/login':
        return {
          email: this.anyEmail(),
          password: this.pick([this.string(30), 'WrongPassword1!', null, 12345678] as unknown[]),
        };
      case '/api/auth/refresh':
        return {
          refreshToken: this.pick([this.forgedToken(), `Bearer ${this.forgedToken()}`, this.value()] as unknown[]),
        };
      case '/api/auth/social/kakao':
        return { accessToken: this.pick([this.string(60), '', null, this.value()] as unknown[]) };
      case '/api/auth/oauth2/token':
        return { code: this.pick([this.string(40), '', null, this.value()] as unknown[]) };
      case '/api/auth/password/reset/request':
        return { email: this.badEmail() };
      case '/api/auth/password/reset/confirm':
        return {
          token: this.pick([this.string(43), '', null, this.value()] as unknown[]),
          newPassword: this.pick([this.string(200), 'short', 'MyPassword123!', null] as unknown[]),
        };
      case '/api/auth/password/change':
        return {
          currentPassword: this.value(),
          newPassword: this.pick([this.string(30), 'MyPassword123!', null] as unknown[]),
        };
      case '/api/auth/token/revoke':
        return { refreshToken: this.pick([this.forgedToken(), this.value()] as unknown[]) };
      default:
        return this.value();
    }
  }

  encodeBody(value: unknown): { body: Buffer; contentType?: string } {
    switch (this.int(12)) {
      case 0:
        return { body: Buffer.from(JSON.stringify(value).slice(0, -1 - this.int(3))), contentType: 'application/json' };
      case 1:
        return {
          body: Buffer.from(this.string(100)),
          contentType: this.pick([
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/xml',
          ]),
        };
      case 2:
        return { body: Buffer.alloc(17 * 1024 + this.int(20_000), 0x61), contentType: 'application/json' };
      case 3:
        return {
          body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]),
          contentType: 'application/json',
        };
      case 4:
        return { body: Buffer.from('['.repeat(5_000) + ']'.repeat(5_000)), contentType: 'application/json' };
      case 5:
        return {
          body: Buffer.from(JSON.stringify(value)),
          contentType: this.pick([
            'application/json; charset=utf-16',
            'application/json; charset=latin1',
            'application/vnd.api+json',
            'APPLICATION/JSON',
            'application/json;;',
          ]),
        };
      case 6:
        return { body: Buffer.alloc(0), contentType: 'application/json' };
      case 7:
        return { body: Buffer.from(JSON.stringify(value)) };
      default:
        return { body: Buffer.from(JSON.stringify(value) ?? 'null'), contentType: 'application/json' };
    }
  }

  next(): FuzzRequest {
    const providers = ['kakao', 'google', 'github', 'naver'];
    const targets: { method: string; path: string; body: boolean; auth?: boolean; refreshHeader?: boolean }[] = [
      { method: 'POST', path: '/api/auth/email/verification/send', body: true },
      { method: 'POST', path: '/api/auth/email/verification/verify', body: true },
      { method: 'POST', path: '/api/auth/signup', body: true },
      { method: 'POST', path: '/api/auth/login', body: true },
      { method: 'POST', path: '/api/auth/logout', body: false, auth: true },
      { method: 'POST', path: '/api/auth/refresh', body: true },
      { method: 'GET', path: '/api/auth/me', body: false, auth: true },
      { method: 'POST', path: '/api/auth/reissue', body: false, auth: true, refreshHeader: true },
      { method: 'POST', path: '/api/auth/social/kakao', body: true },
      { method: 'POST', path: '/api/auth/oauth2/token', body: true },
      { method: 'POST', path: '/api/auth/password/reset/request', body: true },
      { method: 'POST', path: '/api/auth/password/reset/confirm', body: true },
      { method: 'POST', path: '/api/auth/password/change', body: true, auth: true },
      { method: 'GET', path: '/api/auth/sessions', body: false, auth: true },
      { method: 'DELETE', path: `/api/auth/sessions/${pct(this.string(36))}`, body: false, auth: true },
      { method: 'POST', path: '/api/auth/logout/all', body: false, auth: true },
      { method: 'POST', path: '/api/auth/token/revoke', body: true },
      { method: 'DELETE', path: '/api/auth/me', body: this.chance(0.5), auth: true },
      {
        method: this.pick(['GET', 'POST']),
        path: `/api/auth/kakao/unlink?app_id=${pct(this.string(8))}&user_id=${pct(this.string(12))}`,
        body: this.chance(0.5),
      },
      {
        method: 'GET',
        path: `/oauth2/authorization/${this.string(12).replace(/[^a-z0-9]/g, '') || 'x'}z`,
        body: false,
      },
      {
        method: 'GET',
        path: `/login/oauth2/code/${this.pick(providers)}?state=${pct(this.string(20))}&code=${pct(this.string(20))}`,
        body: false,
      },
      {
        method: 'GET',
        path: `/login/oauth2/code/${this.pick(providers)}?error=${pct(this.string(10))}&error_description=${pct(this.string(30))}`,
        body: false,
      },
      { method: 'GET', path: `/api/auth/kakao/callback?code=${pct(this.string(20))}`, body: false },
      { method: 'GET', path: '/health', body: false },
      {
        method: this.pick(['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']),
        path: this.pick(['/api/auth/login', '/api/auth/signup', '/api/auth/refresh', '/api/auth/me']),
        body: this.chance(0.5),
      },
      {
        method: 'GET',
        path: `/${pct(this.string(30))}/../${'%2e%2e/'.repeat(this.int(5))}${'x'.repeat(this.int(3_000))}`,
        body: false,
      },
    ];
    const target = this.pick(targets);
    const headers: Record<string, string> = {};
    if (target.auth || this.chance(0.1)) Object.assign(headers, this.authorization());
    if (target.refreshHeader || this.chance(0.05))
      headers['refresh-token'] = this.forgedToken().replace(/[^\x21-\x7e]/g, '');
    if (this.chance(0.2)) headers['x-trace-id'] = this.string(80).replace(/[^\x20-\x7e]/g, '');
    if (this.chance(0.05)) headers.origin = this.pick(['http://localhost:3000', 'http://evil.example', 'null']);
    if (this.chance(0.05)) headers['x-forwarded-for'] = this.pick(['1.2.3.4', 'garbage', '::1, 10.0.0.1']);
    let body: Buffer | undefined;
    if (target.body) {
      const encoded = this.encodeBody(this.bodyFor(target.path));
      body = encoded.body;
      if (encoded.contentType) headers['content-type'] = encoded.contentType;
    }
    for (const [name, value] of Object.entries(headers)) headers[name] = headerValue(value);
    return { method: target.method, path: target.path, headers, body };
  }

  /** Bytes that are not a valid HTTP request, for a socket of their own. */
  raw(): Buffer {
    switch (this.int(6)) {
      case 0:
        return Buffer.from(
          `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\n{"a":1}`,
        );
      case 1:
        return Buffer.from(`GET /api/auth/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0001\u0002\r\n\r\n`);
      case 2:
        return Buffer.from(
          `POST /api/auth/refresh HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
        );
      case 3:
        return Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      case 4:
        return Buffer.from(Array.from({ length: 200 }, () => this.int(256)));
      default:
        return Buffer.from(
          `POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":`,
        );
    }
  }
}

interface Outcome {
  status: number;
  request: string;
}

function describeRequest(req: FuzzRequest): string {
  return `${req.method} ${req.path.slice(0, 120)} ${JSON.stringify(req.headers).slice(0, 200)} ${req.body?.toString('utf8', 0, 200) ?? ''}`;
}

function send(port: number, agent: Agent, req: FuzzRequest): Promise<Outcome> {
  return new Promise((resolve) => {
    const headers = { ...req.headers, ...(req.body ? { 'content-length': String(req.body.length) } : {}) };
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, method: req.method, path: req.path, headers, agent },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, request: describeRequest(req) }));
        res.on('error', () => resolve({ status: -1, request: describeRequest(req) }));
      },
    );
    // The server may answer and close before reading an oversized body: a reset is an answer too.
    outgoing.on('error', () => resolve({ status: -1, request: describeRequest(req) }));
    outgoing.setTimeout(10_000, () => outgoing.destroy());
    outgoing.end(req.body);
  });
}

function sendRaw(port: number, bytes: Buffer): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let head = '';
    const done = () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head)?.[1];
      resolve({ status: status ? Number(status) : -1, request: `raw ${bytes.toString('latin1', 0, 80)}` });
    };
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      if (head.length < 64) head += chunk.toString('latin1');
    });
    socket.on('close', done);
    socket.on('error', () => undefined);
    socket.end(bytes);
  });
}

/**
 * TOTAL random and malformed requests across every endpoint, deterministic
 * from SEED, loopback only, bounded in count and time: no 500, no crash, and
 * no row written, since every request is invalid by construction.
 */
describe('fuzzing every endpoint', () => {
  const closedPort = 'http://127.0.0.1:9';
  // Provider endpoints on a closed loopback port: nothing a request does may reach beyond this machine.
  const providerUris: Record<string, string> = {
    KAKAO_TOKEN_INFO_URI: `${closedPort}/v1/user/access_token_info`,
    GITHUB_EMAILS_URI: `${closedPort}/user/emails`,
  };
  for (const p of ['KAKAO', 'GOOGLE', 'GITHUB', 'NAVER']) {
    providerUris[`${p}_AUTHORIZATION_URI`] = `${closedPort}/authorize`;
    providerUris[`${p}_TOKEN_URI`] = `${closedPort}/token`;
    providerUris[`${p}_USER_INFO_URI`] = `${closedPort}/${p === 'GOOGLE' ? 'userinfo' : 'me'}`;
  }
  const t = useTestApp(providerUris);

  it(
    `answers ${TOTAL} invalid requests without a 500 or a crash, and writes no row`,
    async () => {
      // One real account and session, so that forged tokens and wrong passwords have something to aim at.
      await signUp(t);
      const before = await countRows(t.db);
      const port = ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
      const fuzzer = new Fuzzer(SEED);
      const requests: ({ raw: Buffer } | { http: FuzzRequest })[] = Array.from({ length: TOTAL }, () =>
        fuzzer.chance(RAW_SHARE) ? { raw: fuzzer.raw() } : { http: fuzzer.next() },
      );
      const crashes: unknown[] = [];
      const onCrash = (error: unknown) => crashes.push(error);
      process.on('uncaughtExceptionMonitor', onCrash);
      process.on('unhandledRejection', onCrash);
      const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
      const outcomes: Outcome[] = [];
      const deadline = Date.now() + TIME_LIMIT_MS;
      let next = 0;
      try {
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < requests.length && Date.now() < deadline) {
              const item = requests[next++];
              outcomes.push(await ('raw' in item ? sendRaw(port, item.raw) : send(port, agent, item.http)));
            }
          }),
        );
      } finally {
        agent.destroy();
        process.off('uncaughtExceptionMonitor', onCrash);
        process.off('unhandledRejection', onCrash);
      }

      expect(outcomes).toHaveLength(TOTAL);
      const histogram: Record<number, number> = {};
      for (const outcome of outcomes) histogram[outcome.status] = (histogram[outcome.status] ?? 0) + 1;
      // The run reached every kind of refusal: validation, auth, routing, size, media type.
      for (const status of [400, 401, 404, 413, 415]) expect(histogram[status] ?? 0).toBeGreaterThan(10);
      expect(crashes).toEqual([]);
      const serverErrors = outcomes.filter((outcome) => outcome.status === 500);
      expect(serverErrors.slice(0, 5)).toEqual([]);
      // Every request got an answer (a status) unless the server rightly cut it off (oversized or malformed).
      const unanswered = outcomes.filter((outcome) => outcome.status === -1);
      expect(unanswered.length).toBeLessThan(TOTAL * 0.05);
      expect(await countRows(t.db)).toEqual(before);
      expect((await t.http.get('/health')).status).toBe(200);
    },
    TIME_LIMIT_MS + 30_000,
  );
});
