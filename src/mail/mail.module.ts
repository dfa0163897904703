import { MailerModule } from '@nestjs-modules/mailer';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { mailConfig } from '../config/mail.config.js';
import { MailService } from './mail.service.js';

const SMTP_TIMEOUT_MS = 10_000;

@Module({
  imports: [
    MailerModule.forRootAsync({
      imports: [],
      inject: [mailConfig.KEY],
      useFactory: (mail: ConfigType<typeof mailConfig>) => ({
        // Without SMTP_URL nothing is sent (MailService prints instead); jsonTransport keeps the mailer inert.
        transport: mail.smtpUrl
          ? {
              url: mail.smtpUrl,
              connectionTimeout: SMTP_TIMEOUT_MS,
              greetingTimeout: SMTP_TIMEOUT_MS,
              socketTimeout: SMTP_TIMEOUT_MS,
            }
          : { jsonTransport: true },
      }),
    }),
  ],
  providers: [MailService],
  exports: [MailService],
})
export class MailModule {}
