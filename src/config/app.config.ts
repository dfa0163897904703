import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import { ConfigError, durationVar, intVar, isProduction, present, timezoneVar, trustProxyVar } from './env.parsers.js';

export const appConfig = registerAs('app', () => {
  const env = process.env;
  const bodyLimit = present(env, 'BODY_LIMIT') ?? '16kb';
  if (!/^\d+(b|kb|mb)?$/i.test(bodyLimit)) {
    throw new ConfigError(`BODY_LIMIT: "${bodyLimit}" is not a size (e.g. 16kb)`);
  }
  return {
    production: isProduction(env),
    port: intVar(env, 'PORT', 8080, 0, 65535),
    host: present(env, 'HOST') ?? '0.0.0.0',
    timezone: timezoneVar(env, 'APP_TIMEZONE', 'Asia/Seoul'),
    dataDir: resolve(present(env, 'DATA_DIR') ?? '.data'),
    bodyLimit,
    rateLimitMax: intVar(env, 'RATE_LIMIT_MAX', 300, 1, 100_000_000),
    rateLimitWindowMs: durationVar(env, 'RATE_LIMIT_WINDOW', '60s', 1000),
    trustProxy: trustProxyVar(env, 'TRUST_PROXY'),
    corsOrigins: (present(env, 'CORS_ORIGINS') ?? 'http://localhost:3000')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: present(env, 'LOG_LEVEL') ?? 'info',
    shutdownTimeoutMs: durationVar(env, 'SHUTDOWN_TIMEOUT', '10s'),
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
