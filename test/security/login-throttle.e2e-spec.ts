import { jest } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { PasswordService } from '../../src/auth/password.service.js';
import { EmailKeys } from '../../src/common/security/email-keys.js';
import { signUp, startTestApp, tally, type TestApp, uniqueEmail, useRealServices, useTestApp } from '../support/kit.js';

// Boots and bcrypt on two shared cores, next to other suites.
jest.setTimeout(90_000);

const LOGIN = '/api/auth/login';
const MAX_FAILURES = 10;
const BURST = 40;
const WRONG = 'WrongPassword1!';

type Answer = request.Response;

/** Counts the password comparisons an instance runs; `hold()` keeps wrong-password ones waiting until `release()`. */
class Comparisons {
  calls = 0;
  waiting = 0;
  private gate: Promise<void> | null = null;
  private open: () => void = () => undefined;

  constructor(t: TestApp) {
    const passwords = t.app.get(PasswordService);
    const original = passwords.verify.bind(passwords);
    jest.spyOn(passwords, 'verify').mockImplementation(async (password, hash) => {
      this.calls++;
      if (this.gate && password === WRONG) {
        this.waiting++;
        await this.gate;
        this.waiting--;
      }
      return original(password, hash);
    });
  }

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
    this.gate = null;
  }
}

/** Waits (no timing assumption, only a generous bound) until `done()` holds. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
    await sleep(10);
  }
}

const post = (t: TestApp, email: string, password: string) =>
  request(t.app.getHttpServer()).post(LOGIN).send({ email, password });

async function sessionCount(t: TestApp, userId: number): Promise<number> {
  const rows = await t.db.query<{ n: string }[]>('SELECT count(*) AS n FROM sessions WHERE user_id = $1', [userId]);
  return Number(rows[0].n);
}

function expectThrottled(res: Answer): void {
  expect({ status: res.status, errorCode: res.body.errorCode, message: res.body.message }).toEqual({
    status: 429,
    errorCode: 'LOGIN_THROTTLED',
    message: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/**
 * Fires the wrong passwords of a burst, spread over `apps`, while every
 * comparison is held; once each has either reached a comparison or been
 * answered, the right password is sent. It must be refused: the slots were
 * taken before any comparison finished.
 */
async function rightPasswordDuringHeldBurst(apps: TestApp[], comparisons: Comparisons[], email: string, right: string) {
  comparisons.forEach((c) => c.hold());
  let answered = 0;
  const wrong = Array.from({ length: BURST - 1 }, (_, i) =>
    post(apps[i % apps.length], email, WRONG).then((res) => {
      answered++;
      return res;
    }),
  );
  const waiting = () => comparisons.reduce((sum, c) => sum + c.waiting, 0);
  await until(() => waiting() + answered === BURST - 1, 'every wrong attempt compared or answered');
  const rightAnswer = await post(apps[apps.length - 1], email, right);
  comparisons.forEach((c) => c.release());
  return { rightAnswer, wrongAnswers: await Promise.all(wrong) };
}

