import { registerAs } from '@nestjs/config';
import { resolve } from 'node:path';
import {
  boolVar,
  durationVar,
  intVar,
  isProduction,
  oneOfVar,
  present,
  reportProblem,
  timezoneVar,
} from './env.parsers.js';

/** pino's levels, `silent` included. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const appConfig = registerAs('app', () => {
  const env = process.env;
  let bodyLimit = present(env, 'BODY_LIMIT') ?? '16kb';
  if (!/^\d+(b|kb|mb)?$/i.test(bodyLimit)) {
    reportProblem(`BODY_LIMIT: "${bodyLimit}" is not a size (a number of b, kb or mb, e.g. 16kb)`);
    bodyLimit = '16kb';
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
    trustProxy: boolVar(env, 'TRUST_PROXY', false),
    corsOrigins: (present(env, 'CORS_ORIGINS') ?? 'http://localhost:3000')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: oneOfVar(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownTimeoutMs: durationVar(env, 'SHUTDOWN_TIMEOUT', '10s'),
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
