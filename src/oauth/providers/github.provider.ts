import { PassportStrategy } from '@nestjs/passport';
import { Strategy as GitHub2Strategy, type StrategyOptions } from 'passport-github2';
import type OAuth2Strategy from 'passport-oauth2';
import type { OAuthSettings } from '../../config/oauth.config.js';
import type { OAuthStateStore } from '../flow/oauth-state.store.js';
import { asRecord, githubProfile, type SocialProfile } from './social-profile.js';
import { hardenOAuth2, parseProviderError } from './provider-http.js';

/**
 * passport-github2: GitHub refuses an exchange with HTTP 200, which is turned
 * into an error here; the provider's `error` is kept in the token error.
 */
export class GitHubOAuth2Strategy extends GitHub2Strategy {
  constructor(options: StrategyOptions, verify: OAuth2Strategy.VerifyFunction) {
    super(options, verify);
    hardenOAuth2(this._oauth2, { errorsAnsweredWith200: true });
  }

  override parseErrorResponse(body: unknown, status: number): Error | null {
    return parseProviderError(body, status);
  }
}

export class GitHubStrategy extends PassportStrategy(GitHubOAuth2Strategy, 'github', true) {
  constructor(settings: OAuthSettings, states: OAuthStateStore) {
    const github = settings.providers.github;
    super({
      authorizationURL: github.authorizationUri,
      tokenURL: github.tokenUri,
      userProfileURL: github.userInfoUri,
      userEmailURL: settings.githubEmailsUri,
      clientID: github.clientId,
      clientSecret: github.clientSecret,
      callbackURL: github.redirectUri,
      // In the constructor: passport-github2 reads /user/emails only when this scope is configured here.
      scope: ['user:email'],
      // Every address with its `verified` flag, not only the primary one.
      allRawEmails: true,
      userAgent: 'auth-service',
      pkce: true,
      store: states.forProvider('github'),
    });
  }

  /** Maps the profile only; the account rules live in SocialAccountService. */
  validate(_accessToken: string, _refreshToken: string, _tokenResponse: unknown, profile: unknown): SocialProfile {
    const raw = asRecord(profile);
    return githubProfile(raw?._json, raw?.emails);
  }
}
