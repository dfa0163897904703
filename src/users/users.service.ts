import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { UserEntity } from './user.entity.js';
import { mapUser, type UserResponse } from './user.mapper.js';
import { UsersRepository } from './users.repository.js';

const profileKey = (id: number) => `user:${id}`;
/** How long a profile may be served from this process's memory, and how many are kept there. */
const LOCAL_PROFILE_TTL_MS = 30_000;
const LOCAL_PROFILE_ENTRIES = 10_000;

class UserNotFoundError extends Error {}

/**
 * The cached profile, read on every authenticated request (`/me`). Two tiers:
 * this process's memory (an LRU map, 30 s), then cache-manager (Redis, shared
 * by the instances; in process on the embedded parts). The account rules read
 * and write UsersRepository directly.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
  ) {}

  /**
   * The in-process tier, in front of cache-manager: a hit costs one map look-up. Through cache-manager a
   * hit took a request-coalescing entry, Keyv's hooks and several promise hops (~4% of `/me`'s busy time in
   * a profile).
   * Profiles are built fresh by the mapper and only ever serialised, so they are handed out as kept.
   */
  private readonly local = new LRUCache<number, UserResponse>({
    max: LOCAL_PROFILE_ENTRIES,
    ttl: LOCAL_PROFILE_TTL_MS,
  });

  /**
   * This process's tier first; on a miss, read through cache-manager with `wrap`: concurrent misses share
   * one query, and an id without a user leaves no entry in either tier.
   */
  async getProfile(id: number): Promise<UserResponse | null> {
    const kept = this.local.get(id);
    if (kept) return kept;
    try {
      const profile = await this.cache.wrap(profileKey(id), async () => {
        const user = await this.users.findById(id);
        // Thrown, not returned, so that no entry is cached for an id without a user.
        if (!user) throw new UserNotFoundError();
        return mapUser(user);
      });
      this.local.set(id, profile);
      return profile;
    } catch (error) {
      if (error instanceof UserNotFoundError) return null;
      throw error;
    }
  }

  /** Drops the cached profile (this process's tier and cache-manager's). */
  async forgetProfile(id: number): Promise<void> {
    this.local.delete(id);
    await this.cache.del(profileKey(id));
  }

  /** Kept for the Kakao unlink callback; once it reads UsersRepository, this goes. */
  findByProviderIdentity(provider: UserEntity['provider'], providerUserId: string): Promise<UserEntity | null> {
    return this.users.findByProviderIdentity(provider, providerUserId);
  }
}
