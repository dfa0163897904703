import { MailerModule } from '@nestjs-modules/mailer';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { infraConfig } from '../config/infra.config.js';
import { MailService } from './mail.service.js';

const SMTP_TIMEOUT_MS = 10_000;

@Module({
  imports: [
    MailerModule.forRootAsync({
      imports: [],
      inject: [infraConfig.KEY],
      useFactory: (infra: ConfigType<typeof infraConfig>) => ({
        // Without SMTP_URL nothing is sent (MailService prints instead); jsonTransport keeps the mailer inert.
        transport: infra.smtpUrl
          ? {
              url: infra.smtpUrl,
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
