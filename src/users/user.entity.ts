import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SocialProvider } from '../oauth/providers/index.js';
import {
  ADDRESS_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  NICKNAME_MAX_LENGTH,
} from '../common/validation/limits.js';

/** How an account signs in: a password, or one of the social providers of `oauth/providers`. */
export type AuthProvider = 'local' | SocialProvider;

/**
 * An account. Local accounts are unique by email; social accounts by
 * (provider, provider user id), so one email may stand on several of them.
 * A withdrawn account stays as an anonymous tombstone (ids are never reused):
 * `deleted_at` set, personal fields emptied; the unique indexes skip it, so its
 * email and nickname are free at once.
 */
@Entity({ name: 'users' })
@Index('UQ_users_nickname', ['nickname'], { unique: true, where: `"deleted_at" IS NULL` })
@Index('UQ_users_local_email', ['email'], { unique: true, where: `"provider" = 'local' AND "deleted_at" IS NULL` })
@Index('UQ_users_provider_identity', ['provider', 'providerUserId'], {
  unique: true,
  where: `"provider_user_id" IS NOT NULL`,
})
export class UserEntity {
  /** bigint: the driver returns it as a string; mapUser turns it into a JSON number. */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'varchar', length: EMAIL_MAX_LENGTH })
  email: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 60, nullable: true })
  passwordHash: string | null;

  @Column({ type: 'varchar', length: NAME_MAX_LENGTH })
  name: string;

  @Column({ type: 'varchar', length: NICKNAME_MAX_LENGTH })
  nickname: string;

  @Column({ name: 'birth_date', type: 'date', nullable: true })
  birthDate: string | null;

  @Column({ name: 'address_sido', type: 'varchar', length: ADDRESS_MAX_LENGTH, nullable: true })
  addressSido: string | null;

  @Column({ name: 'address_gugun', type: 'varchar', length: ADDRESS_MAX_LENGTH, nullable: true })
  addressGugun: string | null;

  @Column({ type: 'varchar', length: 16, default: 'local' })
  provider: AuthProvider;

  @Column({ name: 'provider_user_id', type: 'varchar', length: 64, nullable: true })
  providerUserId: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  /** Set when the account was withdrawn (SPEC §5); the row is then a tombstone. */
  @Column({ name: 'deleted_at', type: 'timestamptz', nullable: true })
  deletedAt: Date | null;
}
