/** A field the service refused, as in the error envelope's `errors` (SPEC §1). */
export interface FieldError {
  field: string;
  message: string;
}

export interface AuthErrorInit {
  status: number;
  errorCode: string;
  message: string;
  traceId?: string | null;
  retryAfter?: number | null;
  errors?: FieldError[];
  providerError?: string | null;
}

/**
 * Codes the client itself produces when the service gave no envelope to read.
 * `status` is 0 for them, as for a failure carried by a social-login redirect.
 */
export const CLIENT_ERRORS = {
  NETWORK_ERROR: '서버에 연결할 수 없습니다. 네트워크 연결을 확인해주세요.',
  UNEXPECTED_RESPONSE: '서버의 응답을 해석할 수 없습니다. 잠시 후 다시 시도해주세요.',
  UNSUPPORTED_PROVIDER: '지원하지 않는 소셜 로그인입니다.',
} as const;

export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

/**
 * Refresh answers that mean the session is over: the client signs out (in
 * every tab) instead of retrying. `EXPIRED_REFRESH_TOKEN` is what the reissue
 * endpoint says where refresh says `REFRESH_TOKEN_INVALID`.
 */
export const SESSION_ENDING_CODES: ReadonlySet<string> = new Set([
  'REFRESH_TOKEN_REVOKED',
  'REFRESH_TOKEN_INVALID',
  'EXPIRED_REFRESH_TOKEN',
]);

/**
 * Every failure of the client: the service's error envelope (status,
 * errorCode, the Korean message, traceId, Retry-After for 429/503), a
 * network failure (`NETWORK_ERROR`, status 0), or a social login that came
 * back with `?error=` (status 0, the redirect's errorCode and message).
 */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  /** HTTP status; 0 when no HTTP answer carried the error. */
  readonly status: number;
  /** The service's stable errorCode, or one of CLIENT_ERRORS. */
  readonly errorCode: string;
  readonly traceId: string | null;
  /** Seconds to wait before trying again (429 and 503), else null. */
  readonly retryAfter: number | null;
  /** Every failing field of a VALIDATION_FAILED answer; empty otherwise. */
  readonly errors: FieldError[];
  /** The provider's own code after a failed social login (e.g. KOE320), else null. */
  readonly providerError: string | null;

  constructor(init: AuthErrorInit) {
    super(init.message);
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.traceId = init.traceId ?? null;
    this.retryAfter = init.retryAfter ?? null;
    this.errors = init.errors ?? [];
    this.providerError = init.providerError ?? null;
  }

  /** True when the error ends the session: the client has signed out. */
  get endsSession(): boolean {
    return SESSION_ENDING_CODES.has(this.errorCode);
  }

  static client(errorCode: ClientErrorCode, status = 0): AuthError {
    return new AuthError({ status, errorCode, message: CLIENT_ERRORS[errorCode] });
  }
}
