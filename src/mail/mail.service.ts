import { MailerService } from '@nestjs-modules/mailer';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import { maskEmails } from '../common/security/email-keys.js';
import { authConfig } from '../config/auth.config.js';
import { infraConfig } from '../config/infra.config.js';
import { verificationCodeMail } from './mail.templates.js';

/**
 * Sends the verification mail over SMTP when SMTP_URL is set. Without it
 * (development) the code goes to standard output as the seed's three plain lines.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly mailer: MailerService,
    @Inject(infraConfig.KEY) private readonly infra: ConfigType<typeof infraConfig>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  get consoleMode(): boolean {
    return !this.infra.smtpUrl;
  }

  /** Throws DependencyUnavailableError('mail') when the mail could not be handed to SMTP. */
  async sendVerificationCode(email: string, code: string): Promise<void> {
    if (this.consoleMode) {
      process.stdout.write(`=== 이메일 인증코드 (개발 모드) ===\n이메일: ${email}\n인증코드: ${code}\n`);
      return;
    }
    const mail = verificationCodeMail(code, Math.round(this.auth.emailCodeTtlMs / 60_000));
    try {
      await this.mailer.sendMail({ to: email, from: this.infra.mailFrom, ...mail });
    } catch (error) {
      this.logger.warn({
        msg: 'verification mail not sent',
        // An SMTP refusal quotes the recipient; the log names no email (SPEC §5).
        cause: maskEmails(error instanceof Error ? error.message : String(error)),
      });
      throw new DependencyUnavailableError('mail', error);
    }
  }
}
