import { PassportStrategy } from '@nestjs/passport';
import OAuth2Strategy from 'passport-oauth2';
import type { OAuthSettings } from '../../config/oauth.config.js';
import type { OAuthStateStore } from '../flow/oauth-state.store.js';
import { asRecord, naverProfile, type SocialProfile } from './social-profile.js';
import { getJson, hardenOAuth2, parseProfileError, parseProviderError } from './provider-http.js';

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

export class NaverStrategy extends PassportStrategy(NaverOAuth2Strategy, 'naver', true) {
  constructor(settings: OAuthSettings, states: OAuthStateStore) {
    const naver = settings.providers.naver;
    super({
      authorizationURL: naver.authorizationUri,
      tokenURL: naver.tokenUri,
      userProfileURL: naver.userInfoUri,
      clientID: naver.clientId,
      clientSecret: naver.clientSecret,
      callbackURL: naver.redirectUri,
      store: states.forProvider('naver'),
    });
  }

  /** Maps the profile only; the account rules live in SocialAccountService. */
  validate(_accessToken: string, _refreshToken: string, _tokenResponse: unknown, profile: unknown): SocialProfile {
    return naverProfile(profile);
  }
}
