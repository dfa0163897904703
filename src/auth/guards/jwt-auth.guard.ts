import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { AppException } from '../../common/errors/app.exception.js';
import { Clock } from '../../common/time/clock.js';
import type { TokenClaims } from '../../token/jwt.codec.js';
import { JwtTokenService } from '../../token/jwt-token.service.js';
import { SessionService } from '../../token/session.service.js';
import { bearerToken } from '../../common/http/bearer.js';
import { revokedFor } from './revocation-prefetch.middleware.js';

/**
 * Global guard: every route needs a valid, unrevoked access token unless it
 * says @Public(). Costs one HMAC check (cached) and one store round trip, both
 * started on the request's arrival (RevocationPrefetchMiddleware).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtTokenService,
    private readonly sessions: SessionService,
    private readonly clock: Clock,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AppException('TOKEN_MISSING');
    const claims = this.verifiedClaims(request, token);
    if (await revokedFor(request, claims.sid, this.sessions)) throw new AppException('TOKEN_REVOKED');
    request.principal = { userId: Number(claims.sub), sessionId: claims.sid, tokenId: claims.jti };
    return true;
  }

  /**
   * The token's claims: those the prefetch verified for this very token (signature, algorithm, type),
   * with the expiry checked again now, or a verification of its own.
   */
  private verifiedClaims(request: Request, token: string): TokenClaims {
    const lookup = request.revocationLookup;
    if (lookup?.token === token) {
      if (this.clock.now() >= lookup.claims.exp * 1000) throw new AppException('TOKEN_EXPIRED');
      return lookup.claims;
    }
    const verified = this.jwt.verify(token, 'access');
    if (verified.status === 'invalid') throw new AppException('TOKEN_INVALID');
    if (verified.status === 'expired') throw new AppException('TOKEN_EXPIRED');
    return verified.claims;
  }
}
