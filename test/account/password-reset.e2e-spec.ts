import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { EmailKeys } from '../../src/common/security/email-keys.js';
import { currentTraceId } from '../../src/common/logging/request-context.js';
import {
  backgroundIdle,
  bearer,
  expectError,
  insertSocialAccount,
  logIn,
  median,
  resetTokenFrom,
  sessionsOfUser,
  signUp,
  startTestApp,
  statusAndCode,
  uniqueEmail,
  useTestApp,
} from '../support/kit.js';

jest.setTimeout(90_000);

const REQUEST = '/api/auth/password/reset/request';
const CONFIRM = '/api/auth/password/reset/confirm';
const INVALID = '유효하지 않거나 만료된 재설정 링크입니다. 비밀번호 재설정을 다시 요청해주세요.';
const SENT = { code: { code: 200, message: '성공' }, message: '비밀번호 재설정 메일을 발송했습니다.', data: null };
const CHANGED = { code: { code: 200, message: '성공' }, message: '비밀번호가 변경되었습니다.', data: null };
const LOGIN_MAX_FAILURES = 3;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
/** The body without what differs per request. */
const comparable = (body: Record<string, unknown>) => ({ ...body, traceId: undefined, timestamp: undefined });

interface TokenRow {
  userId: string;
  tokenHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** SPEC §5 endpoints 9–10: password reset by mail. */
describe('password reset', () => {
  const t = useTestApp({ LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES) });
  afterEach(() => {
    t.clock.reset();
    jest.restoreAllMocks();
  });

  const request = (email: string) => t.http.post(REQUEST).send({ email });
  const confirm = (token: unknown, newPassword: unknown) => t.http.post(CONFIRM).send({ token, newPassword });
  const login = (email: string, password: string) => t.http.post('/api/auth/login').send({ email, password });
  const tokenRows = (userId: number) =>
    t.db.query<TokenRow[]>(
      `SELECT user_id::text AS "userId", token_hash AS "tokenHash", created_at AS "createdAt", expires_at AS "expiresAt"
       FROM password_reset_tokens WHERE user_id = $1`,
      [userId],
    );

  /** Requests a reset and reads the token out of the mail. */
  async function mailedToken(email: string): Promise<string> {
    const before = t.mail.mails.length;
    expect((await request(email)).status).toBe(200);
    return resetTokenFrom((await t.mail.waitFor(email, before)).text);
  }

  it('mails a local account a Korean link to the SPA with a 256-bit token stored only as its hash', async () => {
    const user = await signUp(t);
    const before = t.mail.mails.length;

    const res = await request(`  ${user.email.toUpperCase()} `);

    expect(res.status).toBe(200);
    expect(res.body).toEqual(SENT);
    const mail = await t.mail.waitFor(user.email, before);
    expect(mail.to).toEqual([user.email]);
    expect(mail.subject).toContain('비밀번호 재설정');
    const link = /링크: (\S+)/.exec(mail.text)![1];
    expect(link).toMatch(/^http:\/\/localhost:3000\/password-reset\?token=[A-Za-z0-9_-]{43,}$/);
    const token = resetTokenFrom(mail.text);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(mail.html).toContain(link);
    expect(mail.html).toMatch(/[\uAC00-\uD7A3]/);
    const rows = await tokenRows(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0].tokenHash).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(new Date(rows[0].expiresAt).getTime() - new Date(rows[0].createdAt).getTime()).toBe(30 * 60_000);
  });

  it('answers a social-only and an unknown email exactly as a local account, and mails neither', async () => {
    const local = await signUp(t);
    const socialEmail = uniqueEmail('social');
    const socialId = await insertSocialAccount(t, socialEmail);
    const unknown = uniqueEmail('nobody');
    const before = t.mail.mails.length;

    const answers = [await request(local.email), await request(socialEmail), await request(unknown)];
    await t.mail.waitFor(local.email, before);
    await backgroundIdle(t);

    for (const res of answers) expect(res.body).toEqual(SENT);
    const headerNames = (res: (typeof answers)[number]) =>
      Object.keys(res.headers)
        .filter((name) => !['date', 'x-trace-id', 'etag'].includes(name))
        .sort();
    expect(headerNames(answers[1])).toEqual(headerNames(answers[0]));
    expect(headerNames(answers[2])).toEqual(headerNames(answers[0]));
    expect(t.mail.mails.slice(before).map((mail) => mail.to)).toEqual([[local.email]]);
    expect(await tokenRows(socialId)).toEqual([]);
  });

