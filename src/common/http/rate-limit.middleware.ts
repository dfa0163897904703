import { Inject, Injectable, type NestMiddleware, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { KeyValueStore } from '../store/key-value.store.js';
import { appConfig } from '../../config/app.config.js';
import { AppException, retryAfterSeconds } from '../errors/app.exception.js';
import { clientAddress } from './client-address.js';

/**
 * Answers a refused request itself where a JSON 429 would be wrong (the
 * browser-facing social login routes answer with a redirect). Provided by the
 * feature that owns those routes; returns false for requests it leaves alone.
 */
export interface RateLimitRefusalResponder {
  answer(req: Request, res: Response, refusal: AppException): boolean;
}
export const RATE_LIMIT_REFUSAL_RESPONDER = Symbol('RATE_LIMIT_REFUSAL_RESPONDER');

/**
 * The paths RateLimitMiddleware is mounted on (src/common/http/http-pipeline.ts):
 * `/api/auth` first, then the Spring-style start and callback paths. The OpenAPI
 * document gives every operation under them a 429 (src/common/http/openapi.ts).
 */
export const RATE_LIMITED_PATHS: readonly string[] = ['/api/auth', '/oauth2/authorization', '/login/oauth2/code'];

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
    @Optional()
    @Inject(RATE_LIMIT_REFUSAL_RESPONDER)
    private readonly responder?: RateLimitRefusalResponder,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    this.store
      .increment(`rate:${clientAddress(req)}`, this.app.rateLimitWindowMs)
      .then((counter) => {
        if (counter.count > this.app.rateLimitMax) {
          const refusal = new AppException('TOO_MANY_REQUESTS', { retryAfter: retryAfterSeconds(counter.ttlMs) });
          if (this.responder?.answer(req, res, refusal) !== true) next(refusal);
        } else {
          next();
        }
      })
      .catch(next);
  }
}
