import type request from 'supertest';
import { revokedKey } from '../../src/token/session.service.js';
import {
  bearer,
  claimsOf,
  codeFrom,
  expectRetryAfter,
  logIn,
  refreshRows,
  sessionById,
  signupBody,
  tally,
  type TestApp,
  uniqueEmail,
  verifyEmail,
} from '../support/kit.js';

/**
 * The contract's rotation, revocation, rate-limit and email-code behaviour,
 * as scenarios run on a Redis Cluster and on Sentinel (the same assertions as
 * test/security and test/contract, against whichever Redis the app was given).
 */

export interface Session {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  userId: number;
}

/** Signs a fresh user up and logs in. */
export async function newSession(t: TestApp): Promise<Session> {
  const body = signupBody();
  await verifyEmail(t, body.email);
  const signup = await t.http.post('/api/auth/signup').send(body);
  expect(signup.status).toBe(201);
  const login = await logIn(t, body.email, body.password);
  return { ...login, sessionId: claimsOf(login.accessToken).sid, userId: login.user.id };
}

export async function refreshRaceHasOneWinner(t: TestApp): Promise<void> {
  const session = await newSession(t);
  const { jti } = claimsOf(session.refreshToken);
  const answers = await Promise.all(
    Array.from({ length: 20 }, () => t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken })),
  );
  expect(tally(answers)).toEqual({ '200': 1, '400 REFRESH_TOKEN_REVOKED': 19 });
  const winner = answers.find((res) => res.status === 200)!.body.data as { accessToken: string; refreshToken: string };
  const rows = await refreshRows(t, session.sessionId);
  expect(rows).toHaveLength(2);
  expect(rows.find((row) => row.jti === jti)).toMatchObject({ replacedBy: claimsOf(winner.refreshToken).jti });
  expect(await sessionById(t, session.sessionId)).toMatchObject({ revokedAt: null });
  const me = await t.http.get('/api/auth/me').set(bearer(winner.accessToken));
  expect({ status: me.status, id: me.body.data?.id }).toEqual({ status: 200, id: session.userId });
}

export function expectRevoked(res: request.Response): void {
  expect({ status: res.status, errorCode: res.body.errorCode, message: res.body.message }).toEqual({
    status: 401,
    errorCode: 'TOKEN_REVOKED',
    message: '이미 로그아웃된 토큰입니다.',
  });
}

/** Logs out through `via` and checks the refusal everywhere it must hold. */
export async function logOut(via: TestApp, session: Session): Promise<void> {
  const logout = await via.http.post('/api/auth/logout').set(bearer(session.accessToken));
  expect(logout.status).toBe(200);
  expect(await sessionById(via, session.sessionId)).toMatchObject({ revokedReason: 'logout' });
  expect(await via.store.get(revokedKey(session.sessionId))).toBe('logout');
}

/** A logout through `a` is refused on /me at once, through `a` and through `b`; its refresh token too. */
export async function logoutIsRefusedEverywhere(a: TestApp, b: TestApp): Promise<void> {
  const session = await newSession(a);
  expect((await b.http.get('/api/auth/me').set(bearer(session.accessToken))).status).toBe(200);
  await logOut(a, session);
  expectRevoked(await a.http.get('/api/auth/me').set(bearer(session.accessToken)));
  expectRevoked(await b.http.get('/api/auth/me').set(bearer(session.accessToken)));
  const refresh = await b.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken });
  expect({ status: refresh.status, errorCode: refresh.body.errorCode }).toEqual({
    status: 400,
    errorCode: 'REFRESH_TOKEN_REVOKED',
  });
}

/** A code sent through `a` verifies through `b`, once; the ticket lets the email sign up. */
export async function emailCodeSendAndVerify(a: TestApp, b: TestApp): Promise<void> {
  const email = uniqueEmail('ha');
  const before = a.mail.mails.length;
  const sent = await a.http.post('/api/auth/email/verification/send').send({ email });
  expect(sent.status).toBe(200);
  const code = codeFrom(await a.mail.waitFor(email, before));
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const mismatch = await b.http.post('/api/auth/email/verification/verify').send({ email, verificationCode: wrong });
  expect({ status: mismatch.status, errorCode: mismatch.body.errorCode }).toEqual({
    status: 400,
    errorCode: 'VERIFICATION_CODE_MISMATCH',
  });
  const verified = await b.http.post('/api/auth/email/verification/verify').send({ email, verificationCode: code });
  expect(verified.status).toBe(200);
  const again = await a.http.post('/api/auth/email/verification/verify').send({ email, verificationCode: code });
  expect(again.status).toBe(400);
  const signup = await a.http.post('/api/auth/signup').send(signupBody({ email }));
  expect(signup.status).toBe(201);
  const [row] = await a.db.query<{ email: string }[]>('SELECT email FROM users WHERE id = $1', [signup.body.data.id]);
  expect(row.email).toBe(email);
}

/** With RATE_LIMIT_MAX=5: the sixth /api/auth request of one IP is 429 with Retry-After. */
export async function perIpLimit(t: TestApp): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const res = await t.http.post('/api/auth/email/verification/send').send({ email: 'not-an-email' });
    expect(res.status).toBe(400);
  }
  const limited = await t.http.post('/api/auth/login').send({ email: uniqueEmail(), password: 'x' });
  expect({ status: limited.status, errorCode: limited.body.errorCode, message: limited.body.message }).toEqual({
    status: 429,
    errorCode: 'TOO_MANY_REQUESTS',
    message: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.',
  });
  expectRetryAfter(limited, 60);
  expect((await t.http.get('/api/auth/me')).status).toBe(429);
  const counter = await t.store.get('rate:::ffff:127.0.0.1').then(async (v) => v ?? t.store.get('rate:127.0.0.1'));
  expect(Number(counter)).toBeGreaterThanOrEqual(7);
}

/**
 * While `during` runs (a failover), polls /me with revoked tokens: every answer
 * is a refusal (401 TOKEN_REVOKED, or 503 while no master answers), never 200.
 * Returns the answers seen.
 */
export async function neverAccepted(t: TestApp, tokens: string[], during: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let done = false;
  const poll = (async () => {
    while (!done) {
      const answers = await Promise.all(tokens.map((token) => t.http.get('/api/auth/me').set(bearer(token))));
      for (const res of answers)
        seen.push(res.body.errorCode ? `${res.status} ${res.body.errorCode}` : `${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await during();
  } finally {
    done = true;
    await poll;
  }
  const unexpected = seen.filter((answer) => answer !== '401 TOKEN_REVOKED' && answer !== '503 SERVICE_UNAVAILABLE');
  expect(unexpected).toEqual([]);
  return seen;
}
