import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { StoreModule } from '../cache/store.module.js';
import { REVOCATION_PREFETCH } from '../common/http/http-pipeline.js';
import { SecurityModule } from '../common/security/security.module.js';
import { TimeModule } from '../common/time/time.module.js';
import { MailModule } from '../mail/mail.module.js';
import { TokenModule } from '../token/token.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { EmailVerificationService } from './email-verification.service.js';
import { JwtAuthGuard } from './guards/jwt-auth.guard.js';
import { RevocationPrefetchMiddleware } from './guards/revocation-prefetch.middleware.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';

@Module({
  imports: [UsersModule, TokenModule, MailModule, StoreModule, TimeModule, SecurityModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    EmailVerificationService,
    PasswordService,
    LoginThrottleService,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    RevocationPrefetchMiddleware,
    // Mounted by the HTTP pipeline (src/common/http/http-pipeline.ts), which names it by this token.
    { provide: REVOCATION_PREFETCH, useExisting: RevocationPrefetchMiddleware },
  ],
  // PasswordService and LoginThrottleService: the account lifecycle (users/account) checks passwords like a login.
  exports: [AuthService, REVOCATION_PREFETCH, PasswordService, LoginThrottleService],
})
export class AuthModule {}
