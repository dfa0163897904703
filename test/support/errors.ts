import type { Response, Test } from 'supertest';
import { seoulTimestamp } from './time.js';
import type { TestApp } from './test-app.js';

/*
 * Assertions on the SPEC §1 error answers. The expected strings are written
 * out here, never read from the source code, so a changed message in the
 * catalogue fails the tests.
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

/** A trace id the service generated itself. */
export const GENERATED_TRACE_ID = /^[0-9a-f]{32}$/;
/** A generated trace id or one the client sent in `X-Trace-Id`. */
export const ANY_TRACE_ID = /^[0-9a-f]{32}$|^[A-Za-z0-9._-]{1,64}$/;
export const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

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
 * What every SPEC §1 error answer carries: the code object of its status, a
 * trace id echoed in `X-Trace-Id`, a local timestamp, and a JSON body.
 */
function expectEnvelope(res: Response, status: number, traceId: RegExp): void {
  expect(res.body.code).toEqual({ code: status, message: STATUS_TEXT[status] });
  expect(res.body.traceId).toMatch(traceId);
  expect(res.body.timestamp).toMatch(LOCAL_TIMESTAMP);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-trace-id']).toBe(res.body.traceId);
}

/**
 * Asserts an error answer already received: status, errorCode, the message
 * when given, and the SPEC §1 envelope around them. Returns the body.
 */
export function expectError(res: Response, status: number, errorCode: string, message?: string) {
  expect({
    status: res.status,
    errorCode: res.body.errorCode,
    message: message === undefined ? undefined : res.body.message,
  }).toEqual({
    status,
    errorCode,
    message,
  });
  expectEnvelope(res, status, ANY_TRACE_ID);
  return res.body as { message: string; errors?: { field: string; message: string }[] };
}

/**
 * Sends the request and asserts the whole error envelope: status, code
 * object, errorCode, exact message, nothing else in the body, a generated
 * traceId echoed in `X-Trace-Id`, and a timestamp in Asia/Seoul taken by the
 * app's clock while the request was in flight.
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
  expectEnvelope(res, expected.status, GENERATED_TRACE_ID);
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

/** SPEC §1: a dependency down is 503 SERVICE_UNAVAILABLE with Retry-After, never a 500. */
export function expectUnavailable(res: Response): void {
  expect({ status: res.status, errorCode: res.body?.errorCode }).toEqual({
    status: 503,
    errorCode: 'SERVICE_UNAVAILABLE',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body.message).toBe('일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.');
}

/**
 * SPEC §4: /health answers 503 naming the failing dependency by name only,
 * with no address, port or driver message.
 */
export function expectHealthDown(res: Response, down: 'database' | 'redis'): void {
  const up = down === 'database' ? 'redis' : 'database';
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: 503,
    body: {
      status: 'error',
      info: { [up]: { status: 'up' } },
      error: { [down]: { status: 'down' } },
      details: {
        database: { status: down === 'database' ? 'down' : 'up' },
        redis: { status: down === 'redis' ? 'down' : 'up' },
      },
    },
  });
  expect(res.text).not.toMatch(/ECONN|refused|127\.0\.0\.1|localhost|:\d+|message/i);
}

export function statusAndCode(res: Response): { status: number; errorCode: unknown } {
  return { status: res.status, errorCode: res.body.errorCode };
}

/** How many answers carried each status (and errorCode, when there was one). */
export function tally(responses: { status: number; body: { errorCode?: string } }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = res.body.errorCode ? `${res.status} ${res.body.errorCode}` : String(res.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
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
