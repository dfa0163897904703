/** A subscription to a channel of notices (KeyValueStore.listen), closed at shutdown. */
export interface Listening {
  close(): Promise<void>;
}

/** What a listener of a channel is told. */
export interface ChannelListener {
  onMessage(message: string): void;
  /** The subscription is in place: at first, and again after each reconnection. */
  onUp(): void;
  /** The subscription's connection dropped: notices sent meanwhile are lost. */
  onDown(): void;
}

export interface Counter {
  count: number;
  /** Milliseconds until the counter's window ends. */
  ttlMs: number;
}

/**
 * The atomic operations the service needs from Redis. Each is a single atomic
 * step in both implementations (Redis commands or one Lua script; one
 * synchronous step in process), so callers can build races on them safely.
 * Every key is prefixed by the implementation. Failures to reach the store
 * surface as DependencyUnavailableError.
 */
export abstract class KeyValueStore {
  abstract get(key: string): Promise<string | null>;
  abstract getMany(keys: string[]): Promise<(string | null)[]>;
  abstract set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Sets a key only when absent; true when this call set it. */
  abstract setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step: of concurrent takers only one gets the value. */
  abstract take(key: string): Promise<string | null>;
  abstract delete(key: string): Promise<void>;
  /** Deletes the key only when it still holds `value`; true when this call deleted it. */
  abstract deleteIfEquals(key: string, value: string): Promise<boolean>;
  /**
   * Adds `by` (default 1) to a counter; a new counter lives for `windowMs`. The count answered is
   * the counter after this call's addition: its units are `count - by + 1` to `count`.
   */
  abstract increment(key: string, windowMs: number, by?: number): Promise<Counter>;
  /** Milliseconds the key still lives, or 0 when it is absent. */
  abstract ttl(key: string): Promise<number>;
  abstract ping(): Promise<void>;

  /** False while the store is known to be unreachable (its connection is down); true otherwise. */
  abstract connected(): boolean;
  /**
   * Sets a key and sends `message` on `channel` in one atomic step: whoever listens hears of every
   * set that took effect. Where the store has no channels (see listen), only sets the key.
   */
  abstract setAndNotify(key: string, value: string, ttlMs: number, channel: string, message: string): Promise<void>;
  /** Sends `message` to every listener of `channel`, in this process and every other one. */
  abstract notify(channel: string, message: string): Promise<void>;
  /**
   * Listens to `channel`; the store subscribes again by itself after a reconnection. Null where the
   * store offers no channels (a Redis Cluster, here).
   */
  abstract listen(channel: string, listener: ChannelListener): Promise<Listening | null>;
}