  it('validates the email of a request', async () => {
    for (const [email, message] of [
      [undefined, '이메일은 필수입니다.'],
      ['  ', '이메일은 필수입니다.'],
      ['not-an-email', '올바른 이메일 형식이 아닙니다.'],
      ['a\u0000b@example.com', '올바른 이메일 형식이 아닙니다.'],
      [`${'a'.repeat(60)}@${'b'.repeat(40)}.example.com`, '이메일은 최대 100자까지 입력 가능합니다.'],
    ] as const) {
      const error = expectError(await t.http.post(REQUEST).send({ email }), 400, 'VALIDATION_FAILED', message);
      expect(error.errors).toEqual([{ field: 'email', message }]);
    }
  });

  it('sets the new password, revokes every session, forgets the login failures and mails a notice', async () => {
    const user = await signUp(t);
    const sessions = [await logIn(t, user.email, user.password), await logIn(t, user.email, user.password)];
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) await login(user.email, 'Wrong-password-1');
    expectError(await login(user.email, user.password), 429, 'LOGIN_THROTTLED');
    const token = await mailedToken(user.email);
    const before = t.mail.mails.length;

    const res = await confirm(token, 'Brand-New-Password-9');

    expect(res.status).toBe(200);
    expect(res.body).toEqual(CHANGED);
    expect(await tokenRows(user.id)).toEqual([]);
    const rows = await sessionsOfUser(t, user.id);
    expect(rows.map((row) => row.revokedReason)).toEqual(['password_reset', 'password_reset']);
    for (const session of sessions) {
      expectError(await t.http.get('/api/auth/me').set(bearer(session.accessToken)), 401, 'TOKEN_REVOKED');
      expectError(
        await t.http.post('/api/auth/refresh').send({ refreshToken: session.refreshToken }),
        400,
        'REFRESH_TOKEN_REVOKED',
      );
    }
    const notice = await t.mail.waitFor(user.email, before);
    expect(notice.subject).toContain('비밀번호가 변경되었습니다');
    expect(notice.text).toContain('비밀번호가 변경되었습니다');
    expect(notice.html).toContain('비밀번호가 변경되었습니다');
    // The locked-out owner is back in, with the new password only.
    expect((await login(user.email, 'Brand-New-Password-9')).status).toBe(200);
    expectError(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
    // Used once.
    expectError(await confirm(token, 'Another-Password-1'), 400, 'RESET_TOKEN_INVALID', INVALID);
    // Revocations outlive Redis losing its data.
    await t.flushStore();
    expectError(await t.http.get('/api/auth/me').set(bearer(sessions[0].accessToken)), 401, 'TOKEN_REVOKED');
  });

  it('keeps the token usable after a refused body, in the order token then newPassword', async () => {
    const user = await signUp(t);
    const token = await mailedToken(user.email);

    const empty = expectError(
      await t.http.post(CONFIRM).send({}),
      400,
      'VALIDATION_FAILED',
      '재설정 토큰은 필수입니다.',
    );
    expect(empty.errors).toEqual([
      { field: 'token', message: '재설정 토큰은 필수입니다.' },
      { field: 'newPassword', message: '비밀번호는 필수입니다.' },
    ]);
    expectError(await confirm('   ', 'Valid-Password-1'), 400, 'VALIDATION_FAILED', '재설정 토큰은 필수입니다.');
    expectError(await confirm(token, ''), 400, 'VALIDATION_FAILED', '비밀번호는 필수입니다.');
    for (const short of ['Short1!', 'x'.repeat(129)]) {
      expectError(await confirm(token, short), 400, 'VALIDATION_FAILED', '비밀번호는 8자 이상 128자 이하여야 합니다.');
    }
    expect(await tokenRows(user.id)).toHaveLength(1);

    expect((await confirm(token, 'Valid-Password-1')).status).toBe(200);
    expect((await login(user.email, 'Valid-Password-1')).status).toBe(200);
  });

