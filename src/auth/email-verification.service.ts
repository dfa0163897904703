import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { KeyValueStore } from '../cache/key-value.store.js';
import { AppException, DependencyUnavailableError, retryAfterSeconds } from '../common/errors/app.exception.js';
import type { ErrorCode } from '../common/errors/error-catalogue.js';
import { authConfig } from '../config/auth.config.js';
import { MailService } from '../mail/mail.service.js';
import { type CodeCheck, EmailCodeService } from '../token/email-code.service.js';

const cooldownKey = (email: string) => `email-code-cooldown:${email}`;

const CHECK_ERRORS: Record<Exclude<CodeCheck, 'verified'>, ErrorCode> = {
  mismatch: 'VERIFICATION_CODE_MISMATCH',
  attempts_exceeded: 'VERIFICATION_ATTEMPTS_EXCEEDED',
  expired: 'VERIFICATION_CODE_EXPIRED',
};

/** Sends and checks email verification codes (SPEC §2, endpoints 1–2). */
@Injectable()
export class EmailVerificationService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly codes: EmailCodeService,
    private readonly mail: MailService,
    private readonly store: KeyValueStore,
  ) {}

  /**
   * One send per email per cooldown. The new code replaces the old one only
   * after the mail went out: if sending fails, the previous code stays valid
   * and the cooldown is lifted so the user can try again.
   */
  async send(email: string): Promise<void> {
    const cooldown = cooldownKey(email);
    if (this.auth.emailCodeResendCooldownMs > 0) {
      const acquired = await this.store.setIfAbsent(cooldown, '1', this.auth.emailCodeResendCooldownMs);
      if (!acquired) {
        throw new AppException('EMAIL_SEND_COOLDOWN', {
          retryAfter: retryAfterSeconds(await this.store.ttl(cooldown)),
        });
      }
    }
    const code = this.codes.generate();
    try {
      await this.mail.sendVerificationCode(email, code);
    } catch (error) {
      await this.store.delete(cooldown).catch(() => undefined);
      if (error instanceof DependencyUnavailableError && error.dependency === 'mail') {
        throw new AppException('MAIL_SEND_FAILED', { retryAfter: 5, cause: error });
      }
      throw error;
    }
    await this.codes.save(email, code);
  }

  async verify(email: string, code: string): Promise<void> {
    const result = await this.codes.check(email, code);
    if (result !== 'verified') throw new AppException(CHECK_ERRORS[result]);
  }
}
