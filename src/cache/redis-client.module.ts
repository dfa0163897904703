import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createClient, type RedisClientType } from '@redis/client';
import { redactUrl } from '../config/env.parsers.js';
import { infraConfig } from '../config/infra.config.js';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

const CONNECT_TIMEOUT_MS = 3_000;

function createRedisClient(url: string): RedisClientType {
  return createClient({
    url,
    // While Redis is unreachable a command fails at once (→ 503) instead of queueing.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Keep trying for as long as the process lives, backing off to 2 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
}

/** The Redis connection (null when REDIS_URL is unset), opened at start and closed at shutdown. */
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [infraConfig.KEY],
      useFactory: (infra: ConfigType<typeof infraConfig>) =>
        infra.redisUrl ? createRedisClient(infra.redisUrl) : null,
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisClientModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(
    @Inject(REDIS_CLIENT) private readonly client: RedisClientType | null,
    @Inject(infraConfig.KEY) private readonly infra: ConfigType<typeof infraConfig>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.client) {
      this.logger.log('REDIS_URL unset: using the in-process store');
      return;
    }
    let lastLogged = 0;
    this.client.on('error', (error: Error) => {
      // The client retries by itself; one line every 5 s is enough to see it.
      if (Date.now() - lastLogged > 5_000) {
        lastLogged = Date.now();
        this.logger.warn({ msg: 'redis connection error', cause: error.message });
      }
    });
    const url = redactUrl(this.infra.redisUrl ?? '');
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.client.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
        }),
      ]);
      this.logger.log(`connected to ${url}`);
    } catch (error) {
      // Start anyway: requests that need Redis answer 503 until it is reachable.
      this.logger.error({ msg: `cannot reach ${url} yet; retrying in the background`, cause: String(error) });
    } finally {
      clearTimeout(timer);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    try {
      if (this.client.isOpen) await this.client.close();
    } catch {
      this.client.destroy();
    }
  }
}
