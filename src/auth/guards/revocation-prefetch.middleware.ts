import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { bearerToken } from '../../common/http/bearer.js';
import type { TokenClaims } from '../../token/jwt.codec.js';
import { JwtTokenService } from '../../token/jwt-token.service.js';
import { SessionService } from '../../token/session.service.js';

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface RevocationLookup {
  /** The Authorization header it was started for, its bearer token, and that token's verified claims. */
  authorization: string;
  token: string;
  claims: TokenClaims;
  sessionId: string;
  revoked: Promise<Settled<boolean>>;
}

declare module 'express' {
  interface Request {
    revocationLookup?: RevocationLookup;
  }
}

/**
 * Starts the revocation lookup of a request's access token when the request
 * arrives, in the same turn of the event loop as the rate limiter's counter:
 * the Redis client sends both in one write, and the JWT guard finds the
 * answer ready, so a guarded request costs one Redis round trip instead of
 * two. Only an optimisation: the guard uses the claims verified here only for
 * the same token string (checking its expiry again), and the answer only for
 * the same session (`revokedFor`).
 */
@Injectable()
export class RevocationPrefetchMiddleware implements NestMiddleware {
  constructor(
    private readonly jwt: JwtTokenService,
    private readonly sessions: SessionService,
  ) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const authorization = req.headers.authorization;
    const token = bearerToken(authorization);
    if (token) {
      const verified = this.jwt.verify(token, 'access');
      if (verified.status === 'valid') {
        req.revocationLookup = {
          authorization: authorization!,
          token,
          claims: verified.claims,
          sessionId: verified.claims.sid,
          // Settled here: a request refused before the guard (rate limit, body) never reads it.
          revoked: this.sessions.isRevoked(verified.claims.sid).then(
            (value) => ({ ok: true, value }),
            (error: unknown) => ({ ok: false, error }),
          ),
        };
      }
    }
    next();
  }
}

/** Whether the session is revoked: the lookup started on arrival when it is for this session, else a new one. */
export async function revokedFor(req: Request, sessionId: string, sessions: SessionService): Promise<boolean> {
  const lookup = req.revocationLookup;
  if (lookup?.sessionId !== sessionId) return sessions.isRevoked(sessionId);
  const settled = await lookup.revoked;
  if (!settled.ok) throw settled.error;
  return settled.value;
}
