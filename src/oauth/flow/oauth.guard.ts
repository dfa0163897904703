import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import passport, { type AuthenticateOptions } from 'passport';
import { AppException, DependencyUnavailableError } from '../../common/errors/app.exception.js';
import { oauthConfig } from '../../config/oauth.config.js';
import { isSocialProvider, providerDefinition, type SocialProvider } from '../providers/index.js';
import type { SocialProfile } from '../providers/social-profile.js';
import { OAuthDiagnosticsService } from './oauth-diagnostics.service.js';
import { OAuthFailure } from './oauth-failure.js';
import { OAuthHandoffService } from './oauth-handoff.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { OAuthStrategyRegistry } from './oauth-strategy.registry.js';

export type OAuthPhase = 'start' | 'callback';

interface OAuthRouteMeta {
  phase: OAuthPhase;
  /** For routes without a `:provider` parameter (seed 004's Kakao aliases). */
  provider?: SocialProvider;
}

const OAUTH_ROUTE = 'oauthRoute';

/** Marks a route as the start or the callback of a provider's login. */
export const OAuthRoute = (phase: OAuthPhase, provider?: SocialProvider) =>
  SetMetadata(OAUTH_ROUTE, { phase, provider } satisfies OAuthRouteMeta);

function isSocialProfile(value: unknown): value is SocialProfile {
  return typeof value === 'object' && value !== null && 'providerUserId' in value && 'provider' in value;
}

function isStateRefusal(info: unknown): boolean {
  return typeof info === 'object' && info !== null && (info as { reason?: unknown }).reason === 'INVALID_STATE';
}

type PassportMiddleware = (request: Request, response: Response, next: (err?: unknown) => void) => void;

/** passport's options for one request, with those our strategies read (Naver's `callbackState`). */
type FlowAuthenticateOptions = AuthenticateOptions & { callbackState?: unknown };

/**
 * The redirect flow's guard: picks the provider (404 unknown, 503 not
 * configured), then runs that provider's passport strategy, which redirects
 * to the provider (start) or exchanges the code and reads the profile
 * (callback). The profile is left on the request for `@SocialLogin()`.
 * Every way a callback can fail becomes an OAuthFailure, which the
 * controller's filter turns into the redirect to the failure page.
 */
@Injectable()
export class OAuthGuard implements CanActivate {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly reflector: Reflector,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly states: OAuthStateStore,
    private readonly handoff: OAuthHandoffService,
    private readonly diagnostics: OAuthDiagnosticsService,
    private readonly strategies: OAuthStrategyRegistry,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Request>();
    const route = this.route(context);
    const param = request.params.provider;
    const provider = route.provider ?? (typeof param === 'string' && isSocialProvider(param) ? param : undefined);
    if (provider === undefined) throw new AppException('UNSUPPORTED_PROVIDER');
    if (!this.oauth.providers[provider].configured) throw new AppException('PROVIDER_NOT_CONFIGURED');
    // Every answer of the flow is a redirect: the provider's page must not learn our URLs, nor caches keep them.
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('Cache-Control', 'no-store');
    const options = await this.authenticateOptions(provider, route.phase, request);
    await this.authenticate(provider, options, request, response);
    return true;
  }

  /**
   * Runs the provider's strategy. A start ends in passport's redirect to the
   * provider, which answers the request and settles nothing (as with
   * @nestjs/passport's AuthGuard); a callback settles with the outcome.
   */
  private authenticate(
    provider: SocialProvider,
    options: FlowAuthenticateOptions,
    request: Request,
    response: Response,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      // What passport or the outcome throws goes on as it is (an AppException, an OAuthFailure, passport's error).
      const fail = reject as (reason: unknown) => void;
      const outcome = (err: unknown, user: unknown, info: unknown): void => {
        try {
          this.authenticated(provider, err, user, info, request);
          resolve();
        } catch (error) {
          fail(error);
        }
      };
      const next = (err?: unknown): void => (err ? fail(err) : resolve());
      // @types/passport gives the middleware as `any`.
      const middleware = passport.authenticate(
        this.strategies.nameOf(provider),
        options,
        outcome,
      ) as PassportMiddleware;
      middleware(request, response, next);
    });
  }

  /** passport's options for this request: the start's allow-listed target, the callback's state for Naver. */
  private async authenticateOptions(
    provider: SocialProvider,
    phase: OAuthPhase,
    request: Request,
  ): Promise<FlowAuthenticateOptions> {
    const query = request.query;
    if (phase === 'start') {
      // passport would take a start URL carrying a code or error for a callback.
      if (query.code !== undefined || query.error !== undefined) throw new AppException('VALIDATION_FAILED');
      // Read by the state store (passport's typed `state` option is a plain string).
      request.oauthStart = { redirectUri: this.handoff.allowedRedirect(query.redirect_uri) };
      return { session: false };
    }
    if (query.iss !== undefined && query.iss !== this.oauth.providers[provider].issuer) {
      // RFC 9207: an answer from another issuer than the one this login went to (a mix-up) is
      // refused before its code goes anywhere; the state is used up with it.
      const state = await this.states.consume(request, provider, query.state);
      this.diagnostics.issuerMismatch(provider, query.iss);
      throw new OAuthFailure(providerDefinition(provider).failureCode, undefined, state?.redirectUri);
    }
    if (query.error !== undefined) {
      // The provider sends the user back with an error (e.g. cancel) before any code exists; the
      // state still says where this login's failure page is, and is used up with it.
      request.oauthState = (await this.states.consume(request, provider, query.state)) ?? undefined;
    } else if (typeof query.code !== 'string' || query.code === '') {
      // Without a code passport would start a new login instead.
      throw new OAuthFailure('INVALID_STATE');
    }
    return { session: false, callbackState: query.state };
  }

  /** passport's outcome: stores the mapped profile on the request, or throws the failure to redirect with. */
  private authenticated(provider: SocialProvider, err: unknown, user: unknown, info: unknown, request: Request): void {
    const target = request.oauthState?.redirectUri;
    if (err) {
      // Our own store or database is down: 503 like every other endpoint, not the provider's fault.
      if (err instanceof DependencyUnavailableError || err instanceof AppException) throw err;
      const details = this.diagnostics.exchangeFailed(provider, err);
      throw new OAuthFailure(providerDefinition(provider).failureCode, details.error_code ?? details.error, target);
    }
    if (!isSocialProfile(user)) {
      const errorCode = isStateRefusal(info) ? 'INVALID_STATE' : 'ACCESS_DENIED';
      this.logger.log({ msg: `${provider} login ended without a user`, provider, errorCode });
      throw new OAuthFailure(errorCode, undefined, target);
    }
    request.socialProfile = user;
  }

  private route(context: ExecutionContext): OAuthRouteMeta {
    const meta = this.reflector.get<OAuthRouteMeta | undefined>(OAUTH_ROUTE, context.getHandler());
    if (!meta) throw new Error('OAuthGuard used on a route without @OAuthRoute');
    return meta;
  }
}
