import { Strategy as GitHub2Strategy, type StrategyOptions } from 'passport-github2';
import type OAuth2Strategy from 'passport-oauth2';
import { HINTS, type SocialProviderDefinition } from './provider-definition.js';
import { hardenOAuth2, parseProviderError } from './provider-http.js';
import { asRecord, id, required, type SocialProfile, text } from './social-profile.js';

/** The default of `GITHUB_EMAILS_URI`, where the strategy reads the addresses with their `verified` flag. */
export const GITHUB_EMAILS_DEFAULT = 'https://api.github.com/user/emails';

/**
 * GitHub `/user` plus `/user/emails`: the primary verified address, else any
 * verified one; the `users.noreply.github.com` relay is no mailbox.
 */
export function githubProfile(user: unknown, emails: unknown): SocialProfile {
  const json = asRecord(user) ?? {};
  const listed = (Array.isArray(emails) ? emails : [])
    .map((entry) => asRecord(entry) ?? {})
    .map((entry) => ({
      email: text(entry.email) ?? text(entry.value),
      primary: entry.primary === true,
      verified: entry.verified === true,
    }))
    .filter((entry) => entry.email !== null && !entry.email.endsWith('@users.noreply.github.com'));
  const chosen = listed.find((entry) => entry.primary && entry.verified) ?? listed.find((entry) => entry.verified);
  return {
    provider: 'github',
    providerUserId: required('github', id(json.id)),
    email: chosen?.email ?? null,
    emailVerified: chosen !== undefined,
    nickname: text(json.login),
    name: text(json.name),
  };
}

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

export const github: SocialProviderDefinition<'github'> = {
  id: 'github',
  name: 'GitHub',
  defaults: {
    authorizationUri: 'https://github.com/login/oauth/authorize',
    tokenUri: 'https://github.com/login/oauth/access_token',
    userInfoUri: 'https://api.github.com/user',
    issuer: 'https://github.com/login/oauth',
  },
  scopes: ['user:email'],
  pkce: true,
  callbackPaths: ['/login/oauth2/code/github'],
  failureCode: 'GITHUB_AUTH_FAILED',
  console: 'github.com → Settings → Developer settings → OAuth Apps → Authorization callback URL',
  hints: {
    bad_verification_code: HINTS.code,
    incorrect_client_credentials: HINTS.secret + ', or the client id is wrong',
  },
  // passport-github2's profile: the raw `/user` in `_json`, the `/user/emails` list in `emails`.
  profile: (raw) => githubProfile(asRecord(raw)?._json, asRecord(raw)?.emails),
  strategy: ({ settings, oauth, store, verify }) =>
    new GitHubOAuth2Strategy(
      {
        authorizationURL: settings.authorizationUri,
        tokenURL: settings.tokenUri,
        userProfileURL: settings.userInfoUri,
        userEmailURL: oauth.githubEmailsUri,
        clientID: settings.clientId,
        clientSecret: settings.clientSecret,
        callbackURL: settings.redirectUri,
        // In the constructor: passport-github2 reads /user/emails only when this scope is configured here.
        scope: [...github.scopes],
        // Every address with its `verified` flag, not only the primary one.
        allRawEmails: true,
        userAgent: 'auth-service',
        pkce: github.pkce,
        store,
      },
      verify,
    ),
};
