import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { UserEntity } from './user.entity.js';
import { mapUser, type UserResponse } from './user.mapper.js';
import { type NewUser, UsersRepository } from './users.repository.js';

const profileKey = (id: number) => `user:${id}`;

class UserNotFoundError extends Error {}

/**
 * Accounts. Profiles read on every authenticated request (`/me`) are served
 * through cache-manager: a short in-process tier in front of Redis.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /**
   * Read through both tiers with `wrap`: a hit in Redis is copied into this
   * process's memory (a plain `get` would leave it there and pay a Redis round
   * trip on every later request), and concurrent misses share one query.
   */
  async getProfile(id: number): Promise<UserResponse | null> {
    try {
      return await this.cache.wrap(profileKey(id), async () => {
        const user = await this.users.findById(id);
        // Thrown, not returned, so that no entry is cached for an id without a user.
        if (!user) throw new UserNotFoundError();
        return mapUser(user);
      });
    } catch (error) {
      if (error instanceof UserNotFoundError) return null;
      throw error;
    }
  }

  /** The live account with this id, password hash included (for password checks; never answered). */
  findAccount(id: number): Promise<UserEntity | null> {
    return this.users.findById(id);
  }

  /** Sets the password hash of a live account; its email, or null when there is none. */
  setPasswordHash(id: number, passwordHash: string, manager?: EntityManager): Promise<string | null> {
    return this.users.setPasswordHash(id, passwordHash, manager);
  }

  /** Erases a live account's personal data inside the caller's transaction (withdrawal). */
  erase(id: number, now: Date, manager: EntityManager): Promise<boolean> {
    return this.users.erase(id, now, manager);
  }

  /** Drops the cached profile (this process's tier and Redis). */
  async forgetProfile(id: number): Promise<void> {
    await this.cache.del(profileKey(id));
  }

  findLocalByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findLocalByEmail(email);
  }

  findByProviderIdentity(provider: UserEntity['provider'], providerUserId: string): Promise<UserEntity | null> {
    return this.users.findByProviderIdentity(provider, providerUserId);
  }

  create(user: NewUser): Promise<UserEntity> {
    return this.users.create(user);
  }

  findNicknamesStartingWith(stem: string): Promise<string[]> {
    return this.users.findNicknamesStartingWith(stem);
  }
}
