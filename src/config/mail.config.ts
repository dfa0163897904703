import { present, reportProblem, urlVar } from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';
import { requiredInProduction } from './production-parts.js';

/** SMTP at SMTP_URL; unset means mail printed to the console, which production refuses. */
export const mailConfig = configNamespace('mail', (env: Env) => {
  const smtpUrl = urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  requiredInProduction(env, 'SMTP_URL', 'an smtp:// or smtps:// URL; the console mail transport is for development');
  let from = present(env, 'MAIL_FROM') ?? 'no-reply@localhost';
  if (!/^[^\s@]+@[^\s@]+$/.test(from.replace(/^.*<(.+)>\s*$/, '$1'))) {
    reportProblem(
      `MAIL_FROM: "${from}" is not an address (e.g. no-reply@example.com or "Name <no-reply@example.com>")`,
    );
    from = 'no-reply@localhost';
  }
  return { smtpUrl, from };
});

export type MailConfig = ReturnType<typeof mailConfig>;
