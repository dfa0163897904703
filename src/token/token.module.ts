import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StoreModule } from '../cache/store.module.js';
import { SecurityModule } from '../common/security/security.module.js';
import { TimeModule } from '../common/time/time.module.js';
import { EmailCodeService } from './email-code.service.js';
import { JwtTokenService } from './jwt-token.service.js';
import { PasswordResetTokenEntity } from './password-reset-token.entity.js';
import { PasswordResetTokenService } from './password-reset-token.service.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { SessionEntity } from './session.entity.js';
import { SessionRepository } from './session.repository.js';
import { RevocationCache } from './revocation-cache.js';
import { SessionService } from './session.service.js';
import { SessionsController } from './sessions.controller.js';

/**
 * Issues and checks every kind of token: access/refresh JWTs with their sessions, email codes and password-reset tokens;
 * and the caller's sessions endpoints (SPEC §5, endpoints 12–15).
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([SessionEntity, RefreshTokenEntity, PasswordResetTokenEntity]),
    StoreModule,
    TimeModule,
    SecurityModule,
  ],
  controllers: [SessionsController],
  providers: [
    JwtTokenService,
    SessionRepository,
    RevocationCache,
    SessionService,
    EmailCodeService,
    PasswordResetTokenService,
  ],
  exports: [JwtTokenService, SessionService, EmailCodeService, PasswordResetTokenService],
})
export class TokenModule {}
