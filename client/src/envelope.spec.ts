import { AuthError, CLIENT_ERRORS } from './auth-error.js';
import { errorFromBody, parseRetryAfter, readEnvelope } from './envelope.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AuthError) return error;
    throw error;
  }
  throw new Error('expected an AuthError');
}

describe('readEnvelope', () => {
  it('resolves to the data of a success envelope', async () => {
    const data = { id: 7, email: 'a@example.com' };
    await expect(
      readEnvelope(json(200, { code: { code: 200, message: '성공' }, message: '성공', data })),
    ).resolves.toEqual(data);
    await expect(
      readEnvelope(
        json(200, { code: { code: 200, message: '성공' }, message: '인증 번호를 발송했습니다.', data: null }),
      ),
    ).resolves.toBeNull();
  });

  it('turns an error envelope into an AuthError with status, errorCode, the Korean message and traceId', async () => {
    const traceId = 'a'.repeat(32);
    const error = await rejection(
      readEnvelope(
        json(400, {
          code: { code: 400, message: '잘못된 요청' },
          message: '유효하지 않은 Refresh Token입니다.',
          traceId,
          timestamp: '2025-11-14T15:45:00',
          errorCode: 'REFRESH_TOKEN_INVALID',
        }),
      ),
    );
    expect(error).toBeInstanceOf(Error);
    expect({ ...error, message: error.message, name: error.name }).toEqual({
      name: 'AuthError',
      status: 400,
      errorCode: 'REFRESH_TOKEN_INVALID',
      message: '유효하지 않은 Refresh Token입니다.',
      traceId,
      retryAfter: null,
      errors: [],
      providerError: null,
    });
    expect(error.endsSession).toBe(true);
  });

  it('keeps every failing field of a validation error', async () => {
    const errors = [
      { field: 'email', message: '이메일은 필수입니다.' },
      { field: 'password', message: '비밀번호는 필수입니다.' },
    ];
    const error = await rejection(
      readEnvelope(json(400, { message: errors[0].message, traceId: 't', errorCode: 'VALIDATION_FAILED', errors })),
    );
    expect(error.errors).toEqual(errors);
    expect(error.endsSession).toBe(false);
  });

  it('reads Retry-After of a 429 and a 503 in seconds', async () => {
    const throttled = await rejection(
      readEnvelope(
        json(
          429,
          { message: '인증코드는 잠시 후 다시 요청할 수 있습니다.', traceId: 't', errorCode: 'EMAIL_SEND_COOLDOWN' },
          { 'retry-after': '42' },
        ),
      ),
    );
    expect([throttled.status, throttled.retryAfter]).toEqual([429, 42]);
    const unavailable = await rejection(
      readEnvelope(
        json(
          503,
          {
            message: '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.',
            traceId: 't',
            errorCode: 'SERVICE_UNAVAILABLE',
          },
          { 'retry-after': '5' },
        ),
      ),
    );
    expect([unavailable.status, unavailable.errorCode, unavailable.retryAfter]).toEqual([
      503,
      'SERVICE_UNAVAILABLE',
      5,
    ]);
  });

  it('answers UNEXPECTED_RESPONSE for a body that is not the envelope, with the trace header', async () => {
    const html = new Response('<html>Bad Gateway</html>', { status: 502, headers: { 'x-trace-id': 'edge-1' } });
    const error = await rejection(readEnvelope(html));
    expect([error.status, error.errorCode, error.message, error.traceId]).toEqual([
      502,
      'UNEXPECTED_RESPONSE',
      CLIENT_ERRORS.UNEXPECTED_RESPONSE,
      'edge-1',
    ]);
    const notEnvelope = await rejection(readEnvelope(json(200, { ok: true })));
    expect([notEnvelope.status, notEnvelope.errorCode]).toEqual([200, 'UNEXPECTED_RESPONSE']);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, and nothing else', () => {
    const now = Date.parse('2025-11-14T06:45:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Fri, 14 Nov 2025 06:45:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Fri, 14 Nov 2025 06:44:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
  });
});

describe('AuthError', () => {
  it('ends the session only for the refresh answers that mean it', () => {
    const of = (errorCode: string) => errorFromBody(400, { errorCode, message: 'm' }, new Headers()).endsSession;
    expect(['REFRESH_TOKEN_REVOKED', 'REFRESH_TOKEN_INVALID', 'EXPIRED_REFRESH_TOKEN'].map(of)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['TOKEN_EXPIRED', 'SERVICE_UNAVAILABLE', 'NETWORK_ERROR', 'VALIDATION_FAILED'].map(of)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });

  it('has status 0 and a Korean message for a network failure', () => {
    const error = AuthError.client('NETWORK_ERROR');
    expect([error.status, error.errorCode, error.message]).toEqual([0, 'NETWORK_ERROR', CLIENT_ERRORS.NETWORK_ERROR]);
  });
});
