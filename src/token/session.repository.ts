import { Injectable } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { queryRows } from '../database/query.js';
import type { AuthProvider } from '../users/user.entity.js';

export interface SpentRefresh {
  sessionId: string;
  userId: string;
  /** The session's absolute end: the successor's `exp` is capped at it. */
  sessionExpiresAt: Date;
}

export interface RefreshState {
  sessionId: string;
  spentAt: Date | null;
  revokedAt: Date | null;
  sessionExpiresAt: Date;
}

/** What a session records about how and from where it was opened (SPEC §5). */
export interface SessionOrigin {
  method: AuthProvider;
  userAgent: string | null;
  ip: string | null;
}

export interface NewSession extends SessionOrigin {
  sessionId: string;
  userId: number;
  refreshJti: string;
  now: Date;
  refreshExpiresAt: Date;
  expiresAt: Date;
}

export interface ActiveSession {
  id: string;
  method: AuthProvider;
  createdAt: Date;
  lastRefreshedAt: Date | null;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
}

/** A refresh waiting for its batch's statement. */
interface PendingSpend {
  nextJti: string;
  now: Date;
  nextExpiresAt: Date;
  resolve(spent: SpentRefresh | null): void;
  reject(error: unknown): void;
}

/** The spends of one turn, by the `jti` presented (each at most once). */
type SpendBatch = Map<string, PendingSpend>;

/** What PostgreSQL's `uuid` type reads (any case): an id from outside is checked with it before a query. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Bounds one statement's arrays; more spends in one turn make more statements. */
const MAX_SPENDS_PER_STATEMENT = 100;

/**
 * A spend statement goes out while none sent less than this long ago is still waiting for its answer:
 * normally one at a time, but one held up (behind another transaction's row lock, say) does not hold up
 * the refreshes after it for longer than this.
 */
export const SPEND_STALL_MS = 20;

/**
 * Spends the given unspent tokens of live sessions, records each successor
 * (expiring with its session at the latest) and touches each session's
 * `last_refreshed_at`; returns a row per token spent. `$1..$4` are parallel
 * arrays: jti, successor jti, now, successor expiry. Tokens are locked in
 * `jti` order first (a token spent meanwhile by another statement drops
 * out when its lock is granted).
 */
const SPEND_REFRESH_TOKENS = `WITH req AS (
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[])
       AS r(jti, next_jti, now, next_expires_at)
   ), locked AS (
     SELECT rt.jti FROM refresh_tokens rt
     WHERE rt.jti IN (SELECT jti FROM req) AND rt.spent_at IS NULL
     ORDER BY rt.jti
     FOR UPDATE
   ), spent AS (
     UPDATE refresh_tokens rt SET spent_at = req.now, replaced_by = req.next_jti
     FROM locked, req, sessions s
     WHERE rt.jti = locked.jti AND req.jti = rt.jti AND s.id = rt.session_id
       AND s.revoked_at IS NULL AND s.expires_at > req.now
     RETURNING rt.jti, rt.session_id, s.user_id, s.expires_at, req.now, req.next_jti, req.next_expires_at
   ), touched AS (
     UPDATE sessions SET last_refreshed_at = spent.now FROM spent WHERE sessions.id = spent.session_id
   ), fresh AS (
     INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
     SELECT next_jti, session_id, now, LEAST(next_expires_at, expires_at) FROM spent
   )
   SELECT jti::text AS jti, session_id AS "sessionId", user_id::text AS "userId", expires_at AS "sessionExpiresAt"
   FROM spent`;

/** A refresh statement aborted to break a deadlock runs again, this many times in all. */
const DEADLOCK_ATTEMPTS = 3;
/** The wait before a retry: 10–20 ms, long enough for the winner to take its locks. */
const DEADLOCK_BACKOFF_MS = 10;

/** The part of pg's Pool used for named statements (PGlite's pool has no `query`). */
interface PreparingPool {
  options?: { pglite?: unknown };
  query<T>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: T[] }>;
}

