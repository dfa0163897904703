import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { Clock } from '../common/time/clock.js';
import { type Counter, KeyValueStore } from '../common/store/key-value.store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * In-process store for the embedded mode. Every operation runs to completion
 * in one synchronous step, which gives the same atomicity as Redis within a
 * process. Time comes from the injected Clock so tests can expire entries.
 */
@Injectable()
export class MemoryStore extends KeyValueStore implements OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

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

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.live(key)?.value ?? null);
  }

  getMany(keys: string[]): Promise<(string | null)[]> {
    return Promise.resolve(keys.map((key) => this.live(key)?.value ?? null));
  }

  set(key: string, value: string, ttlMs: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve();
  }

  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return Promise.resolve(false);
    this.entries.set(key, { value, expiresAt: this.clock.now() + ttlMs });
    return Promise.resolve(true);
  }

  take(key: string): Promise<string | null> {
    const entry = this.live(key);
    this.entries.delete(key);
    return Promise.resolve(entry?.value ?? null);
  }

  delete(key: string): Promise<void> {
    this.entries.delete(key);
    return Promise.resolve();
  }

  deleteIfEquals(key: string, value: string): Promise<boolean> {
    if (this.live(key)?.value !== value) return Promise.resolve(false);
    this.entries.delete(key);
    return Promise.resolve(true);
  }

  increment(key: string, windowMs: number): Promise<Counter> {
    const now = this.clock.now();
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: '1', expiresAt: now + windowMs });
      return Promise.resolve({ count: 1, ttlMs: windowMs });
    }
    const count = Number(entry.value) + 1;
    entry.value = String(count);
    return Promise.resolve({ count, ttlMs: entry.expiresAt - now });
  }

  ttl(key: string): Promise<number> {
    const entry = this.live(key);
    return Promise.resolve(entry ? entry.expiresAt - this.clock.now() : 0);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }
}
