import { Strategy as GoogleOAuth20Strategy, type StrategyOptions, type VerifyCallback } from 'passport-google-oauth20';
import type { TokenAuthMethod } from '../../config/oauth.config.js';
import type { SocialProviderDefinition } from './provider-definition.js';
import { ClientSecretBasicOAuth2, getJson, hardenOAuth2, parseProviderError } from './provider-http.js';
import { asRecord, id, required, type SocialProfile, text } from './social-profile.js';

/** Google's OpenID userinfo (`sub`, `email`, `email_verified`, `name`); it has no nickname. */
export function googleProfile(raw: unknown): SocialProfile {
  const json = asRecord(raw) ?? {};
  return {
    provider: 'google',
    providerUserId: required('google', id(json.sub)),
    email: text(json.email),
    emailVerified: json.email_verified === true || json.email_verified === 'true',
    nickname: null,
    name: text(json.name),
  };
}

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

export const google: SocialProviderDefinition<'google'> = {
  id: 'google',
  name: 'Google',
  defaults: {
    authorizationUri: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUri: 'https://oauth2.googleapis.com/token',
    userInfoUri: 'https://openidconnect.googleapis.com/v1/userinfo',
    issuer: 'https://accounts.google.com',
  },
  // Google takes the credentials in the body or as HTTP Basic (GOOGLE_TOKEN_AUTH_METHOD).
  configurableTokenAuth: true,
  scopes: ['openid', 'email', 'profile'],
  pkce: true,
  callbackPaths: ['/login/oauth2/code/google'],
  failureCode: 'GOOGLE_AUTH_FAILED',
  console: 'console.cloud.google.com → APIs & Services → Credentials → OAuth client → Authorized redirect URIs',
  profile: googleProfile,
  strategy: ({ settings, store, verify }) =>
    new GoogleOAuth2Strategy(
      {
        authorizationURL: settings.authorizationUri,
        tokenURL: settings.tokenUri,
        userProfileURL: settings.userInfoUri,
        tokenAuthMethod: settings.tokenAuthMethod,
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.redirectUri,
        scope: [...google.scopes],
        pkce: google.pkce,
        store,
      },
      verify,
    ),
};
