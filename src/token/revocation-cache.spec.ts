import { TestClock } from '../../test/support/test-clock.js';
import type { ChannelListener, KeyValueStore, Listening } from '../common/store/key-value.store.js';
import { PROBE_INTERVAL_MS, PROBE_STALE_MS, RevocationCache, REVOCATIONS_CHANNEL } from './revocation-cache.js';

/**
 * The store's channel as the tests drive it: notices reach every listener when the test delivers
 * them (as Redis delivers them later than it answers), and the connection can drop.
 */
class Channel {
  up = true;
  queued: string[] = [];
  private readonly listeners: ChannelListener[] = [];

  store(options: { channels?: boolean } = {}): KeyValueStore {
    return {
      connected: () => this.up,
      notify: (channel: string, message: string) => {
        expect(channel).toBe(REVOCATIONS_CHANNEL);
        if (!this.up) return Promise.reject(new Error('down'));
        this.queued.push(message);
        return Promise.resolve();
      },
      listen: (_channel: string, listener: ChannelListener): Promise<Listening | null> => {
        if (options.channels === false) return Promise.resolve(null);
        this.listeners.push(listener);
        listener.onUp();
        return Promise.resolve({ close: () => Promise.resolve() });
      },
    } as unknown as KeyValueStore;
  }

  deliver(): void {
    const messages = this.queued;
    this.queued = [];
    for (const message of messages) for (const listener of this.listeners) listener.onMessage(message);
  }

  drop(): void {
    this.up = false;
    this.queued = [];
    for (const listener of this.listeners) listener.onDown();
  }

  /** Connected and subscribed again. */
  restore(): void {
    this.up = true;
    for (const listener of this.listeners) listener.onUp();
  }
}

describe('RevocationCache', () => {
  let clock: TestClock;
  let channel: Channel;
  let cache: RevocationCache;

  async function started(options: { channels?: boolean } = {}): Promise<RevocationCache> {
    const started = new RevocationCache(channel.store(options), clock);
    await started.onApplicationBootstrap();
    return started;
  }

  beforeEach(async () => {
    clock = new TestClock().freeze();
    channel = new Channel();
    cache = await started();
  });
  afterEach(async () => {
    await cache.onApplicationShutdown();
  });

  it('knows nothing until its own probe has come back through the channel', () => {
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(false);
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(true);
    expect(cache.knownLive('s2')).toBe(false);
  });

  it('does not keep a read that a notice came in the middle of', () => {
    channel.deliver();
    const generation = cache.snapshot();
    channel.queued.push(cache.notice(['other']));
    channel.deliver();
    cache.remember('s1', generation);
    expect(cache.knownLive('s1')).toBe(false);
  });

  it("forgets a session when another instance's notice of its revocation arrives, and measures the delay", async () => {
    const other = await started();
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    cache.remember('s2', cache.snapshot());
    const notice = other.notice(['s1']);
    clock.advance(3);
    channel.queued.push(notice);
    channel.deliver();
    expect(cache.knownLive('s1')).toBe(false);
    expect(cache.knownLive('s2')).toBe(true);
    expect(cache.deliveryDelays()).toEqual([3]);
    await other.onApplicationShutdown();
  });

  it('forgets at once what this instance revokes, and a read taken before does not bring it back', () => {
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    const before = cache.snapshot();
    cache.forget(['s1']);
    cache.remember('s1', before);
    expect(cache.knownLive('s1')).toBe(false);
  });

  it('drops everything when the channel drops, and knows again only after a probe sent since then came back', () => {
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    channel.drop();
    expect(cache.knownLive('s1')).toBe(false);
    channel.up = true;
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(false);
    // Subscribed again: its probe, sent then, comes back.
    channel.restore();
    channel.deliver();
    expect(cache.knownLive('s1')).toBe(false);
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(true);
  });

  it('ignores a probe sent before the drop that arrives after it', () => {
    // The start's probe is still on its way when the channel drops and comes back.
    const inFlight = channel.queued.splice(0);
    channel.drop();
    channel.up = true;
    channel.queued.push(...inFlight);
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(false);
    // Its probe of the new subscription is what counts.
    channel.restore();
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    expect(cache.knownLive('s1')).toBe(true);
  });

  it('stops answering from what it knows when its probes stop coming back', () => {
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    clock.advance(PROBE_STALE_MS - 1);
    expect(cache.knownLive('s1')).toBe(true);
    clock.advance(1);
    expect(cache.knownLive('s1')).toBe(false);
    // Dropped, not only hidden: a probe coming back later does not revive it.
    clock.advance(PROBE_INTERVAL_MS);
    channel.restore();
    channel.deliver();
    expect(cache.knownLive('s1')).toBe(false);
  });

  it("stops answering from what it knows while the store's connection is down", () => {
    channel.deliver();
    cache.remember('s1', cache.snapshot());
    channel.up = false;
    expect(cache.knownLive('s1')).toBe(false);
    channel.up = true;
    expect(cache.knownLive('s1')).toBe(false);
  });

  it('never knows anything where the store has no channels', async () => {
    const without = await started({ channels: false });
    expect(without.enabled).toBe(false);
    channel.deliver();
    without.remember('s1', without.snapshot());
    expect(without.knownLive('s1')).toBe(false);
  });
});
