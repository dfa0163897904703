import { Clock } from '../../src/common/time/clock.js';

/** The app's clock in tests (provided through createApp's overrides): moves forward without sleeping. */
export class TestClock extends Clock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  override now(): number {
    return (this.frozenAt ?? Date.now()) + this.offsetMs;
  }

  /**
   * Stops real time from passing: now() moves only by advance(). For unit specs that compare
   * remaining lifetimes to the millisecond, which a busy machine would otherwise shift.
   */
  freeze(): this {
    this.frozenAt = Date.now();
    return this;
  }

  /** Shifts this app's notion of now by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
