import { Module } from '@nestjs/common';
import { StoreModule } from '../cache/store.module.js';
import { SecurityModule } from '../common/security/security.module.js';
import { TimeModule } from '../common/time/time.module.js';
import { EmailCodeService } from './email-code.service.js';
import { JwtTokenService } from './jwt-token.service.js';
import { PasswordResetTokenService } from './password-reset-token.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';
import { SessionsController } from './sessions.controller.js';

/**
 * Issues and checks every kind of token: access/refresh JWTs with their sessions, email codes and password-reset tokens;
 * and the caller's sessions endpoints (SPEC §5, endpoints 12–15).
 */
@Module({
  imports: [StoreModule, TimeModule, SecurityModule],
  controllers: [SessionsController],
  providers: [JwtTokenService, SessionRepository, SessionService, EmailCodeService, PasswordResetTokenService],
  exports: [JwtTokenService, SessionService, EmailCodeService, PasswordResetTokenService],
})
export class TokenModule {}
