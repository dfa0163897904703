import { Inject, Injectable, type NestMiddleware, Optional } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import { KeyValueStore } from '../store/key-value.store.js';
import { Clock } from '../time/clock.js';
import { appConfig } from '../../config/app.config.js';
import { AppException, retryAfterSeconds } from '../errors/app.exception.js';
import { clientAddress } from './client-address.js';
import { RateLimitLeases } from './rate-limit-leases.js';

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
 * RATE_LIMIT_WINDOW), keyed on the client address TRUST_PROXY resolves, and
 * counted in one counter shared by every instance through Redis, a
 * reservation of units at a time (RateLimitLeases).
 */
@Injectable()
export class RateLimitMiddleware implements NestMiddleware {
  private readonly leases: RateLimitLeases;

  constructor(
    @Inject(appConfig.KEY) app: ConfigType<typeof appConfig>,
    store: KeyValueStore,
    clock: Clock,
    @Optional()
    @Inject(RATE_LIMIT_REFUSAL_RESPONDER)
    private readonly responder?: RateLimitRefusalResponder,
  ) {
    this.leases = new RateLimitLeases(store, clock, app.rateLimitMax, app.rateLimitWindowMs);
  }

  use(req: Request, res: Response, next: NextFunction): void {
    this.leases
      .take(clientAddress(req))
      .then((decision) => {
        if (!decision.allowed) {
          const refusal = new AppException('TOO_MANY_REQUESTS', { retryAfter: retryAfterSeconds(decision.ttlMs) });
          if (this.responder?.answer(req, res, refusal) !== true) next(refusal);
        } else {
          next();
        }
      })
      .catch(next);
  }
}
