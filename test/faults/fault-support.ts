import { setTimeout as sleep } from 'node:timers/promises';
import type { Response } from 'supertest';
import type { TestApp } from '../support/test-app.js';

export interface RowCounts {
  users: number;
  sessions: number;
  refreshTokens: number;
  spent: number;
  revoked: number;
  resetTokens: number;
  deleted: number;
}

type Query = (sql: string) => Promise<Record<string, string>[]>;

/** Rows that requests could have written: through the app's own connection, or any other query function. */
export async function countRows(db: TestApp['db'] | Query): Promise<RowCounts> {
  const query: Query = typeof db === 'function' ? db : (sql) => db.query<Record<string, string>[]>(sql);
  const [row] = await query(
    `SELECT (SELECT count(*) FROM users) AS users,
            (SELECT count(*) FROM sessions) AS sessions,
            (SELECT count(*) FROM refresh_tokens) AS "refreshTokens",
            (SELECT count(*) FROM refresh_tokens WHERE spent_at IS NOT NULL) AS spent,
            (SELECT count(*) FROM sessions WHERE revoked_at IS NOT NULL) AS revoked,
            (SELECT count(*) FROM password_reset_tokens) AS "resetTokens",
            (SELECT count(*) FROM users WHERE deleted_at IS NOT NULL) AS deleted`,
  );
  return {
    users: Number(row.users),
    sessions: Number(row.sessions),
    refreshTokens: Number(row.refreshTokens),
    spent: Number(row.spent),
    revoked: Number(row.revoked),
    resetTokens: Number(row.resetTokens),
    deleted: Number(row.deleted),
  };
}

/** SPEC §1: a dependency down is 503 SERVICE_UNAVAILABLE with Retry-After, never a 500. */
export function expectUnavailable(res: Response): void {
  expect({ status: res.status, errorCode: res.body?.errorCode }).toEqual({
    status: 503,
    errorCode: 'SERVICE_UNAVAILABLE',
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.body.message).toBe('일시적으로 서비스를 이용할 수 없습니다. 잠시 후 다시 시도해주세요.');
}

/** Polls `check` until it returns true, for at most `timeoutMs`; returns how long it took. */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check().catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * SPEC §4: /health answers 503 naming the failing dependency by name only,
 * with no address, port or driver message.
 */
export function expectHealthDown(res: Response, down: 'database' | 'redis'): void {
  const up = down === 'database' ? 'redis' : 'database';
  expect({ status: res.status, body: res.body as unknown }).toEqual({
    status: 503,
    body: {
      status: 'error',
      info: { [up]: { status: 'up' } },
      error: { [down]: { status: 'down' } },
      details: {
        database: { status: down === 'database' ? 'down' : 'up' },
        redis: { status: down === 'redis' ? 'down' : 'up' },
      },
    },
  });
  expect(res.text).not.toMatch(/ECONN|refused|127\.0\.0\.1|localhost|:\d+|message/i);
}
