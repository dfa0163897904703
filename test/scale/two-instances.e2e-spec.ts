import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jest } from '@jest/globals';
import request from 'supertest';
import { RevocationCache } from '../../src/token/revocation-cache.js';
import {
  codeFrom,
  logIn,
  signUp,
  startTestApp,
  type TestApp,
  uniqueEmail,
  uniqueNickname,
  useRealServices,
} from '../support/kit.js';

/**
 * Two instances of the service (two ports on loopback) on one PostgreSQL and
 * one Redis, as behind a load balancer: every guarantee holds across them.
 */
const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  // Visible in the run's output, so a skipped suite is never mistaken for a passing one.
  console.info(
    'two-instances: skipped on the embedded parts (PGlite and the in-process store belong to one process, so two ' +
      'instances cannot share them); run `npm run test:e2e` with DATABASE_URL and REDIS_URL',
  );
}

describeReal('two instances on one PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp();
    b = await startTestApp({}, { join: a });
  }, 60_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** Each instance through its own port, as a load balancer would send them. */
  const on = (t: TestApp) => request(t.app.getHttpServer());

  it('listens on two different ports', () => {
    const port = (t: TestApp) => ((t.app.getHttpServer() as Server).address() as AddressInfo).port;
    expect(port(a)).not.toBe(port(b));
  });

  it('refuses on B, at once, an access token logged out on A', async () => {
    const user = await signUp(a);
    const login = await logIn(a, user.email, user.password);
    expect((await on(b).get('/api/auth/me').set('Authorization', `Bearer ${login.accessToken}`)).status).toBe(200);

    const logout = await on(a).post('/api/auth/logout').set('Authorization', `Bearer ${login.accessToken}`);
    expect(logout.status).toBe(200);

    const me = await on(b).get('/api/auth/me').set('Authorization', `Bearer ${login.accessToken}`);
    expect({ status: me.status, errorCode: me.body.errorCode }).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
    const refresh = await on(b).post('/api/auth/refresh').send({ refreshToken: login.refreshToken });
    expect({ status: refresh.status, errorCode: refresh.body.errorCode }).toEqual({
      status: 400,
      errorCode: 'REFRESH_TOKEN_REVOKED',
    });
    const again = await on(b).post('/api/auth/logout').set('Authorization', `Bearer ${login.accessToken}`);
    expect(again.status).toBe(401);
  });

  it('answers a session B knows without reading Redis, and refuses it on B once A logged it out', async () => {
    const user = await signUp(a);
    const login = await logIn(a, user.email, user.password);
    const auth = `Bearer ${login.accessToken}`;
    expect((await on(b).get('/api/auth/me').set('Authorization', auth)).status).toBe(200);
    // Known now: ten more answers, and not one revocation read in Redis.
    const reads = jest.spyOn(b.store, 'getMany');
    try {
      for (let i = 0; i < 10; i++)
        expect((await on(b).get('/api/auth/me').set('Authorization', auth)).status).toBe(200);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }

    const heardBefore = b.app.get(RevocationCache).deliveryDelays().length;
    expect((await on(a).post('/api/auth/logout').set('Authorization', auth)).status).toBe(200);
    const me = await on(b).get('/api/auth/me').set('Authorization', auth);
    expect({ status: me.status, errorCode: me.body.errorCode }).toEqual({ status: 401, errorCode: 'TOKEN_REVOKED' });
    const delays = b.app.get(RevocationCache).deliveryDelays().slice(heardBefore);
    expect(delays.length).toBe(1);
    console.info(`two-instances: B heard of A's revocation ${delays[0]} ms after A sent it`);
  });

  it('refuses on B every request sent after A answered a logout, while B is under load with that token', async () => {
    const user = await signUp(a);
    const login = await logIn(a, user.email, user.password);
    const auth = `Bearer ${login.accessToken}`;
    // Eight clients keep /me on B busy with the token; each notes when it sent and what it got.
    const answers: { sentAt: number; answeredAt: number; status: number; errorCode?: string }[] = [];
    let stop = false;
    const poll = async () => {
      while (!stop) {
        const sentAt = performance.now();
        const res = await on(b).get('/api/auth/me').set('Authorization', auth);
        answers.push({ sentAt, answeredAt: performance.now(), status: res.status, errorCode: res.body.errorCode });
      }
    };
    const pollers = Array.from({ length: 8 }, poll);
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const logout = await on(a).post('/api/auth/logout').set('Authorization', auth);
      expect(logout.status).toBe(200);
      const loggedOutAt = performance.now();
      // B refuses within a bounded wait: 20 answers sent after the logout's answer.
      const deadline = Date.now() + 10_000;
      while (answers.filter((answer) => answer.sentAt > loggedOutAt).length < 20 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      stop = true;
      await Promise.all(pollers);

      const before = answers.filter((answer) => answer.answeredAt < loggedOutAt);
      const after = answers.filter((answer) => answer.sentAt > loggedOutAt);
      expect(before.length).toBeGreaterThan(0);
      expect(before.every((answer) => answer.status === 200 || answer.errorCode === 'TOKEN_REVOKED')).toBe(true);
      expect(after.length).toBeGreaterThanOrEqual(20);
      expect(after.map((answer) => `${answer.status} ${answer.errorCode}`)).toEqual(
        after.map(() => '401 TOKEN_REVOKED'),
      );
      // Every answer is a 200 or the refusal: nothing in between (no 500, no 503).
      expect(answers.filter((answer) => answer.status !== 200 && answer.errorCode !== 'TOKEN_REVOKED')).toEqual([]);
      const lastAccepted = Math.max(
        ...answers.filter((answer) => answer.status === 200).map((answer) => answer.answeredAt),
      );
      const gap = loggedOutAt - lastAccepted;
      console.info(
        `two-instances: B's last 200 was answered ${Math.abs(gap).toFixed(1)} ms ${gap >= 0 ? 'before' : 'after'} A ` +
          `answered the logout; all ${after.length} requests sent to B after that answer were refused`,
      );
    } finally {
      stop = true;
      await Promise.all(pollers);
    }
  });

  it('lets exactly one of a refresh race split across A and B win', async () => {
    const user = await signUp(a);
    const login = await logIn(b, user.email, user.password);

    const racers = Array.from({ length: 20 }, (_, i) =>
      on(i % 2 === 0 ? a : b)
        .post('/api/auth/refresh')
        .send({ refreshToken: login.refreshToken }),
    );
    const answers = await Promise.all(racers);

    const winners = answers.filter((res) => res.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((res) => res.status !== 200)) {
      expect({ status: loser.status, errorCode: loser.body.errorCode }).toEqual({
        status: 400,
        errorCode: 'REFRESH_TOKEN_REVOKED',
      });
    }
    // The database agrees: one spent token, one successor.
    const rows = await a.db.query<{ spent: string; successors: string }[]>(
      `SELECT count(*) FILTER (WHERE spent_at IS NOT NULL) AS spent,
              count(*) FILTER (WHERE spent_at IS NULL) AS successors
       FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
       WHERE s.user_id = $1`,
      [user.id],
    );
    expect(rows[0]).toEqual({ spent: '1', successors: '1' });
    // The winner's pair works on both instances.
    const { accessToken } = winners[0].body.data as { accessToken: string };
    for (const t of [a, b]) {
      expect((await on(t).get('/api/auth/me').set('Authorization', `Bearer ${accessToken}`)).status).toBe(200);
    }
  });

  it('verifies through B a code sent through A, once', async () => {
    const email = uniqueEmail('cross');
    const before = a.mail.mails.length;
    expect((await on(a).post('/api/auth/email/verification/send').send({ email })).status).toBe(200);
    const code = codeFrom(await a.mail.waitFor(email, before));

    const verified = await on(b).post('/api/auth/email/verification/verify').send({ email, verificationCode: code });
    expect(verified.status).toBe(200);
    const replay = await on(a).post('/api/auth/email/verification/verify').send({ email, verificationCode: code });
    expect(replay.body.errorCode).toBe('VERIFICATION_CODE_EXPIRED');

    // The verified email may sign up through A.
    const signup = await on(a).post('/api/auth/signup').send({
      email,
      password: 'MyPassword123!',
      name: '홍길동',
      nickname: uniqueNickname(),
      birthDate: '2000-01-01',
    });
    expect(signup.status).toBe(201);
  });

  it('shares the send cooldown: a second send through B is refused', async () => {
    const email = uniqueEmail('cooldown');
    expect((await on(a).post('/api/auth/email/verification/send').send({ email })).status).toBe(200);
    const again = await on(b).post('/api/auth/email/verification/send').send({ email });
    expect(again.status).toBe(429);
    expect(again.body.errorCode).toBe('EMAIL_SEND_COOLDOWN');
  });
});