/** SPEC §2 "Login throttling": the limit holds however the attempts are timed. */
describe('login throttling under concurrency', () => {
  let comparisons: Comparisons;
  afterAll(() => {
    jest.restoreAllMocks();
  });
  const t = useTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES) });
  beforeAll(() => {
    comparisons = new Comparisons(t);
  });

  const failureCount = async (email: string) =>
    t.store.get(`login-failures:${t.app.get(EmailKeys).hash(email)}`).then((value) => Number(value ?? 0));

  it(`compares only ${MAX_FAILURES} of ${BURST} concurrent wrong passwords and refuses the rest, then the right one`, async () => {
    const user = await signUp(t);
    const before = comparisons.calls;

    const answers = await Promise.all(Array.from({ length: BURST }, () => post(t, user.email, WRONG)));

    expect(tally(answers)).toEqual({
      '401 INVALID_CREDENTIALS': MAX_FAILURES,
      '429 LOGIN_THROTTLED': BURST - MAX_FAILURES,
    });
    answers.filter((res) => res.status === 429).forEach(expectThrottled);
    expect(comparisons.calls - before).toBe(MAX_FAILURES);
    expect(await failureCount(user.email)).toBeGreaterThanOrEqual(MAX_FAILURES);

    const right = await post(t, user.email, user.password);
    expectThrottled(right);
    expect(comparisons.calls - before).toBe(MAX_FAILURES);
    expect(await sessionCount(t, user.id)).toBe(0);
  });

  it('refuses the right password sent while the first wrong ones are still being compared', async () => {
    const user = await signUp(t);
    const before = comparisons.calls;

    const { rightAnswer, wrongAnswers } = await rightPasswordDuringHeldBurst(
      [t],
      [comparisons],
      user.email,
      user.password,
    );

    expectThrottled(rightAnswer);
    expect(tally(wrongAnswers)).toEqual({
      '401 INVALID_CREDENTIALS': MAX_FAILURES,
      '429 LOGIN_THROTTLED': BURST - 1 - MAX_FAILURES,
    });
    expect(comparisons.calls - before).toBe(MAX_FAILURES);
    expect(await sessionCount(t, user.id)).toBe(0);
  });

  it('holds the same limit, at the same bcrypt work, for an email with no account', async () => {
    const email = uniqueEmail('ghost');
    const before = comparisons.calls;

    const answers = await Promise.all(Array.from({ length: BURST }, () => post(t, email, WRONG)));

    expect(tally(answers)).toEqual({
      '401 INVALID_CREDENTIALS': MAX_FAILURES,
      '429 LOGIN_THROTTLED': BURST - MAX_FAILURES,
    });
    expect(comparisons.calls - before).toBe(MAX_FAILURES);
  });

  it('lets the right password in below the limit, and the success clears the count', async () => {
    const user = await signUp(t);
    for (let i = 0; i < MAX_FAILURES - 1; i++) expect((await post(t, user.email, WRONG)).status).toBe(401);
    expect(await failureCount(user.email)).toBe(MAX_FAILURES - 1);

    expect((await post(t, user.email, user.password)).status).toBe(200);
    expect(await failureCount(user.email)).toBe(0);
    expect(await sessionCount(t, user.id)).toBe(1);

    // A full window of failures is available again.
    const answers = await Promise.all(Array.from({ length: MAX_FAILURES }, () => post(t, user.email, WRONG)));
    expect(tally(answers)).toEqual({ '401 INVALID_CREDENTIALS': MAX_FAILURES });
    expectThrottled(await post(t, user.email, user.password));
  });
});

const describeReal = useRealServices ? describe : describe.skip;
if (!useRealServices) {
  console.info(
    'login-throttle (two instances): skipped on the embedded parts; run `npm run test:e2e` with DATABASE_URL and REDIS_URL',
  );
}

describeReal('login throttling across two instances on one PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let onA: Comparisons;
  let onB: Comparisons;
  beforeAll(async () => {
    a = await startTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES) });
    b = await startTestApp({ LOGIN_MAX_FAILURES: String(MAX_FAILURES) }, { join: a });
    onA = new Comparisons(a);
    onB = new Comparisons(b);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await b?.close();
    await a?.close();
  });

  const compared = () => onA.calls + onB.calls;

  it(`compares only ${MAX_FAILURES} of ${BURST} wrong passwords split over A and B`, async () => {
    const user = await signUp(a);
    const before = compared();

    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => post(i % 2 ? b : a, user.email, WRONG)));

    expect(tally(answers)).toEqual({
      '401 INVALID_CREDENTIALS': MAX_FAILURES,
      '429 LOGIN_THROTTLED': BURST - MAX_FAILURES,
    });
    expect(compared() - before).toBe(MAX_FAILURES);
    expectThrottled(await post(b, user.email, user.password));
    expectThrottled(await post(a, user.email, user.password));
    expect(await sessionCount(a, user.id)).toBe(0);
  });

  it('refuses on B the right password while wrong ones sent to A and B are still being compared', async () => {
    const user = await signUp(a);
    const before = compared();

    const { rightAnswer, wrongAnswers } = await rightPasswordDuringHeldBurst(
      [a, b],
      [onA, onB],
      user.email,
      user.password,
    );

    expectThrottled(rightAnswer);
    expect(tally(wrongAnswers)).toEqual({
      '401 INVALID_CREDENTIALS': MAX_FAILURES,
      '429 LOGIN_THROTTLED': BURST - 1 - MAX_FAILURES,
    });
    expect(compared() - before).toBe(MAX_FAILURES);
    expect(await sessionCount(a, user.id)).toBe(0);
  });
});
