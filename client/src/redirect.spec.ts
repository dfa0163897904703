import { parseRedirect } from './redirect.js';

const SPA = 'http://localhost:3000/oauth-redirect';
const ACCESS = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig-a';
const REFRESH = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIyIn0.sig-r';

describe('parseRedirect', () => {
  it('query mode: reads both tokens and leaves the bare path', () => {
    expect(parseRedirect(`${SPA}?accessToken=${ACCESS}&refreshToken=${REFRESH}`)).toEqual({
      payload: { kind: 'tokens', accessToken: ACCESS, refreshToken: REFRESH },
      cleanUrl: SPA,
    });
  });

  it('fragment mode: reads both tokens and drops the fragment', () => {
    expect(parseRedirect(`${SPA}#accessToken=${ACCESS}&refreshToken=${REFRESH}`)).toEqual({
      payload: { kind: 'tokens', accessToken: ACCESS, refreshToken: REFRESH },
      cleanUrl: SPA,
    });
  });

  it('code mode: reads the one-time code', () => {
    expect(parseRedirect(`${SPA}?code=abc_DEF-123`)).toEqual({
      payload: { kind: 'code', code: 'abc_DEF-123' },
      cleanUrl: SPA,
    });
  });

  it('keeps the app’s own parameters and removes only the hand-off ones', () => {
    const { cleanUrl } = parseRedirect(`${SPA}?next=%2Fcart&accessToken=${ACCESS}&refreshToken=${REFRESH}#tab=2`);
    expect(cleanUrl).toBe(`${SPA}?next=%2Fcart#tab=2`);
  });

  it('a failure redirect becomes an AuthError with the errorCode, Korean message, traceId and providerError', () => {
    const message = '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.';
    const traceId = 'f'.repeat(32);
    const { payload, cleanUrl } = parseRedirect(
      `${SPA}?error=KAKAO_AUTH_FAILED&message=${encodeURIComponent(message)}&traceId=${traceId}&providerError=KOE320`,
    );
    expect(cleanUrl).toBe(SPA);
    if (payload.kind !== 'error') throw new Error(`expected an error, got ${payload.kind}`);
    expect({
      name: payload.error.name,
      status: payload.error.status,
      errorCode: payload.error.errorCode,
      message: payload.error.message,
      traceId: payload.error.traceId,
      providerError: payload.error.providerError,
    }).toEqual({
      name: 'AuthError',
      status: 0,
      errorCode: 'KAKAO_AUTH_FAILED',
      message,
      traceId,
      providerError: 'KOE320',
    });
  });

  it('an error wins over tokens, and one token alone is nothing', () => {
    expect(parseRedirect(`${SPA}?error=ACCESS_DENIED&accessToken=${ACCESS}&refreshToken=${REFRESH}`).payload.kind).toBe(
      'error',
    );
    const half = parseRedirect(`${SPA}?accessToken=${ACCESS}`);
    expect(half).toEqual({ payload: { kind: 'none' }, cleanUrl: SPA });
  });

  it('a URL without hand-off parameters is left as it is', () => {
    expect(parseRedirect(`${SPA}?page=1#top`)).toEqual({ payload: { kind: 'none' }, cleanUrl: `${SPA}?page=1#top` });
    expect(parseRedirect(SPA)).toEqual({ payload: { kind: 'none' }, cleanUrl: SPA });
  });
});
