import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHmac, type KeyObject, randomInt, randomUUID } from 'node:crypto';
import { KeyValueStore } from '../common/store/key-value.store.js';
import { deriveKey } from '../common/security/derived-key.js';
import { EmailKeys } from '../common/security/email-keys.js';
import { authConfig } from '../config/auth.config.js';

export type CodeCheck = 'verified' | 'mismatch' | 'attempts_exceeded' | 'expired';

const attemptsKey = (codeId: string) => `email-code-attempts:${codeId}`;

/**
 * Email verification codes: six CSPRNG digits, stored only as an HMAC under a
 * key derived from the server secret (six digits alone are guessable from a
 * plain hash). Each code has its own id, so a new code starts with fresh
 * attempts. Attempts are counted atomically before any comparison, and a
 * correct code is consumed by a compare-and-delete, so it works once. Keys
 * name the email by its keyed hash only.
 */
@Injectable()
export class EmailCodeService {
  private readonly hmacKey: KeyObject;

  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    private readonly store: KeyValueStore,
    private readonly emailKeys: EmailKeys,
  ) {
    this.hmacKey = deriveKey(auth.jwtSecret, 'email-code');
  }

  generate(): string {
    return randomInt(0, 1_000_000).toString().padStart(6, '0');
  }

  /** Stores a code for the email, replacing any earlier one. */
  async save(email: string, code: string): Promise<void> {
    const record = `${randomUUID()}:${this.digest(email, code)}`;
    await this.store.set(this.codeKey(email), record, this.auth.emailCodeTtlMs);
  }

  async check(email: string, code: string): Promise<CodeCheck> {
    const record = await this.store.get(this.codeKey(email));
    if (record === null) return 'expired';
    const [codeId, digest] = record.split(':');
    const attempts = await this.store.increment(attemptsKey(codeId), this.auth.emailCodeTtlMs);
    if (attempts.count > this.auth.emailCodeMaxAttempts) return 'attempts_exceeded';
    if (digest !== this.digest(email, code)) {
      return attempts.count >= this.auth.emailCodeMaxAttempts ? 'attempts_exceeded' : 'mismatch';
    }
    // Only one of several concurrent correct attempts deletes the record.
    if (!(await this.store.deleteIfEquals(this.codeKey(email), record))) return 'expired';
    await this.store.set(this.verifiedKey(email), '1', this.auth.emailVerifiedTtlMs);
    return 'verified';
  }

  async isVerified(email: string): Promise<boolean> {
    return (await this.store.get(this.verifiedKey(email))) !== null;
  }

  /** Spends the verified-email ticket once the account exists. */
  async consumeVerification(email: string): Promise<void> {
    await this.store.delete(this.verifiedKey(email));
  }

  private codeKey(email: string): string {
    return `email-code:${this.emailKeys.hash(email)}`;
  }

  private verifiedKey(email: string): string {
    return `email-verified:${this.emailKeys.hash(email)}`;
  }

  private digest(email: string, code: string): string {
    return createHmac('sha256', this.hmacKey).update(`${email}\u0000${code}`).digest('base64url');
  }
}
