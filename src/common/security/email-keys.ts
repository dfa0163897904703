import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHmac, type KeyObject } from 'node:crypto';
import { authConfig } from '../../config/auth.config.js';
import { deriveKey } from './derived-key.js';

/**
 * The keyed hash of a normalised email (HMAC-SHA256 under a key derived from
 * JWT_SECRET, base64url). Every Redis key and log record that concerns an
 * email uses it instead of the address: a dump of Redis or of the logs names
 * nobody, and without the secret the hash cannot be recomputed from a list
 * of addresses.
 */
@Injectable()
export class EmailKeys {
  private readonly key: KeyObject;

  constructor(@Inject(authConfig.KEY) auth: ConfigType<typeof authConfig>) {
    this.key = deriveKey(auth.jwtSecret, 'email-key');
  }

  /** `email` as the DTOs give it: trimmed and lower-cased. */
  hash(email: string): string {
    return createHmac('sha256', this.key).update(email).digest('base64url');
  }
}

const ADDRESS = /[^\s<>()[\]"',;:@]+@[^\s<>()[\]"',;:@]+\.[^\s<>()[\]"',;:@]+/g;

/**
 * Replaces anything shaped like an email address with `[email]`, for text
 * from elsewhere that goes to the log (an SMTP server's answer quotes the
 * recipient; a driver error may quote a value).
 */
export function maskEmails(text: string): string {
  return text.replace(ADDRESS, '[email]');
}
