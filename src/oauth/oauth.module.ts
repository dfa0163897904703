import { Module, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AuthModule } from '../auth/auth.module.js';
import { StoreModule } from '../cache/store.module.js';
import { RATE_LIMIT_REFUSAL_RESPONDER } from '../common/http/rate-limit.middleware.js';
import { TimeModule } from '../common/time/time.module.js';
import { oauthConfig } from '../config/oauth.config.js';
import { UsersModule } from '../users/users.module.js';
import { OAuthController } from './flow/oauth.controller.js';
import { OAuthDiagnosticsService } from './flow/oauth-diagnostics.service.js';
import { OAuthFailureFilter } from './flow/oauth-failure.filter.js';
import { OAuthGuard } from './flow/oauth.guard.js';
import { OAuthHandoffService } from './flow/oauth-handoff.service.js';
import { OAuthStateStore } from './flow/oauth-state.store.js';
import { OAuthStrategyRegistry } from './flow/oauth-strategy.registry.js';
import { SocialAuthController } from './flow/social-auth.controller.js';
import { KakaoTokenController } from './kakao/kakao-token.controller.js';
import { KakaoTokenService } from './kakao/kakao-token.service.js';
import { SOCIAL_PROVIDER_DEFINITIONS, type SocialProvider } from './providers/index.js';
import type { ProfileVerify, SocialProviderDefinition } from './providers/provider-definition.js';
import type { SocialProfile } from './providers/social-profile.js';

/** passport's verify callback: maps the profile only; the account rules live in SocialAccountService. */
function verifyWith(definition: SocialProviderDefinition<SocialProvider>): ProfileVerify {
  return (_accessToken, _refreshToken, _results, profile, done) => {
    let mapped: SocialProfile;
    try {
      mapped = definition.profile(profile);
    } catch (error) {
      done(error as Error);
      return;
    }
    done(null, mapped);
  };
}

/**
 * A provider's passport strategy exists (and is registered with passport)
 * only when its client id is configured; otherwise its routes answer 503.
 * Nest builds it at start, though nothing injects it.
 */
const strategy = (definition: SocialProviderDefinition<SocialProvider>) => ({
  provide: `oauth-strategy:${definition.id}`,
  inject: [oauthConfig.KEY, OAuthStateStore, OAuthStrategyRegistry],
  useFactory: (oauth: ConfigType<typeof oauthConfig>, states: OAuthStateStore, registry: OAuthStrategyRegistry) => {
    const settings = oauth.providers[definition.id];
    if (!settings.configured) return null;
    const instance = definition.strategy({
      settings,
      oauth,
      store: states.forProvider(definition.id),
      verify: verifyWith(definition),
    });
    registry.register(definition.id, instance);
    return instance;
  },
});

/** Social login (SPEC §3): the providers of `providers/index.ts`, and Kakao token sign-in. */
@Module({
  imports: [AuthModule, UsersModule, StoreModule, TimeModule],
  controllers: [OAuthController, SocialAuthController, KakaoTokenController],
  providers: [
    OAuthStateStore,
    OAuthStrategyRegistry,
    OAuthGuard,
    OAuthFailureFilter,
    // The rate limiter (src/common/http/http-pipeline.ts) answers a refused login with its failure redirect.
    { provide: RATE_LIMIT_REFUSAL_RESPONDER, useExisting: OAuthFailureFilter },
    OAuthHandoffService,
    OAuthDiagnosticsService,
    KakaoTokenService,
    ...SOCIAL_PROVIDER_DEFINITIONS.map(strategy),
  ],
  exports: [RATE_LIMIT_REFUSAL_RESPONDER],
})
export class OAuthModule implements OnApplicationBootstrap {
  constructor(private readonly diagnostics: OAuthDiagnosticsService) {}

  onApplicationBootstrap(): void {
    this.diagnostics.logCallbackUrls();
  }
}
