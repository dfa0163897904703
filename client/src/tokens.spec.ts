import { parseStoredSession, sessionFrom, tokenLifetimeMs } from './tokens.js';

const b64url = (value: object) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const jwt = (claims: object) => `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(claims)}.signature`;

describe('tokens', () => {
  it('the lifetime is exp - iat, whatever the clocks say', () => {
    expect(tokenLifetimeMs(jwt({ sub: '1', iat: 1_000, exp: 4_600 }))).toBe(3_600_000);
    expect(tokenLifetimeMs(jwt({ sub: '1', exp: 4_600 }))).toBeNull();
    expect(tokenLifetimeMs('not-a-jwt')).toBeNull();
    expect(tokenLifetimeMs('a.%%%.c')).toBeNull();
  });

  it('expiry is reckoned on the receiving clock', () => {
    const access = jwt({ sub: '1', iat: 1_000, exp: 1_060 });
    expect(sessionFrom({ accessToken: access, refreshToken: 'r' }, 5_000_000)).toEqual({
      accessToken: access,
      refreshToken: 'r',
      accessExpiresAt: 5_060_000,
    });
  });

  it('storage that is not the client’s shape reads as signed out', () => {
    expect(parseStoredSession(null)).toBeNull();
    expect(parseStoredSession('{')).toBeNull();
    expect(parseStoredSession('null')).toBeNull();
    expect(parseStoredSession(JSON.stringify({ accessToken: 'a' }))).toBeNull();
    expect(parseStoredSession(JSON.stringify({ accessToken: 'a', refreshToken: 'r' }))).toEqual({
      accessToken: 'a',
      refreshToken: 'r',
      accessExpiresAt: null,
    });
  });
});
