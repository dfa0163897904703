import { PGlite } from '@electric-sql/pglite';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { JwtCodec } from '../../src/token/jwt.codec.ts';

/** Plain SQL access to the service's database, from the benchmark process. */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function connectPostgres(url: string): Promise<Sql> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[],
    close: () => client.end(),
  };
}

/** The embedded database's directory; only while the service is stopped (PGlite is one process's). */
export async function openPglite(dir: string): Promise<Sql> {
  const db = await PGlite.create(dir);
  return {
    query: async <T>(text: string, params: unknown[] = []) => (await db.query<T>(text, params)).rows,
    close: () => db.close(),
  };
}

/**
 * A fresh database on the server at `url`, so a run never touches anyone's
 * data; null when the role may not create databases (the given one is used).
 */
export async function createBenchDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const name = `auth_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } catch {
    return null;
  } finally {
    await admin.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface SeededUser {
  id: string;
  email: string;
}

/**
 * Copies the template user (signed up through the API, so its hash is the
 * service's own) into `count` more local accounts with the same password.
 */
export async function seedUsers(sql: Sql, templateEmail: string, count: number, tag: string): Promise<SeededUser[]> {
  const [template] = await sql.query<{ password_hash: string }>(
    `SELECT password_hash FROM users WHERE email = $1 AND provider = 'local'`,
    [templateEmail],
  );
  if (!template) throw new Error(`template user ${templateEmail} not found`);
  return sql.query<SeededUser>(
    `INSERT INTO users (email, password_hash, name, nickname, birth_date, provider)
     SELECT 'bench-' || $3 || '-' || i || '@example.com', $1, '벤치', 'b' || $3 || i, '2000-01-01', 'local'
     FROM generate_series(1, $2::int) AS i
     RETURNING id::text AS id, email`,
    [template.password_hash, count, tag],
  );
}

export interface SeededTokens {
  /** Access tokens, one per session. */
  access: string[];
  /** Unspent refresh tokens, one per session. */
  refresh: string[];
  /** The refresh tokens' ids, to count what was spent. */
  refreshJtis: string[];
}

const CHUNK = 5_000;

/**
 * Opens `count` sessions spread over `users`, each with one unspent refresh
 * token in the database, and signs the matching JWTs with the service's
 * secret: the state a login would leave, without `count` bcrypt runs.
 */
export async function seedSessions(
  sql: Sql,
  secret: string,
  users: SeededUser[],
  count: number,
  ttl: { accessS: number; refreshS: number },
): Promise<SeededTokens> {
  const codec = new JwtCodec(secret);
  const iat = Math.floor(Date.now() / 1000);
  const result: SeededTokens = { access: [], refresh: [], refreshJtis: [] };
  for (let start = 0; start < count; start += CHUNK) {
    const size = Math.min(CHUNK, count - start);
    const sessionIds: string[] = [];
    const userIds: string[] = [];
    const jtis: string[] = [];
    for (let i = 0; i < size; i++) {
      const user = users[(start + i) % users.length];
      const sid = randomUUID();
      const jti = randomUUID();
      sessionIds.push(sid);
      userIds.push(user.id);
      jtis.push(jti);
      result.refresh.push(codec.encode({ sub: user.id, sid, jti, typ: 'refresh', iat, exp: iat + ttl.refreshS }));
      result.access.push(
        codec.encode({ sub: user.id, sid, jti: randomUUID(), typ: 'access', iat, exp: iat + ttl.accessS }),
      );
      result.refreshJtis.push(jti);
    }
    await sql.query(
      `INSERT INTO sessions (id, user_id, created_at, method, expires_at)
       SELECT s.id, s.user_id, now(), 'local', now() + interval '30 days'
       FROM unnest($1::uuid[], $2::bigint[]) AS s(id, user_id)`,
      [sessionIds, userIds],
    );
    await sql.query(
      `INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
       SELECT t.jti, t.session_id, now(), now() + make_interval(secs => $3)
       FROM unnest($1::uuid[], $2::uuid[]) AS t(jti, session_id)`,
      [jtis, sessionIds, ttl.refreshS],
    );
  }
  return result;
}

export interface SpendCount {
  /** Seeded tokens now spent. */
  spent: number;
  /** Spent tokens whose successor row is missing: a rotation left half done. */
  orphaned: number;
  /** Successor rows that were themselves spent (the bench never presents them). */
  successorsSpent: number;
}

/** What became of a batch of seeded refresh tokens. */
export async function countSpent(sql: Sql, jtis: string[]): Promise<SpendCount> {
  const total: SpendCount = { spent: 0, orphaned: 0, successorsSpent: 0 };
  for (let start = 0; start < jtis.length; start += CHUNK) {
    const [row] = await sql.query<{ spent: string; orphaned: string; successors_spent: string }>(
      `SELECT count(*) FILTER (WHERE rt.spent_at IS NOT NULL) AS spent,
              count(*) FILTER (WHERE rt.spent_at IS NOT NULL AND n.jti IS NULL) AS orphaned,
              count(*) FILTER (WHERE n.spent_at IS NOT NULL) AS successors_spent
       FROM refresh_tokens rt LEFT JOIN refresh_tokens n ON n.jti = rt.replaced_by
       WHERE rt.jti = ANY($1::uuid[])`,
      [jtis.slice(start, start + CHUNK)],
    );
    total.spent += Number(row.spent);
    total.orphaned += Number(row.orphaned);
    total.successorsSpent += Number(row.successors_spent);
  }
  return total;
}
