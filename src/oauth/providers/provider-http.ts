import { OAuth2, type oauth2tokenCallback } from 'oauth';
import OAuth2Strategy from 'passport-oauth2';
import { asRecord } from './social-profile.js';

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

/**
 * What a provider's API said when it refused a profile read: RFC 6750's
 * `error` (Google, OpenID providers), Kakao's numeric `code`, Naver's
 * `resultcode`, or GitHub's `message`, which has no code.
 */
export class ProviderProfileError extends Error {
  constructor(
    readonly error: string | undefined,
    readonly errorDescription: string | undefined,
    readonly errorCode: string | undefined,
    readonly status: number | undefined,
  ) {
    super(errorDescription ?? error ?? errorCode ?? 'profile refused');
    this.name = 'ProviderProfileError';
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

/** The error a profile API answered with, or null when its body names none. */
export function parseProfileError(body: unknown, status: number | undefined): ProviderProfileError | null {
  const json = parseBody(body);
  if (!json) return null;
  // Google's APIs outside OpenID: {error: {code, message, status}}.
  const nested = asRecord(json.error);
  const rawCode: unknown = json.code ?? json.resultcode;
  const errorCode = typeof rawCode === 'number' ? String(rawCode) : text(rawCode);
  // GitHub's REST errors have a stable `message` and nothing else to go by.
  const error = text(json.error) ?? text(nested?.status) ?? (errorCode === undefined ? text(json.message) : undefined);
  const description = text(json.error_description) ?? text(nested?.message) ?? text(json.msg) ?? text(json.message);
  if (error === undefined && errorCode === undefined) return null;
  return new ProviderProfileError(error, description === error ? undefined : description, errorCode, status);
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
 * What node-oauth lacks or gets wrong, fixed on a strategy's client:
 * - the provider's access token goes to its APIs (userinfo, GitHub's emails)
 *   in `Authorization: Bearer` only: node-oauth's default puts it in the
 *   query string, which RFC 6750 §2.3 discourages, standards-strict
 *   providers refuse, and proxies log;
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
  oauth2.useAuthorizationHeaderforGET(true);
  oauth2.setAuthMethod('Bearer');
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
 * strategies that read the profile themselves (Kakao, Naver, Google); a
 * refusal keeps what the provider said (ProviderProfileError).
 */
export function getJson(
  oauth2: OAuth2,
  url: string,
  accessToken: string,
  done: (err: Error | null, json?: unknown) => void,
): void {
  oauth2.get(url, accessToken, (err, body) => {
    if (err) {
      const answered = 'statusCode' in err ? err : undefined;
      done(
        parseProfileError(answered?.data, answered?.statusCode) ??
          new OAuth2Strategy.InternalOAuthError('Failed to fetch user profile', err),
      );
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

const formEncode = (value: string): string => new URLSearchParams({ v: value }).toString().slice(2);

/**
 * node-oauth's client with `client_secret_basic` (RFC 6749 §2.3.1) at the
 * token endpoint: the id and secret, form-encoded, as HTTP Basic, and
 * neither in the body (a provider may refuse two authentication methods in
 * one request). Everything else is node-oauth's.
 */
export class ClientSecretBasicOAuth2 extends OAuth2 {
  private readonly basicCredentials: string;

  constructor(clientId: string, clientSecret: string, authorizeUrl: string, accessTokenUrl: string) {
    super(clientId, clientSecret, '', authorizeUrl, accessTokenUrl);
    this.basicCredentials = Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
  }

  override getOAuthAccessToken(
    code: string,
    paramsOrCallback: Record<string, unknown> | oauth2tokenCallback,
    maybeCallback?: oauth2tokenCallback,
  ): void {
    const params = typeof paramsOrCallback === 'function' ? {} : paramsOrCallback;
    const callback = typeof paramsOrCallback === 'function' ? paramsOrCallback : maybeCallback;
    if (!callback) throw new TypeError('getOAuthAccessToken needs a callback');
    const body: Record<string, string> = {};
    for (const [key, value] of Object.entries(params)) {
      if (typeof value === 'string' && key !== 'client_id' && key !== 'client_secret') body[key] = value;
    }
    body[params.grant_type === 'refresh_token' ? 'refresh_token' : 'code'] = code;
    const headers = {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${this.basicCredentials}`,
    };
    this._request(
      'POST',
      this._getAccessTokenUrl(),
      headers,
      new URLSearchParams(body).toString(),
      null,
      (err, data) => {
        if (err) {
          callback(err);
          return;
        }
        // As node-oauth reads it: JSON, else form-encoded; the refresh token apart from the rest.
        let results: Record<string, unknown>;
        const raw = Buffer.isBuffer(data) ? data.toString('utf8') : (data ?? '');
        try {
          results = asRecord(JSON.parse(raw)) ?? {};
        } catch {
          results = Object.fromEntries(new URLSearchParams(raw));
        }
        const accessToken = results.access_token;
        const refreshToken = results.refresh_token;
        delete results.refresh_token;
        (callback as TokenCallback)(
          null,
          typeof accessToken === 'string' ? accessToken : '',
          typeof refreshToken === 'string' ? refreshToken : '',
          results,
        );
      },
    );
  }
}
