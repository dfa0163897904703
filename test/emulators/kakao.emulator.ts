/**
 * Kakao Login emulator: kauth.kakao.com (/oauth/authorize, /oauth/token) and
 * kapi.kakao.com (/v2/user/me, /v1/user/access_token_info, /v1/user/unlink
 * with an admin key) on one loopback server; it can also send a service the
 * unlink callback Kakao sends when a user disconnects the app.
 */
import {
  type AccessGrant,
  type ApiRoute,
  type AuthorizeErrorContext,
  type AuthorizeErrorKind,
  bearerToken,
  type EmulatorOptions,
  type EmulatorUser,
  escapeHtml,
  html,
  json,
  numericId,
  OAuthEmulator,
  type ProviderSpec,
  type RecordedRequest,
  type Reply,
  type TokenErrorContext,
  type TokenErrorKind,
} from './oauth-emulator.js';

const PATHS = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userInfo: '/v2/user/me',
  tokenInfo: '/v1/user/access_token_info',
};
const ACCESS_TOKEN_TTL = 21599;
const REFRESH_TOKEN_TTL = 5183999;
const NO_SUCH_TOKEN = { msg: 'this access token does not exist', code: -401 };
const UNLINK_PATH = '/v1/user/unlink';
/** Kakao's common error shape for a wrong or missing app key (-401) and a user not linked to the app (-101). */
const WRONG_ADMIN_KEY = { msg: 'wrong appKey type. this api requires admin key.', code: -401 };
const NOT_LINKED = { msg: 'NotRegisteredUserException', code: -101 };

/** One call of `POST /v1/user/unlink` that Kakao accepted. */
export interface UnlinkRecord {
  appId: number;
  userId: string;
}

/** What Kakao sends to an app's unlink callback (developers.kakao.com › Kakao Login › Callback). */
export interface UnlinkCallback {
  appId: string | number;
  userId: string | number;
  adminKey: string;
  referrerType?: string;
  /** POST with a form body (default) or GET with a query string. */
  method?: 'GET' | 'POST';
}

const kakaoJson = (status: number, value: unknown): Reply => json(status, value, 'application/json;charset=UTF-8');

function oauthError(status: number, error: string, description: string, errorCode: string): Reply {
  return kakaoJson(status, {
    error,
    error_description: description,
    error_code: errorCode,
  });
}

