import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { type AuthProvider, UserEntity } from '../users/user.entity.js';

/** Stored length of a session's User-Agent (SPEC §5: its first 200 characters). */
export const USER_AGENT_MAX = 200;
/** Longest textual client address kept (an IPv6 address with a zone fits). */
export const CLIENT_IP_MAX = 64;

/**
 * One login: every access and refresh token carries its id (`sid`).
 * Revoking it (logout, refresh-token theft, expired refresh) refuses them all.
 */
@Entity({ name: 'sessions' })
@Index('IDX_sessions_revoked_at', ['revokedAt'], { where: `"revoked_at" IS NOT NULL` })
@Index('IDX_sessions_user', ['userId'])
export class SessionEntity {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'user_id', type: 'bigint' })
  userId: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_sessions_user' })
  user?: UserEntity;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** How it was opened: `local` (password) or the social provider. */
  @Column({ type: 'varchar', length: 16 })
  method: AuthProvider;

  @Column({ name: 'user_agent', type: 'varchar', length: USER_AGENT_MAX, nullable: true })
  userAgent: string | null;

  /** The client address as TRUST_PROXY determines it (`req.ip`). */
  @Column({ type: 'varchar', length: CLIENT_IP_MAX, nullable: true })
  ip: string | null;

  /** When its refresh token last rotated; null until the first rotation. */
  @Column({ name: 'last_refreshed_at', type: 'timestamptz', nullable: true })
  lastRefreshedAt: Date | null;

  /** The absolute end: `created_at` + SESSION_MAX_AGE. No token of the session outlives it. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
