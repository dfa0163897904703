import { useTestApp } from '../support/kit.js';

type Example = { value: { errorCode: string; message: string } };
type Operation = {
  security?: Record<string, unknown>[];
  responses: Record<
    string,
    {
      content?: Record<string, { examples?: Record<string, Example> }>;
      schema?: unknown;
    }
  >;
};

const PASSWORD_REQUIRED = '비밀번호는 필수입니다.';
const PASSWORD_LENGTH = '비밀번호는 8자 이상 128자 이하여야 합니다.';
const GUARD: [number, string, string][] = [
  [401, 'TOKEN_MISSING', '인증 토큰이 필요합니다.'],
  [401, 'TOKEN_INVALID', '유효하지 않은 토큰입니다.'],
  [401, 'TOKEN_EXPIRED', '만료된 토큰입니다.'],
  [401, 'TOKEN_REVOKED', '이미 로그아웃된 토큰입니다.'],
];

/** Every SPEC §5 operation in the OpenAPI document, with its success message and Korean error examples. */
const documented: [string, string, string, boolean, [number, string, string][]][] = [
  [
    'post',
    '/api/auth/password/reset/request',
    '비밀번호 재설정 메일을 발송했습니다.',
    false,
    [
      [400, 'VALIDATION_FAILED', '이메일은 필수입니다.'],
      [400, 'VALIDATION_FAILED', '올바른 이메일 형식이 아닙니다.'],
      [429, 'PASSWORD_RESET_LIMITED', '비밀번호 재설정 요청 한도를 초과했습니다. 잠시 후 다시 시도해주세요.'],
    ],
  ],
  [
    'post',
    '/api/auth/password/reset/confirm',
    '비밀번호가 변경되었습니다.',
    false,
    [
      [400, 'VALIDATION_FAILED', '재설정 토큰은 필수입니다.'],
      [400, 'VALIDATION_FAILED', PASSWORD_REQUIRED],
      [400, 'VALIDATION_FAILED', PASSWORD_LENGTH],
      [400, 'RESET_TOKEN_INVALID', '유효하지 않거나 만료된 재설정 링크입니다. 비밀번호 재설정을 다시 요청해주세요.'],
    ],
  ],
  [
    'post',
    '/api/auth/password/change',
    '비밀번호가 변경되었습니다.',
    true,
    [
      [400, 'VALIDATION_FAILED', '현재 비밀번호는 필수입니다.'],
      [400, 'VALIDATION_FAILED', PASSWORD_LENGTH],
      [400, 'CURRENT_PASSWORD_MISMATCH', '현재 비밀번호가 일치하지 않습니다.'],
      [400, 'PASSWORD_NOT_SET', '비밀번호로 가입한 계정이 아닙니다.'],
      [400, 'PASSWORD_UNCHANGED', '새 비밀번호는 현재 비밀번호와 달라야 합니다.'],
      [429, 'LOGIN_THROTTLED', '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.'],
      ...GUARD,
    ],
  ],
  ['get', '/api/auth/sessions', '성공', true, GUARD],
  [
    'delete',
    '/api/auth/sessions/{sessionId}',
    '성공',
    true,
    [[404, 'SESSION_NOT_FOUND', '세션을 찾을 수 없습니다.'], ...GUARD],
  ],
  ['post', '/api/auth/logout/all', '성공', true, GUARD],
  [
    'post',
    '/api/auth/token/revoke',
    '성공',
    false,
    [
      [400, 'VALIDATION_FAILED', 'Refresh Token은 필수입니다.'],
      [400, 'REFRESH_TOKEN_INVALID', '유효하지 않은 Refresh Token입니다.'],
    ],
  ],
  [
    'delete',
    '/api/auth/me',
    '회원 탈퇴가 완료되었습니다.',
    true,
    [
      [400, 'VALIDATION_FAILED', PASSWORD_REQUIRED],
      [400, 'CURRENT_PASSWORD_MISMATCH', '현재 비밀번호가 일치하지 않습니다.'],
      [403, 'REAUTH_REQUIRED', '보안을 위해 다시 로그인한 후 시도해주세요.'],
      [429, 'LOGIN_THROTTLED', '로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요.'],
      ...GUARD,
    ],
  ],
  [
    'post',
    '/api/auth/kakao/unlink',
    '성공',
    false,
    [
      [401, 'UNLINK_UNAUTHORIZED', '인증되지 않은 연결 끊기 요청입니다.'],
      [400, 'UNLINK_UNAUTHORIZED', '인증되지 않은 연결 끊기 요청입니다.'],
    ],
  ],
  [
    'get',
    '/api/auth/kakao/unlink',
    '성공',
    false,
    [
      [401, 'UNLINK_UNAUTHORIZED', '인증되지 않은 연결 끊기 요청입니다.'],
      [400, 'UNLINK_UNAUTHORIZED', '인증되지 않은 연결 끊기 요청입니다.'],
    ],
  ],
];

describe('OpenAPI document of SPEC §5', () => {
  const t = useTestApp();
  let spec: { paths: Record<string, Record<string, Operation>> };
  beforeAll(async () => {
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    spec = res.body as typeof spec;
  });

  it.each(documented)(
    'documents %s %s: its success message and every error in Korean',
    (method, path, message, bearer, errors) => {
      const operation = spec.paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(JSON.stringify(operation.responses['200'])).toContain(message);
      const examples = Object.entries(operation.responses).flatMap(([status, response]) =>
        Object.values(response.content?.['application/json']?.examples ?? {}).map((example) => [
          Number(status),
          example.value.errorCode,
          example.value.message,
        ]),
      );
      expect(examples).toEqual(expect.arrayContaining(errors));
      if (bearer) expect(operation.security).toEqual(expect.arrayContaining([{ bearer: [] }]));
    },
  );
});
