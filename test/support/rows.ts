import type { TestApp } from './test-app.js';

/*
 * What the service stored, read straight from its database. Rows keep the
 * column names of the schema for users, and camelCase for sessions and
 * refresh tokens.
 */

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

/**
 * Rows that requests could have written: through the app (or its own
 * connection), or any other query function (e.g. a connection that bypasses
 * a proxy).
 */
export async function countRows(source: TestApp | TestApp['db'] | Query): Promise<RowCounts> {
  const query: Query =
    typeof source === 'function'
      ? source
      : (sql) => ('db' in source ? source.db : source).query<Record<string, string>[]>(sql);
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

/** Runs `act` and asserts that it wrote nothing `countRows` sees: no row added, removed, spent, revoked or deleted. */
export async function expectNoRowsWritten(t: TestApp, act: () => Promise<unknown>): Promise<void> {
  const before = await countRows(t);
  await act();
  expect(await countRows(t)).toEqual(before);
}

export async function usersCount(t: TestApp): Promise<number> {
  return (await countRows(t)).users;
}

export interface UserRow {
  id: string;
  email: string;
  password_hash: string | null;
  name: string;
  nickname: string;
  birth_date: string | null;
  address_sido: string | null;
  address_gugun: string | null;
  provider: string;
  provider_user_id: string | null;
}

/** The user rows matching `where` (SQL over the users table, with `$n` parameters), by id. */
export async function userRows(t: TestApp, where: string, params: unknown[]): Promise<UserRow[]> {
  return t.db.query<UserRow[]>(
    `SELECT id::text, email, password_hash, name, nickname, to_char(birth_date, 'YYYY-MM-DD') AS birth_date,
            address_sido, address_gugun, provider, provider_user_id
       FROM users WHERE ${where} ORDER BY id`,
    params,
  );
}

/** The user rows with this exact (stored) email. */
export function userRowsByEmail(t: TestApp, email: string): Promise<UserRow[]> {
  return userRows(t, 'email = $1', [email]);
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

/** A session row with the SPEC §5 metadata. */
export interface SessionRow {
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

const SESSION_COLUMNS = `id::text, user_id::text AS "userId", method, user_agent AS "userAgent", ip,
  created_at AS "createdAt", last_refreshed_at AS "lastRefreshedAt", expires_at AS "expiresAt",
  revoked_at AS "revokedAt", revoked_reason AS "revokedReason"`;

/** The sessions of a user, oldest first. */
export async function sessionsOfUser(t: TestApp, userId: number): Promise<SessionRow[]> {
  return t.db.query<SessionRow[]>(
    `SELECT ${SESSION_COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY created_at, id`,
    [userId],
  );
}

export async function sessionById(t: TestApp, sessionId: string): Promise<SessionRow> {
  const rows = await t.db.query<SessionRow[]>(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`, [sessionId]);
  if (rows.length !== 1) throw new Error(`no session ${sessionId}`);
  return rows[0];
}

export interface RefreshRow {
  jti: string;
  sessionId: string;
  spentAt: Date | null;
  replacedBy: string | null;
}

/** The refresh tokens of a session in the order they were issued. */
export async function refreshRows(t: TestApp, sessionId: string): Promise<RefreshRow[]> {
  return t.db.query<RefreshRow[]>(
    `SELECT jti::text, session_id::text AS "sessionId", spent_at AS "spentAt", replaced_by::text AS "replacedBy"
     FROM refresh_tokens WHERE session_id = $1 ORDER BY issued_at, spent_at NULLS LAST`,
    [sessionId],
  );
}
