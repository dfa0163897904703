import { AuthError } from './auth-error.js';

/**
 * Parameters of a social-login hand-off (SPEC §3, all three
 * OAUTH2_TOKEN_DELIVERY modes and the failure redirect). They are taken out
 * of the address bar as soon as they are read.
 */
export const HANDOFF_PARAMS = ['accessToken', 'refreshToken', 'code', 'error', 'message', 'traceId', 'providerError'];

export type RedirectPayload =
  | { kind: 'tokens'; accessToken: string; refreshToken: string }
  | { kind: 'code'; code: string }
  | { kind: 'error'; error: AuthError }
  | { kind: 'none' };

export interface ParsedRedirect {
  payload: RedirectPayload;
  /** The same URL without the hand-off parameters: what the address bar should show. */
  cleanUrl: string;
}

const nonEmpty = (value: string | null): value is string => value !== null && value.trim() !== '';

function without(params: URLSearchParams): URLSearchParams {
  const kept = new URLSearchParams(params);
  for (const name of HANDOFF_PARAMS) kept.delete(name);
  return kept;
}

/**
 * Reads a redirect URL: `?error=` (a failed login), `?accessToken&refreshToken`
 * (query mode), `#accessToken&refreshToken` (fragment mode) or `?code=`
 * (code mode), in that order of precedence.
 */
export function parseRedirect(href: string): ParsedRedirect {
  const url = new URL(href);
  const query = url.searchParams;
  const fragment = new URLSearchParams(url.hash.replace(/^#/, ''));

  const fragmentHasHandoff = HANDOFF_PARAMS.some((name) => fragment.has(name));
  const clean = new URL(url.href);
  const keptQuery = without(query).toString();
  clean.search = keptQuery ? `?${keptQuery}` : '';
  if (fragmentHasHandoff) {
    const keptFragment = without(fragment).toString();
    clean.hash = keptFragment ? `#${keptFragment}` : '';
  }
  const cleanUrl = clean.href.endsWith('#') ? clean.href.slice(0, -1) : clean.href;

  let payload: RedirectPayload = { kind: 'none' };
  const error = query.get('error') ?? fragment.get('error');
  if (nonEmpty(error)) {
    const from = query.has('error') ? query : fragment;
    payload = {
      kind: 'error',
      error: new AuthError({
        status: 0,
        errorCode: error,
        message: from.get('message') || '소셜 로그인에 실패했습니다. 잠시 후 다시 시도해주세요.',
        traceId: from.get('traceId'),
        providerError: from.get('providerError'),
      }),
    };
  } else {
    for (const params of [query, fragment]) {
      const accessToken = params.get('accessToken');
      const refreshToken = params.get('refreshToken');
      if (nonEmpty(accessToken) && nonEmpty(refreshToken)) {
        payload = { kind: 'tokens', accessToken, refreshToken };
        break;
      }
    }
    const code = query.get('code');
    if (payload.kind === 'none' && nonEmpty(code)) payload = { kind: 'code', code };
  }
  return { payload, cleanUrl };
}