  it('refuses an unknown, an expired and a replaced token with 400 RESET_TOKEN_INVALID', async () => {
    const user = await signUp(t);
    expectError(await confirm('a'.repeat(43), 'Valid-Password-1'), 400, 'RESET_TOKEN_INVALID', INVALID);
    expectError(await confirm('x'.repeat(5000), 'Valid-Password-1'), 400, 'RESET_TOKEN_INVALID', INVALID);

    const first = await mailedToken(user.email);
    const second = await mailedToken(user.email);
    expectError(await confirm(first, 'Valid-Password-1'), 400, 'RESET_TOKEN_INVALID', INVALID);
    expect((await tokenRows(user.id)).map((row) => row.tokenHash)).toEqual([sha256(second)]);

    t.clock.advance(30 * 60_000 + 1_000);
    expectError(await confirm(second, 'Valid-Password-1'), 400, 'RESET_TOKEN_INVALID', INVALID);
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('lets exactly one of concurrent confirms of one token win; the password is the winner’s', async () => {
    const user = await signUp(t);
    const token = await mailedToken(user.email);
    const passwords = Array.from({ length: 8 }, (_, i) => `Racing-Password-${i}`);

    const answers = await Promise.all(passwords.map((password) => confirm(token, password)));

    const winners = answers.map((res, i) => ({ res, i })).filter(({ res }) => res.status === 200);
    expect(winners).toHaveLength(1);
    for (const { res } of answers.map((res) => ({ res })).filter(({ res }) => res.status !== 200)) {
      expect(statusAndCode(res)).toEqual({ status: 400, errorCode: 'RESET_TOKEN_INVALID' });
    }
    const winner = passwords[winners[0].i];
    expect((await login(user.email, winner)).status).toBe(200);
    // Two of the losers (LOGIN_MAX_FAILURES is 3 here).
    for (const loser of passwords.filter((password) => password !== winner).slice(0, 2)) {
      expectError(await login(user.email, loser), 401, 'INVALID_CREDENTIALS');
    }
  });

  it('limits requests per email per hour identically for a known and an unknown email, keyed without the email', async () => {
    const known = await signUp(t);
    const unknown = uniqueEmail('nobody');
    const answers: Record<string, Awaited<ReturnType<typeof request>>[]> = { known: [], unknown: [] };
    for (let i = 0; i < 6; i++) {
      answers.known.push(await request(known.email));
      answers.unknown.push(await request(unknown));
    }
    await backgroundIdle(t);

    for (const list of Object.values(answers)) {
      expect(list.slice(0, 5).map((res) => res.status)).toEqual([200, 200, 200, 200, 200]);
      expectError(
        list[5],
        429,
        'PASSWORD_RESET_LIMITED',
        '비밀번호 재설정 요청 한도를 초과했습니다. 잠시 후 다시 시도해주세요.',
      );
      expect(Number(list[5].headers['retry-after'])).toBeGreaterThan(3500);
      expect(Number(list[5].headers['retry-after'])).toBeLessThanOrEqual(3600);
    }
    expect(comparable(answers.known[5].body)).toEqual(comparable(answers.unknown[5].body));
    for (const email of [known.email, unknown]) {
      expect(await t.store.get(`password-reset-requests:${t.app.get(EmailKeys).hash(email)}`)).toBe('6');
      expect(await t.store.get(`password-reset-requests:${email}`)).toBeNull();
    }
    // Five mails, not six: the refused request sent nothing.
    const resetMails = t.mail.mails.filter(
      (mail) => mail.to.includes(known.email) && mail.subject.includes('비밀번호 재설정'),
    );
    expect(resetMails).toHaveLength(5);
  });

  it('answers 200 when the mail cannot be sent, and logs the failure with the request’s traceId', async () => {
    const user = await signUp(t);
    const logged: { msg: unknown; traceId: string | undefined }[] = [];
    for (const level of ['warn', 'error'] as const) {
      jest.spyOn(Logger.prototype, level).mockImplementation((message: unknown) => {
        logged.push({ msg: message, traceId: currentTraceId() });
      });
    }
    t.mail.failNext(1);

    const res = await t.http.post(REQUEST).set('X-Trace-Id', 'reset-mail-failure-1').send({ email: user.email });
    await backgroundIdle(t);

    expect(res.body).toEqual(SENT);
    const failure = logged.find((line) => JSON.stringify(line.msg).includes('background task failed'));
    expect(failure?.traceId).toBe('reset-mail-failure-1');
    expect(JSON.stringify(logged)).not.toContain(user.email);
  });

  it('answers a known and an unknown email in the same time (medians of alternating samples)', async () => {
    const timed = await startTestApp({ PASSWORD_RESET_HOURLY_LIMIT: '1000' });
    try {
      const user = await signUp(timed);
      const unknown = uniqueEmail('nobody');
      const sample = async (email: string): Promise<number> => {
        const before = timed.mail.mails.length;
        const started = process.hrtime.bigint();
        const res = await timed.http.post(REQUEST).send({ email });
        const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
        expect(res.status).toBe(200);
        // Let the mail leave before the next sample, so background work never lands inside one.
        if (email === user.email) await timed.mail.waitFor(email, before);
        await backgroundIdle(timed);
        return elapsed;
      };
      await sample(user.email);
      await sample(unknown);
      const knownTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 15; i++) {
        knownTimes.push(await sample(user.email));
        unknownTimes.push(await sample(unknown));
      }
      const [known, nobody] = [median(knownTimes), median(unknownTimes)];
      // Within noise: the SMTP delivery (tens of ms) would show here if it happened before the answer.
      expect(Math.abs(known - nobody)).toBeLessThan(Math.max(known, nobody) * 0.5 + 3);
    } finally {
      await timed.close();
    }
  });
});

