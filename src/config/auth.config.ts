import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../common/validation/limits.js';
import { dataDir } from './data-dir.js';
import { durationVar, intVar, isProduction, present, reportProblem, urlVar } from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';

const PLACEHOLDER = /change[-_ ]?me|secret|example|placeholder/i;

const SECRET_MIN_BYTES = 32;

/**
 * In production the secret must be given. In development one is generated on
 * first start and kept under DATA_DIR so tokens survive restarts: the
 * directory is created readable by its owner only (0700), the file 0600, and
 * a file holding fewer than 32 bytes is refused like a short variable.
 */
function jwtSecret(env: Env): string {
  const given = present(env, 'JWT_SECRET');
  if (given !== undefined) {
    if (Buffer.byteLength(given) < SECRET_MIN_BYTES) {
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
  const dir = dataDir(env);
  const file = join(dir, 'jwt-secret');
  let secret = readSecretFile(file);
  if (secret === null) return '';
  if (secret === undefined) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      // 'wx': of two processes starting at once, one writes and the other reads what it wrote.
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    secret = readSecretFile(file) ?? '';
  }
  if (Buffer.byteLength(secret) < SECRET_MIN_BYTES) {
    reportProblem(
      `JWT_SECRET: the development secret file ${file} holds ${Buffer.byteLength(secret)} bytes; it must hold at ` +
        'least 32 (delete the file to have a new one generated, or set JWT_SECRET)',
    );
  }
  return secret;
}

/** The file's secret; undefined when there is none yet; null (reported) when it cannot be read. */
function readSecretFile(file: string): string | undefined | null {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    reportProblem(`JWT_SECRET: cannot read the development secret file ${file} (${code ?? String(error)})`);
    return null;
  }
}

export const authConfig = configNamespace('auth', (env: Env) => {
  const passwordMinLength = intVar(env, 'PASSWORD_MIN_LENGTH', PASSWORD_MIN_LENGTH, 1, PASSWORD_MAX_LENGTH);
  return {
    jwtSecret: jwtSecret(env),
    accessTtlMs: durationVar(env, 'JWT_ACCESS_TTL', '1h', 1000),
    refreshTtlMs: durationVar(env, 'JWT_REFRESH_TTL', '7d', 1000),
    refreshReuseGraceMs: durationVar(env, 'REFRESH_REUSE_GRACE', '10s', 0),
    emailCodeTtlMs: durationVar(env, 'EMAIL_CODE_TTL', '5m', 1000),
    emailCodeMaxAttempts: intVar(env, 'EMAIL_CODE_MAX_ATTEMPTS', 5, 1, 100),
    emailCodeResendCooldownMs: durationVar(env, 'EMAIL_CODE_RESEND_COOLDOWN', '60s', 0),
    emailCodeDailyLimit: intVar(env, 'EMAIL_CODE_DAILY_LIMIT', 20, 1, 1000),
    emailVerifiedTtlMs: durationVar(env, 'EMAIL_VERIFIED_TTL', '30m', 1000),
    passwordMinLength,
    bcryptCost: intVar(env, 'BCRYPT_COST', 10, 4, 15),
    loginMaxFailures: intVar(env, 'LOGIN_MAX_FAILURES', 10, 1, 1000),
    loginFailureWindowMs: durationVar(env, 'LOGIN_FAILURE_WINDOW', '15m', 1000),
    minimumAge: 14,
    // SPEC §5: password reset, sessions, withdrawal, Kakao unlink.
    passwordResetHourlyLimit: intVar(env, 'PASSWORD_RESET_HOURLY_LIMIT', 5, 1, 1000),
    passwordResetUrl: urlVar(env, 'PASSWORD_RESET_URL', ['http:', 'https:']) ?? 'http://localhost:3000/password-reset',
    passwordResetTtlMs: durationVar(env, 'PASSWORD_RESET_TTL', '30m', 1000),
    sessionMaxAgeMs: durationVar(env, 'SESSION_MAX_AGE', '30d', 1000),
    reauthMaxAgeMs: durationVar(env, 'REAUTH_MAX_AGE', '10m', 1000),
    kakaoAdminKey: present(env, 'KAKAO_ADMIN_KEY'),
    kakaoUnlinkUri: urlVar(env, 'KAKAO_UNLINK_URI', ['http:', 'https:']) ?? 'https://kapi.kakao.com/v1/user/unlink',
  };
});

export type AuthConfig = ReturnType<typeof authConfig>;
