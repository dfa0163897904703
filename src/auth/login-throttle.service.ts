import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { AppException, retryAfterSeconds } from '../common/errors/app.exception.js';
import { EmailKeys } from '../common/security/email-keys.js';
import { SecurityEvents } from '../common/security/security-events.js';
import { authConfig } from '../config/auth.config.js';

/**
 * The per-email limit on password comparisons (SPEC §2 "Login throttling"):
 * at most LOGIN_MAX_FAILURES failing comparisons per normalised email per
 * LOGIN_FAILURE_WINDOW, whether the attempts come in sequence, all at once,
 * or through several instances, and whether or not the account exists.
 *
 * A slot is taken atomically (one INCR in Redis, one synchronous step in
 * process) BEFORE the comparison, not counted after it: when the count is
 * past the limit the comparison never runs and the caller gets 429
 * LOGIN_THROTTLED with Retry-After (the rest of the window), even for the
 * right password. A matching password clears the count; a failing one keeps
 * its slot until the window ends.
 *
 * Use it around every comparison of a password a caller typed:
 *
 *   const user = await users.findLocalCredentials(email);
 *   const ok = await throttle.attempt(email, () => passwords.verify(password, user?.passwordHash));
 *
 * Password change and withdrawal guard their current-password check the same
 * way, with the account's email, so a stolen access token cannot be used to
 * guess the password. Keys carry the keyed hash of the email, never the email.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly store: KeyValueStore,
    private readonly emailKeys: EmailKeys,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Takes a slot for `email` and runs `compare` (which should do exactly one
   * password comparison). Resolves to its result: true clears the count,
   * false leaves the slot taken. Throws AppException LOGIN_THROTTLED (429,
   * Retry-After) without calling `compare` when no slot is left, and logs the
   * `login.throttled` event. If `compare` throws, the slot stays taken.
   */
  async attempt(email: string, compare: () => Promise<boolean>): Promise<boolean> {
    const key = this.key(email);
    const slot = await this.store.increment(key, this.auth.loginFailureWindowMs);
    if (slot.count > this.auth.loginMaxFailures) {
      this.events.emit('login.throttled', { email });
      throw new AppException('LOGIN_THROTTLED', { retryAfter: retryAfterSeconds(slot.ttlMs) });
    }
    const matched = await compare();
    if (matched) await this.store.delete(key);
    return matched;
  }

  /** Clears the count, e.g. after a password reset, so a locked-out owner has a way back in. */
  async reset(email: string): Promise<void> {
    await this.store.delete(this.key(email));
  }

  private key(email: string): string {
    return `login-failures:${this.emailKeys.hash(email)}`;
  }
}
