import { MailerService } from '@nestjs-modules/mailer';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import { maskEmails } from '../common/security/email-keys.js';
import { authConfig } from '../config/auth.config.js';
import { mailConfig } from '../config/mail.config.js';
import { type RenderedMail, verificationCodeMail } from './mail.templates.js';
import { farewellMail } from './templates/farewell.template.js';
import { passwordChangedMail } from './templates/password-changed.template.js';
import { passwordResetMail } from './templates/password-reset.template.js';

/**
 * Sends the verification mail over SMTP when SMTP_URL is set. Without it
 * (development) the code goes to standard output as the seed's three plain lines.
 */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  constructor(
    private readonly mailer: MailerService,
    @Inject(mailConfig.KEY) private readonly settings: ConfigType<typeof mailConfig>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  get consoleMode(): boolean {
    return !this.settings.smtpUrl;
  }

  /** Throws DependencyUnavailableError('mail') when the mail could not be handed to SMTP. */
  async sendVerificationCode(email: string, code: string): Promise<void> {
    if (this.consoleMode) {
      process.stdout.write(`=== 이메일 인증코드 (개발 모드) ===\n이메일: ${email}\n인증코드: ${code}\n`);
      return;
    }
    const mail = verificationCodeMail(code, Math.round(this.auth.emailCodeTtlMs / 60_000));
    try {
      await this.mailer.sendMail({ to: email, from: this.settings.from, ...mail });
    } catch (error) {
      this.logger.warn({
        msg: 'verification mail not sent',
        // An SMTP refusal quotes the recipient; the log names no email (SPEC §5).
        cause: maskEmails(error instanceof Error ? error.message : String(error)),
      });
      throw new DependencyUnavailableError('mail', error);
    }
  }

  /**
   * The password-reset link (SPEC §5). Without SMTP it is printed as the
   * three plain lines of §5. Throws DependencyUnavailableError('mail').
   */
  async sendPasswordReset(email: string, link: string): Promise<void> {
    if (this.consoleMode) {
      process.stdout.write(`=== 비밀번호 재설정 링크 (개발 모드) ===\n이메일: ${email}\n링크: ${link}\n`);
      return;
    }
    await this.deliver(
      email,
      passwordResetMail(link, Math.round(this.auth.passwordResetTtlMs / 60_000)),
      'password-reset',
    );
  }

  /** "비밀번호가 변경되었습니다" after a reset or a change. */
  sendPasswordChanged(email: string): Promise<void> {
    return this.deliverOrPrint(email, passwordChangedMail(), 'password-changed');
  }

  /** The farewell after withdrawal, to the address the account had. */
  sendFarewell(email: string): Promise<void> {
    return this.deliverOrPrint(email, farewellMail(), 'farewell');
  }

  /** Notices carry no secret: without SMTP their recipient and subject are printed, as plain lines. */
  private async deliverOrPrint(email: string, mail: RenderedMail, kind: string): Promise<void> {
    if (this.consoleMode) {
      process.stdout.write(`=== 메일 (개발 모드) ===\n이메일: ${email}\n제목: ${mail.subject}\n`);
      return;
    }
    await this.deliver(email, mail, kind);
  }

  private async deliver(email: string, mail: RenderedMail, kind: string): Promise<void> {
    try {
      await this.mailer.sendMail({ to: email, from: this.settings.from, ...mail });
    } catch (error) {
      this.logger.warn({ msg: 'mail not sent', kind, cause: error instanceof Error ? error.message : String(error) });
      throw new DependencyUnavailableError('mail', error);
    }
  }
}
