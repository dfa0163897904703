import { PassportStrategy } from '@nestjs/passport';
import { Strategy as GoogleOAuth20Strategy, type StrategyOptions, type VerifyCallback } from 'passport-google-oauth20';
import type { OAuthSettings } from '../../config/oauth.config.js';
import type { OAuthStateStore } from '../oauth-state.store.js';
import { asRecord, googleProfile, type SocialProfile } from '../social-profile.mapper.js';
import { hardenOAuth2, parseProviderError } from './provider-http.js';

type GoogleVerify = (
  accessToken: string,
  refreshToken: string,
  params: unknown,
  profile: unknown,
  done: VerifyCallback,
) => void;

/** passport-google-oauth20 with the provider's `error` kept in the token error. */
export class GoogleOAuth2Strategy extends GoogleOAuth20Strategy {
  constructor(options: StrategyOptions, verify: GoogleVerify) {
    super(options, verify);
    hardenOAuth2(this._oauth2);
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
      // Ends in /userinfo, so the library reads the OpenID Connect format (sub, email_verified).
      userProfileURL: google.userInfoUri,
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
    return googleProfile(asRecord(profile)?._json);
  }
}
