import {
  durationVar,
  intVar,
  isProduction,
  oneOfVar,
  present,
  reportProblem,
  timezoneVar,
  trustProxyVar,
} from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';

/** pino's levels, `silent` included. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** CORS_ORIGINS when unset: the SPA on :3000, and in development the Vite dev server on :5173. */
export const DEFAULT_CORS = 'http://localhost:3000';
export const DEFAULT_CORS_DEVELOPMENT = 'http://localhost:3000,http://localhost:5173';
/** LOG_FORMAT: `auto` is pretty on a terminal outside production, JSON otherwise. */
export const LOG_FORMAT_SETTINGS = ['auto', 'json', 'pretty'] as const;

export const appConfig = configNamespace('app', (env: Env) => {
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
    bodyLimit,
    rateLimitMax: intVar(env, 'RATE_LIMIT_MAX', 300, 1, 100_000_000),
    rateLimitWindowMs: durationVar(env, 'RATE_LIMIT_WINDOW', '60s', 1000),
    trustProxy: trustProxyVar(env, 'TRUST_PROXY'),
    // Outside production the Vite dev server (:5173) too, so a SPA developer's first request is not refused.
    corsOrigins: (present(env, 'CORS_ORIGINS') ?? (isProduction(env) ? DEFAULT_CORS : DEFAULT_CORS_DEVELOPMENT))
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: oneOfVar(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOfVar(env, 'LOG_FORMAT', LOG_FORMAT_SETTINGS, 'auto'),
    shutdownTimeoutMs: durationVar(env, 'SHUTDOWN_TIMEOUT', '10s'),
  };
});

export type AppConfig = ReturnType<typeof appConfig>;
