import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module.js';
import { StoreModule } from '../cache/store.module.js';
import { RATE_LIMIT_REFUSAL_RESPONDER } from '../common/http/rate-limit.middleware.js';
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
import { SocialAccountService } from './social-account.service.js';
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
    OAuthStateStore,
    OAuthStrategyRegistry,
    OAuthGuard,
    OAuthFailureFilter,
    // The rate limiter (src/common/http/http-pipeline.ts) answers a refused login with its failure redirect.
    { provide: RATE_LIMIT_REFUSAL_RESPONDER, useExisting: OAuthFailureFilter },
    OAuthHandoffService,
    OAuthDiagnosticsService,
    SocialAccountService,
    KakaoTokenService,
    strategy('kakao', KakaoStrategy),
    strategy('google', GoogleStrategy),
    strategy('github', GitHubStrategy),
    strategy('naver', NaverStrategy),
  ],
  exports: [RATE_LIMIT_REFUSAL_RESPONDER],
})
export class OAuthModule implements OnApplicationBootstrap {
  constructor(private readonly diagnostics: OAuthDiagnosticsService) {}

  onApplicationBootstrap(): void {
    this.diagnostics.logCallbackUrls();
  }
}
