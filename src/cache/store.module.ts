import { createKeyv as createMemoryKeyv } from '@cacheable/memory';
import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { RedisClusterType } from '@redis/client';
import { Keyv } from 'keyv';
import { Clock } from '../common/time/clock.js';
import { TimeModule } from '../common/time/time.module.js';
import { redisConfig } from '../config/redis.config.js';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { MemoryStore } from './memory.store.js';
import { REDIS_CLIENT, RedisClientModule, type RedisConnection } from './redis-client.module.js';
import { RedisStore } from './redis.store.js';

/** Entries of cache-manager's store when it is in process (the embedded parts). */
const LOCAL_CACHE_ENTRIES = 10_000;
const SHARED_CACHE_TTL_MS = 300_000;
/** Through Sentinel, the longest a store command waits for a master (during a failover) before 503. */
const SENTINEL_COMMAND_TIMEOUT_MS = 3_000;

/**
 * Redis when REDIS_URL (or REDIS_CLUSTER_NODES, or REDIS_SENTINELS) is set, else in-process. Gives two things:
 * - KeyValueStore: the atomic operations (a direct Redis client, or MemoryStore);
 * - cache-manager (CACHE_MANAGER): read-through caching shared by the
 *   instances (Redis), or in process on the embedded parts.
 */
@Module({
  imports: [
    TimeModule,
    RedisClientModule,
    CacheModule.registerAsync({
      imports: [RedisClientModule],
      inject: [REDIS_CLIENT, redisConfig.KEY],
      useFactory: (client: RedisConnection | null, redis: ConfigType<typeof redisConfig>) => {
        // The in-process tier in front of it belongs to its reader (UsersService keeps profiles in an
        // LRU map): a hit there costs one look-up instead of a pass through cache-manager and Keyv.
        if (!client) {
          // Entries handed out as they are, not cloned: what is cached here (user profiles) is built
          // fresh by a mapper and only ever serialised. One map, not 16 shards hashed by key.
          const local = createMemoryKeyv({
            ttl: SHARED_CACHE_TTL_MS,
            lruSize: LOCAL_CACHE_ENTRIES,
            useClone: false,
            storeHashSize: 1,
          });
          return { stores: [local], ttl: SHARED_CACHE_TTL_MS };
        }
        // The namespace goes on Keyv, which hands it to the store: one set on the store alone is
        // replaced by Keyv's default ("keyv"), and every deployment sharing the Redis shares the keys.
        // KeyvRedis takes the client in any of its modes (one endpoint, cluster, sentinel); the
        // profile cache reads and writes one key at a time, so no hash tag is needed.
        const shared = new Keyv({
          store: new KeyvRedis(client, { throwOnErrors: false }),
          namespace: `${redis.prefix}cache`,
          useKeyPrefix: false,
        });
        return { stores: [shared], ttl: SHARED_CACHE_TTL_MS };
      },
    }),
  ],
  providers: [
    {
      provide: KeyValueStore,
      inject: [REDIS_CLIENT, redisConfig.KEY, Clock],
      useFactory: (client: RedisConnection | null, redis: ConfigType<typeof redisConfig>, clock: Clock) =>
        client
          ? new RedisStore(client, redis.prefix, {
              cluster: redis.target?.mode === 'cluster' ? (client as RedisClusterType) : undefined,
              commandTimeoutMs: redis.target?.mode === 'sentinel' ? SENTINEL_COMMAND_TIMEOUT_MS : undefined,
              channels:
                redis.target?.mode === 'single' || redis.target?.mode === 'sentinel' ? redis.target.mode : undefined,
            })
          : new MemoryStore(clock),
    },
  ],
  exports: [KeyValueStore, CacheModule, RedisClientModule],
})
export class StoreModule {}
