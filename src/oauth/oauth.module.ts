import {
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationBootstrap,
  RequestMethod,
} from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module.js';
import { StoreModule } from '../cache/store.module.js';
import { RATE_LIMIT_REFUSAL_RESPONDER, RateLimitMiddleware } from '../common/http/rate-limit.middleware.js';
import { TimeModule } from '../common/time/time.module.js';
import { oauthConfig, type SocialProvider } from '../config/oauth.config.js';
import { UsersModule } from '../users/users.module.js';
import { OAuthGuard } from './guards/oauth.guard.js';
import { KakaoTokenService } from './kakao-token.service.js';
import { OAuthController } from './oauth.controller.js';
import { OAuthDiagnosticsService } from './oauth-diagnostics.service.js';
import { OAuthFailureFilter } from './oauth-failure.filter.js';
import { OAuthHandoffService } from './oauth-handoff.service.js';
import { OAuthStateStore } from './oauth-state.store.js';
import { SocialAuthController } from './social-auth.controller.js';
import { GitHubStrategy } from './strategies/github.strategy.js';
import { GoogleStrategy } from './strategies/google.strategy.js';
import { KakaoStrategy } from './strategies/kakao.strategy.js';
import { NaverStrategy } from './strategies/naver.strategy.js';
import { OAuthStrategyRegistry } from './strategies/oauth-strategy.registry.js';

type StrategyClass = new (
  settings: ConfigType<typeof oauthConfig>,
  states: OAuthStateStore,
) => KakaoStrategy | GoogleStrategy | GitHubStrategy | NaverStrategy;

/**
 * A provider's passport strategy exists (and is registered with passport)
 * only when its client id is configured; otherwise its routes answer 503.
 * Nest builds it at start, though nothing injects it.
 */
const strategy = (provider: SocialProvider, type: StrategyClass) => ({
  provide: type,
  inject: [oauthConfig.KEY, OAuthStateStore, OAuthStrategyRegistry],
  useFactory: (settings: ConfigType<typeof oauthConfig>, states: OAuthStateStore, registry: OAuthStrategyRegistry) => {
    if (!settings.providers[provider].configured) return null;
    const instance = new type(settings, states);
    registry.register(provider, instance);
    return instance;
  },
});

/** Social login (SPEC §3): Kakao, Google, GitHub and Naver. */
@Module({
  imports: [AuthModule, UsersModule, StoreModule, TimeModule],
  controllers: [OAuthController, SocialAuthController],
  providers: [
    RateLimitMiddleware,
    OAuthStateStore,
    OAuthStrategyRegistry,
    OAuthGuard,
    OAuthFailureFilter,
    // The limiters of /api/auth/* and of the paths below answer a refused login with its failure redirect.
    { provide: RATE_LIMIT_REFUSAL_RESPONDER, useExisting: OAuthFailureFilter },
    OAuthHandoffService,
    OAuthDiagnosticsService,
    KakaoTokenService,
    strategy('kakao', KakaoStrategy),
    strategy('google', GoogleStrategy),
    strategy('github', GitHubStrategy),
    strategy('naver', NaverStrategy),
  ],
  exports: [RATE_LIMIT_REFUSAL_RESPONDER],
})
export class OAuthModule implements NestModule, OnApplicationBootstrap {
  constructor(private readonly diagnostics: OAuthDiagnosticsService) {}

  /**
   * Every start writes a state to the store: the per-IP limit of /api/auth/*
   * (same counter) covers the Spring-style paths too. The /api/auth/kakao
   * aliases are already counted by the app-wide limiter.
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(RateLimitMiddleware)
      .forRoutes(
        { path: 'oauth2/authorization/*provider', method: RequestMethod.GET },
        { path: 'login/oauth2/code/*provider', method: RequestMethod.GET },
      );
  }

  onApplicationBootstrap(): void {
    this.diagnostics.logCallbackUrls();
  }
}
