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

  /** Whether each route is @Public(), by controller class and handler: read once, its metadata never changes. */
  private readonly publicRoutes = new WeakMap<object, WeakMap<object, boolean>>();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.isPublic(context)) return true;
    const request = context.switchToHttp().getRequest<Request>();
    const authorization = request.headers.authorization;
    const lookup = request.revocationLookup;
    // The prefetch already took the token out of this very header.
    const token =
      lookup !== undefined && lookup.authorization === authorization ? lookup.token : bearerToken(authorization);
    if (!token) throw new AppException('TOKEN_MISSING');
    const claims = this.verifiedClaims(request, token);
    if (await revokedFor(request, claims.sid, this.sessions)) throw new AppException('TOKEN_REVOKED');
    request.principal = { userId: Number(claims.sub), sessionId: claims.sid, tokenId: claims.jti };
    return true;
  }

  private isPublic(context: ExecutionContext): boolean {
    const controller = context.getClass();
    const handler = context.getHandler();
    let routes = this.publicRoutes.get(controller);
    if (!routes) this.publicRoutes.set(controller, (routes = new WeakMap()));
    let known = routes.get(handler);
    if (known === undefined) {
      known = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, controller]) === true;
      routes.set(handler, known);
    }
    return known;
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
