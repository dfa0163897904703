import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { clientAddress } from './client-address.js';

declare module 'express' {
  interface Response {
    /** When the access log saw the request arrive (performance.now(), ms). */
    accessLogStartedAt?: number;
  }
}

/**
 * One line per request: method, path (never the query, which may hold codes),
 * status, client address (as TRUST_PROXY resolves it), duration. Written
 * straight to pino: this runs on every request, and the Nest logger wrapper
 * and redaction (nothing here needs redacting) cost several percent of a
 * cheap request. One 'finish' listener function serves every response (it
 * reads the response it is called on), so a request allocates no closure or
 * `once` wrapper for it; the start is a number, not a bigint.
 */
export function accessLogMiddleware(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  function logFinished(this: Response): void {
    if (!logger.isLevelEnabled('info')) return;
    const req = this.req;
    const ms = performance.now() - (this.accessLogStartedAt ?? 0);
    logger.info({
      msg: 'request',
      method: req.method,
      path: req.path,
      status: this.statusCode,
      ip: clientAddress(req),
      ms: Math.round(ms * 10) / 10,
    });
  }
  return (_req, res, next) => {
    res.accessLogStartedAt = performance.now();
    res.on('finish', logFinished);
    next();
  };
}
