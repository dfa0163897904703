import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { Clock } from '../common/time/clock.js';
import { authConfig } from '../config/auth.config.js';
import { queryRows } from '../database/query.js';

/** 256 random bits. */
const TOKEN_BYTES = 32;
/** Longer input is no token of ours; refused before hashing. */
const TOKEN_MAX_LENGTH = 256;

const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * Password-reset tokens (SPEC §5): 256 random bits, base64url, stored only as
 * their SHA-256 (a random 256-bit secret needs no key or slow hash), one per
 * account (a new one replaces the previous), valid PASSWORD_RESET_TTL, spent
 * by one DELETE … RETURNING, so a token works once on every instance.
 */
@Injectable()
export class PasswordResetTokenService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @InjectDataSource() private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * A new token for the account, replacing any earlier one. `requestedAt` is
   * when the request arrived: a slower, older request that lands later does
   * not replace a newer one's token.
   */
  async issue(userId: number, requestedAt: number): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await queryRows(
      this.db,
      `INSERT INTO password_reset_tokens (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id) DO UPDATE
         SET token_hash = EXCLUDED.token_hash, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE password_reset_tokens.created_at <= EXCLUDED.created_at`,
      [userId, digest(token), new Date(requestedAt), new Date(requestedAt + this.auth.passwordResetTtlMs)],
    );
    return token;
  }

  /** Whether the token would be accepted now (a cheap check before the password is hashed). */
  async isLive(token: string): Promise<boolean> {
    if (token.length > TOKEN_MAX_LENGTH) return false;
    const rows = await queryRows<{ userId: string }>(
      this.db,
      `SELECT user_id AS "userId" FROM password_reset_tokens WHERE token_hash = $1 AND expires_at > $2`,
      [digest(token), new Date(this.clock.now())],
    );
    return rows.length > 0;
  }

  /** Spends the token inside the caller's transaction: its account's id, or null (unknown, expired, replaced, used). */
  async consume(token: string, manager: EntityManager): Promise<number | null> {
    if (token.length > TOKEN_MAX_LENGTH) return null;
    const rows = await queryRows<{ userId: string }>(
      manager,
      `DELETE FROM password_reset_tokens WHERE token_hash = $1 AND expires_at > $2 RETURNING user_id AS "userId"`,
      [digest(token), new Date(this.clock.now())],
    );
    return rows.length > 0 ? Number(rows[0].userId) : null;
  }

  /** Drops the account's token (withdrawal), inside the caller's transaction. */
  async discard(userId: number, manager: EntityManager): Promise<void> {
    await queryRows(manager, `DELETE FROM password_reset_tokens WHERE user_id = $1`, [userId]);
  }
}
