import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is calling: the `User-Agent` header and the client address as TRUST_PROXY determines it (`req.ip`). */
export interface RequestClient {
  userAgent: string | undefined;
  ip: string | undefined;
}

export interface RequestContext {
  traceId: string;
  /** Read on demand (sessions record it), so requests that never ask pay nothing. */
  client?: () => RequestClient;
}

/** Carries the traceId of the request being served, so every log line can name it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentTraceId(): string | undefined {
  return requestContext.getStore()?.traceId;
}

/** The caller of the request being served; both fields undefined outside a request. */
export function currentClient(): RequestClient {
  return requestContext.getStore()?.client?.() ?? { userAgent: undefined, ip: undefined };
}
