import { createHmac, hkdfSync } from 'node:crypto';
import type { ConfigType } from '@nestjs/config';
import type { authConfig } from '../../config/auth.config.js';
import { EmailKeys, maskEmails } from './email-keys.js';

const keysFor = (jwtSecret: string) => new EmailKeys({ jwtSecret } as ConfigType<typeof authConfig>);
const SECRET = 'a'.repeat(32);

describe('EmailKeys', () => {
  it('is the HMAC-SHA256 of the email under the HKDF "email-key" key of JWT_SECRET, base64url', () => {
    const key = Buffer.from(hkdfSync('sha256', SECRET, 'email-key', 'auth-service', 32));
    const expected = createHmac('sha256', key).update('user@example.com').digest('base64url');
    expect(keysFor(SECRET).hash('user@example.com')).toBe(expected);
    expect(expected).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs per email and per secret, and holds nothing of the address', () => {
    const hash = keysFor(SECRET).hash('user@example.com');
    expect(keysFor(SECRET).hash('user2@example.com')).not.toBe(hash);
    expect(keysFor('b'.repeat(32)).hash('user@example.com')).not.toBe(hash);
    expect(hash).not.toMatch(/user|example|@/);
  });
});

describe('maskEmails', () => {
  it.each([
    [
      "Can't send mail - all recipients were rejected: 550 5.1.1 <user@example.com>: Recipient address rejected",
      "Can't send mail - all recipients were rejected: 550 5.1.1 <[email]>: Recipient address rejected",
    ],
    ['Key (email)=(a.b+c@sub.example.co.kr) already exists.', 'Key (email)=([email]) already exists.'],
    ['to "x@y.io", cc x2@y.io', 'to "[email]", cc [email]'],
    ['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 127.0.0.1:5432'],
  ])('%s', (text, masked) => {
    expect(maskEmails(text)).toBe(masked);
  });
});
