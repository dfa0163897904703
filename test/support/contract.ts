import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Response, Test } from 'supertest';
import { MemoryStore } from '../../src/cache/memory.store.js';
import { codeFrom } from './smtp-sink.js';
import type { TestApp } from './test-app.js';

/**
 * Assertions on the SPEC §1 envelopes shared by the contract specs. The
 * expected strings are written out here, never read from the source code, so
 * a changed message in the catalogue fails the tests.
 */

/** `code.message` by HTTP status (SPEC §1). */
export const STATUS_TEXT: Record<number, string> = {
  200: '성공',
  201: '생성됨',
  400: '잘못된 요청',
  401: '인증 필요',
  403: '권한 없음',
  404: '찾을 수 없음',
  409: '충돌',
  413: '요청 크기 초과',
  415: '지원하지 않는 형식',
  429: '요청 한도 초과',
  500: '서버 오류',
  503: '서비스 이용 불가',
};

export const GENERATED_TRACE_ID = /^[0-9a-f]{32}$/;
export const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
export const APP_TIMEZONE = 'Asia/Seoul';
export const DAY_MS = 86_400_000;

const seoul = new Intl.DateTimeFormat('sv-SE', {
  timeZone: APP_TIMEZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** `YYYY-MM-DDTHH:mm:ss` in Asia/Seoul. */
export function seoulTimestamp(epochMs: number): string {
  return seoul.format(epochMs).replace(' ', 'T');
}

/** The calendar date `YYYY-MM-DD` in Asia/Seoul. */
export function seoulDate(epochMs: number): string {
  return seoulTimestamp(epochMs).slice(0, 10);
}

/** `YYYY-MM-DD` shifted by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export interface FieldError {
  field: string;
  message: string;
}

export interface ExpectedError {
  status: number;
  errorCode: string;
  message: string;
  /** Validation errors: every failing field in the SPEC's order. */
  errors?: FieldError[];
}

/**
 * Sends the request and asserts the whole error envelope: status, code
 * object, errorCode, exact message, a generated traceId echoed in
 * `X-Trace-Id`, and a timestamp in Asia/Seoul taken by the app's clock
 * while the request was in flight.
 */
export async function expectFailure(t: TestApp, pending: Test, expected: ExpectedError): Promise<Response> {
  const before = seoulTimestamp(t.clock.now());
  const res = await pending;
  const after = seoulTimestamp(t.clock.now());
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: expected.status,
    body: {
      code: { code: expected.status, message: STATUS_TEXT[expected.status] },
      message: expected.message,
      traceId: expect.stringMatching(GENERATED_TRACE_ID),
      timestamp: expect.stringMatching(LOCAL_TIMESTAMP),
      errorCode: expected.errorCode,
      ...(expected.errors ? { errors: expected.errors } : {}),
    },
  });
  if (!expected.errors) expect(res.body).not.toHaveProperty('errors');
  if (expected.errors) expect(expected.errors[0]?.message).toBe(expected.message);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-trace-id']).toBe(res.body.traceId);
  const timestamp = res.body.timestamp as string;
  expect(timestamp >= before && timestamp <= after).toBe(true);
  return res;
}

/** Shorthand for a VALIDATION_FAILED answer listing `errors` (in order); `message` is the first. */
export function validationFailed(...errors: FieldError[]): ExpectedError {
  return { status: 400, errorCode: 'VALIDATION_FAILED', message: errors[0].message, errors };
}

/** `Retry-After`: whole seconds, at least 1 and at most the window it waits for. */
export function expectRetryAfter(res: Response, maxSeconds: number): void {
  const header = res.headers['retry-after'] as string | undefined;
  expect(header).toMatch(/^\d+$/);
  expect(Number(header)).toBeGreaterThanOrEqual(1);
  expect(Number(header)).toBeLessThanOrEqual(maxSeconds);
}

export interface RowCounts {
  users: number;
  sessions: number;
  refreshTokens: number;
}

async function count(t: TestApp, table: 'users' | 'sessions' | 'refresh_tokens'): Promise<number> {
  const rows = await t.db.query<{ n: number }[]>(`select count(*)::int as n from ${table}`);
  return rows[0].n;
}

/** Rows of the three tables the API writes. */
export async function countRows(t: TestApp): Promise<RowCounts> {
  return {
    users: await count(t, 'users'),
    sessions: await count(t, 'sessions'),
    refreshTokens: await count(t, 'refresh_tokens'),
  };
}

export interface UserRow {
  id: string;
  email: string;
  password_hash: string | null;
  name: string;
  nickname: string;
  birth_date: string | null;
  address_sido: string | null;
  address_gugun: string | null;
  provider: string;
}

