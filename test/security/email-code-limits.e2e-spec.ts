import { jest } from '@jest/globals';
import { createHmac, hkdfSync } from 'node:crypto';
import {
  codeFrom,
  expectError,
  startTestApp,
  tally,
  type TestApp,
  uniqueEmail,
  useRealServices,
  useTestApp,
} from '../support/kit.js';
import request from 'supertest';

jest.setTimeout(90_000);

const SEND = '/api/auth/email/verification/send';
const VERIFY = '/api/auth/email/verification/verify';
const DAILY_LIMIT = 20;
const DAY_S = 86_400;
const HALF_HOUR_MS = 1_800_000;
const COOLDOWN_MESSAGE = '인증코드는 잠시 후 다시 요청할 수 있습니다.';

function emailHash(secret: string, email: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, 'email-key', 'auth-service', 32));
  return createHmac('sha256', key).update(email).digest('base64url');
}

/**
 * SPEC §2: at most EMAIL_CODE_DAILY_LIMIT (default 20) sends per email per
 * 24 h, answered like the cooldown (429 EMAIL_SEND_COOLDOWN, Retry-After), so
 * resending cannot multiply the 5 tries per code into thousands a day. The
 * resend cooldown is off here so only the daily limit speaks; time moves by
 * the injected clock.
 */
describe('daily limit on verification codes', () => {
  const t = useTestApp({ EMAIL_CODE_RESEND_COOLDOWN: '0' });

  const mailsTo = (email: string) => t.mail.mails.filter((mail) => mail.to.includes(email)).length;
  const dailyKeys = async (email: string) =>
    (await t.storeKeys()).filter((key) => key.startsWith(`email-code-daily:{${emailHash(t.env.JWT_SECRET, email)}}:`));

  it('sends 20 codes in 24 h, refuses the 21st until the oldest send is a day old, and keeps the last code valid', async () => {
    const email = uniqueEmail('daily');
    for (let i = 0; i < DAILY_LIMIT; i++) {
      if (i > 0) t.clock.advance(HALF_HOUR_MS);
      const before = t.mail.mails.length;
      expect((await t.http.post(SEND).send({ email })).status).toBe(200);
      await t.mail.waitFor(email, before);
    }
    expect(mailsTo(email)).toBe(DAILY_LIMIT);
    const lastCode = codeFrom(await t.mail.waitFor(email));

    // 19 half hours after the first send: the first slot frees in 24 h − 9.5 h.
    const refused = await t.http.post(SEND).send({ email });
    expectError(refused, 429, 'EMAIL_SEND_COOLDOWN', COOLDOWN_MESSAGE);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(DAY_S - 19 * 1_800 - 60);
    expect(retryAfter).toBeLessThanOrEqual(DAY_S - 19 * 1_800);
    expect(mailsTo(email)).toBe(DAILY_LIMIT);
    expect(await dailyKeys(email)).toHaveLength(DAILY_LIMIT);

    // A sliding window: once the first send is 24 h old exactly one more goes out.
    t.clock.advance(retryAfter * 1_000);
    const before = t.mail.mails.length;
    expect((await t.http.post(SEND).send({ email })).status).toBe(200);
    const newest = codeFrom(await t.mail.waitFor(email, before));
    const next = await t.http.post(SEND).send({ email });
    expectError(next, 429, 'EMAIL_SEND_COOLDOWN', COOLDOWN_MESSAGE);
    expect(Number(next.headers['retry-after'])).toBeLessThanOrEqual(1_800);
    expect(mailsTo(email)).toBe(DAILY_LIMIT + 1);

    // A refused send replaced nothing: the newest code verifies, an earlier one no longer does.
    if (newest !== lastCode) {
      const stale = await t.http.post(VERIFY).send({ email, verificationCode: lastCode });
      expect(stale.body.errorCode).toBe('VERIFICATION_CODE_MISMATCH');
    }
    expect((await t.http.post(VERIFY).send({ email, verificationCode: newest })).status).toBe(200);
  });

  it('counts concurrent sends atomically: 30 at once send exactly 20 mails', async () => {
    const email = uniqueEmail('burst');
    const answers = await Promise.all(Array.from({ length: 30 }, () => t.http.post(SEND).send({ email })));

    expect(tally(answers)).toEqual({ '200': DAILY_LIMIT, '429 EMAIL_SEND_COOLDOWN': 30 - DAILY_LIMIT });
    for (const res of answers.filter((answer) => answer.status === 429)) {
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(DAY_S - 120);
    }
    // The sink may file a mail just after the service's SMTP exchange ended.
    const deadline = Date.now() + 10_000;
    while (mailsTo(email) < DAILY_LIMIT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(mailsTo(email)).toBe(DAILY_LIMIT);
    expect(await dailyKeys(email)).toHaveLength(DAILY_LIMIT);
  });

  it('keeps each email to its own count', async () => {
    const other = uniqueEmail('other');
    expect((await t.http.post(SEND).send({ email: other })).status).toBe(200);
    expect(await dailyKeys(other)).toHaveLength(1);
  });
});

const describeReal = useRealServices ? describe : describe.skip;

describeReal('daily limit across two instances on one Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ EMAIL_CODE_RESEND_COOLDOWN: '0' });
    b = await startTestApp({ EMAIL_CODE_RESEND_COOLDOWN: '0' }, { join: a });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('sends exactly 20 of 30 codes split over A and B', async () => {
    const email = uniqueEmail('split');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        request((i % 2 ? b : a).app.getHttpServer())
          .post(SEND)
          .send({ email }),
      ),
    );
    expect(tally(answers)).toEqual({ '200': DAILY_LIMIT, '429 EMAIL_SEND_COOLDOWN': 30 - DAILY_LIMIT });
    const sent = () => [...a.mail.mails, ...b.mail.mails].filter((mail) => mail.to.includes(email)).length;
    const deadline = Date.now() + 10_000;
    while (sent() < DAILY_LIMIT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(sent()).toBe(DAILY_LIMIT);
  });
});
