import OAuth2Strategy from 'passport-oauth2';
import { HINTS, type SocialProviderDefinition } from './provider-definition.js';
import { getJson, hardenOAuth2, parseProviderError } from './provider-http.js';
import { asRecord, id, required, type SocialProfile, text } from './social-profile.js';

/** The default of `KAKAO_TOKEN_INFO_URI`, where token sign-in checks a Kakao access token (`../kakao/`). */
export const KAKAO_TOKEN_INFO_DEFAULT = 'https://kapi.kakao.com/v1/user/access_token_info';

/** Kakao `/v2/user/me`: the email and its flags live in `kakao_account`. */
export function kakaoProfile(raw: unknown): SocialProfile {
  const json = asRecord(raw) ?? {};
  const account = asRecord(json.kakao_account) ?? {};
  const profile = asRecord(account.profile) ?? {};
  const properties = asRecord(json.properties) ?? {};
  return {
    provider: 'kakao',
    providerUserId: required('kakao', id(json.id)),
    email: text(account.email),
    emailVerified: account.is_email_valid !== false && account.is_email_verified === true,
    nickname: text(profile.nickname) ?? text(properties.nickname),
    name: null,
  };
}

interface KakaoStrategyOptions extends OAuth2Strategy.StrategyOptions {
  userProfileURL: string;
}

/**
 * Kakao Login on plain passport-oauth2 (passport-kakao is unmaintained and
 * overwrites the endpoint URLs): every URL from configuration, PKCE S256,
 * the profile from `/v2/user/me`, and Kakao's `error_code` (KOE…) kept in
 * the token error.
 */
export class KakaoOAuth2Strategy extends OAuth2Strategy {
  private readonly userProfileUrl: string;

  constructor(options: KakaoStrategyOptions, verify: OAuth2Strategy.VerifyFunction) {
    super(options, verify);
    this.name = 'kakao';
    this.userProfileUrl = options.userProfileURL;
    hardenOAuth2(this._oauth2);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
    getJson(this._oauth2, this.userProfileUrl, accessToken, done);
  }

  override parseErrorResponse(body: unknown, status: number): Error | null {
    return parseProviderError(body, status);
  }
}

export const kakao: SocialProviderDefinition<'kakao'> = {
  id: 'kakao',
  name: 'Kakao',
  defaults: {
    authorizationUri: 'https://kauth.kakao.com/oauth/authorize',
    tokenUri: 'https://kauth.kakao.com/oauth/token',
    userInfoUri: 'https://kapi.kakao.com/v2/user/me',
    issuer: 'https://kauth.kakao.com',
  },
  // Client Secret is optional in Kakao's console.
  optionalSecret:
    'works only while Client Secret is disabled in the Kakao console ' +
    '(내 애플리케이션 → 보안); if it is enabled every login fails with KOE010',
  // Asking for the items again lets a user who once declined the email agree now.
  scopes: ['profile_nickname', 'account_email'],
  pkce: true,
  // Seed 004's alias besides Spring Security's path.
  callbackPaths: ['/login/oauth2/code/kakao', '/api/auth/kakao/callback'],
  failureCode: 'KAKAO_AUTH_FAILED',
  console:
    'developers.kakao.com → 내 애플리케이션 → 카카오 로그인 → Redirect URI (client id = REST API 키; ' +
    '동의항목: 닉네임, 카카오계정(이메일))',
  // Seed 000: the KOE codes seen most.
  hints: {
    KOE303: HINTS.redirectUri,
    KOE320: HINTS.code + ' (or the PKCE code_verifier does not match the code_challenge)',
    KOE010: HINTS.secret + ' (Kakao: 내 애플리케이션 → 보안 → Client Secret, and whether it is enabled)',
    KOE101: 'wrong app key: the client id must be the app\'s "REST API 키", not the JavaScript or native app key',
    KOE006: 'the redirect_uri is not registered for this app (카카오 로그인 → Redirect URI)',
  },
  doctor: (oauth) =>
    oauth.kakaoAppId === undefined
      ? [
          {
            level: 'warning',
            message:
              'KAKAO_APP_ID unset: POST /api/auth/social/kakao answers 503 (set the app id from the Kakao console)',
          },
        ]
      : [],
  profile: kakaoProfile,
  strategy: ({ settings, store, verify }) =>
    new KakaoOAuth2Strategy(
      {
        authorizationURL: settings.authorizationUri,
        tokenURL: settings.tokenUri,
        userProfileURL: settings.userInfoUri,
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.redirectUri,
        scope: [...kakao.scopes],
        scopeSeparator: ',',
        pkce: kakao.pkce,
        store,
      },
      verify,
    ),
};
