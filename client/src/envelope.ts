import { AuthError, CLIENT_ERRORS, type FieldError } from './auth-error.js';

/** What the client needs of a fetch Response (so the parsing is testable without one). */
export interface ResponseLike {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Seconds from a `Retry-After` header: delta-seconds or an HTTP date
 * (RFC 9110 §10.2.3). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

function fieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is FieldError => isRecord(item) && typeof item.field === 'string' && typeof item.message === 'string',
  );
}

/**
 * The AuthError of a non-2xx answer: the envelope's errorCode, message and
 * traceId when it has them, `UNEXPECTED_RESPONSE` when it is not the
 * service's envelope (e.g. a proxy's HTML page).
 */
export function errorFromBody(status: number, body: unknown, headers: ResponseLike['headers']): AuthError {
  const retryAfter = parseRetryAfter(headers.get('retry-after'));
  const headerTrace = headers.get('x-trace-id');
  if (isRecord(body) && typeof body.errorCode === 'string' && typeof body.message === 'string') {
    return new AuthError({
      status,
      errorCode: body.errorCode,
      message: body.message,
      traceId: typeof body.traceId === 'string' ? body.traceId : headerTrace,
      retryAfter,
      errors: fieldErrors(body.errors),
    });
  }
  return new AuthError({
    status,
    errorCode: 'UNEXPECTED_RESPONSE',
    message: CLIENT_ERRORS.UNEXPECTED_RESPONSE,
    traceId: headerTrace,
    retryAfter,
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The `data` of a success envelope (SPEC §1), or the AuthError of the
 * answer. A 2xx that is not an envelope is an `UNEXPECTED_RESPONSE`.
 */
export async function readEnvelope<T>(res: ResponseLike): Promise<T> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw AuthError.client('NETWORK_ERROR');
  }
  const body = parseJson(text);
  if (!res.ok) throw errorFromBody(res.status, body, res.headers);
  if (!isRecord(body) || !('data' in body)) {
    throw new AuthError({
      status: res.status,
      errorCode: 'UNEXPECTED_RESPONSE',
      message: CLIENT_ERRORS.UNEXPECTED_RESPONSE,
      traceId: res.headers.get('x-trace-id'),
    });
  }
  return body.data as T;
}

/** The errorCode of an error answer, read without consuming the caller's Response. */
export async function errorCodeOf(res: Response): Promise<string | null> {
  try {
    const body = parseJson(await res.clone().text());
    return isRecord(body) && typeof body.errorCode === 'string' ? body.errorCode : null;
  } catch {
    return null;
  }
}
