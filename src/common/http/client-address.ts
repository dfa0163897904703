import type { Request } from 'express';

/**
 * The client's address, as Express resolved it under TRUST_PROXY: the
 * X-Forwarded-For entry the trusted proxies appended, or the socket's peer.
 * The one source for the rate limiter, the access log and security records,
 * so none of them can be steered by a header the client wrote.
 */
export function clientAddress(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}
