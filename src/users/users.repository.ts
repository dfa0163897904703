import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, QueryFailedError, Repository } from 'typeorm';
import { sqlState, violatedConstraint } from '../common/errors/dependency-errors.js';
import { queryRows } from '../database/query.js';
import { type AuthProvider, UserEntity } from './user.entity.js';
import { DuplicateUserError, type UniqueField } from './users.errors.js';

export interface NewUser {
  email: string;
  passwordHash: string | null;
  name: string;
  nickname: string;
  birthDate: string | null;
  addressSido: string | null;
  addressGugun: string | null;
  provider: AuthProvider;
  providerUserId: string | null;
}

/** A local account's id (a bigint, as text) and password hash, for a login. */
export interface LocalCredentials {
  id: string;
  passwordHash: string | null;
}

const CONSTRAINT_FIELDS: Record<string, UniqueField> = {
  UQ_users_nickname: 'nickname',
  UQ_users_local_email: 'email',
  UQ_users_provider_identity: 'identity',
};

function duplicateField(error: unknown): UniqueField | undefined {
  if (!(error instanceof QueryFailedError) || sqlState(error) !== '23505') return undefined;
  const constraint = violatedConstraint(error);
  if (constraint && CONSTRAINT_FIELDS[constraint]) return CONSTRAINT_FIELDS[constraint];
  const given = (error.driverError as { detail?: unknown }).detail;
  const detail = typeof given === 'string' ? given : error.message;
  if (detail.includes('nickname')) return 'nickname';
  if (detail.includes('provider')) return 'identity';
  return 'email';
}

@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  /** A live account (a withdrawn one is a tombstone, not an account). */
  findById(id: number): Promise<UserEntity | null> {
    return this.users.findOneBy({ id: String(id), deletedAt: IsNull() });
  }

  /** The local (password) account with this normalised email. */
  findLocalByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email, provider: 'local', deletedAt: IsNull() });
  }

  /**
   * What a password login needs of the local account with this normalised
   * email: its id and password hash, and nothing else. One statement on the
   * unique local-email index, without building an entity (a login's only read
   * of the database; see docs/DECISIONS.md, "Login's own work").
   */
  async findLocalCredentials(email: string): Promise<LocalCredentials | null> {
    const rows = await queryRows<LocalCredentials>(
      this.users.manager,
      `SELECT id, password_hash AS "passwordHash" FROM users
       WHERE email = $1 AND provider = 'local' AND deleted_at IS NULL`,
      [email],
    );
    return rows[0] ?? null;
  }

  /**
   * Sets a live account's password hash, inside the caller's transaction when
   * given; its email, or null when there is no such account.
   */
  async setPasswordHash(id: number, passwordHash: string, manager?: EntityManager): Promise<string | null> {
    const rows = await queryRows<{ email: string }>(
      manager ?? this.users.manager,
      `UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING email`,
      [id, passwordHash],
    );
    return rows[0]?.email ?? null;
  }

  /**
   * Withdrawal: empties every personal field and marks the row a tombstone
   * (its id is never reused; the unique indexes skip it, so the email and
   * nickname are free at once). False when the account was already gone.
   */
  async erase(id: number, now: Date, manager: EntityManager): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `UPDATE users SET email = '', name = '', nickname = '', birth_date = NULL, address_sido = NULL,
         address_gugun = NULL, password_hash = NULL, provider_user_id = NULL, deleted_at = $2, updated_at = $2
       WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
      [id, now],
    );
    return rows.length > 0;
  }

  findByProviderIdentity(provider: AuthProvider, providerUserId: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ provider, providerUserId, deletedAt: IsNull() });
  }

  /** Inserts a user; a unique index, not a prior check, decides duplicates. */
  async create(user: NewUser): Promise<UserEntity> {
    try {
      return await this.users.save(this.users.create(user));
    } catch (error) {
      const field = duplicateField(error);
      if (field) throw new DuplicateUserError(field);
      throw error;
    }
  }

  /** Nicknames that start with `stem`, for choosing a free numeric suffix. */
  async findNicknamesStartingWith(stem: string): Promise<string[]> {
    const escaped = stem.replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = await this.users
      .createQueryBuilder('u')
      .select('u.nickname', 'nickname')
      .where(`u.nickname LIKE :pattern ESCAPE '\\'`, { pattern: `${escaped}%` })
      .getRawMany<{ nickname: string }>();
    return rows.map((row) => row.nickname);
  }
}
