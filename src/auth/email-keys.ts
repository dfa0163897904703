import { createHmac, hkdfSync } from 'node:crypto';

const hmacKeys = new Map<string, Buffer>();

/**
 * The one place this feature derives a store key from an email: the prefix
 * and an HMAC-SHA256 of the normalised email under a key derived from the
 * server secret, so Redis never holds a plain email (SPEC §5).
 */
export function emailDerivedKey(prefix: string, email: string, secret: string): string {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, 'email-keys', 'auth-service', 32));
    hmacKeys.set(secret, key);
  }
  return `${prefix}:${createHmac('sha256', key).update(email).digest('base64url')}`;
}
