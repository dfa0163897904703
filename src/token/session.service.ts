import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { bucketOf } from '../cache/hash-tag.js';
import type { EntityManager } from 'typeorm';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { SecurityEvents } from '../common/security/security-events.js';
import { Clock } from '../common/time/clock.js';
import { endOfTurn } from '../common/time/end-of-turn.js';
import { authConfig } from '../config/auth.config.js';
import type { TokenClaims } from './jwt.codec.js';
import { JwtTokenService } from './jwt-token.service.js';
import { RevocationCache, REVOCATIONS_CHANNEL } from './revocation-cache.js';
import { type ActiveSession, type SessionOrigin, SessionRepository } from './session.repository.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export type RotateOutcome =
  | { status: 'rotated'; tokens: TokenPair; userId: number; sessionId: string }
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'revoked' };

export type RevocationReason =
  | 'logout'
  | 'refresh_reuse'
  | 'refresh_expired'
  | 'session_ended'
  | 'session_revoked'
  | 'logout_all'
  | 'token_revoked'
  | 'password_reset'
  | 'password_changed'
  | 'account_deleted'
  | 'kakao_unlinked';

/**
 * Revocations are kept in buckets, each with its own warm marker under the same hash tag: on a
 * Redis Cluster a revocation and its marker sit in one slot (one atomic MGET, and a node that loses
 * its data loses the two together), while the buckets spread over the nodes.
 */
const REVOCATION_BUCKETS = 64;
const BUCKETS = Array.from({ length: REVOCATION_BUCKETS }, (_, bucket) => bucket);
const revocationBucket = (sessionId: string) => bucketOf(sessionId, REVOCATION_BUCKETS);
export const warmMarker = (bucket: number) => `revocations:warm:{rv${bucket}}`;
/** The marker outlives any access token; it only disappears when Redis loses its data. */
const WARM_MARKER_TTL_MS = 365 * 86_400_000;
const revokedKeyIn = (bucket: number, sessionId: string) => `revoked:{rv${bucket}}:${sessionId}`;
export const revokedKey = (sessionId: string) => revokedKeyIn(revocationBucket(sessionId), sessionId);

/**
 * Sessions: login creates one, refresh rotates its refresh token, logout and
 * theft signals revoke it. PostgreSQL holds the truth; Redis holds the
 * revoked sessions whose access tokens may still be live, for a one-round-trip
 * check on every request. When Redis comes back empty (its warm marker gone)
 * the revocations are reloaded from PostgreSQL before any token is accepted.
 */
