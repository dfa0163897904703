import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/time/clock.js';
import { type ChannelListener, type Counter, KeyValueStore, type Listening } from '../common/store/key-value.store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * In-process store for the embedded mode. Every operation runs to completion
 * in one synchronous step, which gives the same atomicity as Redis within a
 * process. Time comes from the injected Clock so tests can expire entries.
 *
 * Its answers are handed over together at the end of the event-loop turn
 * (one setImmediate per turn), as the Redis store's batched reads and
 * counters arrive. Answered at once, every request ran to its response in
 * the turn its bytes arrived, one socket write at a time, and `/me` spent
 * half its CPU in those writes (on loopback, most likely because each one
 * also woke the waiting client; docs/DECISIONS.md, "The in-process store
 * answers at the end of the turn").
 */
@Injectable()
export class MemoryStore extends KeyValueStore implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  /** Answers computed this turn, handed over at its end in the order they were asked. */
  private answers: (() => void)[] = [];
  private readonly handOver = (): void => {
    const answers = this.answers;
    this.answers = [];
    for (const answer of answers) answer();
  };

  private readonly listeners = new Map<string, Set<ChannelListener>>();

  constructor(private readonly clock: Clock) {
    super();
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Test hook: the in-process equivalent of FLUSHDB. */
  clear(): void {
    this.entries.clear();
  }

  /** Test hook: the live keys, as SCAN lists them in Redis. */
  keys(): string[] {
    return [...this.entries.keys()].filter((key) => this.live(key) !== undefined);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** `value`, computed now, resolved at the end of the current event-loop turn. */
  private atTurnEnd<T>(value: T): Promise<T> {
    return new Promise((resolve) => {
      if (this.answers.push(() => resolve(value)) === 1) setImmediate(this.handOver);
    });
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  get(key: string): Promise<string | null> {
    return this.atTurnEnd(this.live(key)?.value ?? null);
  }

  getMany(keys: string[]): Promise<(string | null)[]> {
    return this.atTurnEnd(keys.map((key) => this.live(key)?.value ?? null));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return this.atTurnEnd<void>(undefined);
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return this.atTurnEnd(false);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return this.atTurnEnd(true);
  }

  take(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.entries.delete(key);
    return this.atTurnEnd(entry?.value ?? null);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return this.atTurnEnd<void>(undefined);
  }

  deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return this.atTurnEnd(false);
    this.entries.delete(key);
    return this.atTurnEnd(true);
  }

  increment(key: string, windowMs: number, by = 1): Promise<Counter> {
    const now = this.clock.now();
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: String(by), expiresAt: now + windowMs });
      return this.atTurnEnd({ count: by, ttlMs: windowMs });
    }
    const count = Number(entry.value) + by;
    entry.value = String(count);
    return this.atTurnEnd({ count, ttlMs: entry.expiresAt - now });
  }

  ttl(key: string): Promise<number> {
    const entry = this.live(key);
    return this.atTurnEnd(entry ? entry.expiresAt - this.clock.now() : 0);
  }

  ping(): Promise<void> {
    return this.atTurnEnd<void>(undefined);
  }

  connected(): boolean {
    return true;
  }

  /** The listeners hear of the set in the same step: nothing can read the key between the two. */
  setAndNotify(key: string, value: string, ttlMs: number, channel: string, message: string): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    this.deliver(channel, message);
    return this.atTurnEnd<void>(undefined);
  }

  notify(channel: string, message: string): Promise<void> {
    this.deliver(channel, message);
    return this.atTurnEnd<void>(undefined);
  }

  /** In process the channel is up at once and never drops. */
  listen(channel: string, listener: ChannelListener): Promise<Listening | null> {
    const listeners = this.listeners.get(channel) ?? new Set<ChannelListener>();
    listeners.add(listener);
    this.listeners.set(channel, listeners);
    setImmediate(() => listener.onUp());
    return Promise.resolve({
      close: () => {
        listeners.delete(listener);
        return Promise.resolve();
      },
    });
  }

  private deliver(channel: string, message: string): void {
    for (const listener of this.listeners.get(channel) ?? []) listener.onMessage(message);
  }
}
