import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BackgroundTasks } from '../common/async/background-tasks.js';
import type { Principal } from '../common/decorators/current-user.decorator.js';
import { AppException } from '../common/errors/app.exception.js';
import { MailService } from '../mail/mail.service.js';
import { SessionService } from '../token/session.service.js';
import { UsersService } from '../users/users.service.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';

/** The signed-in account changing its password (SPEC §5, endpoint 11). */
@Injectable()
export class AccountService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottleService,
    private readonly mail: MailService,
    private readonly background: BackgroundTasks,
  ) {}

  /**
   * Checks the current password under the login limit of the account's
   * email (a stolen access token must not become a guessing oracle), then
   * sets the new one and revokes every other session; the caller's stays.
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findAccount(principal.userId);
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
    // security event: password.changed
    this.background.run('password-changed-mail', () => this.mail.sendPasswordChanged(user.email));
  }

  /**
   * A password typed to prove who the caller is, counted like a login: past
   * the limit 429 LOGIN_THROTTLED, wrong 400 CURRENT_PASSWORD_MISMATCH (a
   * failure of the email's count), right clears the count as a login does.
   */
  async checkCurrentPassword(email: string, password: string, passwordHash: string): Promise<void> {
    await this.throttle.assertAllowed(email);
    if (!(await this.passwords.verify(password, passwordHash))) {
      await this.throttle.recordFailure(email);
      throw new AppException('CURRENT_PASSWORD_MISMATCH');
    }
    await this.throttle.reset(email);
  }
}
