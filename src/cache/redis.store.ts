import type { RedisClientType } from '@redis/client';
import { createHash } from 'node:crypto';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import { type Counter, KeyValueStore } from './key-value.store.js';

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
 * The store on Redis. Commands are sent with the offline queue disabled, so
 * while Redis is unreachable each call fails at once (→ 503) instead of
 * hanging; the client reconnects by itself when Redis is back.
 */
export class RedisStore extends KeyValueStore {
  constructor(
    private readonly client: RedisClientType,
    private readonly prefix: string,
  ) {
    super();
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
      return await operation();
    } catch (error) {
      if (error instanceof Error && /WRONGTYPE|ERR syntax|NOSCRIPT/.test(error.message)) throw error;
      throw new DependencyUnavailableError('redis', error);
    }
  }

  get(key: string): Promise<string | null> {
    return this.run(() => this.client.get(this.key(key)));
  }

  getMany(keys: string[]): Promise<(string | null)[]> {
    return this.run(() => this.client.mGet(keys.map((key) => this.key(key))));
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

  async ping(): Promise<void> {
    await this.run(() => this.client.ping());
  }
}
