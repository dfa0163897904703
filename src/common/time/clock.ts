import { Injectable } from '@nestjs/common';

/**
 * The one source of "now": every expiry is measured against it, so tests
 * move time forward by providing their own Clock instead of sleeping.
 */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }
}
