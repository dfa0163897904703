import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { randomUUID } from 'node:crypto';
import { bucketOf } from '../cache/hash-tag.js';
import { KeyValueStore } from '../cache/key-value.store.js';
import { Clock } from '../common/time/clock.js';
import { authConfig } from '../config/auth.config.js';
import type { TokenClaims } from './jwt.codec.js';
import { JwtTokenService } from './jwt-token.service.js';
import { SessionRepository } from './session.repository.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

export type RotateOutcome =
  | { status: 'rotated'; tokens: TokenPair; userId: number; sessionId: string }
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'revoked' };

export type RevocationReason = 'logout' | 'refresh_reuse' | 'refresh_expired';

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
export class SessionService {
  private readonly logger = new Logger(SessionService.name);
  private warming: Promise<Set<string>> | null = null;

  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly jwt: JwtTokenService,
    private readonly sessions: SessionRepository,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async createSession(userId: number): Promise<TokenPair & { sessionId: string }> {
    const sessionId = randomUUID();
    const refreshJti = randomUUID();
    const refresh = this.jwt.issue('refresh', userId, sessionId, refreshJti);
    const access = this.jwt.issue('access', userId, sessionId);
    await this.sessions.createSession(
      sessionId,
      userId,
      refreshJti,
      new Date(this.clock.now()),
      new Date(refresh.expiresAt),
    );
    return { sessionId, accessToken: access.token, refreshToken: refresh.token };
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
    const nextRefresh = this.jwt.issue('refresh', userId, claims.sid, nextJti);
    const now = this.clock.now();
    const spent = await this.sessions.spendRefreshToken(
      claims.jti,
      nextJti,
      new Date(now),
      new Date(nextRefresh.expiresAt),
    );
    if (!spent) {
      await this.refuseSpent(claims, now);
      return { status: 'revoked' };
    }
    const access = this.jwt.issue('access', userId, claims.sid);
    return {
      status: 'rotated',
      tokens: { accessToken: access.token, refreshToken: nextRefresh.token },
      userId,
      sessionId: claims.sid,
    };
  }

  private async refuseSpent(claims: TokenClaims, now: number): Promise<void> {
    const state = await this.sessions.findRefreshState(claims.jti);
    if (!state || state.revokedAt || !state.spentAt) return;
    if (now - state.spentAt.getTime() > this.auth.refreshReuseGraceMs) {
      this.logger.warn({
        msg: 'spent refresh token replayed after the grace window; revoking its session',
        sessionId: claims.sid,
      });
      await this.revoke(claims.sid, 'refresh_reuse');
    }
  }

  /**
   * Revokes a session: every access and refresh token it issued is refused
   * from now on. Redis first, so the refusal is immediate even if the
   * database write then fails. True when this call revoked it (PostgreSQL
   * decides, so of two concurrent calls exactly one is first).
   */
  async revoke(sessionId: string, reason: RevocationReason): Promise<boolean> {
    await this.store.set(revokedKey(sessionId), reason, this.auth.accessTtlMs);
    return this.sessions.revokeSession(sessionId, new Date(this.clock.now()), reason);
  }

  /** One store round trip on the hot path; a reload from PostgreSQL only after Redis lost its data. */
  async isRevoked(sessionId: string): Promise<boolean> {
    const bucket = revocationBucket(sessionId);
    const [warm, revoked] = await this.store.getMany([warmMarker(bucket), revokedKeyIn(bucket, sessionId)]);
    if (revoked !== null) return true;
    if (warm !== null) return false;
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

  /** Marks the store as holding every revocation; called once at start. */
  async ensureWarm(): Promise<void> {
    const markers = await this.store.getMany(BUCKETS.map(warmMarker));
    if (markers.some((marker) => marker === null)) await this.warmUp();
  }
}
