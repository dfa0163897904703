import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { KeyValueStore } from '../../cache/key-value.store.js';
import { appConfig } from '../../config/app.config.js';
import { AppException, retryAfterSeconds } from '../errors/app.exception.js';

/**
 * The paths RateLimitMiddleware is mounted on: `/api/auth` in app.factory.ts,
 * the Spring-style start and callback paths in OAuthModule. The OpenAPI
 * document gives every operation under them a 429 (src/common/http/openapi.ts).
 */
export const RATE_LIMITED_PATHS: readonly string[] = ['/api/auth', '/oauth2/authorization', '/login/oauth2/code'];

/**
 * Per-IP fixed-window limit on /api/auth/* (RATE_LIMIT_MAX per
 * RATE_LIMIT_WINDOW): one atomic increment per request, shared by every
 * instance through Redis.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  constructor(
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly store: KeyValueStore,
  ) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    this.store
      .increment(`rate:${ip}`, this.app.rateLimitWindowMs)
      .then((counter) => {
        if (counter.count > this.app.rateLimitMax) {
          next(new AppException('TOO_MANY_REQUESTS', { retryAfter: retryAfterSeconds(counter.ttlMs) }));
        } else {
          next();
        }
      })
      .catch(next);
  }
}
