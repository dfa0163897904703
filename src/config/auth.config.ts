import { registerAs } from '@nestjs/config';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { durationVar, intVar, isProduction, present, reportProblem } from './env.parsers.js';

const PLACEHOLDER = /change[-_ ]?me|secret|example|placeholder/i;

/**
 * In production the secret must be given. In development one is generated on
 * first start and kept under DATA_DIR so tokens survive restarts.
 */
function jwtSecret(env: NodeJS.ProcessEnv): string {
  const given = present(env, 'JWT_SECRET');
  if (given !== undefined) {
    if (Buffer.byteLength(given) < 32) {
      reportProblem('JWT_SECRET: must be at least 32 bytes (e.g. `openssl rand -base64 48`)');
    } else if (isProduction(env) && PLACEHOLDER.test(given)) {
      reportProblem('JWT_SECRET: a placeholder value is refused in production (e.g. `openssl rand -base64 48`)');
    }
    return given;
  }
  if (isProduction(env)) {
    reportProblem(
      'JWT_SECRET: required when NODE_ENV=production (at least 32 random bytes, e.g. `openssl rand -base64 48`)',
    );
    return '';
  }
  const dir = resolve(present(env, 'DATA_DIR') ?? '.data');
  const file = join(dir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, secret, { mode: 0o600 });
    return secret;
  }
}

export const authConfig = registerAs('auth', () => {
  const env = process.env;
  const passwordMinLength = intVar(env, 'PASSWORD_MIN_LENGTH', 8, 1, 128);
  return {
    jwtSecret: jwtSecret(env),
    accessTtlMs: durationVar(env, 'JWT_ACCESS_TTL', '1h', 1000),
    refreshTtlMs: durationVar(env, 'JWT_REFRESH_TTL', '7d', 1000),
    refreshReuseGraceMs: durationVar(env, 'REFRESH_REUSE_GRACE', '10s', 0),
    emailCodeTtlMs: durationVar(env, 'EMAIL_CODE_TTL', '5m', 1000),
    emailCodeMaxAttempts: intVar(env, 'EMAIL_CODE_MAX_ATTEMPTS', 5, 1, 100),
    emailCodeResendCooldownMs: durationVar(env, 'EMAIL_CODE_RESEND_COOLDOWN', '60s', 0),
    emailVerifiedTtlMs: durationVar(env, 'EMAIL_VERIFIED_TTL', '30m', 1000),
    passwordMinLength,
    passwordMaxLength: 128,
    bcryptCost: intVar(env, 'BCRYPT_COST', 10, 4, 15),
    loginMaxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 10, 1, 1000),
    loginFailureWindowMs: durationVar(env, 'LOGIN_FAILURE_WINDOW', '15m', 1000),
    minimumAge: 14,
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