@Injectable()
export class SessionService implements OnApplicationBootstrap {
  private readonly logger = new Logger(SessionService.name);
  private warming: Promise<Set<string>> | null = null;

  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly jwt: JwtTokenService,
    private readonly sessions: SessionRepository,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
    private readonly events: SecurityEvents,
    private readonly revocations: RevocationCache,
  ) {}

  /**
   * Opens a session that ends SESSION_MAX_AGE from now, whatever its
   * rotations. Null when the account is gone, or its password is no longer
   * `passwordHash` (a reset or change committed while this login checked the
   * old one).
   */
  async createSession(
    userId: number,
    origin: SessionOrigin,
    passwordHash: string | null = null,
  ): Promise<(TokenPair & { sessionId: string }) | null> {
    const sessionId = randomUUID();
    const refreshJti = randomUUID();
    const now = this.clock.now();
    const endsAt = now + this.auth.sessionMaxAgeMs;
    const refresh = this.jwt.issue('refresh', userId, sessionId, refreshJti, endsAt);
    const access = this.jwt.issue('access', userId, sessionId, undefined, endsAt);
    const created = await this.sessions.createSession(
      {
        ...origin,
        sessionId,
        userId,
        refreshJti,
        now: new Date(now),
        refreshExpiresAt: new Date(refresh.expiresAt),
        expiresAt: new Date(endsAt),
      },
      passwordHash,
    );
    return created ? { sessionId, accessToken: access.token, refreshToken: refresh.token } : null;
  }

  /**
   * Spends a refresh token and issues the next pair. A spent token presented
   * again within the grace window is only refused (two tabs racing); later,
   * it revokes the whole session. An expired one revokes its session too.
   */
  async rotate(refreshToken: string): Promise<RotateOutcome> {
    const verified = this.jwt.verify(refreshToken, 'refresh');
    if (verified.status === 'invalid') return { status: 'invalid' };
    if (verified.status === 'expired') {
      await this.revoke(verified.claims.sid, 'refresh_expired');
      return { status: 'expired' };
    }
    const { claims } = verified;
    const userId = Number(claims.sub);
    const nextJti = randomUUID();
    const now = this.clock.now();
    const spent = await this.sessions.spendRefreshToken(
      claims.jti,
      nextJti,
      new Date(now),
      new Date(now + this.auth.refreshTtlMs),
    );
    if (!spent) return this.refuseSpent(claims, now);
    const endsAt = spent.sessionExpiresAt.getTime();
    const nextRefresh = this.jwt.issue('refresh', userId, claims.sid, nextJti, endsAt);
    const access = this.jwt.issue('access', userId, claims.sid, undefined, endsAt);
    return {
      status: 'rotated',
      tokens: { accessToken: access.token, refreshToken: nextRefresh.token },
      userId,
      sessionId: claims.sid,
    };
  }

  private async refuseSpent(claims: TokenClaims, now: number): Promise<RotateOutcome> {
    const state = await this.sessions.findRefreshState(claims.jti);
    if (!state || state.revokedAt) return { status: 'revoked' };
    // Past the absolute end (a token issued before the end was capped): answered as an expired one.
    if (state.sessionExpiresAt.getTime() <= now) {
      await this.revoke(claims.sid, 'session_ended');
      return { status: 'expired' };
    }
    if (!state.spentAt) return { status: 'revoked' };
    if (now - state.spentAt.getTime() > this.auth.refreshReuseGraceMs) {
      // The theft signal: logged as the refresh.reused event, then the whole session goes.
      this.events.emit('refresh.reused', { userId: claims.sub, sessionId: claims.sid });
      await this.revoke(claims.sid, 'refresh_reuse');
    }
    return { status: 'revoked' };
  }

  /**
   * Revokes a session: every access and refresh token it issued is refused
   * from now on. Redis first, so the refusal is immediate even if the
   * database write then fails. True when this call revoked it (PostgreSQL
   * decides, so of two concurrent calls exactly one is first).
   */
  async revoke(sessionId: string, reason: RevocationReason): Promise<boolean> {
    await this.markRevoked([sessionId], reason);
    return this.sessions.revokeSession(sessionId, new Date(this.clock.now()), reason);
  }

  /**
   * Revokes every live session of a user, or all but `exceptId` (the
   * caller's, on a password change). The store first, as for one session;
   * with `manager`, the database write joins the caller's transaction.
   * Returns how many sessions were revoked.
   */
  async revokeAllOfUser(
    userId: number,
    reason: RevocationReason,
    options: { exceptId?: string; manager?: EntityManager } = {},
  ): Promise<number> {
    const now = new Date(this.clock.now());
    const exceptId = options.exceptId ?? null;
    // With a transaction, every statement goes through it (the embedded database has one connection).
    const live = await this.sessions.findActiveIds(userId, now, exceptId, options.manager);
    await this.markRevoked(live, reason);
    const revoked = await this.sessions.revokeAllOfUser(userId, now, reason, exceptId, options.manager);
    // A session opened between the two statements is in the database's answer only.
    const known = new Set(live);
    await this.markRevoked(
      revoked.filter((id) => !known.has(id)),
      reason,
    );
    return revoked.length;
  }

  /**
   * Each key is set with its notice to the other instances in one step; then this instance forgets
   * the sessions (RevocationCache), before the revocation answers.
   */
  private async markRevoked(sessionIds: string[], reason: RevocationReason): Promise<void> {
    await Promise.all(
      sessionIds.map((id) =>
        this.store.setAndNotify(
          revokedKey(id),
          reason,
          this.auth.accessTtlMs,
          REVOCATIONS_CHANNEL,
          this.revocations.notice([id]),
        ),
      ),
    );
    this.revocations.forget(sessionIds);
  }

  /** Milliseconds since the session was opened (re-authentication age), or null when it does not exist. */
  async ageOf(sessionId: string): Promise<number | null> {
    const createdAt = await this.sessions.findCreatedAt(sessionId);
    return createdAt === null ? null : this.clock.now() - createdAt.getTime();
  }

  /** The user's sessions neither revoked nor ended, newest first. */
  listActive(userId: number): Promise<ActiveSession[]> {
    return this.sessions.findActiveByUser(userId, new Date(this.clock.now()));
  }

  /**
   * Revokes one of the user's own live sessions; false (nothing changed) when
   * the id is unknown, another user's, revoked or ended.
   */
  async revokeOwn(userId: number, sessionId: string): Promise<boolean> {
    if (!(await this.sessions.isActiveSessionOf(sessionId, userId, new Date(this.clock.now())))) return false;
    return this.revoke(sessionId, 'session_revoked');
  }

  /**
   * Ends the session of a refresh token that we signed, live, expired, spent
   * or revoked alike (an SPA whose access token expired can still log out).
   * False when the token is not one of our refresh tokens.
   */
  async revokeByRefreshToken(refreshToken: string): Promise<{ userId: number; sessionId: string } | null> {
    const verified = this.jwt.verify(refreshToken, 'refresh');
    if (verified.status === 'invalid') return null;
    await this.revoke(verified.claims.sid, 'token_revoked');
    return { userId: Number(verified.claims.sub), sessionId: verified.claims.sid };
  }

  /**
   * No store round trip for a session this process knows not revoked (RevocationCache, asked at the
   * end of the turn); else one; a reload from PostgreSQL only after Redis lost its data.
   */
  async isRevoked(sessionId: string): Promise<boolean> {
    if (this.revocations.enabled) {
      await endOfTurn();
      if (this.revocations.knownLive(sessionId)) return false;
    }
    const generation = this.revocations.snapshot();
    const bucket = revocationBucket(sessionId);
    const [warm, revoked] = await this.store.getMany([warmMarker(bucket), revokedKeyIn(bucket, sessionId)]);
    if (revoked !== null) return true;
    if (warm !== null) {
      this.revocations.remember(sessionId, generation);
      return false;
    }
    const reloaded = await this.warmUp();
    return reloaded.has(sessionId);
  }

  /** Single flight per process: concurrent requests share one reload. */
  private warmUp(): Promise<Set<string>> {
    this.warming ??= this.reloadRevocations().finally(() => {
      this.warming = null;
    });
    return this.warming;
  }

  /** Refills the buckets whose marker is gone (all of them after a flush; one node's after it lost its data). */
  private async reloadRevocations(): Promise<Set<string>> {
    const markers = await this.store.getMany(BUCKETS.map(warmMarker));
    const cold = new Set(BUCKETS.filter((bucket) => markers[bucket] === null));
    const now = this.clock.now();
    const revoked = await this.sessions.findRevokedSince(new Date(now - this.auth.accessTtlMs));
    for (const session of revoked) {
      const ttl = session.revokedAt.getTime() + this.auth.accessTtlMs - now;
      if (ttl > 0 && cold.has(revocationBucket(session.id))) {
        await this.store.set(revokedKey(session.id), 'reloaded', ttl);
      }
    }
    await Promise.all([...cold].map((bucket) => this.store.set(warmMarker(bucket), String(now), WARM_MARKER_TTL_MS)));
    this.logger.log({ msg: 'revocations reloaded into the store', count: revoked.length, buckets: cold.size });
    return new Set(revoked.map((session) => session.id));
  }

  /** At start, reloads the revocations a store that lost its data misses. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.ensureWarm();
    } catch (error) {
      // The store or database is down: the first guarded request will reload instead.
      this.logger.warn({ msg: 'revocations not reloaded at start', cause: String(error) });
    }
  }

  /** Marks the store as holding every revocation. */
  async ensureWarm(): Promise<void> {
    const markers = await this.store.getMany(BUCKETS.map(warmMarker));
    if (markers.some((marker) => marker === null)) await this.warmUp();
  }
}
