import { createKeyv as createMemoryKeyv } from '@cacheable/memory';
import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { RedisClientType } from '@redis/client';
import { Keyv } from 'keyv';
import { Clock } from '../common/time/clock.js';
import { TimeModule } from '../common/time/time.module.js';
import { infraConfig } from '../config/infra.config.js';
import { KeyValueStore } from './key-value.store.js';
import { MemoryStore } from './memory.store.js';
import { REDIS_CLIENT, RedisClientModule } from './redis-client.module.js';
import { RedisStore } from './redis.store.js';

/** How long a read-through entry (e.g. a user profile) may be served from this process's memory. */
const LOCAL_CACHE_TTL_MS = 30_000;
const LOCAL_CACHE_ENTRIES = 10_000;
const SHARED_CACHE_TTL_MS = 300_000;

/**
 * Redis when REDIS_URL is set, else in-process. Gives two things:
 * - KeyValueStore: the atomic operations (a direct Redis client, or MemoryStore);
 * - cache-manager (CACHE_MANAGER): read-through caching, a small in-process
 *   LRU tier in front of Redis.
 */
@Module({
  imports: [
    TimeModule,
    RedisClientModule,
    CacheModule.registerAsync({
      imports: [RedisClientModule],
      inject: [REDIS_CLIENT, infraConfig.KEY],
      useFactory: (client: RedisClientType | null, infra: ConfigType<typeof infraConfig>) => {
        const local = createMemoryKeyv({ ttl: LOCAL_CACHE_TTL_MS, lruSize: LOCAL_CACHE_ENTRIES });
        if (!client) return { stores: [local], ttl: LOCAL_CACHE_TTL_MS };
        const shared = new Keyv({
          store: new KeyvRedis(client, { namespace: `${infra.redisPrefix}cache`, throwOnErrors: false }),
          useKeyPrefix: false,
        });
        return { stores: [local, shared], ttl: SHARED_CACHE_TTL_MS };
      },
    }),
  ],
  providers: [
    {
      provide: KeyValueStore,
      inject: [REDIS_CLIENT, infraConfig.KEY, Clock],
      useFactory: (client: RedisClientType | null, infra: ConfigType<typeof infraConfig>, clock: Clock) =>
        client ? new RedisStore(client, infra.redisPrefix) : new MemoryStore(clock),
    },
  ],
  exports: [KeyValueStore, CacheModule, RedisClientModule],
})
export class StoreModule {}
