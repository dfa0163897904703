import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { UserEntity } from './user.entity.js';
import { mapUser, type UserResponse } from './user.mapper.js';
import { UsersRepository } from './users.repository.js';

const profileKey = (id: number) => `user:${id}`;

class UserNotFoundError extends Error {}

/**
 * The cached profile. Profiles read on every authenticated request (`/me`)
 * are served through cache-manager: a short in-process tier in front of
 * Redis. The account rules read and write UsersRepository directly.
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

  /** Drops the cached profile (this process's tier and Redis). */
  async forgetProfile(id: number): Promise<void> {
    await this.cache.del(profileKey(id));
  }

  /** Kept for the Kakao unlink callback; once it reads UsersRepository, this goes. */
  findByProviderIdentity(provider: UserEntity['provider'], providerUserId: string): Promise<UserEntity | null> {
    return this.users.findByProviderIdentity(provider, providerUserId);
  }
}
