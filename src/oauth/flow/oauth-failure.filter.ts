import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AppException } from '../../common/errors/app.exception.js';
import type { RateLimitRefusalResponder } from '../../common/http/rate-limit.middleware.js';
import { OAuthFailure } from './oauth-failure.js';
import { OAuthHandoffService, sendRedirect } from './oauth-handoff.service.js';
import { SOCIAL_PROVIDER_DEFINITIONS } from '../providers/index.js';

/** The paths a browser visits during a social login: the starts and the callbacks. */
const FLOW_PATHS: ReadonlySet<string> = new Set([
  ...SOCIAL_PROVIDER_DEFINITIONS.map((definition) => `/oauth2/authorization/${definition.id}`),
  '/api/auth/kakao',
  ...SOCIAL_PROVIDER_DEFINITIONS.flatMap((definition) => definition.callbackPaths),
]);

function isFlowRequest(req: Request): boolean {
  if (req.method !== 'GET') return false;
  const path = new URL(req.originalUrl, 'http://service.invalid').pathname.toLowerCase().replace(/(.)\/$/, '$1');
  return FLOW_PATHS.has(path);
}

/**
 * A failed social login goes back to the frontend (SPEC §3):
 * `302 <failure page>?error=<errorCode>&message=<Korean>&traceId=…[&providerError=…]`.
 * The per-IP limit refuses a start or callback the same way (`error=TOO_MANY_REQUESTS`),
 * since a browser would show a JSON 429 as a bare page.
 */
@Catch(OAuthFailure)
@Injectable()
export class OAuthFailureFilter implements ExceptionFilter<OAuthFailure>, RateLimitRefusalResponder {
  constructor(private readonly handoff: OAuthHandoffService) {}

  catch(failure: OAuthFailure, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    sendRedirect(res, this.handoff.failureLocation(failure, req.traceId ?? ''));
  }

  /**
   * The rate limiter's refusal of a start or callback. The failure page is the
   * configured one: a refused request does no work, so a callback's state
   * (and an allow-listed redirect_uri in it) is neither read nor used up.
   */
  answer(req: Request, res: Response, refusal: AppException): boolean {
    if (!isFlowRequest(req) || res.headersSent) return false;
    if (refusal.retryAfter !== undefined) res.setHeader('Retry-After', String(refusal.retryAfter));
    sendRedirect(res, this.handoff.failureLocation(new OAuthFailure(refusal.errorCode), req.traceId ?? ''));
    return true;
  }
}
