import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AuthModule } from './auth/auth.module.js';
import { StoreModule } from './cache/store.module.js';
import { AllExceptionsFilter } from './common/errors/all-exceptions.filter.js';
import { RateLimitMiddleware } from './common/http/rate-limit.middleware.js';
import { TimeModule } from './common/time/time.module.js';
import { configNamespaces } from './config/config.validation.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { MailModule } from './mail/mail.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { TokenModule } from './token/token.module.js';
import { AccountModule } from './users/account/account.module.js';
import { UsersModule } from './users/users.module.js';

@Module({
  imports: [
    // The process environment only; main.ts has merged `.env` into it before this runs.
    ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      cache: true,
      load: configNamespaces,
    }),
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
export class AppModule {}