/**
 * Sessions and their refresh tokens. Each method is one SQL statement, so
 * each is atomic on its own and across every instance of the server.
 */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates a session with its first refresh token, unless the account was
   * withdrawn or (with `passwordHash`) its password changed since it was
   * read: the share lock waits for a withdrawal or reset in progress and then
   * sees its outcome, so none of them can miss a session opened meanwhile.
   * False when no session was created.
   */
  async createSession(session: NewSession, passwordHash: string | null): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `WITH u AS (
         SELECT id FROM users
         WHERE id = $2 AND deleted_at IS NULL AND ($10::text IS NULL OR password_hash = $10::text)
         FOR SHARE
       ), s AS (
         INSERT INTO sessions (id, user_id, created_at, method, user_agent, ip, expires_at)
         SELECT $1, u.id, $3, $6, $7, $8, $9 FROM u RETURNING id
       ), t AS (
         INSERT INTO refresh_tokens (jti, session_id, issued_at, expires_at)
         SELECT $4, s.id, $3, $5 FROM s
       )
       SELECT id FROM s`,
      [
        session.sessionId,
        session.userId,
        session.now,
        session.refreshJti,
        session.refreshExpiresAt,
        session.method,
        session.userAgent,
        session.ip,
        session.expiresAt,
        passwordHash,
      ],
    );
    return rows.length > 0;
  }

  /**
   * Spends an unspent refresh token of a live session and records its
   * successor, in one statement: of concurrent calls with the same `jti`,
   * exactly one gets the session back (the row lock decides), the others
   * null. The spends of one turn of the event loop, and of the turns while
   * the statement before is out, go to the database together (pump below);
   * each caller still gets its own token's answer.
   */
  spendRefreshToken(jti: string, nextJti: string, now: Date, nextExpiresAt: Date): Promise<SpentRefresh | null> {
    // Every jti we sign is a UUID; anything else would fail its whole batch's cast, so it is spent by no one.
    if (!UUID.test(jti)) return Promise.resolve(null);
    const key = jti.toLowerCase();
    return new Promise((resolve, reject) => {
      let batch = this.openBatch;
      // A token twice in one batch would be joined twice: the second goes in a batch of its own, after
      // which it finds the token spent.
      if (batch === null || batch.has(key) || batch.size >= MAX_SPENDS_PER_STATEMENT) {
        batch = this.openSpendBatch();
      }
      batch.set(key, { nextJti, now, nextExpiresAt, resolve, reject });
    });
  }

  /** The batch the spends of this turn join, until it is sent or full. */
  private openBatch: SpendBatch | null = null;
  /** Batches waiting to be sent, oldest first (the open batch among them). */
  private readonly waiting: SpendBatch[] = [];
  /** The statement sent last, while it has not answered. */
  private newest: { sentAt: number } | null = null;
  private pumpScheduled = false;
  private stallTimer: NodeJS.Timeout | null = null;

  private openSpendBatch(): SpendBatch {
    const batch: SpendBatch = new Map();
    this.openBatch = batch;
    this.waiting.push(batch);
    this.schedulePump();
    return batch;
  }

  /**
   * Sends waiting batches at the end of the turn (setImmediate runs after the poll phase: every refresh
   * whose bytes arrived together has joined the open batch by then).
   */
  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /**
   * Sends the waiting batches, oldest first, each unless a statement sent less than SPEND_STALL_MS ago is
   * still out; then the batch waits, taking in the spends of the turns until that statement answers. One
   * statement at a time answered more refreshes than one per turn (docs/DECISIONS.md, "One spend
   * statement at a time"): one PostgreSQL backend at work instead of several contending for the cores
   * with this process, and each statement answered sooner.
   * The embedded database runs in this process and one statement at a time anyway: there every batch
   * goes at the end of its turn, as holding it answered fewer refreshes.
   */
  private pump(): void {
    while (this.waiting.length > 0) {
      if (this.newest !== null && this.serverPool() !== null) {
        const wait = SPEND_STALL_MS - (performance.now() - this.newest.sentAt);
        if (wait > 0) {
          this.stallTimer ??= setTimeout(() => {
            this.stallTimer = null;
            this.pump();
          }, wait);
          return;
        }
      }
      this.send(this.waiting.shift()!);
    }
  }

  private send(batch: SpendBatch): void {
    if (this.openBatch === batch) this.openBatch = null;
    const statement = { sentAt: performance.now() };
    this.newest = statement;
    void this.spendBatch(batch).finally(() => {
      if (this.newest === statement) this.newest = null;
      this.schedulePump();
    });
  }

  private async spendBatch(batch: SpendBatch): Promise<void> {
    const jtis = [...batch.keys()];
    const entries = [...batch.values()];
    try {
      const rows = await this.withDeadlockRetry(() =>
        this.preparedRows<SpentRefresh & { jti: string }>('spend_refresh_tokens', SPEND_REFRESH_TOKENS, [
          jtis,
          entries.map((entry) => entry.nextJti),
          entries.map((entry) => entry.now),
          entries.map((entry) => entry.nextExpiresAt),
        ]),
      );
      const won = new Map(rows.map((row) => [row.jti, row]));
      for (const [jti, entry] of batch) {
        const row = won.get(jti);
        entry.resolve(
          row ? { sessionId: row.sessionId, userId: row.userId, sessionExpiresAt: row.sessionExpiresAt } : null,
        );
      }
    } catch (error) {
      for (const entry of entries) entry.reject(error);
    }
  }

  /**
   * The batch locks its tokens in `jti` order, so two batches never wait on each other in a circle; a
   * deadlock with another statement (which PostgreSQL breaks by aborting one, leaving nothing done) is
   * retried, up to DEADLOCK_ATTEMPTS in all. Each retry first waits a moment: the transaction that
   * won was waiting for the locks this statement held, and taking them again at once can win the
   * race for them and close the same circle again (the e2e test saw it happen).
   */
  private async withDeadlockRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        if ((error as { code?: string }).code !== '40P01' || attempt >= DEADLOCK_ATTEMPTS) throw error;
        await delay(DEADLOCK_BACKOFF_MS * (1 + Math.random()));
      }
    }
  }

  /**
   * Runs a statement of the hot path as a named prepared statement on a PostgreSQL server: each
   * pooled connection parses and plans it once instead of on every call (the refresh statement's
   * three parts cost PostgreSQL more to plan than to run). pg's errors are the ones TypeORM wraps,
   * so an unreachable database still answers 503. On the embedded database, an ordinary query.
   */
  private async preparedRows<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const pool = this.serverPool();
    if (pool === null) return queryRows<T>(this.db, text, values);
    const result = await pool.query<T>({ name, text, values });
    return result.rows;
  }

  /** pg's pool when the database is a PostgreSQL server; null on the embedded database. */
  private serverPool(): PreparingPool | null {
    const pool = (this.db.driver as { master?: Partial<PreparingPool> }).master;
    return typeof pool?.query === 'function' && pool.options?.pglite === undefined ? (pool as PreparingPool) : null;
  }

  /** Why a refresh token could not be spent: unknown, already spent, its session revoked or ended. */
  async findRefreshState(jti: string): Promise<RefreshState | null> {
    const rows = await queryRows<RefreshState>(
      this.db,
      `SELECT rt.session_id AS "sessionId", rt.spent_at AS "spentAt", s.revoked_at AS "revokedAt",
              s.expires_at AS "sessionExpiresAt"
       FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id
       WHERE rt.jti = $1`,
      [jti],
    );
    return rows[0] ?? null;
  }

  /** The user's sessions neither revoked nor ended, newest first. */
  async findActiveByUser(userId: number, now: Date): Promise<ActiveSession[]> {
    return queryRows<ActiveSession>(
      this.db,
      `SELECT id, method, created_at AS "createdAt", last_refreshed_at AS "lastRefreshedAt",
              expires_at AS "expiresAt", user_agent AS "userAgent", ip
       FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
       ORDER BY created_at DESC, id`,
      [userId, now],
    );
  }

  /** The ids of the user's live sessions (optionally but one). */
  async findActiveIds(userId: number, now: Date, exceptId: string | null, manager?: EntityManager): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      manager ?? this.db,
      `SELECT id FROM sessions
       WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND ($3::uuid IS NULL OR id <> $3::uuid)`,
      [userId, now, exceptId],
    );
    return rows.map((row) => row.id);
  }

  /** When the session was opened, or null when there is no such session. */
  async findCreatedAt(sessionId: string): Promise<Date | null> {
    const rows = await queryRows<{ createdAt: Date }>(
      this.db,
      `SELECT created_at AS "createdAt" FROM sessions WHERE id = $1`,
      [sessionId],
    );
    return rows.length > 0 ? new Date(rows[0].createdAt) : null;
  }

  /** True when the session belongs to the user and is neither revoked nor ended. */
  async isActiveSessionOf(sessionId: string, userId: number, now: Date): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.db,
      `SELECT id FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [sessionId, userId, now],
    );
    return rows.length > 0;
  }

  /**
   * Revokes every unrevoked session of a user (optionally but one), inside
   * the caller's transaction when given; returns the ids it revoked.
   */
  async revokeAllOfUser(
    userId: number,
    now: Date,
    reason: string,
    exceptId: string | null,
    manager?: EntityManager,
  ): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      manager ?? this.db,
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
       WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid) RETURNING id`,
      [userId, now, reason, exceptId],
    );
    return rows.map((row) => row.id);
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
