import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { durationVar, intVar, isProduction, present, reportProblem, urlVar } from './env.parsers.js';

/** The three external parts. Unset means embedded, which production refuses. */
export const infraConfig = registerAs('infra', () => {
  const env = process.env;
  const databaseUrl = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const smtpUrl = urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (isProduction(env)) {
    // Unset only: a value that is set but wrong has its own problem above.
    const embedded: Array<[string, string]> = [
      ['DATABASE_URL', 'a postgres:// URL; the embedded PostgreSQL is for development'],
      ['REDIS_URL', 'a redis:// or rediss:// URL; the in-process store is for development'],
      ['SMTP_URL', 'an smtp:// or smtps:// URL; the console mail transport is for development'],
    ];
    for (const [name, accepts] of embedded) {
      if (present(env, name) === undefined) {
        reportProblem(`${name}: required when NODE_ENV=production (${accepts})`);
      }
    }
  }
  let mailFrom = present(env, 'MAIL_FROM') ?? 'no-reply@localhost';
  if (!/^[^\s@]+@[^\s@]+$/.test(mailFrom.replace(/^.*<(.+)>\s*$/, '$1'))) {
    reportProblem(
      `MAIL_FROM: "${mailFrom}" is not an address (e.g. no-reply@example.com or "Name <no-reply@example.com>")`,
    );
    mailFrom = 'no-reply@localhost';
  }
  return {
    databaseUrl,
    databasePoolSize: intVar(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databaseConnectTimeoutMs: durationVar(env, 'DATABASE_CONNECT_TIMEOUT', '3s'),
    dataDir: resolve(present(env, 'DATA_DIR') ?? '.data'),
    redisUrl,
    redisPrefix: present(env, 'REDIS_PREFIX') ?? 'auth:',
    smtpUrl,
    mailFrom,
  };
});

export type InfraConfig = ReturnType<typeof infraConfig>;
