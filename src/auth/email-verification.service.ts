import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { AppException, DependencyUnavailableError, retryAfterSeconds } from '../common/errors/app.exception.js';
import type { ErrorCode } from '../common/errors/error-catalogue.js';
import { EmailKeys } from '../common/security/email-keys.js';
import { Clock } from '../common/time/clock.js';
import { authConfig } from '../config/auth.config.js';
import { MailService } from '../mail/mail.service.js';
import { type CodeCheck, EmailCodeService } from '../token/email-code.service.js';

const DAY_MS = 86_400_000;

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
    private readonly emailKeys: EmailKeys,
    private readonly clock: Clock,
  ) {}

  /**
   * One send per email per cooldown, and at most EMAIL_CODE_DAILY_LIMIT per
   * 24 h; both refusals are 429 EMAIL_SEND_COOLDOWN with Retry-After. The new
   * code replaces the old one only after the mail went out: if sending fails,
   * the previous code stays valid and the cooldown is lifted so the user can
   * try again (the daily slot stays used).
   */
  async send(email: string): Promise<void> {
    const emailHash = this.emailKeys.hash(email);
    const cooldown = `email-code-cooldown:${emailHash}`;
    if (this.auth.emailCodeResendCooldownMs > 0) {
      const acquired = await this.store.setIfAbsent(cooldown, '1', this.auth.emailCodeResendCooldownMs);
      if (!acquired) {
        throw new AppException('EMAIL_SEND_COOLDOWN', {
          retryAfter: retryAfterSeconds(await this.store.ttl(cooldown)),
        });
      }
    }
    const waitMs = await this.takeDailySlot(emailHash);
    if (waitMs !== null) throw new AppException('EMAIL_SEND_COOLDOWN', { retryAfter: retryAfterSeconds(waitMs) });
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

  /**
   * A sliding 24 h window without a new store primitive: one key per send
   * slot (EMAIL_CODE_DAILY_LIMIT of them), each holding the time it frees up
   * by the injected clock. A send claims a free slot with SET NX, or an
   * elapsed one with compare-and-delete then SET NX, so concurrent sends
   * never share a slot. Null when a slot was taken, else the milliseconds
   * until the oldest frees. The slots share a hash tag (one Redis Cluster slot).
   */
  private async takeDailySlot(emailHash: string): Promise<number | null> {
    const keys = Array.from(
      { length: this.auth.emailCodeDailyLimit },
      (_, slot) => `email-code-daily:{${emailHash}}:${slot}`,
    );
    const now = this.clock.now();
    const freesAt = String(now + DAY_MS);
    const held = await this.store.getMany(keys);
    for (const [slot, value] of held.entries()) {
      if (value !== null && Number(value) > now) continue;
      if (value !== null && !(await this.store.deleteIfEquals(keys[slot], value))) continue;
      if (await this.store.setIfAbsent(keys[slot], freesAt, DAY_MS)) return null;
    }
    const soonest = Math.min(...held.map((value) => (value === null ? now + DAY_MS : Number(value))));
    return Math.max(soonest - now, 1_000);
  }

  async verify(email: string, code: string): Promise<void> {
    const result = await this.codes.check(email, code);
    if (result !== 'verified') throw new AppException(CHECK_ERRORS[result]);
  }
}
