import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { clientAddress } from './client-address.js';

/**
 * One line per request: method, path (never the query, which may hold codes),
 * status, client address (as TRUST_PROXY resolves it), duration. Written
 * straight to pino: this runs on every request, and the Nest logger wrapper
 * and redaction (nothing here needs redacting) cost several percent of a
 * cheap request.
 */
export function accessLogMiddleware(logger: Logger): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      if (!logger.isLevelEnabled('info')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info({
        msg: 'request',
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ip: clientAddress(req),
        ms: Math.round(ms * 10) / 10,
      });
    });
    next();
  };
}
