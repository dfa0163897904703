import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { requestContext } from '../logging/request-context.js';

const CLIENT_TRACE_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'express' {
  interface Request {
    traceId?: string;
  }
}

/** 32 lowercase hex characters; random bytes are pooled so this stays cheap on the hot path. */
let pool = Buffer.alloc(0);
let offset = 0;
function newTraceId(): string {
  if (offset + 16 > pool.length) {
    pool = randomBytes(16 * 256);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + 16);
  offset += 16;
  return id;
}

/**
 * First middleware of every request: picks the traceId (the client's
 * X-Trace-Id when well-formed, else a new one), echoes it in the response
 * header and runs the rest of the request inside its context (which also
 * gives security events the client's address and User-Agent).
 */
export function traceMiddleware(req: Request, res: Response, next: NextFunction): void {
  const given = req.headers['x-trace-id'];
  const traceId = typeof given === 'string' && CLIENT_TRACE_ID.test(given) ? given : newTraceId();
  req.traceId = traceId;
  res.setHeader('X-Trace-Id', traceId);
  requestContext.run({ traceId, request: req }, next);
}
