import { PassportStrategy } from '@nestjs/passport';
import OAuth2Strategy from 'passport-oauth2';
import type { OAuthSettings } from '../../config/oauth.config.js';
import type { OAuthStateStore } from '../flow/oauth-state.store.js';
import { kakaoProfile, type SocialProfile } from './social-profile.js';
import { getJson, hardenOAuth2, parseProviderError } from './provider-http.js';

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

export class KakaoStrategy extends PassportStrategy(KakaoOAuth2Strategy, 'kakao', true) {
  constructor(settings: OAuthSettings, states: OAuthStateStore) {
    const kakao = settings.providers.kakao;
    super({
      authorizationURL: kakao.authorizationUri,
      tokenURL: kakao.tokenUri,
      userProfileURL: kakao.userInfoUri,
      clientID: kakao.clientId,
      clientSecret: kakao.clientSecret,
      callbackURL: kakao.redirectUri,
      // Asking for the items again lets a user who once declined the email agree now.
      scope: ['profile_nickname', 'account_email'],
      scopeSeparator: ',',
      pkce: true,
      store: states.forProvider('kakao'),
    });
  }

  /** Maps the profile only; the account rules live in SocialAccountService. */
  validate(_accessToken: string, _refreshToken: string, _tokenResponse: unknown, profile: unknown): SocialProfile {
    return kakaoProfile(profile);
  }
}
