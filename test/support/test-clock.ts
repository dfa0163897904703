import { Clock } from '../../src/common/time/clock.js';

/** The app's clock in tests (provided through createApp's overrides): moves forward without sleeping. */
export class TestClock extends Clock {
  private offsetMs = 0;

  override now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Shifts this app's notion of now by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
