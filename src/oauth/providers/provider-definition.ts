import type { Strategy } from 'passport';
import type OAuth2Strategy from 'passport-oauth2';
import type { ErrorCode } from '../../common/errors/error-catalogue.js';
import type { OAuthSettings, ProviderSettings } from '../../config/oauth.config.js';
import type { SocialProfile } from './social-profile.js';

/** The real provider's endpoints: the defaults of `{P}_AUTHORIZATION_URI`, `{P}_TOKEN_URI`, `{P}_USER_INFO_URI`, `{P}_ISSUER`. */
export interface ProviderEndpoints {
  authorizationUri: string;
  tokenUri: string;
  userInfoUri: string;
  /** The `iss` its authorization responses carry (RFC 9207). */
  issuer: string;
}

/** One line of `npm run doctor`. */
export interface DoctorFinding {
  level: 'error' | 'warning' | 'info';
  message: string;
}

/**
 * passport-oauth2's verify callback in its five-argument form (with the
 * token response), as every strategy here takes it: it maps the profile and
 * passes it on, or the error that ends the login.
 */
export type ProfileVerify = (
  accessToken: string,
  refreshToken: string,
  results: unknown,
  profile: unknown,
  verified: (err?: Error | null, user?: Express.User) => void,
) => void;

/** What the module hands a definition to build its passport strategy. */
export interface StrategyContext {
  /** This provider's settings. */
  settings: ProviderSettings;
  /** All of social login's settings (for a provider's extra endpoints, e.g. GitHub's emails). */
  oauth: OAuthSettings;
  /** The state store (state, PKCE verifier, browser binding) for this provider. */
  store: OAuth2Strategy.StateStore;
  /** Maps the strategy's profile with the definition's `profile`; the account rules live elsewhere. */
  verify: ProfileVerify;
}

/**
 * Everything about one social provider. The list in `index.ts` is what
 * config, module wiring, the flow, diagnostics and the doctor read.
 */
export interface SocialProviderDefinition<Id extends string = string> {
  /** Lower case; the `:provider` of the routes, the `users.provider` value and the `{ID}_…` env prefix. */
  id: Id;
  /** Its name in the start-up log and `npm run doctor`. */
  name: string;
  defaults: ProviderEndpoints;
  /**
   * The provider lets an app run without a client secret (Kakao); the doctor
   * then warns `{P}_CLIENT_SECRET unset: <this text>`. Otherwise the secret is
   * required with the client id.
   */
  optionalSecret?: string;
  /** `{P}_TOKEN_AUTH_METHOD` picks body or HTTP Basic credentials at the token endpoint. */
  configurableTokenAuth?: boolean;
  scopes: readonly string[];
  /** PKCE S256 at the authorization request (every provider that accepts it). */
  pkce: boolean;
  /** The callback paths this service serves; the first is the default of `{P}_REDIRECT_URI`. */
  callbackPaths: readonly [string, ...string[]];
  /** The failure code of an exchange or profile read that failed (SPEC §3). */
  failureCode: ErrorCode;
  /** Where an operator registers the callback URL, for the start-up log and `npm run doctor`. */
  console: string;
  /** Plain-words hints for the provider's own error codes, logged with a failed login. */
  hints?: Readonly<Record<string, string>>;
  /** Further doctor checks of this provider when it is configured. */
  doctor?: (oauth: OAuthSettings) => DoctorFinding[];
  /** The profile its strategy reads, in the one shape of every provider. */
  profile: (raw: unknown) => SocialProfile;
  strategy: (context: StrategyContext) => Strategy;
}

/** Hints several providers' codes share. */
export const HINTS = {
  redirectUri:
    'the redirect_uri sent to the token endpoint must equal, character for character, the one used at ' +
    'authorization and registered in the provider console (scheme, host, port and path)',
  code: 'the authorization code was already used or has expired; codes work once, so start the login again',
  secret: 'the client secret is missing or wrong; copy it again from the provider console',
} as const;

/** First four characters and `***`: enough to tell two keys apart in a log, not enough to use one. */
export function maskClientId(clientId: string): string {
  return clientId === '' ? '(unset)' : `${clientId.slice(0, 4)}***`;
}
