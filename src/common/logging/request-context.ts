import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';

/** What a record needs of the request; read only when a record asks for it (Express computes `ip` on access). */
export interface ContextRequest {
  readonly ip?: string;
  readonly headers: IncomingHttpHeaders;
  readonly socket?: { readonly remoteAddress?: string };
}

export interface RequestContext {
  traceId: string;
  request?: ContextRequest;
}

/** Carries the traceId (and the request) being served, so every log line can name it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentTraceId(): string | undefined {
  return requestContext.getStore()?.traceId;
}

const USER_AGENT_MAX = 200;

export interface ClientInfo {
  /** The client address as `trust proxy` determines it. */
  ip: string | null;
  /** The first 200 characters of `User-Agent`. */
  userAgent: string | null;
}

/** The client of the request being served; nulls outside a request. */
export function currentClient(): ClientInfo {
  const request = requestContext.getStore()?.request;
  if (!request) return { ip: null, userAgent: null };
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? request.socket?.remoteAddress ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, USER_AGENT_MAX) : null,
  };
}
