import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import OAuth2Strategy from 'passport-oauth2';
import { envName, oauthConfig } from '../../config/oauth.config.js';
import { SOCIAL_PROVIDER_DEFINITIONS, type SocialProvider } from '../providers/index.js';
import { HINTS as PROVIDER_HINTS, maskClientId } from '../providers/provider-definition.js';
import { parseProfileError, ProviderProfileError, ProviderTokenError } from '../providers/provider-http.js';

/**
 * Plain-words hints for the provider error codes seen most: the OAuth 2.0
 * ones here, each provider's own (Kakao's KOE codes, seed 000) in its definition.
 */
const HINTS: Readonly<Record<string, string>> = {
  redirect_uri_mismatch: PROVIDER_HINTS.redirectUri,
  invalid_grant: PROVIDER_HINTS.code + ' (or the PKCE code_verifier does not match)',
  invalid_client: PROVIDER_HINTS.secret + ', or the client id is wrong',
  unauthorized_client: 'this client may not use the authorization-code grant; check the app type in the console',
  ...Object.fromEntries(SOCIAL_PROVIDER_DEFINITIONS.flatMap((definition) => Object.entries(definition.hints ?? {}))),
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
    const configured = SOCIAL_PROVIDER_DEFINITIONS.filter(
      (definition) => this.oauth.providers[definition.id].configured,
    );
    if (configured.length === 0) {
      this.logger.log('social login: no provider configured (set KAKAO_CLIENT_ID, GOOGLE_CLIENT_ID, …)');
      return;
    }
    for (const definition of configured) {
      const settings = this.oauth.providers[definition.id];
      this.logger.log({
        msg: `${definition.name} login: register this callback URL`,
        provider: definition.id,
        callback_url: settings.redirectUri,
        client_id: maskClientId(settings.clientId),
        where: definition.console,
      });
    }
    this.logger.log({
      msg: 'social login hand-off',
      delivery: this.oauth.tokenDelivery,
      redirect: this.oauth.redirectUri,
    });
  }
}
