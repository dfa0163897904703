import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import bcrypt from 'bcrypt';
import { createHash } from 'node:crypto';
import { authConfig } from '../config/auth.config.js';

/**
 * bcrypt reads only the first 72 bytes of its input (24 Hangul characters), so
 * the NFC form of the password is first reduced to its SHA-256, base64: 44
 * bytes, no NUL, and every character of the password counts.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password.normalize('NFC'), 'utf8').digest('base64');
}

@Injectable()
export class PasswordService implements OnModuleInit {
  /** Compared against when the account does not exist, so that case costs the same bcrypt work. */
  private dummyHash = '';

  constructor(@Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>) {}

  async onModuleInit(): Promise<void> {
    this.dummyHash = await bcrypt.hash(prehash('timing-equaliser'), this.auth.bcryptCost);
  }

  hash(password: string): Promise<string> {
    return bcrypt.hash(prehash(password), this.auth.bcryptCost);
  }

  /** Always does one bcrypt comparison, whether or not there is a hash to compare with. */
  async verify(password: string, hash: string | null | undefined): Promise<boolean> {
    const matches = await bcrypt.compare(prehash(password), hash ?? this.dummyHash);
    return matches && Boolean(hash);
  }
}
