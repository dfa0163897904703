import type { RedisClientType, RedisClusterType } from '@redis/client';
import calculateSlot from 'cluster-key-slot';
import { createHash } from 'node:crypto';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import { type Counter, KeyValueStore } from '../common/store/key-value.store.js';
import type { RedisConnection } from './redis-client.module.js';

interface Script {
  source: string;
  sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

const DELETE_IF_EQUALS = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

/** INCR, start the window if the key has none, and report the window left: one command on every rate-limited request. */
const INCREMENT = script(`
local count = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('PTTL', KEYS[1])}`);

/**
 * The store on Redis: one endpoint, a Redis Cluster or a Sentinel-managed
 * master (the same commands on each; a cluster routes each by its key's hash
 * slot). Commands are sent with the offline queue disabled, so while Redis is
 * unreachable each call fails at once (→ 503) instead of hanging; the client
 * reconnects by itself when Redis is back.
 */
export class RedisStore extends KeyValueStore {
  /** The command surface the three modes share (a cluster routes by the first key). */
  private readonly client: RedisClientType;

  private readonly cluster?: RedisClusterType;
  private readonly commandTimeoutMs?: number;

  constructor(
    connection: RedisConnection,
    private readonly prefix: string,
    options: {
      /** Set on a Redis Cluster: multi-key reads are split by hash slot, and health pings every master. */
      cluster?: RedisClusterType;
      /**
       * Set through Sentinel: the client holds commands while it looks for a master (a failover),
       * with no end while none can be found; past this a command answers 503 like any Redis outage.
       */
      commandTimeoutMs?: number;
    } = {},
  ) {
    super();
    this.client = connection as RedisClientType;
    this.cluster = options.cluster;
    this.commandTimeoutMs = options.commandTimeoutMs;
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  /** EVALSHA, falling back to EVAL once when Redis does not know the script yet (e.g. after a restart). */
  private async evalScript(source: Script, keys: string[], args: string[]): Promise<unknown> {
    try {
      return await this.client.evalSha(source.sha, { keys, arguments: args });
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
      return this.client.eval(source.source, { keys, arguments: args });
    }
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await (this.commandTimeoutMs ? this.bounded(operation(), this.commandTimeoutMs) : operation());
    } catch (error) {
      if (error instanceof Error && /WRONGTYPE|ERR syntax|NOSCRIPT|CROSSSLOT/.test(error.message)) throw error;
      throw new DependencyUnavailableError('redis', error);
    }
  }

  private async bounded<T>(pending: Promise<T>, ms: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(this.key(key)));
  }

  /**
   * One MGET: atomic on one endpoint. On a cluster, one MGET per hash slot (in
   * parallel), so keys that must be read together atomically need one hash tag.
   */
  getMany(keys: string[]): Promise<(string | null)[]> {
    const prefixed = keys.map((key) => this.key(key));
    if (!this.cluster) return this.run(() => this.client.mGet(prefixed));
    return this.run(() => this.mGetBySlot(prefixed));
  }

  private async mGetBySlot(keys: string[]): Promise<(string | null)[]> {
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, index) => {
      const slot = calculateSlot(key);
      const indexes = bySlot.get(slot);
      if (indexes) indexes.push(index);
      else bySlot.set(slot, [index]);
    });
    const values: (string | null)[] = new Array<string | null>(keys.length).fill(null);
    await Promise.all(
      [...bySlot.values()].map(async (indexes) => {
        const replies = await this.client.mGet(indexes.map((index) => keys[index]));
        indexes.forEach((index, i) => {
          values[index] = replies[i];
        });
      }),
    );
    return values;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.run(() => this.client.set(this.key(key), value, { expiration: { type: 'PX', value: ttlMs } }));
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    const reply = await this.run(() =>
      this.client.set(this.key(key), value, { expiration: { type: 'PX', value: ttlMs }, condition: 'NX' }),
    );
    return reply === 'OK';
  }

  take(key: string): Promise<string | null> {
    return this.run(() => this.client.getDel(this.key(key)));
  }

  async delete(key: string): Promise<void> {
    await this.run(() => this.client.del(this.key(key)));
  }

  async deleteIfEquals(key: string, value: string): Promise<boolean> {
    const reply = await this.run(() => this.evalScript(DELETE_IF_EQUALS, [this.key(key)], [value]));
    return reply === 1;
  }

  async increment(key: string, windowMs: number): Promise<Counter> {
    const reply = await this.run(() => this.evalScript(INCREMENT, [this.key(key)], [String(windowMs)]));
    const [count, ttlMs] = reply as [number, number];
    return { count: Number(count), ttlMs: Math.max(0, Number(ttlMs)) };
  }

  async ttl(key: string): Promise<number> {
    const ms = await this.run(() => this.client.pTTL(this.key(key)));
    return ms > 0 ? ms : 0;
  }

  /** On a cluster every master must answer: one that does not leaves its slots unserved. */
  async ping(): Promise<void> {
    const cluster = this.cluster;
    if (!cluster) {
      await this.run(() => this.client.ping());
      return;
    }
    await this.run(async () => {
      const masters = cluster.masters;
      if (!cluster.isOpen || masters.length === 0) throw new Error('cluster not connected');
      await Promise.all(masters.map(async (master) => (await cluster.nodeClient(master)).ping()));
    });
  }
}
