import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import {
  createClient,
  createCluster,
  createSentinel,
  type RedisClientOptions,
  type RedisClientType,
  type RedisClusterType,
  type RedisSentinelType,
} from '@redis/client';
import type { RedisNodeAddress } from '../config/env.parsers.js';
import { redactUrl } from '../config/env.parsers.js';
import { redisConfig, type RedisTarget } from '../config/redis.config.js';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** One Redis endpoint, a Redis Cluster, or a Sentinel-managed master: the client's own three modes. */
export type RedisConnection = RedisClientType | RedisClusterType | RedisSentinelType;

const CONNECT_TIMEOUT_MS = 3_000;
/** While a cluster or sentinel set cannot be reached at start, how often to try again. */
const RECONNECT_INTERVAL_MS = 2_000;

/** Options every connection to a Redis server shares, in every mode. */
function nodeOptions(credentials?: RedisNodeAddress): RedisClientOptions {
  return {
    // While Redis is unreachable a command fails at once (→ 503) instead of queueing.
    disableOfflineQueue: true,
    ...(credentials?.username ? { username: credentials.username } : {}),
    ...(credentials?.password ? { password: credentials.password } : {}),
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      // Keep trying for as long as the process lives, backing off to 2 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2_000),
      ...(credentials?.tls ? { tls: true as const } : {}),
    },
  };
}

/** The first node carrying credentials or TLS gives them to every node of the set. */
function sharedCredentials(nodes: RedisNodeAddress[]): RedisNodeAddress {
  return nodes.find((node) => node.username || node.password) ?? nodes[0];
}

export function createRedisConnection(target: RedisTarget): RedisConnection {
  switch (target.mode) {
    case 'single':
      return createClient({ url: target.url, ...nodeOptions() }) as RedisClientType;
    case 'cluster': {
      const shared = sharedCredentials(target.nodes);
      return createCluster({
        rootNodes: target.nodes.map((node) => ({ socket: { host: node.host, port: node.port } })),
        // Applied to every node the cluster reports, not only the seeds.
        defaults: nodeOptions({ ...shared, tls: target.nodes.some((node) => node.tls) }),
        // A MOVED/ASK chain longer than this is a cluster in trouble: answer 503 rather than loop.
        maxCommandRedirections: 16,
      });
    }
    case 'sentinel': {
      const shared = { ...sharedCredentials(target.sentinels), tls: target.sentinels.some((node) => node.tls) };
      return createSentinel({
        name: target.name,
        sentinelRootNodes: target.sentinels.map((node) => ({ host: node.host, port: node.port })),
        nodeClientOptions: nodeOptions(shared),
        sentinelClientOptions: nodeOptions(shared),
      }) as unknown as RedisSentinelType;
    }
  }
}

export function describeRedisTarget(target: RedisTarget): string {
  const list = (nodes: RedisNodeAddress[]) => nodes.map((node) => `${node.host}:${node.port}`).join(',');
  switch (target.mode) {
    case 'single':
      return redactUrl(target.url);
    case 'cluster':
      return `cluster ${list(target.nodes)}`;
    case 'sentinel':
      return `sentinel master "${target.name}" via ${list(target.sentinels)}`;
  }
}

const CLUSTER_SLOTS = 16_384;

/** True when the cluster client knows a master for each of the 16384 hash slots. */
function coversEverySlot(cluster: RedisClusterType): boolean {
  const slots = cluster.slots;
  for (let slot = 0; slot < CLUSTER_SLOTS; slot++) {
    if (slots[slot]?.master === undefined) return false;
  }
  return true;
}

/** The Redis connection (null when no Redis is configured), opened at start and closed at shutdown. */
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [redisConfig.KEY],
      useFactory: (redis: ConfigType<typeof redisConfig>) =>
        redis.target ? createRedisConnection(redis.target) : null,
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisClientModule implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Redis');
  private retry: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    @Inject(REDIS_CLIENT) private readonly client: RedisConnection | null,
    @Inject(redisConfig.KEY) private readonly redis: ConfigType<typeof redisConfig>,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.client || !this.redis.target) {
      this.logger.log('REDIS_URL unset: using the in-process store');
      return;
    }
    let lastLogged = 0;
    this.client.on('error', (error: unknown) => {
      // The client retries by itself; one line every 5 s is enough to see it.
      if (Date.now() - lastLogged > 5_000) {
        lastLogged = Date.now();
        this.logger.warn({
          msg: 'redis connection error',
          cause: error instanceof Error ? error.message : String(error),
        });
      }
    });
    const target = describeRedisTarget(this.redis.target);
    if (await this.connect()) {
      this.logger.log(`connected to ${target}`);
      return;
    }
    // Start anyway: requests that need Redis answer 503 until it is reachable.
    this.logger.error({ msg: `cannot reach ${target} yet; retrying in the background` });
    // A single client retries by itself once connect() was called; a cluster or sentinel set whose
    // first connect failed has to be asked again.
    if (this.redis.target.mode !== 'single') this.scheduleRetry(target);
  }

  private async connect(): Promise<boolean> {
    const client = this.client!;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        client.connect(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
        }),
      ]);
      if (this.redis.target?.mode === 'cluster' && !coversEverySlot(client as RedisClusterType)) {
        // Reached while the cluster was being created (CLUSTER SLOTS names only part of the slots): the
        // client would fail every command on a missing slot and never look again, so ask again later.
        this.logger.debug({ msg: 'redis cluster does not serve every slot yet' });
        (client as RedisClusterType).destroy();
        return false;
      }
      return true;
    } catch (error) {
      this.logger.debug({ msg: 'redis connect failed', cause: String(error) });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  private scheduleRetry(target: string): void {
    this.retry = setTimeout(() => {
      if (this.stopped || this.client!.isOpen) return;
      void this.connect().then((connected) => {
        if (connected) this.logger.log(`connected to ${target}`);
        else if (!this.stopped) this.scheduleRetry(target);
      });
    }, RECONNECT_INTERVAL_MS);
    this.retry.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    if (!this.client) return;
    try {
      if (this.client.isOpen) await this.client.close();
    } catch {
      await this.client.destroy();
    }
  }
}
