import { PassportStrategy } from '@nestjs/passport';
import { Strategy as GoogleOAuth20Strategy, type StrategyOptions, type VerifyCallback } from 'passport-google-oauth20';
import type { OAuthSettings, TokenAuthMethod } from '../../config/oauth.config.js';
import type { OAuthStateStore } from '../flow/oauth-state.store.js';
import { googleProfile, type SocialProfile } from './social-profile.js';
import { ClientSecretBasicOAuth2, getJson, hardenOAuth2, parseProviderError } from './provider-http.js';

type GoogleVerify = (
  accessToken: string,
  refreshToken: string,
  params: unknown,
  profile: unknown,
  done: VerifyCallback,
) => void;

interface GoogleStrategyOptions extends StrategyOptions {
  userProfileURL: string;
  tokenAuthMethod: TokenAuthMethod;
}

/**
 * passport-google-oauth20 for its authorization parameters, with the
 * token endpoint's client authentication configurable (body or HTTP Basic),
 * the provider's `error` kept in the token error, and the profile read as
 * OpenID Connect userinfo from any `GOOGLE_USER_INFO_URI` (the library
 * guesses the format from the path and only knows Google's own hosts).
 */
export class GoogleOAuth2Strategy extends GoogleOAuth20Strategy {
  private readonly userInfoUrl: string;

  constructor(options: GoogleStrategyOptions, verify: GoogleVerify) {
    super(options, verify);
    this.userInfoUrl = options.userProfileURL;
    if (options.tokenAuthMethod === 'client_secret_basic') {
      this._oauth2 = new ClientSecretBasicOAuth2(
        options.clientID,
        options.clientSecret,
        options.authorizationURL ?? '',
        options.tokenURL ?? '',
      );
    }
    hardenOAuth2(this._oauth2);
  }

  override userProfile(accessToken: string, done: (err?: unknown, profile?: unknown) => void): void {
    getJson(this._oauth2, this.userInfoUrl, accessToken, done);
  }

  override parseErrorResponse(body: unknown, status: number): Error | null {
    return parseProviderError(body, status);
  }
}

export class GoogleStrategy extends PassportStrategy(GoogleOAuth2Strategy, 'google', true) {
  constructor(settings: OAuthSettings, states: OAuthStateStore) {
    const google = settings.providers.google;
    super({
      authorizationURL: google.authorizationUri,
      tokenURL: google.tokenUri,
      userProfileURL: google.userInfoUri,
      tokenAuthMethod: google.tokenAuthMethod,
      clientID: google.clientId,
      clientSecret: google.clientSecret,
      callbackURL: google.redirectUri,
      scope: ['openid', 'email', 'profile'],
      pkce: true,
      store: states.forProvider('google'),
    });
  }

  /** Maps the profile only; the account rules live in SocialAccountService. */
  validate(_accessToken: string, _refreshToken: string, _tokenResponse: unknown, profile: unknown): SocialProfile {
    return googleProfile(profile);
  }
}
