import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { StoreModule } from '../cache/store.module.js';
import { SecurityModule } from '../common/security/security.module.js';
import { TimeModule } from '../common/time/time.module.js';
import { authConfig } from '../config/auth.config.js';
import { MailModule } from '../mail/mail.module.js';
import { TokenModule } from '../token/token.module.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { passwordPolicy } from './dto/password.rules.js';
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
  ],
  // PasswordService and LoginThrottleService: the account lifecycle (users/account) checks passwords like a login.
  exports: [AuthService, RevocationPrefetchMiddleware, PasswordService, LoginThrottleService],
})
export class AuthModule implements OnModuleInit {
  constructor(@Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>) {}

  onModuleInit(): void {
    passwordPolicy.minLength = this.auth.passwordMinLength;
  }
}
