import { type ArgumentsHost, Catch, type ExceptionFilter, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { OAuthFailure } from './oauth-failure.js';
import { OAuthHandoffService, sendRedirect } from './oauth-handoff.service.js';

/**
 * A failed social login goes back to the frontend (SPEC §3):
 * `302 <failure page>?error=<errorCode>&message=<Korean>&traceId=…[&providerError=…]`.
 */
@Catch(OAuthFailure)
@Injectable()
export class OAuthFailureFilter implements ExceptionFilter<OAuthFailure> {
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
}
