import { createSigner } from 'fast-jwt';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { JwtCodec, type TokenClaims } from './jwt.codec.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const NOW_MS = Date.UTC(2025, 10, 14, 6, 0, 0);
const NOW_S = NOW_MS / 1000;

const claims: TokenClaims = {
  sub: '42',
  sid: '9b2f8a52-4d5c-4f0e-8a3b-0c1d2e3f4a5b',
  jti: '1f0e2d3c-4b5a-4968-8776-5a4b3c2d1e0f',
  typ: 'access',
  iat: NOW_S,
  exp: NOW_S + 3600,
};

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Exactly these header and claims, HMAC-SHA256 signed (no claim added, unlike a library signer). */
function hs256(header: Record<string, unknown>, payload: Record<string, unknown>, secret = SECRET): string {
  const unsigned = `${segment(header)}.${segment(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('JwtCodec', () => {
  const codec = new JwtCodec(SECRET);

  it('decodes what it encodes', () => {
    expect(codec.decode(codec.encode(claims), NOW_MS)).toEqual({ status: 'valid', claims });
  });

  it('signs with HS256', () => {
    const header = JSON.parse(Buffer.from(codec.encode(claims).split('.')[0], 'base64url').toString('utf8'));
    expect(header.alg).toBe('HS256');
  });

  describe('pins the algorithm', () => {
    it('refuses alg none, whatever its spelling, with or without a signature', () => {
      for (const alg of ['none', 'None', 'NONE']) {
        expect(codec.decode(`${segment({ alg, typ: 'JWT' })}.${segment(claims)}.`, NOW_MS)).toEqual({
          status: 'invalid',
        });
        const signed = hs256({ alg, typ: 'JWT' }, { ...claims });
        expect(codec.decode(signed, NOW_MS)).toEqual({ status: 'invalid' });
      }
    });

    it('refuses HS384 and HS512 made with the right secret', () => {
      for (const algorithm of ['HS384', 'HS512'] as const) {
        const token = createSigner({ key: SECRET, algorithm })({ ...claims });
        expect(codec.decode(token, NOW_MS)).toEqual({ status: 'invalid' });
      }
    });

    it('refuses RS256 and ES256', () => {
      const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs8',
        format: 'pem',
      });
      const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
      expect(codec.decode(createSigner({ key: rsa.toString(), algorithm: 'RS256' })({ ...claims }), NOW_MS)).toEqual({
        status: 'invalid',
      });
      expect(codec.decode(createSigner({ key: ec.toString(), algorithm: 'ES256' })({ ...claims }), NOW_MS)).toEqual({
        status: 'invalid',
      });
    });

    it('refuses an HS256 header over a signature made with another secret', () => {
      expect(codec.decode(hs256({ alg: 'HS256' }, { ...claims }, `${SECRET}x`), NOW_MS)).toEqual({ status: 'invalid' });
    });

    it('refuses a token whose payload was changed after signing', () => {
      const [header, , signature] = codec.encode(claims).split('.');
      expect(codec.decode(`${header}.${segment({ ...claims, sub: '43' })}.${signature}`, NOW_MS)).toEqual({
        status: 'invalid',
      });
    });
  });

  describe('reports expiry with the claims', () => {
    it('is valid until the second before exp', () => {
      expect(codec.decode(codec.encode(claims), claims.exp * 1000 - 1).status).toBe('valid');
    });

    it('is expired from exp on, and still says whose token it was', () => {
      const token = codec.encode(claims);
      expect(codec.decode(token, claims.exp * 1000)).toEqual({ status: 'expired', claims });
      expect(codec.decode(token, claims.exp * 1000 + 86_400_000)).toEqual({ status: 'expired', claims });
    });

    it('checks the signature before the expiry: a forged expired token is invalid, not expired', () => {
      const forged = hs256({ alg: 'HS256' }, { ...claims, exp: NOW_S - 1 }, 'another-secret-of-thirty-two-bytes!!');
      expect(codec.decode(forged, NOW_MS)).toEqual({ status: 'invalid' });
    });

    it('takes now from the caller, not from the system clock', () => {
      const old = { ...claims, iat: 1_000_000, exp: 1_000_060 };
      expect(codec.decode(codec.encode(old), 1_000_030_000)).toEqual({ status: 'valid', claims: old });
    });
  });

  describe('keeps what it verified of a token that comes back', () => {
    it('still checks the expiry of a kept token on every call', () => {
      const fresh = new JwtCodec(SECRET);
      const token = fresh.encode(claims);
      expect(fresh.decode(token, NOW_MS)).toEqual({ status: 'valid', claims });
      expect(fresh.decode(token, claims.exp * 1000)).toEqual({ status: 'expired', claims });
      expect(fresh.decode(token, NOW_MS)).toEqual({ status: 'valid', claims });
    });

    it('hands out claims no caller can change for the next one', () => {
      const fresh = new JwtCodec(SECRET);
      const token = fresh.encode(claims);
      const first = fresh.decode(token, NOW_MS);
      if (first.status !== 'valid') throw new Error('expected a valid token');
      expect(() => {
        (first.claims as { sub: string }).sub = '2';
      }).toThrow(TypeError);
      expect(fresh.decode(token, NOW_MS)).toEqual({ status: 'valid', claims });
    });

    it('keeps nothing of a refused token: a refused string stays refused, its valid neighbour valid', () => {
      const fresh = new JwtCodec(SECRET);
      const token = fresh.encode(claims);
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      expect(fresh.decode(tampered, NOW_MS)).toEqual({ status: 'invalid' });
      expect(fresh.decode(tampered, NOW_MS)).toEqual({ status: 'invalid' });
      expect(fresh.decode(token, NOW_MS)).toEqual({ status: 'valid', claims });
    });
  });

  describe('needs every claim, with its type', () => {
    it.each(['sub', 'sid', 'jti', 'typ', 'iat', 'exp'] as const)('refuses a token without %s', (name) => {
      const payload: Record<string, unknown> = { ...claims };
      delete payload[name];
      expect(codec.decode(hs256({ alg: 'HS256', typ: 'JWT' }, payload), NOW_MS)).toEqual({ status: 'invalid' });
    });

    it.each<[string, Record<string, unknown>]>([
      ['a numeric sub', { sub: 42 }],
      ['a numeric sid', { sid: 7 }],
      ['an unknown typ', { typ: 'id' }],
      ['a string exp', { exp: String(NOW_S + 3600) }],
      ['a string iat', { iat: String(NOW_S) }],
    ])('refuses %s', (_label, change) => {
      expect(codec.decode(hs256({ alg: 'HS256' }, { ...claims, ...change }), NOW_MS)).toEqual({ status: 'invalid' });
    });

    it('keeps only the known claims', () => {
      const result = codec.decode(hs256({ alg: 'HS256' }, { ...claims, admin: true }), NOW_MS);
      expect(result).toEqual({ status: 'valid', claims });
    });
  });

  it('refuses garbage without throwing', () => {
    for (const token of ['', 'garbage', 'a.b.c', '...', `${codec.encode(claims)}.x`]) {
      expect(codec.decode(token, NOW_MS)).toEqual({ status: 'invalid' });
    }
  });

  it('refuses tokens of another secret', () => {
    const other = new JwtCodec('another-secret-of-at-least-thirty-two-bytes');
    expect(codec.decode(other.encode(claims), NOW_MS)).toEqual({ status: 'invalid' });
  });
});

describe('claim shapes', () => {
  const secret = 'k'.repeat(48);
  const codec = new JwtCodec(secret);
  const now = 1_800_000_000_000;
  const iat = now / 1000;
  const good = {
    sub: '42',
    sid: '7d3f9a52-3f0e-4a8e-9d55-0d6f1f2b8c11',
    jti: 'f0b4c2de-1a2b-4c3d-8e9f-a1b2c3d4e5f6',
    typ: 'access' as const,
    iat,
    exp: iat + 3600,
  };

  it('accepts the shapes it issues', () => {
    expect(codec.decode(codec.encode(good), now).status).toBe('valid');
  });

  it.each([
    ['a non-numeric sub', { sub: 'admin' }],
    ['a sub with leading zero', { sub: '042' }],
    ['a non-UUID sid', { sid: 'session-1' }],
    ['a non-UUID jti', { jti: "1' OR '1'='1" }],
  ])('refuses a validly signed token with %s', (_label, change) => {
    expect(codec.decode(codec.encode({ ...good, ...change }), now)).toEqual({ status: 'invalid' });
  });
});
