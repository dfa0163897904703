import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { KeyValueStore } from '../cache/key-value.store.js';
import { AppException, retryAfterSeconds } from '../common/errors/app.exception.js';
import { authConfig } from '../config/auth.config.js';

const failuresKey = (email: string) => `login-failures:${email}`;

/**
 * Failed logins per normalised email, whether or not the account exists:
 * LOGIN_MAX_FAILURES within LOGIN_FAILURE_WINDOW → 429 until the window ends.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly store: KeyValueStore,
  ) {}

  async assertAllowed(email: string): Promise<void> {
    const key = failuresKey(email);
    const count = Number((await this.store.get(key)) ?? 0);
    if (count >= this.auth.loginMaxFailures) {
      throw new AppException('LOGIN_THROTTLED', { retryAfter: retryAfterSeconds(await this.store.ttl(key)) });
    }
  }

  async recordFailure(email: string): Promise<void> {
    await this.store.increment(failuresKey(email), this.auth.loginFailureWindowMs);
  }

  async reset(email: string): Promise<void> {
    await this.store.delete(failuresKey(email));
  }
}
