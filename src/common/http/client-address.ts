import type { Request } from 'express';

declare module 'express' {
  interface Request {
    /** clientAddress's answer, kept: the rate limiter and the access log both ask for it. */
    resolvedClientAddress?: string;
  }
}

/**
 * The client's address, as Express resolved it under TRUST_PROXY: the
 * X-Forwarded-For entry the trusted proxies appended, or the socket's peer.
 * The one source for the rate limiter, the access log and security records,
 * so none of them can be steered by a header the client wrote. Resolved once
 * per request (Express parses the header and walks the proxies on each
 * `req.ip`); neither the header nor the setting changes during a request.
 */
export function clientAddress(req: Request): string {
  return (req.resolvedClientAddress ??= req.ip ?? req.socket.remoteAddress ?? 'unknown');
}
