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

/** Resolves once the mails and other work started after answers have finished. */
export async function backgroundIdle(t: TestApp): Promise<void> {
  const { BackgroundTasks } = await import('../../src/common/async/background-tasks.js');
  await t.app.get(BackgroundTasks).idle();
}

/** The token of a reset link in a mail's text. */
export function resetTokenFrom(text: string): string {
  const match = /링크: (\S+)/.exec(text);
  if (!match) throw new Error(`no link in mail: ${text}`);
  const token = new URL(match[1]).searchParams.get('token');
  if (!token) throw new Error(`no token in ${match[1]}`);
  return token;
}

/** A social-only account, as a first social login would have created it. */
export async function insertSocialAccount(
  t: TestApp,
  email: string,
  provider = 'kakao',
  providerUserId = String(Date.now()) + String(Math.floor(Math.random() * 1000)),
): Promise<number> {
  const nickname = `s${Math.random().toString(36).slice(2, 11)}`;
  const rows = await t.db.query<{ id: string }[]>(
    `INSERT INTO users (email, name, nickname, provider, provider_user_id) VALUES ($1, '소셜', $2, $3, $4) RETURNING id`,
    [email, nickname, provider, providerUserId],
  );
  return Number(rows[0].id);
}
