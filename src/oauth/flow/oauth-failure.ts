import type { ErrorCode } from '../../common/errors/error-catalogue.js';

/**
 * A social login that ends in a redirect to the frontend's failure page
 * (SPEC §3) instead of a JSON error: thrown by the guard and the callback,
 * turned into the 302 by OAuthFailureFilter.
 */
export class OAuthFailure extends Error {
  constructor(
    readonly errorCode: ErrorCode,
    /** What the provider said (e.g. KOE320), when it said something. */
    readonly providerError?: string,
    /** An allow-listed redirect_uri given at the start, else the configured failure page. */
    readonly redirectUri?: string,
  ) {
    super(errorCode);
    this.name = 'OAuthFailure';
  }
}
