import { Injectable } from '@nestjs/common';

/**
 * The one source of "now". Tests move it forward instead of sleeping
 * (`clock.advance(ms)`); production reads the system time.
 */
@Injectable()
export class Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Test hook: shifts this process's notion of now. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
