import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { ConfigError, durationVar, intVar, isProduction, present, urlVar } from './env.parsers.js';

/** The three external parts. Unset means embedded, which production refuses. */
export const infraConfig = registerAs('infra', () => {
  const env = process.env;
  const databaseUrl = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const smtpUrl = urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (isProduction(env)) {
    const missing = [
      databaseUrl ? null : 'DATABASE_URL',
      redisUrl ? null : 'REDIS_URL',
      smtpUrl ? null : 'SMTP_URL',
    ].filter((name): name is string => name !== null);
    if (missing.length > 0) {
      throw new ConfigError(`NODE_ENV=production refuses the embedded defaults; set ${missing.join(', ')}`);
    }
  }
  const mailFrom = present(env, 'MAIL_FROM') ?? 'no-reply@localhost';
  if (!/^[^\s@]+@[^\s@]+$/.test(mailFrom.replace(/^.*<(.+)>\s*$/, '$1'))) {
    throw new ConfigError(`MAIL_FROM: "${mailFrom}" is not an address`);
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
