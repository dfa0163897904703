import type { RedisClientType, RedisClusterType, RedisSentinelType } from '@redis/client';
import calculateSlot from 'cluster-key-slot';
import { createHash } from 'node:crypto';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import { type ChannelListener, type Counter, KeyValueStore, type Listening } from '../common/store/key-value.store.js';
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

/** SET with a lifetime, and PUBLISH in the same atomic step. */
const SET_AND_PUBLISH = script(`
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], ARGV[4])
return 1`);

/** Until the first subscription succeeds (Redis away at start), how often to try it again. */
const SUBSCRIBE_RETRY_MS = 1_000;

/**
 * INCRBY, start the window if the key has none, and report the window left: one command per key per
 * turn of the event loop, however many callers counted on that key in the turn (ARGV[2]: the sum of
 * what they add).
 */
const INCREMENT = script(`
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[1], 'NX')
return {count, redis.call('PTTL', KEYS[1])}`);

interface Waiter<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

/** The callers of getMany in one turn: their keys (deduplicated) go out as one read. */
interface PendingRead {
  keys: Map<string, number>;
  callers: { indexes: number[]; waiter: Waiter<(string | null)[]> }[];
}

/** The callers of increment on one key in one turn, each with what it adds. */
interface PendingIncrement {
  key: string;
  windowMs: number;
  total: number;
  waiters: { by: number; waiter: Waiter<Counter> }[];
}

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
  /** Reads and increments asked for in the current turn of the event loop, sent together at its end. */
  private pendingRead: PendingRead | null = null;
  private readonly pendingIncrements = new Map<string, PendingIncrement>();
  private flushScheduled = false;

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
      /**
       * Channels (listen, notify): `single`, a connection of their own to the one endpoint;
       * `sentinel`, the Sentinel client's pub/sub connection, which it moves with the master. Not
       * offered on a cluster: neither the bus (PUBLISH) nor a shard channel (SSUBSCRIBE) tells the
       * client that a notice was lost (docs/DECISIONS.md, "No Redis round trip for a steady `/me`").
       */
      channels?: 'single' | 'sentinel';
    } = {},
  ) {
    super();
    this.client = connection as RedisClientType;
    this.cluster = options.cluster;
    this.commandTimeoutMs = options.commandTimeoutMs;
    this.channels = options.channels;
  }

  private readonly channels?: 'single' | 'sentinel';

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
   *
   * Every getMany of one turn of the event loop (e.g. the revocation checks of
   * the requests that arrived together) shares one MGET of their keys: each
   * caller's keys are still read in one atomic step, at a time after the call.
   */
  getMany(keys: string[]): Promise<(string | null)[]> {
    return new Promise((resolve, reject) => {
      const read: PendingRead = (this.pendingRead ??= { keys: new Map<string, number>(), callers: [] });
      const indexes = keys.map((key) => {
        const prefixed = this.key(key);
        let index = read.keys.get(prefixed);
        if (index === undefined) {
          index = read.keys.size;
          read.keys.set(prefixed, index);
        }
        return index;
      });
      read.callers.push({ indexes, waiter: { resolve, reject } });
      this.scheduleFlush();
    });
  }

  /**
   * At the end of the turn (setImmediate runs after the poll phase, so every request whose bytes
   * arrived together has been read by then), one read and one increment per key go to Redis, in
   * one write of the client.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      const read = this.pendingRead;
      this.pendingRead = null;
      if (read) void this.flushRead(read);
      for (const pending of this.pendingIncrements.values()) void this.flushIncrement(pending);
      this.pendingIncrements.clear();
    });
  }

  /**
   * Each caller is answered from the reads of its own keys only: on a cluster, a shard that fails
   * fails the callers with a key in it (503), not the others of the same turn.
   */
  private async flushRead(read: PendingRead): Promise<void> {
    const keys = [...read.keys.keys()];
    const values = new Array<string | null>(keys.length).fill(null);
    const errors = new Array<unknown>(keys.length);
    await Promise.all(
      this.readGroups(keys).map(async (indexes) => {
        try {
          const replies = await this.run(() => this.client.mGet(indexes.map((index) => keys[index])));
          indexes.forEach((index, i) => {
            values[index] = replies[i];
          });
        } catch (error) {
          for (const index of indexes) errors[index] = error;
        }
      }),
    );
    for (const { indexes, waiter } of read.callers) {
      const failed = indexes.find((index) => errors[index] !== undefined);
      if (failed === undefined) waiter.resolve(indexes.map((index) => values[index]));
      else waiter.reject(errors[failed]);
    }
  }

  /** The keys' indexes, in one group on one endpoint; on a cluster, one group per hash slot. */
  private readGroups(keys: string[]): number[][] {
    if (!this.cluster) return [keys.map((_, index) => index)];
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, index) => {
      const slot = calculateSlot(key);
      const indexes = bySlot.get(slot);
      if (indexes) indexes.push(index);
      else bySlot.set(slot, [index]);
    });
    return [...bySlot.values()];
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

  /**
   * The increments of one key in one turn of the event loop go out as one INCRBY: the callers get
   * consecutive counts, as the same increments one by one would have given them, in one atomic step.
   */
  increment(key: string, windowMs: number, by = 1): Promise<Counter> {
    return new Promise((resolve, reject) => {
      const id = `${windowMs}:${key}`;
      let pending = this.pendingIncrements.get(id);
      if (!pending) {
        pending = { key: this.key(key), windowMs, total: 0, waiters: [] };
        this.pendingIncrements.set(id, pending);
      }
      pending.total += by;
      pending.waiters.push({ by, waiter: { resolve, reject } });
      this.scheduleFlush();
    });
  }

  private async flushIncrement({ key, windowMs, total, waiters }: PendingIncrement): Promise<void> {
    try {
      const reply = await this.run(() => this.evalScript(INCREMENT, [key], [String(windowMs), String(total)]));
      const [after, ttl] = reply as [number, number];
      let count = Number(after) - total;
      const ttlMs = Math.max(0, Number(ttl));
      for (const { by, waiter } of waiters) {
        count += by;
        waiter.resolve({ count, ttlMs });
      }
    } catch (error) {
      for (const { waiter } of waiters) waiter.reject(error);
    }
  }

  async ttl(key: string): Promise<number> {
    const ms = await this.run(() => this.client.pTTL(this.key(key)));
    return ms > 0 ? ms : 0;
  }

  connected(): boolean {
    return this.cluster ? this.cluster.isOpen : this.client.isReady;
  }

  async setAndNotify(key: string, value: string, ttlMs: number, channel: string, message: string): Promise<void> {
    if (!this.channels) return this.set(key, value, ttlMs);
    await this.run(() =>
      this.evalScript(SET_AND_PUBLISH, [this.key(key)], [value, String(ttlMs), this.key(channel), message]),
    );
  }

  async notify(channel: string, message: string): Promise<void> {
    if (!this.channels) return;
    await this.run(() => this.client.publish(this.key(channel), message));
  }

  /**
   * A connection of its own (a subscribed connection takes no other commands), which reconnects by
   * itself as the store's does and subscribes again on reconnecting (the client does).
   */
  listen(channel: string, listener: ChannelListener): Promise<Listening | null> {
    if (!this.channels) return Promise.resolve(null);
    if (this.channels === 'sentinel') return Promise.resolve(this.listenThroughSentinel(channel, listener));
    const subscriber = this.client.duplicate();
    let closed = false;
    let subscribed = false;
    let retry: NodeJS.Timeout | undefined;
    subscriber.on('error', () => listener.onDown());
    subscriber.on('end', () => listener.onDown());
    // After a reconnection the client has subscribed again before it reports ready.
    subscriber.on('ready', () => {
      if (subscribed) listener.onUp();
    });
    const subscribe = (): void => {
      subscriber
        .subscribe(this.key(channel), (message) => listener.onMessage(message))
        .then(
          () => {
            subscribed = true;
            listener.onUp();
          },
          () => {
            listener.onDown();
            if (!closed) retry = setTimeout(subscribe, SUBSCRIBE_RETRY_MS).unref();
          },
        );
    };
    // connect() resolves once Redis is reachable, however long that takes (the reconnect strategy).
    subscriber.connect().then(subscribe, () => listener.onDown());
    return Promise.resolve({
      close: async () => {
        closed = true;
        clearTimeout(retry);
        try {
          if (subscriber.isOpen) await subscriber.close();
          else subscriber.destroy();
        } catch {
          // Already closed, or closing: nothing is left to release.
        }
      },
    });
  }

  /**
   * Through Sentinel: the client keeps one pub/sub connection, which it moves to the new master when
   * the sentinels promote one, and subscribes there again. Notices published around the switch may
   * reach neither connection, so a change of master is a drop (onDown): what was known is forgotten,
   * and the channel counts as working again only once a probe sent after the switch has come back
   * through it. A failing pub/sub or master connection is a drop too.
   */
  private listenThroughSentinel(channel: string, listener: ChannelListener): Listening {
    const sentinel = this.client as unknown as RedisSentinelType;
    let closed = false;
    let retry: NodeJS.Timeout | undefined;
    const onMessage = (message: string) => listener.onMessage(message);
    const onTopology = (event: { type: string }) => {
      if (event.type !== 'MASTER_CHANGE') return;
      listener.onDown();
      // A probe now rather than at the next tick; it proves the channel only once it comes back.
      listener.onUp();
    };
    const onClientError = (event: { type: string }) => {
      if (event.type === 'PUBSUBPROXY' || event.type === 'MASTER') listener.onDown();
    };
    sentinel.on('topology-change', onTopology);
    sentinel.on('client-error', onClientError);
    const subscribe = (): void => {
      sentinel.subscribe(this.key(channel), onMessage).then(
        () => listener.onUp(),
        () => {
          listener.onDown();
          if (!closed) retry = setTimeout(subscribe, SUBSCRIBE_RETRY_MS).unref();
        },
      );
    };
    subscribe();
    return {
      close: async () => {
        closed = true;
        clearTimeout(retry);
        sentinel.off('topology-change', onTopology);
        sentinel.off('client-error', onClientError);
        try {
          // Bounded: while the sentinels know no master the client holds commands with no end.
          await this.run(() => sentinel.unsubscribe(this.key(channel)));
        } catch {
          // No master, or the client is closed or closing: its own close ends the subscription.
        }
      },
    };
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
