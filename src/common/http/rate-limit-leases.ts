import { LRUCache } from 'lru-cache';
import type { KeyValueStore } from '../store/key-value.store.js';
import type { Clock } from '../time/clock.js';
import { endOfTurn } from '../time/end-of-turn.js';

/** A request's place in its client's window: allowed, or refused with the time the window has left. */
export interface RateDecision {
  allowed: boolean;
  ttlMs: number;
}

/**
 * What this process holds of one client's current window: units it has already counted in the
 * shared counter and not used yet.
 */
interface Lease {
  units: number;
  /** Local time by which the window surely ended: the send time of the newest answer plus its TTL. */
  windowEnd: number;
  /** The newest answer showed every unit of the window counted. */
  full: boolean;
  /** The shared counter's count in the newest answer of this window; null before the first. */
  count: number | null;
  /** The size of the newest reservation, for the refill ahead. */
  size: number;
  reserving: Promise<void> | null;
  /** Requests waiting for a reservation: the next one takes at least as many units. */
  waiting: number;
}

/** The largest reservation: at most this many counted units lie unused in one process. */
export const MAX_LEASE = 256;
/** A reservation takes at most this share of what the window has left. */
export const LEASE_SHARE = 32;

/**
 * The per-client fixed window of the rate limit, counted in the shared store (Redis: every instance
 * counts in one counter) a reservation at a time instead of a request at a time.
 *
 * A reservation adds n units to the counter in one atomic step and keeps those of its units that
 * are within the limit; the process's requests then use them without a round trip. So the counter
 * never admits more than the limit across every instance, and one instance alone admits exactly
 * the limit, in arrival order. A reservation is one unit for a client's first request of a window,
 * as many as the requests waiting for it, and after that grows with the window's room: at most
 * 1/LEASE_SHARE of the units the counter has left, and MAX_LEASE. Units an instance reserved and
 * did not use are refused to the client's requests on the other instances; that is the bound on how
 * early a client spread over several instances can be refused (docs/DECISIONS.md). When half of a
 * reservation of several units is used, the next one is sent ahead, so a steady client does not
 * wait for it. With less room than 2 × LEASE_SHARE units every request is one unit counted when it
 * arrives, as before reservations: a refused request is counted too, and refused on its own answer.
 */
export class RateLimitLeases {
  private readonly leases: LRUCache<string, Lease>;

  constructor(
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
    private readonly limit: number,
    private readonly windowMs: number,
    maxClients = 50_000,
  ) {
    this.leases = new LRUCache({ max: maxClients });
  }

  /**
   * Answered at the end of the turn: by then a dropped store connection read in the same turn is
   * known, and while the store is unreachable no unit is used (the request gets the store's error,
   * 503, as every request counted on arrival did).
   */
  async take(client: string): Promise<RateDecision> {
    await endOfTurn();
    let answered = false;
    for (;;) {
      const lease = this.leaseOf(client);
      const now = this.clock.now();
      if (lease.windowEnd <= now) {
        // That window is over: its units are of no use in the next one.
        lease.units = 0;
        lease.full = false;
        lease.count = null;
      }
      if (lease.units > 0 && this.store.connected()) {
        lease.units -= 1;
        if (lease.size > 1 && lease.units < lease.size / 2 && lease.reserving === null) {
          // Ahead of need: a failure here is met again, and answered, by the request that finds no unit.
          this.reserve(client, lease).catch(() => undefined);
        }
        return { allowed: true, ttlMs: lease.windowEnd - now };
      }
      // Refused only on an answer given after it arrived, as one increment of its own would have been.
      if (answered && lease.full) return { allowed: false, ttlMs: Math.max(0, lease.windowEnd - now) };
      lease.waiting += 1;
      try {
        await (lease.reserving ?? this.reserve(client, lease));
      } finally {
        lease.waiting -= 1;
      }
      answered = true;
    }
  }

  private leaseOf(client: string): Lease {
    let lease = this.leases.get(client);
    if (!lease) {
      lease = {
        units: 0,
        windowEnd: Number.POSITIVE_INFINITY,
        full: false,
        count: null,
        size: 0,
        reserving: null,
        waiting: 0,
      };
      this.leases.set(client, lease);
    }
    return lease;
  }

  private reserve(client: string, lease: Lease): Promise<void> {
    // The first reservation of a window learns the count: one unit per waiting request.
    const room = lease.count === null ? 0 : Math.max(0, this.limit - lease.count);
    const size = Math.max(1, lease.waiting, Math.min(MAX_LEASE, Math.floor(room / LEASE_SHARE)));
    const sentAt = this.clock.now();
    const reserving = this.store.increment(`rate:${client}`, this.windowMs, size).then(
      ({ count, ttlMs }) => {
        const windowEnd = sentAt + ttlMs;
        const usable = Math.max(0, Math.min(size, this.limit - (count - size)));
        // Units of a window already over are dropped (take() does it); these are of the counter's current one.
        lease.units = lease.windowEnd <= this.clock.now() ? usable : lease.units + usable;
        lease.windowEnd = windowEnd;
        lease.count = count;
        lease.full = count >= this.limit;
        lease.size = size;
        lease.reserving = null;
      },
      (error: unknown) => {
        lease.reserving = null;
        throw error;
      },
    );
    lease.reserving = reserving;
    return reserving;
  }
}
