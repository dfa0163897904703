import { hkdfSync } from 'node:crypto';

/**
 * A 32-byte key for one purpose, derived from the server secret (HKDF-SHA256),
 * so one JWT_SECRET yields independent keys for codes, email hashes and cookies.
 */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, purpose, 'auth-service', 32));
}
