import { Module } from '@nestjs/common';
import { StoreModule } from '../cache/store.module.js';
import { SecurityModule } from '../common/security/security.module.js';
import { TimeModule } from '../common/time/time.module.js';
import { EmailCodeService } from './email-code.service.js';
import { JwtTokenService } from './jwt-token.service.js';
import { PasswordResetTokenService } from './password-reset-token.service.js';
import { SessionRepository } from './session.repository.js';
import { SessionService } from './session.service.js';

/** Issues and checks every kind of token: access/refresh JWTs with their sessions, email codes and password-reset tokens. */
@Module({
  imports: [StoreModule, TimeModule, SecurityModule],
  providers: [JwtTokenService, SessionRepository, SessionService, EmailCodeService, PasswordResetTokenService],
  exports: [JwtTokenService, SessionService, EmailCodeService, PasswordResetTokenService],
})
export class TokenModule {}