/** Seconds-precision ISO timestamp, as Kakao prints it (2024-01-01T00:00:00Z). */
const kakaoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class KakaoEmulator extends OAuthEmulator {
  protected override readonly spec: ProviderSpec = {
    displayName: '카카오계정',
    paths: PATHS,
    tokenMethods: ['POST'],
    tokenParamsInQuery: false,
    acceptsJsonBody: false,
    basicClientAuth: false,
    requireGrantType: true,
    defaultRedirectUri: false,
    redirectUriAtToken: 'required',
    stateAtToken: false,
    pkce: true,
    rejectUnexpectedVerifier: false,
    requiredAuthorizeParams: ['response_type'],
    accessTokenTtl: ACCESS_TOKEN_TTL,
    tokenPrefix: '',
    codePrefix: '',
  };

  /** Admin key → app id (the console's [앱 키] › Admin 키). */
  private readonly adminKeys = new Map<string, number>();
  /** `${appId}:${userId}` of users unlinked from an app: a second unlink is -101. */
  private readonly unlinkedPairs = new Set<string>();
  /** Every unlink Kakao accepted, oldest first. */
  readonly unlinks: UnlinkRecord[] = [];

  /** The admin key of an app: `Authorization: KakaoAK <key>` on admin-key APIs. */
  registerAdminKey(appId: number, key: string): void {
    this.adminKeys.set(key, appId);
  }

  get unlinkUrl(): string {
    return this.baseUrl + UNLINK_PATH;
  }

  /**
   * Sends `callbackUrl` the unlink callback as Kakao does: `app_id`,
   * `user_id`, `referrer_type` as a form body (POST) or query (GET), with
   * `Authorization: KakaoAK <admin key>`. Returns the service's answer.
   */
  async sendUnlinkCallback(callbackUrl: string, callback: UnlinkCallback): Promise<{ status: number; body: unknown }> {
    const params = new URLSearchParams({
      app_id: String(callback.appId),
      user_id: String(callback.userId),
      referrer_type: callback.referrerType ?? 'UNLINK_FROM_APPS',
    });
    const headers: Record<string, string> = { Authorization: `KakaoAK ${callback.adminKey}` };
    const method = callback.method ?? 'POST';
    let url = callbackUrl;
    let body: string | undefined;
    if (method === 'GET') {
      url = `${callbackUrl}${callbackUrl.includes('?') ? '&' : '?'}${params.toString()}`;
    } else {
      headers['Content-Type'] = 'application/x-www-form-urlencoded;charset=utf-8';
      body = params.toString();
    }
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(10_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed };
  }

  /** `POST /v1/user/unlink`: admin-key auth, `target_id_type=user_id&target_id=<id>`, answers `{"id": <id>}`. */
  private unlink(req: RecordedRequest): Reply {
    const match = /^KakaoAK\s+(\S+)\s*$/.exec(req.headers.authorization ?? '');
    const appId = match ? this.adminKeys.get(match[1]) : undefined;
    if (appId === undefined) return kakaoJson(401, WRONG_ADMIN_KEY);
    const params = req.bodyType === 'form' ? req.body : req.query;
    const targetId = params.target_id ?? '';
    if (params.target_id_type !== 'user_id' || !/^\d+$/.test(targetId)) {
      return kakaoJson(400, { msg: 'target_id_type and target_id are required', code: -2 });
    }
    const user = [...this.users.values()].find((u) => String(numericId(u.id)) === targetId);
    const pair = `${appId}:${targetId}`;
    if (!user || this.unlinkedPairs.has(pair)) return kakaoJson(400, NOT_LINKED);
    this.unlinkedPairs.add(pair);
    this.unlinks.push({ appId, userId: targetId });
    return kakaoJson(200, { id: Number(targetId) });
  }

  protected override cancelQuery(): string {
    return 'error=access_denied&error_description=User%20denied%20access';
  }

  /** Consent items of a typical app: nickname always, email when the user has one and agreed. */
  protected override grantScopes(requested: string[], user: EmulatorUser): string[] {
    const emailOk = user.email !== undefined && user.consentEmail !== false;
    const base = [...(emailOk ? ['account_email'] : []), 'profile_nickname'];
    return [...new Set([...base, ...requested.filter((s) => s !== 'account_email')])];
  }

  protected override authorizeError(kind: AuthorizeErrorKind, ctx: AuthorizeErrorContext): Reply {
    const [code, title] = {
      unknown_client: ['KOE101', '잘못된 앱 키'],
      redirect_mismatch: ['KOE006', '앱 관리자 설정 오류'],
      invalid_request: ['KOE001', '잘못된 요청'],
    }[kind];
    return html(
      400,
      `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>${title} (${code})</title></head>` +
        `<body><h1>${title} (${code})</h1><p>${escapeHtml(ctx.message)}</p></body></html>`,
    );
  }

  protected override tokenError(kind: TokenErrorKind, ctx: TokenErrorContext): Reply {
    switch (kind) {
      case 'unknown_client':
        return oauthError(401, 'invalid_client', `Not exist client_id [${ctx.clientId}]`, 'KOE101');
      case 'bad_secret':
        return oauthError(401, 'invalid_client', 'Bad client credentials', 'KOE010');
      case 'unsupported_grant_type':
        return oauthError(
          400,
          'unsupported_grant_type',
          `grant_type [${ctx.req.body.grant_type ?? ''}] is not supported.`,
          'KOE001',
        );
      case 'redirect_mismatch':
        return oauthError(400, 'invalid_grant', 'Redirect URI mismatch.', 'KOE303');
      case 'pkce_missing':
      case 'pkce_failed':
        return oauthError(400, 'invalid_grant', 'PKCE verification failed.', 'KOE320');
      default:
        return oauthError(400, 'invalid_grant', `authorization code not found for code=${ctx.code}`, 'KOE320');
    }
  }

  protected override tokenSuccess(grant: AccessGrant): Reply {
    return kakaoJson(200, {
      token_type: 'bearer',
      access_token: grant.accessToken,
      expires_in: ACCESS_TOKEN_TTL,
      refresh_token: grant.refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_TTL,
      scope: grant.scopes.join(' '),
    });
  }

  protected override apiRoutes(): ApiRoute[] {
    return [
      {
        path: PATHS.userInfo,
        methods: ['GET', 'POST'],
        handle: (req) => this.withToken(req, (g) => this.me(g)),
      },
      {
        path: PATHS.tokenInfo,
        methods: ['GET'],
        handle: (req) => this.withToken(req, (g) => this.tokenInfo(g)),
      },
      { path: UNLINK_PATH, methods: ['POST'], handle: (req) => this.unlink(req) },
    ];
  }

  private withToken(req: RecordedRequest, ok: (grant: AccessGrant) => Reply): Reply {
    const grant = this.findGrant(bearerToken(req, ['bearer']));
    return grant ? ok(grant) : kakaoJson(401, NO_SUCH_TOKEN);
  }

  private me(grant: AccessGrant): Reply {
    const user = this.userOf(grant);
    const nickname = user.nickname ?? user.name ?? `사용자${user.id}`;
    const account: Record<string, unknown> = {
      profile_nickname_needs_agreement: false,
      profile: { nickname, is_default_nickname: false },
      has_email: user.email !== undefined,
    };
    if (user.email !== undefined) {
      const agreed = user.consentEmail !== false;
      account.email_needs_agreement = !agreed;
      if (agreed) {
        account.is_email_valid = true;
        account.is_email_verified = user.emailVerified ?? true;
        account.email = user.email;
      }
    }
    return kakaoJson(200, {
      id: numericId(user.id),
      connected_at: kakaoTime(grant.issuedAt),
      properties: { nickname },
      kakao_account: account,
    });
  }

  private tokenInfo(grant: AccessGrant): Reply {
    return kakaoJson(200, {
      id: numericId(this.userOf(grant).id),
      expires_in: Math.floor((grant.expiresAt - this.now()) / 1000),
      app_id: this.clients.get(grant.clientId)?.appId ?? 0,
    });
  }
}

export function startKakaoEmulator(opts?: EmulatorOptions): Promise<KakaoEmulator> {
  return new KakaoEmulator(opts).start();
}
