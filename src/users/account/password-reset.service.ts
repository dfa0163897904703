import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { KeyValueStore } from '../../common/store/key-value.store.js';
import { BackgroundTasks } from '../../common/async/background-tasks.js';
import { AppException, retryAfterSeconds } from '../../common/errors/app.exception.js';
import { Clock } from '../../common/time/clock.js';
import { authConfig } from '../../config/auth.config.js';
import { MailService } from '../../mail/mail.service.js';
import { PasswordResetTokenService } from '../../token/password-reset-token.service.js';
import { SessionService } from '../../token/session.service.js';
import { UsersRepository } from '../users.repository.js';
import { EmailKeys } from '../../common/security/email-keys.js';
import { SecurityEvents } from '../../common/security/security-events.js';
import { LoginThrottleService } from '../../auth/login-throttle.service.js';
import { PasswordService } from '../../auth/password.service.js';

const HOUR_MS = 3_600_000;

/** `url?token=…`, or `&token=…` when PASSWORD_RESET_URL has a query already. */
export function resetLink(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * Password reset by mail (SPEC §5, endpoints 9–10). A request answers the
 * same, in body and in time, for a local account, a social-only email and
 * an unknown one: it only counts the hourly limit before answering; looking
 * the account up, storing its token and mailing the link happen after the
 * answer has left.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    private readonly tokens: PasswordResetTokenService,
    private readonly sessions: SessionService,
    private readonly throttle: LoginThrottleService,
    private readonly mail: MailService,
    private readonly store: KeyValueStore,
    private readonly background: BackgroundTasks,
    private readonly clock: Clock,
    private readonly emailKeys: EmailKeys,
    private readonly events: SecurityEvents,
  ) {}

  /** Counts the request (known or not), then mails the link to a local account after the answer. */
  async request(email: string): Promise<void> {
    const limitKey = `password-reset-requests:${this.emailKeys.hash(email)}`;
    const counter = await this.store.increment(limitKey, HOUR_MS);
    if (counter.count > this.auth.passwordResetHourlyLimit) {
      throw new AppException('PASSWORD_RESET_LIMITED', { retryAfter: retryAfterSeconds(counter.ttlMs) });
    }
    const requestedAt = this.clock.now();
    // Known or not: the record carries the email's keyed hash, never whether an account exists.
    this.events.emit('password.reset.requested', { email });
    this.background.run('password-reset-mail', () => this.sendLink(email, requestedAt));
  }

  private async sendLink(email: string, requestedAt: number): Promise<void> {
    const user = await this.users.findLocalByEmail(email);
    if (!user) return;
    const token = await this.tokens.issue(Number(user.id), requestedAt);
    await this.mail.sendPasswordReset(user.email, resetLink(this.auth.passwordResetUrl, token));
  }

  /**
   * Sets the new password with a live token, spending it in the same
   * transaction; every session of the account is revoked and the login
   * failures of its email are forgotten. Unknown, expired, replaced or used
   * tokens → RESET_TOKEN_INVALID.
   */
  async confirm(token: string, newPassword: string): Promise<void> {
    // Refused before bcrypt's work when the token is plainly dead; the DELETE below decides races.
    if (!(await this.tokens.isLive(token))) throw new AppException('RESET_TOKEN_INVALID');
    const passwordHash = await this.passwords.hash(newPassword);
    const changed = await this.db.transaction(async (manager) => {
      const userId = await this.tokens.consume(token, manager);
      if (userId === null) return null;
      const email = await this.users.setPasswordHash(userId, passwordHash, manager);
      if (email === null) return null;
      await this.sessions.revokeAllOfUser(userId, 'password_reset', { manager });
      return { userId, email };
    });
    if (!changed) throw new AppException('RESET_TOKEN_INVALID');
    await this.throttle.reset(changed.email);
    this.events.emit('password.reset.completed', { userId: changed.userId, email: changed.email });
    this.background.run('password-changed-mail', () => this.mail.sendPasswordChanged(changed.email));
  }
}
