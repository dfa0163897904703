/** Naver Login emulator: nid.naver.com (/oauth2.0/authorize, /oauth2.0/token) and openapi.naver.com (/v1/nid/me). */
import {
  type AccessGrant,
  type ApiRoute,
  type AuthorizeErrorContext,
  type AuthorizeErrorKind,
  bearerToken,
  type EmulatorOptions,
  escapeHtml,
  html,
  json,
  OAuthEmulator,
  type ProviderSpec,
  type RecordedRequest,
  type Reply,
  type TokenErrorKind,
} from './oauth-emulator.js';

const PATHS = {
  authorization: '/oauth2.0/authorize',
  token: '/oauth2.0/token',
  userInfo: '/v1/nid/me',
};
const ACCESS_TOKEN_TTL = 3600;

const naverJson = (status: number, value: unknown): Reply => json(status, value, 'application/json;charset=utf-8');

export class NaverEmulator extends OAuthEmulator {
  protected override readonly spec: ProviderSpec = {
    displayName: 'NAVER',
    paths: PATHS,
    tokenMethods: ['GET', 'POST'],
    tokenParamsInQuery: true,
    acceptsJsonBody: false,
    basicClientAuth: false,
    requireGrantType: true,
    defaultRedirectUri: false,
    redirectUriAtToken: 'ignored',
    stateAtToken: true,
    pkce: false,
    rejectUnexpectedVerifier: false,
    requiredAuthorizeParams: ['response_type', 'state'],
    accessTokenTtl: ACCESS_TOKEN_TTL,
    tokenPrefix: 'AAAAO',
    codePrefix: '',
  };

  protected override cancelQuery(): string {
    return 'error=access_denied&error_description=Canceled+By+User';
  }

  protected override authorizeError(_kind: AuthorizeErrorKind, ctx: AuthorizeErrorContext): Reply {
    return html(
      400,
      '<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>네이버 : 로그인</title></head>' +
        `<body><h1>페이지를 찾을 수 없습니다.</h1><p>${escapeHtml(ctx.message)}</p></body></html>`,
    );
  }

  /** Naver reports token errors with HTTP 200. */
  protected override tokenError(kind: TokenErrorKind): Reply {
    switch (kind) {
      case 'unknown_client':
      case 'bad_secret':
        return naverJson(200, {
          error: 'invalid_client',
          error_description: 'client authentication failed',
        });
      case 'unsupported_grant_type':
        return naverJson(200, {
          error: 'unsupported_grant_type',
          error_description: 'grant_type is invalid',
        });
      default:
        return naverJson(200, {
          error: 'invalid_request',
          error_description: 'no valid data in session',
        });
    }
  }

  protected override tokenSuccess(grant: AccessGrant): Reply {
    return naverJson(200, {
      access_token: grant.accessToken,
      refresh_token: grant.refreshToken,
      token_type: 'bearer',
      expires_in: String(ACCESS_TOKEN_TTL),
    });
  }

  protected override apiRoutes(): ApiRoute[] {
    return [
      {
        path: PATHS.userInfo,
        methods: ['GET', 'POST'],
        handle: (req) => this.me(req),
      },
    ];
  }

  private me(req: RecordedRequest): Reply {
    const token = bearerToken(req);
    if (token === undefined) {
      return naverJson(401, {
        resultcode: '028',
        message: 'Authentication header not exists /* OAuth 인증 헤더(authorization header)가 없습니다. */',
      });
    }
    const grant = this.findGrant(token);
    if (!grant)
      return naverJson(401, {
        resultcode: '024',
        message: 'Authentication failed /* 인증에 실패했습니다. */',
      });
    const user = this.userOf(grant);
    return naverJson(200, {
      resultcode: '00',
      message: 'success',
      response: {
        id: String(user.id),
        nickname: user.nickname ?? user.name ?? String(user.id),
        profile_image: 'https://ssl.pstatic.net/static/pwe/address/img_profile.png',
        ...(user.email !== undefined && user.consentEmail !== false ? { email: user.email } : {}),
        name: user.name ?? user.nickname ?? String(user.id),
      },
    });
  }
}

export function startNaverEmulator(opts?: EmulatorOptions): Promise<NaverEmulator> {
  return new NaverEmulator(opts).start();
}
