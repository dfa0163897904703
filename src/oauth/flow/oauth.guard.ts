import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, SetMetadata } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type AuthGuardAuthenticateOptions, type IAuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { AppException, DependencyUnavailableError } from '../../common/errors/app.exception.js';
import { oauthConfig } from '../../config/oauth.config.js';
import { OAuthDiagnosticsService } from './oauth-diagnostics.service.js';
import { OAuthFailure } from './oauth-failure.js';
import { OAuthHandoffService } from './oauth-handoff.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { OAuthStrategyRegistry } from './oauth-strategy.registry.js';
import { isSocialProvider, providerDefinition, SOCIAL_PROVIDERS, type SocialProvider } from '../providers/index.js';
import type { SocialProfile } from '../providers/social-profile.js';

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

declare module 'express' {
  interface Request {
    /** The provider's profile of a successful callback, as the strategy mapped it. */
    socialProfile?: SocialProfile;
  }
}

function isSocialProfile(value: unknown): value is SocialProfile {
  return typeof value === 'object' && value !== null && 'providerUserId' in value && 'provider' in value;
}

function isStateRefusal(info: unknown): boolean {
  return typeof info === 'object' && info !== null && (info as { reason?: unknown }).reason === 'INVALID_STATE';
}

/** @nestjs/passport's AuthGuard for one provider, with its per-request options and outcome handled by the host. */
function providerGuard(provider: SocialProvider, strategyName: string, host: OAuthGuard): IAuthGuard {
  class ProviderAuthGuard extends AuthGuard(strategyName) {
    override getAuthenticateOptions(context: ExecutionContext): Promise<AuthGuardAuthenticateOptions> {
      return host.authenticateOptions(provider, context);
    }

    override handleRequest<TUser>(err: unknown, user: unknown, info: unknown, context: ExecutionContext): TUser {
      host.authenticated(provider, err, user, info, context);
      return user as TUser;
    }
  }
  return new ProviderAuthGuard();
}

/**
 * The redirect flow's guard: picks the provider (404 unknown, 503 not
 * configured), then lets that provider's passport strategy redirect to the
 * provider (start) or exchange the code and read the profile (callback).
 * Every way a callback can fail becomes an OAuthFailure, which the
 * controller's filter turns into the redirect to the failure page.
 */
@Injectable()
export class OAuthGuard implements CanActivate {
  private readonly logger = new Logger('OAuth');
  private readonly delegates: ReadonlyMap<SocialProvider, IAuthGuard>;

  constructor(
    private readonly reflector: Reflector,
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly states: OAuthStateStore,
    private readonly handoff: OAuthHandoffService,
    private readonly diagnostics: OAuthDiagnosticsService,
    strategies: OAuthStrategyRegistry,
  ) {
    this.delegates = new Map(
      SOCIAL_PROVIDERS.map((provider) => [provider, providerGuard(provider, strategies.nameOf(provider), this)]),
    );
  }

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
    const delegate = this.delegates.get(provider);
    return delegate !== undefined && (await delegate.canActivate(context)) === true;
  }

  /** passport's options for this request: the start's allow-listed target, the callback's state for Naver. */
  async authenticateOptions(
    provider: SocialProvider,
    context: ExecutionContext,
  ): Promise<AuthGuardAuthenticateOptions> {
    const request = context.switchToHttp().getRequest<Request>();
    const query = request.query;
    if (this.route(context).phase === 'start') {
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
  authenticated(provider: SocialProvider, err: unknown, user: unknown, info: unknown, context: ExecutionContext): void {
    const request = context.switchToHttp().getRequest<Request>();
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
