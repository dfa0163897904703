import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';
import {
  backgroundIdle,
  codeFrom,
  logIn,
  resetTokenFrom,
  signUp,
  signupBody,
  uniqueEmail,
  useTestApp,
} from '../support/kit.js';

jest.setTimeout(90_000);

const USER_AGENT = 'security-events-test/1.0 (like a browser)';
const LEVELS = ['log', 'warn', 'error', 'debug', 'verbose', 'fatal'] as const;

/** The SPEC §5 keyed hash, computed here from JWT_SECRET as documented, not through the service's code. */
function emailHash(secret: string, email: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'email-key', 'auth-service', 32));
  return createHmac('sha256', key).update(email).digest('base64url');
}

/**
 * SPEC §5 "Security events": structured records with the client address,
 * User-Agent, traceId and user id; no plain email in Redis keys or log
 * records; never a password, token or code in the log.
 */
describe('security events and personal data in keys and logs', () => {
  const lines: Record<string, unknown>[] = [];
  beforeAll(() => {
    for (const level of LEVELS) {
      jest.spyOn(Logger.prototype, level).mockImplementation(function (this: Logger, message: unknown) {
        lines.push(typeof message === 'object' && message !== null ? { ...message } : { msg: String(message) });
      });
    }
  });
  afterAll(() => {
    jest.restoreAllMocks();
  });
  const t = useTestApp({ LOGIN_MAX_FAILURES: '3', REFRESH_REUSE_GRACE: '10s' });

  const events = (event: string) => lines.filter((line) => line.event === event);
  const post = (path: string, traceId: string) =>
    t.http.post(path).set('User-Agent', USER_AGENT).set('X-Trace-Id', traceId);

  it('keeps emails out of every store key through send, verify and a failed login', async () => {
    const email = uniqueEmail('keys');
    const hash = emailHash(t.env.JWT_SECRET, email);

    const before = t.mail.mails.length;
    expect((await post('/api/auth/email/verification/send', 'trace-send').send({ email })).status).toBe(200);
    const code = codeFrom(await t.mail.waitFor(email, before));
    const afterSend = await t.storeKeys();
    expect(afterSend).toEqual(
      expect.arrayContaining([`email-code:${hash}`, `email-code-cooldown:${hash}`, `email-code-daily:{${hash}}:0`]),
    );

    const verify = await post('/api/auth/email/verification/verify', 'trace-verify').send({
      email,
      verificationCode: code,
    });
    expect(verify.status).toBe(200);
    const login = await post('/api/auth/login', 'trace-ghost').send({ email, password: 'WrongPassword1!' });
    expect(login.status).toBe(401);

    const keys = await t.storeKeys();
    expect(keys).toEqual(
      expect.arrayContaining([`email-verified:${hash}`, `email-code-cooldown:${hash}`, `login-failures:${hash}`]),
    );
    const localPart = email.split('@')[0];
    expect(keys.filter((key) => key.includes('@') || key.includes(localPart))).toEqual([]);
    expect([...afterSend, ...keys].filter((key) => key.includes('@'))).toEqual([]);

    expect(events('login.failed')).toContainEqual({
      msg: 'security event',
      event: 'login.failed',
      emailHash: hash,
      ip: expect.stringMatching(/127\.0\.0\.1$/),
      userAgent: USER_AGENT,
      traceId: 'trace-ghost',
    });
  });

  it('logs an SMTP refusal, which quotes the recipient, without the address', async () => {
    const email = uniqueEmail('refused');
    t.mail.rejectNextRecipients(1);
    const res = await t.http.post('/api/auth/email/verification/send').send({ email });
    expect({ status: res.status, errorCode: res.body.errorCode }).toEqual({
      status: 503,
      errorCode: 'MAIL_SEND_FAILED',
    });

    const refusals = lines.filter((line) => line.msg === 'verification mail not sent');
    expect(refusals.at(-1)?.cause).toEqual(expect.stringContaining('<[email]>: Recipient address rejected'));
    expect(JSON.stringify(lines)).not.toContain(email);
    expect(JSON.stringify(lines)).not.toContain(email.split('@')[0]);
  });

  it('logs failed, succeeded, throttled, logout and refresh reuse with ip, User-Agent, traceId and userId, and no secret', async () => {
    const body = signupBody();
    const sentBefore = t.mail.mails.length;
    expect((await t.http.post('/api/auth/email/verification/send').send({ email: body.email })).status).toBe(200);
    const code = codeFrom(await t.mail.waitFor(body.email, sentBefore));
    await t.http.post('/api/auth/email/verification/verify').send({ email: body.email, verificationCode: code });
    const signup = await t.http.post('/api/auth/signup').send(body);
    expect(signup.status).toBe(201);
    const userId = signup.body.data.id as number;
    const hash = emailHash(t.env.JWT_SECRET, body.email);

    const failed = await post('/api/auth/login', 'trace-failed').send({ email: body.email, password: 'Wrong-12345' });
    expect(failed.status).toBe(401);
    const ok = await post('/api/auth/login', 'trace-ok').send({ email: body.email, password: body.password });
    expect(ok.status).toBe(200);
    const { accessToken, refreshToken } = ok.body.data as { accessToken: string; refreshToken: string };

    const client = { ip: expect.stringMatching(/127\.0\.0\.1$/), userAgent: USER_AGENT };
    expect(events('login.failed')).toContainEqual({
      msg: 'security event',
      event: 'login.failed',
      userId,
      emailHash: hash,
      ...client,
      traceId: 'trace-failed',
    });
    expect(events('login.succeeded')).toContainEqual({
      msg: 'security event',
      event: 'login.succeeded',
      userId,
      emailHash: hash,
      ...client,
      traceId: 'trace-ok',
    });

    // Refresh reuse after the grace window: the theft signal, with the user and session.
    const rotated = await post('/api/auth/refresh', 'trace-rotate').send({ refreshToken });
    expect(rotated.status).toBe(200);
    t.clock.advance(11_000);
    const replay = await post('/api/auth/refresh', 'trace-replay').send({ refreshToken });
    expect(replay.body.errorCode).toBe('REFRESH_TOKEN_REVOKED');
    const sessionId = (JSON.parse(Buffer.from(refreshToken.split('.')[1], 'base64url').toString()) as { sid: string })
      .sid;
    expect(events('refresh.reused')).toContainEqual({
      msg: 'security event',
      event: 'refresh.reused',
      userId,
      sessionId,
      ...client,
      traceId: 'trace-replay',
    });

    // Logout of a second session.
    const second = await t.http.post('/api/auth/login').send({ email: body.email, password: body.password });
    const secondAccess = (second.body.data as { accessToken: string }).accessToken;
    const secondSid = (JSON.parse(Buffer.from(secondAccess.split('.')[1], 'base64url').toString()) as { sid: string })
      .sid;
    const logout = await post('/api/auth/logout', 'trace-logout').set('Authorization', `Bearer ${secondAccess}`);
    expect(logout.status).toBe(200);
    expect(events('session.revoked')).toContainEqual({
      msg: 'security event',
      event: 'session.revoked',
      userId,
      sessionId: secondSid,
      reason: 'logout',
      ...client,
      traceId: 'trace-logout',
    });

    // Throttled: LOGIN_MAX_FAILURES is 3 here; the first failure above is one of them.
    for (let i = 0; i < 3; i++) await t.http.post('/api/auth/login').send({ email: body.email, password: 'Wrong-1' });
    const throttled = await post('/api/auth/login', 'trace-throttled').send({
      email: body.email,
      password: body.password,
    });
    expect(throttled.body.errorCode).toBe('LOGIN_THROTTLED');
    expect(events('login.throttled')).toContainEqual({
      msg: 'security event',
      event: 'login.throttled',
      emailHash: hash,
      ...client,
      traceId: 'trace-throttled',
    });

    // Nothing logged names the email, or holds a password, token or code.
    const logged = JSON.stringify(lines);
    for (const secret of [
      body.email,
      body.email.split('@')[0],
      body.password,
      'Wrong-12345',
      `"${code}"`,
      accessToken,
      refreshToken,
      (rotated.body.data as { refreshToken: string }).refreshToken,
      secondAccess,
    ]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).not.toMatch(/[^\s"]+@example\.com/);
  });

  it('logs the account events of SPEC §5 with the user, the client and the traceId, and no secret', async () => {
    const user = await signUp(t);
    const hash = emailHash(t.env.JWT_SECRET, user.email);
    const client = { ip: expect.stringMatching(/127\.0\.0\.1$/), userAgent: USER_AGENT };
    const sidOf = (token: string) =>
      (JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string }).sid;
    const bearer = (token: string) => `Bearer ${token}`;

    // Reset: requested (for a known and an unknown email alike), then completed.
    const sentBefore = t.mail.mails.length;
    const unknown = uniqueEmail('nobody');
    expect(
      (await post('/api/auth/password/reset/request', 'trace-reset-unknown').send({ email: unknown })).status,
    ).toBe(200);
    expect((await post('/api/auth/password/reset/request', 'trace-reset').send({ email: user.email })).status).toBe(
      200,
    );
    const token = resetTokenFrom((await t.mail.waitFor(user.email, sentBefore)).text);
    await backgroundIdle(t);
    expect(events('password.reset.requested')).toEqual(
      expect.arrayContaining([
        {
          msg: 'security event',
          event: 'password.reset.requested',
          emailHash: hash,
          ...client,
          traceId: 'trace-reset',
        },
        {
          msg: 'security event',
          event: 'password.reset.requested',
          emailHash: emailHash(t.env.JWT_SECRET, unknown),
          ...client,
          traceId: 'trace-reset-unknown',
        },
      ]),
    );
    const newPassword = 'Reset-Passw0rd!';
    const confirm = await post('/api/auth/password/reset/confirm', 'trace-confirm').send({ token, newPassword });
    expect(confirm.status).toBe(200);
    expect(events('password.reset.completed')).toContainEqual({
      msg: 'security event',
      event: 'password.reset.completed',
      userId: user.id,
      emailHash: hash,
      ...client,
      traceId: 'trace-confirm',
    });

    // Change: the caller's session stays, the event names it.
    const first = await logIn(t, user.email, newPassword);
    const changedPassword = 'Changed-Passw0rd!';
    const change = await post('/api/auth/password/change', 'trace-change')
      .set('Authorization', bearer(first.accessToken))
      .send({ currentPassword: newPassword, newPassword: changedPassword });
    expect(change.status).toBe(200);
    expect(events('password.changed')).toContainEqual({
      msg: 'security event',
      event: 'password.changed',
      userId: user.id,
      sessionId: sidOf(first.accessToken),
      ...client,
      traceId: 'trace-change',
    });

    // Sessions: one ended by id, one by its refresh token, then all.
    const second = await logIn(t, user.email, changedPassword);
    const third = await logIn(t, user.email, changedPassword);
    const one = await t.http
      .delete(`/api/auth/sessions/${sidOf(second.accessToken)}`)
      .set('User-Agent', USER_AGENT)
      .set('X-Trace-Id', 'trace-revoke-one')
      .set('Authorization', bearer(first.accessToken));
    expect(one.status).toBe(200);
    const byToken = await post('/api/auth/token/revoke', 'trace-revoke-token').send({
      refreshToken: third.refreshToken,
    });
    expect(byToken.status).toBe(200);
    const all = await post('/api/auth/logout/all', 'trace-logout-all').set('Authorization', bearer(first.accessToken));
    expect(all.status).toBe(200);
    const revoked = (traceId: string, extra: Record<string, unknown>) => ({
      msg: 'security event',
      event: 'session.revoked',
      userId: user.id,
      ...extra,
      ...client,
      traceId,
    });
    expect(events('session.revoked')).toEqual(
      expect.arrayContaining([
        revoked('trace-revoke-one', { sessionId: sidOf(second.accessToken), reason: 'revoked' }),
        revoked('trace-revoke-token', { sessionId: sidOf(third.refreshToken), reason: 'token_revoked' }),
        revoked('trace-logout-all', { reason: 'logout_all' }),
      ]),
    );

    // Withdrawal.
    const last = await logIn(t, user.email, changedPassword);
    const withdrawal = await t.http
      .delete('/api/auth/me')
      .set('User-Agent', USER_AGENT)
      .set('X-Trace-Id', 'trace-withdraw')
      .set('Authorization', bearer(last.accessToken))
      .send({ password: changedPassword });
    expect(withdrawal.status).toBe(200);
    await backgroundIdle(t);
    expect(events('account.deleted')).toContainEqual({
      msg: 'security event',
      event: 'account.deleted',
      userId: user.id,
      ...client,
      traceId: 'trace-withdraw',
    });

    const logged = JSON.stringify(lines);
    for (const secret of [user.email, user.password, newPassword, changedPassword, token, first.refreshToken]) {
      expect(logged).not.toContain(secret);
    }
  });
});
