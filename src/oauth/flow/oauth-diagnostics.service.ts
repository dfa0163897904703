import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import OAuth2Strategy from 'passport-oauth2';
import { envName, oauthConfig } from '../../config/oauth.config.js';
import { maskClientId, PROVIDER_CONSOLES, SOCIAL_PROVIDERS, type SocialProvider } from '../providers/index.js';
import { parseProfileError, ProviderProfileError, ProviderTokenError } from '../providers/provider-http.js';

const REDIRECT_HINT =
  'the redirect_uri sent to the token endpoint must equal, character for character, the one used at ' +
  'authorization and registered in the provider console (scheme, host, port and path)';
const CODE_HINT = 'the authorization code was already used or has expired; codes work once, so start the login again';
const SECRET_HINT = 'the client secret is missing or wrong; copy it again from the provider console';

/** Plain-words hints for the provider error codes seen most (seed 000 for Kakao). */
const HINTS: Record<string, string> = {
  KOE303: REDIRECT_HINT,
  KOE320: CODE_HINT + ' (or the PKCE code_verifier does not match the code_challenge)',
  KOE010: SECRET_HINT + ' (Kakao: 내 애플리케이션 → 보안 → Client Secret, and whether it is enabled)',
  KOE101: 'wrong app key: the client id must be the app\'s "REST API 키", not the JavaScript or native app key',
  KOE006: 'the redirect_uri is not registered for this app (카카오 로그인 → Redirect URI)',
  redirect_uri_mismatch: REDIRECT_HINT,
  invalid_grant: CODE_HINT + ' (or the PKCE code_verifier does not match)',
  bad_verification_code: CODE_HINT,
  invalid_client: SECRET_HINT + ', or the client id is wrong',
  incorrect_client_credentials: SECRET_HINT + ', or the client id is wrong',
  unauthorized_client: 'this client may not use the authorization-code grant; check the app type in the console',
  invalid_request: 'the provider refused the request (Naver: the code was used or expired, or the state differs)',
};

/** The hint for a provider's error code or error, if one is known. */
export function hintFor(errorCode: string | undefined, error: string | undefined): string | undefined {
  return (errorCode && HINTS[errorCode]) || (error && HINTS[error]) || undefined;
}

export interface FailureDetails {
  stage: 'authorize' | 'token' | 'profile';
  error?: string;
  error_description?: string;
  error_code?: string;
  status?: number;
  cause?: string;
}

/** Reads what a passport error says about the provider's answer. */
export function describeFailure(err: unknown): FailureDetails {
  if (err instanceof ProviderTokenError) {
    return {
      stage: 'token',
      error: err.error,
      error_description: err.errorDescription,
      error_code: err.errorCode,
      status: err.status,
    };
  }
  if (err instanceof ProviderProfileError) return profileFailure(err);
  if (err instanceof OAuth2Strategy.AuthorizationError) {
    return { stage: 'authorize', error: err.code, error_description: err.message || undefined };
  }
  if (err instanceof OAuth2Strategy.InternalOAuthError) {
    const inner: unknown = err.oauthError;
    const status =
      typeof inner === 'object' && inner !== null && typeof (inner as { statusCode?: unknown }).statusCode === 'number'
        ? (inner as { statusCode: number }).statusCode
        : undefined;
    const cause = inner instanceof Error ? inner.message : undefined;
    // passport-oauth2 says 'Failed to obtain access token'; the profile and GitHub's emails reads say otherwise.
    const stage = err.message.includes('access token') ? 'token' : 'profile';
    const said =
      stage === 'profile' && typeof inner === 'object' && inner !== null
        ? parseProfileError((inner as { data?: unknown }).data, status)
        : null;
    if (said) return profileFailure(said);
    return { stage, status, cause: cause ?? err.message };
  }
  return { stage: 'profile', cause: err instanceof Error ? err.message : String(err) };
}

function profileFailure(err: ProviderProfileError): FailureDetails {
  return {
    stage: 'profile',
    error: err.error,
    error_description: err.errorDescription,
    error_code: err.errorCode,
    status: err.status,
  };
}

/**
 * Tells an operator why a social login failed (seed 000): the provider's
 * error, error_description and KOE code, the redirect_uri that was sent, the
 * masked client id and a hint. At start, the callback URL to register.
 */
@Injectable()
export class OAuthDiagnosticsService {
  private readonly logger = new Logger('OAuth');

  constructor(@Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>) {}

  exchangeFailed(provider: SocialProvider, err: unknown): FailureDetails {
    const details = describeFailure(err);
    const settings = this.oauth.providers[provider];
    this.logger.warn({
      msg: `${provider} login failed at the provider (${details.stage})`,
      provider,
      ...details,
      redirect_uri: settings.redirectUri,
      client_id: maskClientId(settings.clientId),
      hint: hintFor(details.error_code, details.error),
    });
    return details;
  }

  /** A callback whose `iss` is not `{P}_ISSUER` (RFC 9207): refused before the code exchange. */
  issuerMismatch(provider: SocialProvider, received: unknown): void {
    const expected = this.oauth.providers[provider].issuer;
    this.logger.warn({
      msg: `${provider} login refused: the authorization response names another issuer`,
      provider,
      stage: 'authorize',
      iss: typeof received === 'string' ? received.slice(0, 200) : JSON.stringify(received).slice(0, 200),
      expected_iss: expected,
      hint: `${envName(provider, 'ISSUER')} must equal the provider's issuer exactly; a different one may be a mix-up attack`,
    });
  }

  /** Logs, per configured provider, the exact callback URL to register in its console. */
  logCallbackUrls(): void {
    const configured = SOCIAL_PROVIDERS.filter((provider) => this.oauth.providers[provider].configured);
    if (configured.length === 0) {
      this.logger.log('social login: no provider configured (set KAKAO_CLIENT_ID, GOOGLE_CLIENT_ID, …)');
      return;
    }
    for (const provider of configured) {
      const settings = this.oauth.providers[provider];
      this.logger.log({
        msg: `${PROVIDER_CONSOLES[provider].name} login: register this callback URL`,
        provider,
        callback_url: settings.redirectUri,
        client_id: maskClientId(settings.clientId),
        where: PROVIDER_CONSOLES[provider].where,
      });
    }
    this.logger.log({
      msg: 'social login hand-off',
      delivery: this.oauth.tokenDelivery,
      redirect: this.oauth.redirectUri,
    });
  }
}
