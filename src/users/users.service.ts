import { CACHE_MANAGER, type Cache } from '@nestjs/cache-manager';
import { Inject, Injectable } from '@nestjs/common';
import type { UserEntity } from './user.entity.js';
import { mapUser, type UserResponse } from './user.mapper.js';
import { type NewUser, UsersRepository } from './users.repository.js';

const profileKey = (id: number) => `user:${id}`;

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

  async getProfile(id: number): Promise<UserResponse | null> {
    const cached = await this.cache.get<UserResponse>(profileKey(id));
    if (cached) return cached;
    const user = await this.users.findById(id);
    if (!user) return null;
    const profile = mapUser(user);
    await this.cache.set(profileKey(id), profile);
    return profile;
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
