import { emailDerivedKey } from './email-keys.js';
import { resetLink } from './password-reset.service.js';

describe('emailDerivedKey', () => {
  const secret = 'a-server-secret-of-at-least-32-bytes!!';

  it('keys an email by its HMAC: stable, without the email, different per email and per secret', () => {
    const key = emailDerivedKey('password-reset-requests', 'user@example.com', secret);
    expect(key).toMatch(/^password-reset-requests:[A-Za-z0-9_-]{43}$/);
    expect(key).not.toContain('user');
    expect(emailDerivedKey('password-reset-requests', 'user@example.com', secret)).toBe(key);
    expect(emailDerivedKey('password-reset-requests', 'other@example.com', secret)).not.toBe(key);
    expect(emailDerivedKey('password-reset-requests', 'user@example.com', `${secret}x`)).not.toBe(key);
  });
});

describe('resetLink', () => {
  it('appends the token as a query parameter, after an existing query too', () => {
    expect(resetLink('http://localhost:3000/password-reset', 'abc-_1')).toBe(
      'http://localhost:3000/password-reset?token=abc-_1',
    );
    expect(resetLink('https://shop.example/reset?lang=ko', 'abc')).toBe('https://shop.example/reset?lang=ko&token=abc');
  });
});
