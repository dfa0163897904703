import { createSigner } from 'fast-jwt';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import {
  bearer,
  type Claims,
  claimsOf,
  expectError,
  logIn,
  rawJwt,
  signHs256,
  signUp,
  useTestApp,
} from '../support/kit.js';

/**
 * SPEC §2 "Tokens": algorithms pinned, types kept apart, forgeries refused.
 * Every refused token gets 401 on /me, 400 REFRESH_TOKEN_INVALID on /refresh
 * and 400 TOKEN_INVALID on /logout (which answers its own 400s, SPEC §2).
 */
describe('JWT handling', () => {
  const t = useTestApp();
  let login: { accessToken: string; refreshToken: string; user: { id: number } };
  beforeAll(async () => {
    const user = await signUp(t);
    login = await logIn(t, user.email, user.password);
  });

  const me = (authorization: string) => t.http.get('/api/auth/me').set('Authorization', authorization);
  const logout = (authorization: string) => t.http.post('/api/auth/logout').set('Authorization', authorization);
  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });

  /** Claims of a live session that the service would accept, but for what each test changes. */
  function validClaims(typ: Claims['typ']): Claims {
    const iat = Math.floor(t.clock.now() / 1000);
    const { sub, sid } = claimsOf(login.accessToken);
    return { sub, sid, jti: randomUUID(), typ, iat, exp: iat + 3600 };
  }

  async function expectRefusedEverywhere(token: string): Promise<void> {
    expectError(await me(`Bearer ${token}`), 401, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.');
    expectError(await refresh(token), 400, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.');
    expectError(await logout(`Bearer ${token}`), 400, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.');
  }

  /** The login's session is still alive: none of the refused tokens logged it out. */
  async function expectSessionAlive(): Promise<void> {
    expect((await me(`Bearer ${login.accessToken}`)).status).toBe(200);
    const rows = await t.db.query<{ revokedAt: Date | null }[]>(
      `SELECT revoked_at AS "revokedAt" FROM sessions WHERE id = $1`,
      [claimsOf(login.accessToken).sid],
    );
    expect(rows).toEqual([{ revokedAt: null }]);
  }

  it('accepts claims forged with JWT_SECRET and HS256 (the control for the refusals below)', async () => {
    const res = await me(`Bearer ${signHs256(t.env.JWT_SECRET, { ...validClaims('access') })}`);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(login.user.id);
  });

  it('refuses alg "none" with an empty signature', async () => {
    for (const header of [{ alg: 'none' }, { alg: 'none', typ: 'JWT' }, { alg: 'None' }, { alg: 'NONE' }]) {
      await expectRefusedEverywhere(rawJwt(header, { ...validClaims('access') }));
      await expectRefusedEverywhere(rawJwt(header, { ...validClaims('refresh') }));
    }
    await expectSessionAlive();
  });

  it('refuses a token signed with a wrong secret', async () => {
    const wrong = randomBytes(32).toString('base64url');
    await expectRefusedEverywhere(signHs256(wrong, { ...validClaims('access') }));
    await expectRefusedEverywhere(signHs256(wrong, { ...validClaims('refresh') }));
    await expectSessionAlive();
  });

  it('refuses HS384 and HS512 signed with the right secret', async () => {
    for (const algorithm of ['HS384', 'HS512'] as const) {
      const sign = createSigner({ key: t.env.JWT_SECRET, algorithm });
      await expectRefusedEverywhere(sign({ ...validClaims('access') }));
      await expectRefusedEverywhere(sign({ ...validClaims('refresh') }));
    }
    await expectSessionAlive();
  });

  it('refuses RS256 and ES256 tokens with otherwise valid claims', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const signers = [
      createSigner({ key: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'RS256' }),
      createSigner({ key: ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), algorithm: 'ES256' }),
    ];
    for (const sign of signers) {
      await expectRefusedEverywhere(sign({ ...validClaims('access') }));
      await expectRefusedEverywhere(sign({ ...validClaims('refresh') }));
    }
    await expectSessionAlive();
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = login.accessToken.split('.');
    const tampered = { ...claimsOf(login.accessToken), sub: String(login.user.id + 1) };
    const token = `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`;
    await expectRefusedEverywhere(token);
    const [rHeader, , rSignature] = login.refreshToken.split('.');
    const longer = { ...claimsOf(login.refreshToken), exp: claimsOf(login.refreshToken).exp + 86_400 };
    await expectRefusedEverywhere(
      `${rHeader}.${Buffer.from(JSON.stringify(longer)).toString('base64url')}.${rSignature}`,
    );
    await expectSessionAlive();
  });

  it('refuses tokens signed with the right secret but missing a claim or with a claim of the wrong type', async () => {
    const claims = validClaims('access');
    const broken: Record<string, unknown>[] = [
      ...(['sub', 'sid', 'jti', 'typ', 'iat', 'exp'] as const).map((name) => {
        const copy: Record<string, unknown> = { ...claims };
        delete copy[name];
        return copy;
      }),
      { ...claims, typ: 'id' },
      { ...claims, sub: login.user.id },
      { ...claims, exp: String(claims.exp) },
    ];
    for (const payload of broken) await expectRefusedEverywhere(signHs256(t.env.JWT_SECRET, payload));
    await expectSessionAlive();
  });

  it('refuses garbage', async () => {
    const garbage = [
      'garbage',
      'a.b.c',
      '...',
      'eyJhbGciOiJIUzI1NiJ9',
      `${login.accessToken.split('.').slice(0, 2).join('.')}.`,
      `${login.accessToken}x`,
      randomBytes(600).toString('base64url'),
    ];
    for (const token of garbage) await expectRefusedEverywhere(token);
    await expectSessionAlive();
  });

  it('refuses a refresh token where an access token is expected', async () => {
    expectError(await me(`Bearer ${login.refreshToken}`), 401, 'TOKEN_INVALID');
    expectError(await logout(`Bearer ${login.refreshToken}`), 400, 'TOKEN_INVALID');
    await expectSessionAlive();
  });

  it('refuses an access token where a refresh token is expected, spending nothing', async () => {
    expectError(await refresh(login.accessToken), 400, 'REFRESH_TOKEN_INVALID');
    expectError(
      await t.http.post('/api/auth/reissue').set(bearer(login.accessToken)).set('Refresh-Token', login.accessToken),
      401,
      'REFRESH_TOKEN_INVALID',
    );
    const rows = await t.db.query<{ spentAt: Date | null }[]>(
      `SELECT spent_at AS "spentAt" FROM refresh_tokens WHERE jti = $1`,
      [claimsOf(login.refreshToken).jti],
    );
    expect(rows).toEqual([{ spentAt: null }]);
  });

  it('answers TOKEN_MISSING to "Bearer" with no token and to another scheme', async () => {
    for (const header of ['Bearer', 'Bearer ', `Basic ${login.accessToken}`, login.accessToken]) {
      expectError(await me(header), 401, 'TOKEN_MISSING', '인증 토큰이 필요합니다.');
      expectError(await logout(header), 400, 'TOKEN_MISSING', '인증 토큰이 필요합니다.');
    }
    expectError(await t.http.get('/api/auth/me'), 401, 'TOKEN_MISSING');
    expectError(await t.http.post('/api/auth/logout'), 400, 'TOKEN_MISSING');
  });

  it('accepts the scheme in lower case ("bearer <token>"): auth schemes are case-insensitive (RFC 9110)', async () => {
    const res = await me(`bearer ${login.accessToken}`);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toBe(login.user.id);

    const user = await signUp(t);
    const own = await logIn(t, user.email, user.password);
    expect((await logout(`bearer ${own.accessToken}`)).status).toBe(200);
    expectError(await me(`Bearer ${own.accessToken}`), 401, 'TOKEN_REVOKED');
  });

  it('answers an expired access token 401 TOKEN_EXPIRED on /me but 400 TOKEN_INVALID on logout', async () => {
    const user = await signUp(t);
    const own = await logIn(t, user.email, user.password);
    const expiredForgery = signHs256(t.env.JWT_SECRET, {
      ...validClaims('access'),
      exp: Math.floor(t.clock.now() / 1000) - 1,
    });
    const expiredWrongSecret = signHs256(randomBytes(32).toString('base64url'), {
      ...validClaims('access'),
      exp: Math.floor(t.clock.now() / 1000) - 1,
    });
    t.clock.advance(3_600_000 + 1_000);

    expectError(await me(`Bearer ${own.accessToken}`), 401, 'TOKEN_EXPIRED', '만료된 토큰입니다.');
    expectError(await logout(`Bearer ${own.accessToken}`), 400, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.');
    expectError(await me(`Bearer ${expiredForgery}`), 401, 'TOKEN_EXPIRED');
    // The signature is checked before the expiry: a forged expired token is invalid, not expired.
    expectError(await me(`Bearer ${expiredWrongSecret}`), 401, 'TOKEN_INVALID');

    // The logout was refused, so the session lives on: its refresh token still rotates.
    const rows = await t.db.query<{ revokedAt: Date | null }[]>(
      `SELECT revoked_at AS "revokedAt" FROM sessions WHERE id = $1`,
      [claimsOf(own.accessToken).sid],
    );
    expect(rows).toEqual([{ revokedAt: null }]);
    expect((await refresh(own.refreshToken)).status).toBe(200);
  });
});
