import type request from 'supertest';
import { claimsOf } from '../security/security-support.js';
import type { TestApp } from '../support/test-app.js';

export { claimsOf };

export const DAY_MS = 86_400_000;

export const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

/** A session row with the SPEC §5 metadata. */
export interface FullSessionRow {
  id: string;
  userId: string;
  method: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: Date;
  lastRefreshedAt: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

const SESSION_COLUMNS = `id, user_id::text AS "userId", method, user_agent AS "userAgent", ip,
  created_at AS "createdAt", last_refreshed_at AS "lastRefreshedAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", revoked_reason AS "revokedReason"`;

export async function sessionsOfUser(t: TestApp, userId: number): Promise<FullSessionRow[]> {
  return t.db.query<FullSessionRow[]>(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
}

export async function sessionById(t: TestApp, sessionId: string): Promise<FullSessionRow> {
  const rows = await t.db.query<FullSessionRow[]>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [sessionId]);
  if (rows.length !== 1) throw new Error(`no session ${sessionId}`);
  return rows[0];
}

/** GET /api/auth/me answered 200 with this token. */
export async function works(t: TestApp, accessToken: string): Promise<boolean> {
  return (await t.http.get('/api/auth/me').set(bearer(accessToken))).status === 200;
}

export function statusAndCode(res: request.Response): { status: number; errorCode: unknown } {
  return { status: res.status, errorCode: res.body.errorCode };
}

/** The numbers of a sample, middle value (mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
