import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { KeyValueStore } from '../../cache/key-value.store.js';
import { appConfig } from '../../config/app.config.js';
import { AppException, retryAfterSeconds } from '../errors/app.exception.js';
import { clientAddress } from './client-address.js';

/**
 * Per-IP fixed-window limit on /api/auth/* (RATE_LIMIT_MAX per
 * RATE_LIMIT_WINDOW), keyed on the client address TRUST_PROXY resolves: one
 * atomic increment per request, shared by every instance through Redis.
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  constructor(
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly store: KeyValueStore,
  ) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    this.store
      .increment(`rate:${clientAddress(req)}`, this.app.rateLimitWindowMs)
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
