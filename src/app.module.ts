import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { StoreModule } from './cache/store.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { RateLimitMiddleware } from './common/http/rate-limit.middleware.js';
import { TimeModule } from './common/time/time.module.js';
import { configNamespacesFor } from './config/config.validation.js';
import type { Env } from './config/env.parsers.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MailModule } from './mail/mail.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { TokenModule } from './token/token.module.js';
import { AccountModule } from './users/account/account.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    TimeModule,
    DatabaseModule,
    StoreModule,
    MailModule,
    UsersModule,
    // Routes and the OpenAPI document follow this order: sign-in, then sessions, password and withdrawal.
    AuthModule,
    TokenModule,
    AccountModule,
    OAuthModule,
    HealthModule,
  ],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }, RateLimitMiddleware],
})
export class AppModule {
  /**
   * The application configured from `env` (createApp's; main.ts has merged
   * `.env` into the process environment it passes). ConfigModule neither
   * reads nor writes the process environment itself. `modules` are mounted
   * after the service's own (createApp's `modules`).
   */
  static configuredBy(env: Env, modules: readonly Type[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          validatePredefined: false,
          skipProcessEnv: true,
          cache: true,
          load: configNamespacesFor(env),
        }),
        ...modules,
      ],
    };
  }
}
