import { Column, Entity, Index, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/**
 * The one live password-reset token of an account (a new request replaces
 * it). Only the SHA-256 of the token is stored; confirming deletes the row in
 * one statement, so a token works once even when confirmed concurrently.
 */
@Entity({ name: 'password_reset_tokens' })
@Index('UQ_password_reset_tokens_hash', ['tokenHash'], { unique: true })
export class PasswordResetTokenEntity {
  @PrimaryColumn({ name: 'user_id', type: 'bigint' })
  userId: string;

  @OneToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_password_reset_tokens_user' })
  user?: UserEntity;

  /** base64url SHA-256 of the token: 43 characters. */
  @Column({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
