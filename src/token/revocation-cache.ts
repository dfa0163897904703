import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { randomUUID } from 'node:crypto';
import { KeyValueStore, type Listening } from '../common/store/key-value.store.js';
import { Clock } from '../common/time/clock.js';

/** The channel every instance announces its revocations on (the store prefixes it). */
export const REVOCATIONS_CHANNEL = 'revocations';
/** How often an instance sends itself a probe through the channel. */
export const PROBE_INTERVAL_MS = 1_000;
/** Without its own probe back for this long, an instance stops answering from what it knows. */
export const PROBE_STALE_MS = 3_000;
/** Sessions known not revoked, per process (~150 bytes each). */
const KNOWN_SESSIONS = 50_000;
/** Delivery delays kept for the figures (the newest). */
const DELAYS_KEPT = 1_000;

/**
 * Sessions this process has read as not revoked, kept current by the notices every instance sends
 * on a store channel when it revokes (SessionService), so a guarded request of a known session
 * needs no read from Redis.
 *
 * What keeps a revoked session from being answered as live:
 * - the revoking instance forgets the session before its revocation answers, and the notice goes
 *   out in the same atomic step as the revocation key (KeyValueStore.setAndNotify): every
 *   listening instance hears of every revocation Redis recorded;
 * - a read is remembered only when no notice and no change of the channel's state came between
 *   the moment it was asked and its answer (a generation count), so a read that raced a revocation
 *   is never kept;
 * - what is known is used only while the channel is known to work: the store's connection is up,
 *   the subscription has not dropped since, and the instance's own probe, sent through the channel
 *   every PROBE_INTERVAL_MS, came back within PROBE_STALE_MS. Otherwise everything known is dropped
 *   and every request reads Redis as before (with the warm-marker reload after Redis lost its
 *   data). A silently dead subscription is thus noticed within PROBE_STALE_MS.
 * - Through Sentinel, a change of master counts as the channel dropping (RedisStore).
 * - Where the store has no channels (a Redis Cluster) nothing is ever known.
 *
 * Notices carry the time they were sent, so the delay from a revocation to another instance's
 * knowing of it is measured (deliveryDelays).
 */
@Injectable()
export class RevocationCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RevocationCache.name);
  private readonly known = new LRUCache<string, true>({ max: KNOWN_SESSIONS });
  private readonly instance = randomUUID();
  private listening: Listening | null = null;
  private probeTimer: NodeJS.Timeout | undefined;
  /** Bumped by every notice and every change of the channel's state. */
  private generation = 0;
  /** Bumped when the channel drops: a probe sent before that proves nothing. */
  private epoch = 0;
  /** Local time the newest probe of the current epoch came back; -Infinity before. */
  private confirmedAt = Number.NEGATIVE_INFINITY;
  private readonly delays: number[] = [];

  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.listening = await this.store.listen(REVOCATIONS_CHANNEL, {
      onMessage: (message) => this.onMessage(message),
      // Subscribed (again): a probe now rather than at the next tick.
      onUp: () => this.probe(),
      onDown: () => this.onDown(),
    });
    if (!this.listening) return;
    this.probeTimer = setInterval(() => this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.probeTimer);
    this.onDown();
    await this.listening?.close();
    this.listening = null;
  }

  /** Whether the store offers the channel at all (not on a Redis Cluster). */
  get enabled(): boolean {
    return this.listening !== null;
  }

  /** Whether answers may come from what is known: see the class comment. */
  private live(): boolean {
    return this.listening !== null && this.store.connected() && this.clock.now() - this.confirmedAt < PROBE_STALE_MS;
  }

  /** True when the session is known not revoked. Ask at the end of the turn (endOfTurn), after the notices read in it. */
  knownLive(sessionId: string): boolean {
    if (!this.live()) {
      if (this.known.size > 0) this.dropKnown();
      return false;
    }
    return this.known.has(sessionId);
  }

  /** The generation to hand back to remember(): take it before the read is asked. */
  snapshot(): number {
    return this.generation;
  }

  /** Keeps a read "not revoked" of the session, when nothing came between its asking and now. */
  remember(sessionId: string, generation: number): void {
    if (generation === this.generation && this.live()) this.known.set(sessionId, true);
  }

  /** This instance revokes these sessions: forgotten at once, before the revocation answers. */
  forget(sessionIds: string[]): void {
    this.generation += 1;
    for (const id of sessionIds) this.known.delete(id);
  }

  /** The notice of a revocation of `sessionIds`, for KeyValueStore.setAndNotify. */
  notice(sessionIds: string[]): string {
    return `r ${this.clock.now()} ${sessionIds.join(',')}`;
  }

  /** Recent delays, in ms, from a notice's sending to its arrival here (newest last). */
  deliveryDelays(): number[] {
    return [...this.delays];
  }

  private onMessage(message: string): void {
    const [kind, a, b] = message.split(' ');
    if (kind === 'p') {
      // A probe: ours, and sent since the channel last dropped, proves the channel works.
      if (a === this.instance && Number(b) === this.epoch) {
        if (!this.live()) this.generation += 1;
        this.confirmedAt = this.clock.now();
      }
      return;
    }
    if (kind !== 'r' || b === undefined) return;
    this.generation += 1;
    for (const id of b.split(',')) this.known.delete(id);
    this.delays.push(this.clock.now() - Number(a));
    if (this.delays.length > DELAYS_KEPT) this.delays.shift();
  }

  private onDown(): void {
    this.epoch += 1;
    this.confirmedAt = Number.NEGATIVE_INFINITY;
    this.dropKnown();
  }

  private dropKnown(): void {
    this.generation += 1;
    this.known.clear();
  }

  private probe(): void {
    this.store.notify(REVOCATIONS_CHANNEL, `p ${this.instance} ${this.epoch}`).catch((error: unknown) => {
      this.logger.debug({ msg: 'revocation channel probe not sent', cause: String(error) });
    });
  }
}