describe('password reset without SMTP (console mode)', () => {
  const t = useTestApp({ SMTP_URL: '' });
  let written: string[];

  it('prints the three plain lines of SPEC §5 with the normalised email, and the link works', async () => {
    const user = await signUp(t).catch(() => null);
    // Console mode cannot read a verification mail: sign up through the printed code instead.
    expect(user).toBeNull();
    const email = uniqueEmail('Console').toLowerCase();
    written = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
    try {
      await t.http.post('/api/auth/email/verification/send').send({ email });
      const code = /인증코드: (\d{6})/.exec(written.join(''))![1];
      await t.http.post('/api/auth/email/verification/verify').send({ email, verificationCode: code });
      const signup = await t.http.post('/api/auth/signup').send({
        email,
        password: 'MyPassword123!',
        name: '홍길동',
        nickname: `c${Date.now() % 1e9}`,
        birthDate: '2000-01-01',
      });
      expect(signup.status).toBe(201);
      written = [];

      expect((await t.http.post(REQUEST).send({ email: ` ${email.toUpperCase()} ` })).status).toBe(200);
      await backgroundIdle(t);
    } finally {
      spy.mockRestore();
    }

    const lines = written.join('').split('\n');
    const start = lines.indexOf('=== 비밀번호 재설정 링크 (개발 모드) ===');
    expect(start).toBeGreaterThanOrEqual(0);
    expect(lines[start + 1]).toBe(`이메일: ${email}`);
    expect(lines[start + 2]).toMatch(/^링크: http:\/\/localhost:3000\/password-reset\?token=[A-Za-z0-9_-]{43,}$/);
    const token = resetTokenFrom(lines[start + 2]);
    expect((await t.http.post(CONFIRM).send({ token, newPassword: 'Console-Password-1' })).status).toBe(200);
  });
});
