import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query.js';

export interface SpentRefresh {
  sessionId: string;
  userId: string;
}

export interface RefreshState {
  sessionId: string;
  spentAt: Date | null;
  revokedAt: Date | null;
}

/**
 * Sessions and their refresh tokens. Each method is one SQL statement, so
 * each is atomic on its own and across every instance of the server.
 */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** Creates a session with its first refresh token. */
  async createSession(
    sessionId: string,
    userId: number,
    refreshJti: string,
    now: Date,
    refreshExpiresAt: Date,
  ): Promise<void> {
    await queryRows(
      this.db,
      `WITH s AS (
         INSERT INTO sessions (id, user_id, created_at) VALUES ($1, $2, $3) RETURNING id
       )
       INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
       SELECT $4, s.id, $3, $5 FROM s`,
      [sessionId, userId, now, refreshJti, refreshExpiresAt],
    );
  }

  /**
   * Spends a refresh token and records its successor, in one statement: the
   * row lock makes concurrent callers wait, and once the winner commits their
   * `spent_at IS NULL` no longer holds, so exactly one gets a row back.
   */
  async spendRefreshToken(jti: string, nextJti: string, now: Date, nextExpiresAt: Date): Promise<SpentRefresh | null> {
    const rows = await queryRows<SpentRefresh>(
      this.db,
      `WITH spent AS (
         UPDATE refresh_tokens rt SET spent_at = $2, replaced_by = $3
         FROM sessions s
         WHERE rt.jti = $1 AND rt.spent_at IS NULL AND s.id = rt.session_id AND s.revoked_at IS NULL
         RETURNING rt.session_id, s.user_id
       ), fresh AS (
         INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
         SELECT $3, spent.session_id, $2, $4 FROM spent
       )
       SELECT session_id AS "sessionId", user_id::text AS "userId" FROM spent`,
      [jti, now, nextJti, nextExpiresAt],
    );
    return rows[0] ?? null;
  }

  /** Why a refresh token could not be spent: unknown, already spent, or its session revoked. */
  async findRefreshState(jti: string): Promise<RefreshState | null> {
    const rows = await queryRows<RefreshState>(
      this.db,
      `SELECT rt.session_id AS "sessionId", rt.spent_at AS "spentAt", s.revoked_at AS "revokedAt"
       FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
       WHERE rt.jti = $1`,
      [jti],
    );
    return rows[0] ?? null;
  }

  /** Marks a session revoked; true when this call revoked it. */
  async revokeSession(sessionId: string, now: Date, reason: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
       WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [sessionId, now, reason],
    );
    return rows.length > 0;
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    const rows = await queryRows<{ revoked: boolean }>(
      this.db,
      `SELECT revoked_at IS NOT NULL AS revoked FROM sessions WHERE id = $1`,
      [sessionId],
    );
    return rows[0]?.revoked ?? true;
  }

  /** Sessions revoked since `since`: the ones whose access tokens may still be unexpired. */
  async findRevokedSince(since: Date): Promise<{ id: string; revokedAt: Date }[]> {
    return queryRows<{ id: string; revokedAt: Date }>(
      this.db,
      `SELECT id, revoked_at AS "revokedAt" FROM sessions WHERE revoked_at > $1`,
      [since],
    );
  }
}