/** The local account rows with this exact (stored) email. */
export function userRows(t: TestApp, email: string): Promise<UserRow[]> {
  return t.db.query<UserRow[]>(
    `select id::text, email, password_hash, name, nickname, to_char(birth_date, 'YYYY-MM-DD') as birth_date,
            address_sido, address_gugun, provider
     from users where email = $1`,
    [email],
  );
}

export interface SessionRow {
  id: string;
  user_id: string;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export function sessionRows(t: TestApp, userId: number): Promise<SessionRow[]> {
  return t.db.query<SessionRow[]>(
    `select id::text, user_id::text, revoked_at, revoked_reason from sessions where user_id = $1 order by created_at`,
    [userId],
  );
}

export interface RefreshTokenRow {
  jti: string;
  session_id: string;
  spent_at: Date | null;
  replaced_by: string | null;
}

export function refreshTokenRows(t: TestApp, sessionId: string): Promise<RefreshTokenRow[]> {
  return t.db.query<RefreshTokenRow[]>(
    `select jti::text, session_id::text, spent_at, replaced_by::text from refresh_tokens
     where session_id = $1 order by issued_at, spent_at nulls last`,
    [sessionId],
  );
}

/** The claims of one of our JWTs, read without verifying it. */
export function claimsOf(token: string): { sub: string; sid: string; jti: string; typ: string } {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as {
    sub: string;
    sid: string;
    jti: string;
    typ: string;
  };
}

/**
 * Lets `ms` pass for everything that expires: the app's clock (tokens, the
 * in-process store) and, with Redis, real time, since Redis expires keys on
 * its own clock. Only for short TTLs.
 */
export async function letTimePass(t: TestApp, ms: number): Promise<void> {
  t.clock.advance(ms);
  if (!(t.store instanceof MemoryStore)) await sleep(ms);
}

export const SEND_PATH = '/api/auth/email/verification/send';
export const VERIFY_PATH = '/api/auth/email/verification/verify';
export const SIGNUP = '/api/auth/signup';
export const LOGIN = '/api/auth/login';
export const LOGOUT = '/api/auth/logout';
export const REFRESH = '/api/auth/refresh';
export const REISSUE = '/api/auth/reissue';
export const ME = '/api/auth/me';

/** Sends a verification code and returns it, read from the mail the SMTP sink received. */
export async function sendCode(t: TestApp, email: string): Promise<string> {
  const before = t.mail.mails.length;
  const res = await t.http.post(SEND_PATH).send({ email });
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
  return codeFrom(await t.mail.waitFor(email.trim(), before));
}

/** A six-digit code that is surely not `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** A valid, unique email of exactly `length` characters (64-character local part). */
export function emailOfLength(length: number): string {
  const local = `u${randomBytes(6).toString('hex')}`.padEnd(64, 'a');
  return `${local}@${'b'.repeat(length - local.length - 1 - 4)}.com`;
}

/** Runs `act` and asserts that no row was added to or removed from users, sessions or refresh_tokens. */
export async function expectNoRowsWritten(t: TestApp, act: () => Promise<unknown>): Promise<void> {
  const before = await countRows(t);
  await act();
  expect(await countRows(t)).toEqual(before);
}

/**
 * The SPEC §2 field messages, written out here rather than imported from src:
 * a change to the catalogue must fail these tests.
 */
export const FIELD_MESSAGE = {
  emailRequired: '이메일은 필수입니다.',
  emailFormat: '올바른 이메일 형식이 아닙니다.',
  emailLength: '이메일은 최대 100자까지 입력 가능합니다.',
  codeRequired: '인증코드는 필수입니다.',
  codeFormat: '인증코드는 6자리 숫자여야 합니다.',
  passwordRequired: '비밀번호는 필수입니다.',
  passwordLength: '비밀번호는 8자 이상 128자 이하여야 합니다.',
  nameRequired: '이름은 필수입니다.',
  nameLength: '이름은 최대 10자까지 입력 가능합니다.',
  nicknameRequired: '닉네임은 필수입니다.',
  nicknameLength: '닉네임은 최대 10자까지 입력 가능합니다.',
  birthDateRequired: '생년월일은 필수입니다.',
  birthDateFormat: '생년월일 형식이 올바르지 않습니다.',
  sidoLength: '시/도는 최대 50자까지 입력 가능합니다.',
  gugunLength: '구/군은 최대 50자까지 입력 가능합니다.',
  refreshTokenRequired: 'Refresh Token은 필수입니다.',
  invalid: '잘못된 요청입니다.',
} as const;
