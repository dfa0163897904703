/**
 * The one catalogue of errors: every errorCode with its HTTP status and the
 * exact Korean message clients match on (SPEC §1–§3). Nothing else in the code
 * writes an error message.
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, message: '잘못된 요청입니다.' },
  INVALID_JSON: { status: 400, message: '요청 본문이 올바른 JSON 형식이 아닙니다.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: '요청 본문이 너무 큽니다.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: '지원하지 않는 Content-Type입니다.' },
  NOT_FOUND: { status: 404, message: '요청한 리소스를 찾을 수 없습니다.' },
  TOO_MANY_REQUESTS: { status: 429, message: '요청이 너무 많습니다. 잠시 후 다시 시도해주세요.' },
  SERVICE_UNAVAILABLE: {
    status: 503,
    message: '일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.',
  },
  INTERNAL_ERROR: { status: 500, message: '서버 오류가 발생했습니다.' },

  EMAIL_SEND_COOLDOWN: { status: 429, message: '인증코드는 잠시 후 다시 요청할 수 있습니다.' },
  MAIL_SEND_FAILED: {
    status: 503,
    message: '인증 메일 발송에 실패했습니다. 잠시 후 다시 시도해주세요.',
  },
  VERIFICATION_CODE_EXPIRED: {
    status: 400,
    message: '만료된 인증코드입니다. 인증코드 전송 재시도 부탁드립니다.',
  },
  VERIFICATION_CODE_MISMATCH: { status: 400, message: '인증코드가 일치하지 않습니다.' },
  VERIFICATION_ATTEMPTS_EXCEEDED: {
    status: 400,
    message: '인증 시도 횟수를 초과했습니다. 인증코드를 다시 요청해주세요.',
  },

  UNDER_AGE: { status: 400, message: '만 14세 이상만 회원가입이 가능합니다.' },
  EMAIL_NOT_VERIFIED: { status: 403, message: '이메일 인증이 완료되지 않았습니다.' },
  EMAIL_ALREADY_EXISTS: { status: 409, message: '이미 사용 중인 이메일입니다.' },
  NICKNAME_ALREADY_EXISTS: { status: 409, message: '이미 사용 중인 닉네임입니다.' },

  INVALID_CREDENTIALS: { status: 401, message: '이메일 또는 비밀번호가 일치하지 않습니다.' },
  LOGIN_THROTTLED: {
    status: 429,
    message: '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.',
  },

  TOKEN_MISSING: { status: 401, message: '인증 토큰이 필요합니다.' },
  TOKEN_INVALID: { status: 401, message: '유효하지 않은 토큰입니다.' },
  TOKEN_EXPIRED: { status: 401, message: '만료된 토큰입니다.' },
  TOKEN_REVOKED: { status: 401, message: '이미 로그아웃된 토큰입니다.' },

  REFRESH_TOKEN_INVALID: { status: 400, message: '유효하지 않은 Refresh Token입니다.' },
  REFRESH_TOKEN_REVOKED: { status: 400, message: '이미 로그아웃된 Refresh Token입니다.' },
  EXPIRED_REFRESH_TOKEN: {
    status: 401,
    message: '리프레시 토큰이 만료되었습니다. 다시 로그인해주세요.',
  },

  UNSUPPORTED_PROVIDER: { status: 404, message: '지원하지 않는 소셜 로그인입니다.' },
  PROVIDER_NOT_CONFIGURED: { status: 503, message: '소셜 로그인 설정이 완료되지 않았습니다.' },
  REDIRECT_URI_NOT_ALLOWED: { status: 400, message: '허용되지 않은 redirect_uri입니다.' },
  EMAIL_REQUIRED: {
    status: 400,
    message: '이메일 정보가 필요합니다. 소셜 로그인 시 이메일 제공에 동의해주세요.',
  },
  EMAIL_REGISTERED_WITH_LOCAL: {
    status: 409,
    message: '이미 가입된 이메일입니다. 일반 로그인을 사용해주세요.',
  },
  ACCESS_DENIED: { status: 400, message: '소셜 로그인이 취소되었습니다.' },
  INVALID_STATE: { status: 400, message: '유효하지 않은 로그인 요청입니다. 다시 시도해주세요.' },
  KAKAO_AUTH_FAILED: { status: 502, message: '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.' },
  GOOGLE_AUTH_FAILED: { status: 502, message: '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.' },
  GITHUB_AUTH_FAILED: { status: 502, message: '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.' },
  NAVER_AUTH_FAILED: { status: 502, message: '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.' },
  KAKAO_TOKEN_INVALID: { status: 401, message: '유효하지 않은 카카오 액세스 토큰입니다.' },
  KAKAO_APP_MISMATCH: { status: 401, message: '이 서비스에서 발급된 카카오 토큰이 아닙니다.' },
  KAKAO_UNAVAILABLE: { status: 502, message: '카카오 서버와 통신에 실패했습니다.' },

  PASSWORD_RESET_LIMITED: {
    status: 429,
    message: '비밀번호 재설정 요청 한도를 초과했습니다. 잠시 후 다시 시도해주세요.',
  },
  RESET_TOKEN_INVALID: {
    status: 400,
    message: '유효하지 않거나 만료된 재설정 링크입니다. 비밀번호 재설정을 다시 요청해주세요.',
  },
  CURRENT_PASSWORD_MISMATCH: { status: 400, message: '현재 비밀번호가 일치하지 않습니다.' },
  PASSWORD_NOT_SET: { status: 400, message: '비밀번호로 가입한 계정이 아닙니다.' },
  PASSWORD_UNCHANGED: { status: 400, message: '새 비밀번호는 현재 비밀번호와 달라야 합니다.' },
  SESSION_NOT_FOUND: { status: 404, message: '세션을 찾을 수 없습니다.' },
  REAUTH_REQUIRED: { status: 403, message: '보안을 위해 다시 로그인한 후 시도해주세요.' },
  UNLINK_UNAUTHORIZED: { status: 401, message: '인증되지 않은 연결 끊기 요청입니다.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Field messages of VALIDATION_FAILED, in the words of SPEC §2. */
export const FIELD_MESSAGES = {
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
  /** Control characters in a text field (PostgreSQL cannot store U+0000): the SPEC names no field message for it. */
  textCharacters: ERRORS.VALIDATION_FAILED.message,
  refreshTokenRequired: 'Refresh Token은 필수입니다.',
  kakaoAccessTokenRequired: '카카오 액세스 토큰이 필요합니다.',
  oauthCodeRequired: '인증 코드가 필요합니다.',
  resetTokenRequired: '재설정 토큰은 필수입니다.',
  currentPasswordRequired: '현재 비밀번호는 필수입니다.',
} as const;

/** Success messages and data strings of SPEC §2 and §5, in their exact words. */
export const SUCCESS_MESSAGES = {
  verificationCodeSent: '인증 번호를 발송했습니다.',
  emailVerified: '인증이 완료되었습니다.',
  passwordResetRequested: '비밀번호 재설정 메일을 발송했습니다.',
  passwordChanged: '비밀번호가 변경되었습니다.',
  loggedOut: '로그아웃되었습니다.',
  loggedOutEverywhere: '모든 기기에서 로그아웃되었습니다.',
  accountDeleted: '회원 탈퇴가 완료되었습니다.',
} as const;

/** `code.message` of the envelope, by HTTP status (SPEC §1). */
export const STATUS_MESSAGES: Record<number, string> = {
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
  502: '게이트웨이 오류',
  503: '서비스 이용 불가',
};
