import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { IS_PUBLIC } from '../../common/decorators/public.decorator.js';
import { AppException } from '../../common/errors/app.exception.js';
import { JwtTokenService } from '../../token/jwt-token.service.js';
import { SessionService } from '../../token/session.service.js';
import { bearerToken } from '../../common/http/bearer.js';
import { revokedFor } from './revocation-prefetch.middleware.js';

/**
 * Global guard: every route needs a valid, unrevoked access token unless it
 * says @Public(). Costs one HMAC check (cached) and one store round trip,
 * started on the request's arrival (RevocationPrefetchMiddleware).
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtTokenService,
    private readonly sessions: SessionService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) {
      return true;
    }
    const request = context.switchToHttp().getRequest<Request>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new AppException('TOKEN_MISSING');
    const verified = this.jwt.verify(token, 'access');
    if (verified.status === 'invalid') throw new AppException('TOKEN_INVALID');
    if (verified.status === 'expired') throw new AppException('TOKEN_EXPIRED');
    const { claims } = verified;
    if (await revokedFor(request, claims.sid, this.sessions)) throw new AppException('TOKEN_REVOKED');
    request.principal = { userId: Number(claims.sub), sessionId: claims.sid, tokenId: claims.jti };
    return true;
  }
}
