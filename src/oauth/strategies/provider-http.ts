import type { OAuth2 } from 'oauth';
import OAuth2Strategy from 'passport-oauth2';
import { asRecord } from '../social-profile.mapper.js';

/**
 * What a provider's token endpoint said when it refused the exchange:
 * RFC 6749 `error` / `error_description`, and Kakao's `error_code` (KOE…),
 * which passport-oauth2's own TokenError drops.
 */
export class ProviderTokenError extends Error {
  constructor(
    readonly error: string,
    readonly errorDescription: string | undefined,
    readonly errorCode: string | undefined,
    readonly status: number,
  ) {
    super(errorDescription ?? error);
    this.name = 'ProviderTokenError';
  }
}

function parseBody(body: unknown): Record<string, unknown> | undefined {
  const raw = Buffer.isBuffer(body) ? body.toString('utf8') : body;
  if (typeof raw !== 'string') return asRecord(raw);
  try {
    return asRecord(JSON.parse(raw));
  } catch {
    // GitHub answers form-encoded unless asked for JSON.
    const form = new URLSearchParams(raw);
    return form.has('error') ? Object.fromEntries(form) : undefined;
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** For a strategy's `parseErrorResponse`: the provider's error, or null when the body names none. */
export function parseProviderError(body: unknown, status: number): ProviderTokenError | null {
  const json = parseBody(body);
  const error = text(json?.error);
  if (!json || error === undefined) return null;
  return new ProviderTokenError(error, text(json.error_description), text(json.error_code), status);
}

type TokenCallback = (
  err: Error | { statusCode: number; data?: unknown } | null,
  accessToken?: string,
  refreshToken?: string,
  results?: Record<string, unknown>,
) => void;
type DataCallback = Parameters<OAuth2['get']>[2];

/** How long the token endpoint or a profile API may take; node-oauth itself waits forever. */
export const PROVIDER_TIMEOUT_MS = 10_000;
/** What a provider that does not answer in time looks like to passport: a 504 without a body it can parse. */
const TIMED_OUT = { statusCode: 504, data: 'no answer from the provider in time' };

/** `callback`, called once: with the answer, or with `timedOut()` after `ms`. */
function withDeadline<A extends unknown[]>(ms: number, callback: (...args: A) => void, timedOut: () => A) {
  let settled = false;
  const timer = setTimeout(() => {
    settled = true;
    callback(...timedOut());
  }, ms);
  timer.unref();
  return (...args: A): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    callback(...args);
  };
}

/**
 * Two things node-oauth lacks, added to a strategy's client:
 * - a deadline on the token exchange and profile reads, so a provider that
 *   hangs ends the login with `{P}_AUTH_FAILED` instead of holding the request;
 * - `errorsAnsweredWith200`: GitHub and Naver refuse an exchange with HTTP 200
 *   and an `error` field, which node-oauth reports as success without a token
 *   (the reason lost); such an answer becomes the error response it is, so
 *   the strategy's `parseErrorResponse` sees it like any other.
 */
export function hardenOAuth2(
  oauth2: OAuth2,
  options: { errorsAnsweredWith200?: boolean; timeoutMs?: number } = {},
): void {
  const ms = options.timeoutMs ?? PROVIDER_TIMEOUT_MS;
  const exchange = oauth2.getOAuthAccessToken.bind(oauth2) as (
    code: string,
    params: Record<string, unknown>,
    callback: TokenCallback,
  ) => void;
  const hardenedExchange = (code: string, params: Record<string, unknown>, callback: TokenCallback): void => {
    const once = withDeadline<Parameters<TokenCallback>>(ms, callback, () => [TIMED_OUT]);
    exchange(code, params, (err, accessToken, refreshToken, results) => {
      if (options.errorsAnsweredWith200 && !err && !accessToken && typeof results?.error === 'string') {
        once({ statusCode: 200, data: JSON.stringify(results) });
        return;
      }
      once(err, accessToken, refreshToken, results);
    });
  };
  oauth2.getOAuthAccessToken = hardenedExchange as OAuth2['getOAuthAccessToken'];

  const get = oauth2.get.bind(oauth2);
  oauth2.get = (url: string, accessToken: string, callback: DataCallback): void => {
    get(
      url,
      accessToken,
      withDeadline<Parameters<DataCallback>>(ms, callback, () => [TIMED_OUT]),
    );
  };
}

/**
 * GET a provider API with `Authorization: Bearer` and parse its JSON, for
 * strategies that read the profile themselves (Kakao, Naver).
 */
export function getJson(
  oauth2: OAuth2,
  url: string,
  accessToken: string,
  done: (err: Error | null, json?: unknown) => void,
): void {
  oauth2.get(url, accessToken, (err, body) => {
    if (err) {
      done(new OAuth2Strategy.InternalOAuthError('Failed to fetch user profile', err));
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? ''));
    } catch {
      done(new Error('Failed to parse user profile'));
      return;
    }
    done(null, json);
  });
}
