import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundTasks } from '../../common/async/background-tasks.js';
import type { Principal } from '../../common/decorators/current-user.decorator.js';
import { AppException } from '../../common/errors/app.exception.js';
import { firstFailure } from '../../common/validation/field-rules.js';
import { Clock } from '../../common/time/clock.js';
import { authConfig } from '../../config/auth.config.js';
import { PasswordResetTokenService } from '../../token/password-reset-token.service.js';
import { passwordRequiredRules } from '../../auth/dto/password.rules.js';
import { KakaoAdminClient, KakaoUnlinkError } from '../../oauth/kakao/kakao-admin.client.js';
import { MailService } from '../../mail/mail.service.js';
import { SessionService } from '../../token/session.service.js';
import { UsersRepository } from '../users.repository.js';
import { UsersService } from '../users.service.js';
import { LoginThrottleService } from '../../auth/login-throttle.service.js';
import { PasswordService } from '../../auth/password.service.js';
import { SecurityEvents } from '../../common/security/security-events.js';

/** The signed-in account: password change and withdrawal (SPEC §5, endpoints 11 and 16). */
@Injectable()
export class AccountService {
  private readonly logger = new Logger(AccountService.name);

  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly resetTokens: PasswordResetTokenService,
    private readonly kakao: KakaoAdminClient,
    private readonly clock: Clock,
    private readonly users: UsersRepository,
    private readonly profiles: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottleService,
    private readonly mail: MailService,
    private readonly background: BackgroundTasks,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Checks the current password under the login limit of the account's
   * email (a stolen access token must not become a guessing oracle), then
   * sets the new one and revokes every other session; the caller's stays.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AppException('TOKEN_INVALID');
    if (!user.passwordHash) throw new AppException('PASSWORD_NOT_SET');
    await this.checkCurrentPassword(user.email, currentPassword, user.passwordHash);
    if (newPassword.normalize('NFC') === currentPassword.normalize('NFC')) {
      throw new AppException('PASSWORD_UNCHANGED');
    }
    const passwordHash = await this.passwords.hash(newPassword);
    await this.db.transaction(async (manager) => {
      await this.users.setPasswordHash(principal.userId, passwordHash, manager);
      await this.sessions.revokeAllOfUser(principal.userId, 'password_changed', {
        exceptId: principal.sessionId,
        manager,
      });
    });
    this.events.emit('password.changed', { userId: principal.userId, sessionId: principal.sessionId });
    this.background.run('password-changed-mail', () => this.mail.sendPasswordChanged(user.email));
  }

  /**
   * A password typed to prove who the caller is, counted like a login: past
   * the limit 429 LOGIN_THROTTLED, wrong 400 CURRENT_PASSWORD_MISMATCH (a
   * failure of the email's count), right clears the count as a login does.
   * The slot is taken before the comparison, as for login.
   */
  async checkCurrentPassword(email: string, password: string, passwordHash: string): Promise<void> {
    if (!(await this.throttle.attempt(email, () => this.passwords.verify(password, passwordHash)))) {
      throw new AppException('CURRENT_PASSWORD_MISMATCH');
    }
  }

  /**
   * 회원 탈퇴. A local account proves itself with its password (counted like
   * a login); a social one with a session opened within REAUTH_MAX_AGE. Then,
   * in one transaction: every session revoked, the reset token dropped, the
   * personal data erased. The farewell mail goes to the address the account
   * had; a Kakao account is unlinked at Kakao, and a failure there is logged
   * without undoing anything.
   */
  async withdraw(principal: Principal, password: unknown): Promise<void> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AppException('TOKEN_INVALID');
    if (user.provider === 'local' && user.passwordHash) {
      const failure = firstFailure(passwordRequiredRules, password);
      if (failure !== null) {
        throw new AppException('VALIDATION_FAILED', {
          message: failure,
          errors: [{ field: 'password', message: failure }],
        });
      }
      await this.checkCurrentPassword(user.email, password as string, user.passwordHash);
    } else {
      const age = await this.sessions.ageOf(principal.sessionId);
      if (age === null || age > this.auth.reauthMaxAgeMs) throw new AppException('REAUTH_REQUIRED');
    }
    const userId = principal.userId;
    const { email } = user;
    const kakaoUserId = user.provider === 'kakao' ? user.providerUserId : null;
    const now = new Date(this.clock.now());
    await this.db.transaction(async (manager) => {
      // The account row first: its lock makes a login in progress wait, then open no session.
      if (!(await this.users.erase(userId, now, manager))) throw new AppException('TOKEN_REVOKED');
      await this.sessions.revokeAllOfUser(userId, 'account_deleted', { manager });
      await this.resetTokens.discard(userId, manager);
    });
    await this.profiles.forgetProfile(userId);
    this.events.emit('account.deleted', { userId });
    this.background.run('farewell-mail', () => this.mail.sendFarewell(email));
    if (kakaoUserId !== null && this.kakao.configured) await this.unlinkAtKakao(kakaoUserId);
  }

  private async unlinkAtKakao(kakaoUserId: string): Promise<void> {
    try {
      await this.kakao.unlink(kakaoUserId);
    } catch (error) {
      this.logger.warn({
        msg: 'kakao unlink after withdrawal failed; the withdrawal stands',
        cause: error instanceof Error ? error.message : String(error),
        status: error instanceof KakaoUnlinkError ? error.status : undefined,
        kakao_code: error instanceof KakaoUnlinkError ? error.kakaoCode : undefined,
      });
    }
  }
}
