import { jest } from '@jest/globals';
import request from 'supertest';
import {
  bearer,
  logIn,
  resetTokenFrom,
  sessionsOfUser,
  signUp,
  startTestApp,
  statusAndCode,
  type TestApp,
  useRealServices,
} from '../support/kit.js';

jest.setTimeout(90_000);

/** SPEC §5 "on every instance": two instances on one PostgreSQL and Redis. */
const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  console.info(
    'two-instances-account: skipped on the embedded parts (two instances cannot share PGlite and the ' +
      'in-process store); run `npm run test:e2e` with DATABASE_URL and REDIS_URL',
  );
}

describeReal('account changes across two instances', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, { join: a });
  }, 90_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const on = (t: TestApp) => request(t.app.getHttpServer());
  const me = (t: TestApp, accessToken: string) => on(t).get('/api/auth/me').set(bearer(accessToken));

  it('a reset confirmed on B refuses at once, on A and B, every token the account had on either', async () => {
    const user = await signUp(a);
    const onA = await logIn(a, user.email, user.password);
    const onB = (await on(b).post('/api/auth/login').send({ email: user.email, password: user.password })).body
      .data as { accessToken: string; refreshToken: string };
    for (const t of [a, b]) {
      expect((await me(t, onA.accessToken)).status).toBe(200);
      expect((await me(t, onB.accessToken)).status).toBe(200);
    }
    const before = a.mail.mails.length;
    expect((await on(a).post('/api/auth/password/reset/request').send({ email: user.email })).status).toBe(200);
    const token = resetTokenFrom((await a.mail.waitFor(user.email, before)).text);

    const res = await on(b).post('/api/auth/password/reset/confirm').send({ token, newPassword: 'Across-Instances-1' });

    expect(res.status).toBe(200);
    for (const t of [a, b]) {
      for (const tokens of [onA, onB]) {
        expect(statusAndCode(await me(t, tokens.accessToken))).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
        const refresh = await on(t).post('/api/auth/refresh').send({ refreshToken: tokens.refreshToken });
        expect(statusAndCode(refresh)).toEqual({ status: 400, errorCode: 'REFRESH_TOKEN_REVOKED' });
      }
    }
    expect((await sessionsOfUser(a, user.id)).every((row) => row.revokedReason === 'password_reset')).toBe(true);
    // The token was spent on B: A refuses it too.
    const replay = await on(a)
      .post('/api/auth/password/reset/confirm')
      .send({ token, newPassword: 'Again-Password-1' });
    expect(statusAndCode(replay)).toEqual({ status: 400, errorCode: 'RESET_TOKEN_INVALID' });
  });

  it('logout everywhere on A refuses the sessions opened on B at once', async () => {
    const user = await signUp(a);
    const onA = await logIn(a, user.email, user.password);
    const onB = (await on(b).post('/api/auth/login').send({ email: user.email, password: user.password })).body
      .data as { accessToken: string };

    expect((await on(a).post('/api/auth/logout/all').set(bearer(onA.accessToken))).status).toBe(200);

    expect(statusAndCode(await me(b, onB.accessToken))).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
    expect(statusAndCode(await me(b, onA.accessToken))).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
  });
});
