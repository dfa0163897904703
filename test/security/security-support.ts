import { createHmac } from 'node:crypto';
import type { TestApp } from '../support/test-app.js';

/** The claims of one of our JWTs, read without verifying (tests only). */
export interface Claims {
  sub: string;
  sid: string;
  jti: string;
  typ: 'access' | 'refresh';
  iat: number;
  exp: number;
}

export function claimsOf(token: string): Claims {
  const payload = token.split('.')[1];
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Claims;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT with the given header and payload, and `signature` as its third part. */
export function rawJwt(header: Record<string, unknown>, payload: Record<string, unknown>, signature = ''): string {
  return `${base64url(header)}.${base64url(payload)}.${signature}`;
}

/** Signs exactly these claims (nothing added) with HS256 and the given secret, as the service would. */
export function signHs256(secret: string, payload: Record<string, unknown>): string {
  const unsigned = rawJwt({ alg: 'HS256', typ: 'JWT' }, payload).slice(0, -1);
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

export interface RefreshRow {
  jti: string;
  sessionId: string;
  spentAt: Date | null;
  replacedBy: string | null;
}

export interface SessionRow {
  id: string;
  userId: string;
  revokedAt: Date | null;
  revokedReason: string | null;
}

export async function refreshRows(t: TestApp, sessionId: string): Promise<RefreshRow[]> {
  return t.db.query<RefreshRow[]>(
    `SELECT jti, session_id AS "sessionId", spent_at AS "spentAt", replaced_by AS "replacedBy"
     FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at, spent_at NULLS LAST`,
    [sessionId],
  );
}

export async function sessionRow(t: TestApp, sessionId: string): Promise<SessionRow> {
  const rows = await t.db.query<SessionRow[]>(
    `SELECT id, user_id::text AS "userId", revoked_at AS "revokedAt", revoked_reason AS "revokedReason"
     FROM sessions WHERE id = $1`,
    [sessionId],
  );
  if (rows.length !== 1) throw new Error(`no session ${sessionId}`);
  return rows[0];
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `Bearer ${token}` };
}

/** How many answers carried each status (and errorCode, when there was one). */
export function tally(responses: { status: number; body: { errorCode?: string } }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of responses) {
    const key = res.body.errorCode ? `${res.status} ${res.body.errorCode}` : String(res.status);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
