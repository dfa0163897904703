import OAuth2Strategy from 'passport-oauth2';
import type { SocialProviderDefinition } from './provider-definition.js';
import { getJson, hardenOAuth2, parseProfileError, parseProviderError } from './provider-http.js';
import { asRecord, id, required, type SocialProfile, text } from './social-profile.js';

/** Naver `/v1/nid/me`: `{resultcode: "00", response: {id, email, nickname, name}}`; Naver emails are its own, verified. */
export function naverProfile(raw: unknown): SocialProfile {
  const response = asRecord(asRecord(raw)?.response) ?? {};
  const email = text(response.email);
  return {
    provider: 'naver',
    providerUserId: required('naver', id(response.id)),
    email,
    emailVerified: email !== null,
    nickname: text(response.nickname),
    name: text(response.name),
  };
}

interface NaverStrategyOptions extends OAuth2Strategy.StrategyOptions {
  userProfileURL: string;
}

/**
 * Naver Login on plain passport-oauth2. Naver takes no PKCE, wants the
 * `state` again at the token endpoint, and reports errors with HTTP 200.
 */
export class NaverOAuth2Strategy extends OAuth2Strategy {
  private readonly userProfileUrl: string;

  constructor(options: NaverStrategyOptions, verify: OAuth2Strategy.VerifyFunction) {
    super(options, verify);
    this.name = 'naver';
    this.userProfileUrl = options.userProfileURL;
    hardenOAuth2(this._oauth2, { errorsAnsweredWith200: true });
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
    getJson(this._oauth2, this.userProfileUrl, accessToken, (err, json) => {
      if (err) return done(err);
      if (asRecord(json)?.resultcode !== '00') {
        return done(parseProfileError(json, 200) ?? new Error('Naver profile refused without a resultcode'));
      }
      done(null, json);
    });
  }

  /** The guard passes the callback's `state` as `callbackState`. */
  override tokenParams(options: { callbackState?: unknown }): object {
    return typeof options.callbackState === 'string' ? { state: options.callbackState } : {};
  }

  override parseErrorResponse(body: unknown, status: number): Error | null {
    return parseProviderError(body, status);
  }
}

export const naver: SocialProviderDefinition<'naver'> = {
  id: 'naver',
  name: 'Naver',
  defaults: {
    authorizationUri: 'https://nid.naver.com/oauth2.0/authorize',
    tokenUri: 'https://nid.naver.com/oauth2.0/token',
    userInfoUri: 'https://openapi.naver.com/v1/nid/me',
    issuer: 'https://nid.naver.com',
  },
  // Naver asks for no scope: the items come from the app's settings in its console.
  scopes: [],
  pkce: false,
  callbackPaths: ['/login/oauth2/code/naver'],
  failureCode: 'NAVER_AUTH_FAILED',
  console: 'developers.naver.com → 내 애플리케이션 → API 설정 → 네이버 로그인 Callback URL (제공 정보: 이메일 주소)',
  hints: {
    invalid_request: 'the provider refused the request (Naver: the code was used or expired, or the state differs)',
  },
  profile: naverProfile,
  strategy: ({ settings, store, verify }) =>
    new NaverOAuth2Strategy(
      {
        authorizationURL: settings.authorizationUri,
        tokenURL: settings.tokenUri,
        userProfileURL: settings.userInfoUri,
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.redirectUri,
        store,
      },
      verify,
    ),
};
