import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  traceId: string;
}

/** Carries the traceId of the request being served, so every log line can name it. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentTraceId(): string | undefined {
  return requestContext.getStore()?.traceId;
}
