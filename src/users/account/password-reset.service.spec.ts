import { resetLink } from './password-reset.service.js';

describe('resetLink', () => {
  it('appends the token as a query parameter, after an existing query too', () => {
    expect(resetLink('http://localhost:3000/password-reset', 'abc-_1')).toBe(
      'http://localhost:3000/password-reset?token=abc-_1',
    );
    expect(resetLink('https://shop.example/reset?lang=ko', 'abc')).toBe('https://shop.example/reset?lang=ko&token=abc');
  });
});
