import express from 'express';
import {
  boolVar,
  ConfigError,
  durationVar,
  intVar,
  parseDuration,
  redactUrl,
  timezoneVar,
  trustProxyVar,
  urlVar,
} from './env.parsers.js';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['7d', 604_800_000],
    ['250ms', 250],
    ['0s', 0],
    [' 10s ', 10_000],
  ])('reads %j as %i ms', (raw, ms) => {
    expect(parseDuration(raw, 'JWT_ACCESS_TTL')).toBe(ms);
  });

  it('reads a bare number as seconds', () => {
    expect(parseDuration('45', 'REFRESH_REUSE_GRACE')).toBe(45_000);
    expect(parseDuration('0', 'REFRESH_REUSE_GRACE')).toBe(0);
  });

  it.each(['', 'abc', '5 minutes', '1.5h', '-5s', '5w', 's', '1h30m', '1e3'])(
    'refuses %j with a message naming the variable',
    (raw) => {
      expect(() => parseDuration(raw, 'JWT_REFRESH_TTL')).toThrow(ConfigError);
      expect(() => parseDuration(raw, 'JWT_REFRESH_TTL')).toThrow(/^JWT_REFRESH_TTL: /);
    },
  );

  it('refuses a duration too large to count in milliseconds', () => {
    expect(() => parseDuration('99999999999999d', 'EMAIL_CODE_TTL')).toThrow(/^EMAIL_CODE_TTL: .*too large/);
  });
});

describe('durationVar', () => {
  it('uses the fallback when the variable is unset or blank', () => {
    expect(durationVar({}, 'JWT_ACCESS_TTL', '1h')).toBe(3_600_000);
    expect(durationVar({ JWT_ACCESS_TTL: '  ' }, 'JWT_ACCESS_TTL', '1h')).toBe(3_600_000);
  });

  it('reads the variable when set', () => {
    expect(durationVar({ JWT_ACCESS_TTL: '15m' }, 'JWT_ACCESS_TTL', '1h')).toBe(900_000);
  });

  it('refuses a value under the minimum, naming the variable', () => {
    expect(() => durationVar({ JWT_ACCESS_TTL: '0s' }, 'JWT_ACCESS_TTL', '1h', 1000)).toThrow(/^JWT_ACCESS_TTL: /);
    expect(durationVar({ REFRESH_REUSE_GRACE: '0' }, 'REFRESH_REUSE_GRACE', '10s', 0)).toBe(0);
  });

  it('names the variable for a bad value', () => {
    expect(() => durationVar({ EMAIL_CODE_TTL: 'soon' }, 'EMAIL_CODE_TTL', '5m')).toThrow(/^EMAIL_CODE_TTL: "soon"/);
  });
});

describe('intVar', () => {
  it('reads whole numbers in range and falls back when unset', () => {
    expect(intVar({ BCRYPT_COST: '12' }, 'BCRYPT_COST', 10, 4, 15)).toBe(12);
    expect(intVar({}, 'BCRYPT_COST', 10, 4, 15)).toBe(10);
  });

  it.each(['3', '16', '10.5', 'ten', '1e1'])('refuses %j, naming the variable', (raw) => {
    expect(() => intVar({ BCRYPT_COST: raw }, 'BCRYPT_COST', 10, 4, 15)).toThrow(/^BCRYPT_COST: /);
  });
});

describe('boolVar', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['ON', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
  ])('reads %j as %s', (raw, value) => {
    expect(boolVar({ TRUST_PROXY: raw }, 'TRUST_PROXY', false)).toBe(value);
  });

  it('refuses anything else, naming the variable', () => {
    expect(() => boolVar({ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY', false)).toThrow(/^TRUST_PROXY: /);
  });
});

describe('urlVar', () => {
  it('accepts the allowed protocols and refuses others, naming the variable', () => {
    expect(urlVar({ REDIS_URL: 'redis://127.0.0.1:6379' }, 'REDIS_URL', ['redis:', 'rediss:'])).toBe(
      'redis://127.0.0.1:6379',
    );
    expect(() => urlVar({ REDIS_URL: 'http://127.0.0.1' }, 'REDIS_URL', ['redis:'])).toThrow(/^REDIS_URL: /);
    expect(() => urlVar({ REDIS_URL: 'not a url' }, 'REDIS_URL', ['redis:'])).toThrow(/^REDIS_URL: /);
  });

  it('does not repeat a password in its message', () => {
    expect(() => urlVar({ DATABASE_URL: 'postgres://app:s3cret@db:5432/x' }, 'DATABASE_URL', ['redis:'])).toThrow(
      /^DATABASE_URL: /,
    );
    let message = '';
    try {
      urlVar({ DATABASE_URL: 'postgres://app:s3cret@ db:5432/x' }, 'DATABASE_URL', ['postgres:']);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^DATABASE_URL: /);
    expect(message).not.toContain('s3cret');
    expect(redactUrl('postgres://app:s3cret@db/x')).toBe('postgres://app:***@db/x');
  });
});

describe('timezoneVar', () => {
  it('accepts an IANA zone and refuses a made-up one, naming the variable', () => {
    expect(timezoneVar({}, 'APP_TIMEZONE', 'Asia/Seoul')).toBe('Asia/Seoul');
    expect(() => timezoneVar({ APP_TIMEZONE: 'Mars/Olympus' }, 'APP_TIMEZONE', 'Asia/Seoul')).toThrow(
      /^APP_TIMEZONE: /,
    );
  });
});

describe('trustProxyVar', () => {
  const read = (raw?: string) => trustProxyVar(raw === undefined ? {} : { TRUST_PROXY: raw }, 'TRUST_PROXY');

  it('trusts no proxy when unset, blank, 0 or false', () => {
    expect(read()).toBe(0);
    expect(read('  ')).toBe(0);
    expect(read('0')).toBe(0);
    expect(read('false')).toBe(0);
    expect(read('FALSE')).toBe(0);
  });

  it('reads a whole number as the hop count', () => {
    expect(read('1')).toBe(1);
    expect(read(' 2 ')).toBe(2);
    expect(read('10')).toBe(10);
  });

  it('reads a comma list of addresses, CIDRs and proxy-addr range names', () => {
    expect(read('127.0.0.1/8')).toEqual(['127.0.0.1/8']);
    expect(read('10.0.0.1, 192.168.0.0/16,::1,fd00::/8')).toEqual(['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8']);
    expect(read('loopback,uniquelocal,linklocal')).toEqual(['loopback', 'uniquelocal', 'linklocal']);
  });

  it.each(['0', '3', '127.0.0.1/8', '10.0.0.1, 192.168.0.0/16,::1,fd00::/8', 'loopback,uniquelocal'])(
    'hands Express a value its `trust proxy` compiles (%j)',
    (raw) => {
      expect(() => express().set('trust proxy', read(raw))).not.toThrow();
    },
  );

  it.each(['true', 'TRUE', 'True'])('refuses %j, naming the variable and why', (raw) => {
    const attempt = () => read(raw);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^TRUST_PROXY: "true" is refused: .*any client could choose its address/);
    expect(attempt).toThrow(/number of reverse proxies in front .* addresses\/CIDRs/);
  });

  it.each([
    ['yes', /"yes" is not an IP address or CIDR/],
    ['1.5', /"1.5" is not an IP address or CIDR/],
    ['-1', /"-1" is not an IP address or CIDR/],
    ['11', /11 is not the number of reverse proxies/],
    ['999999', /999999 is not the number of reverse proxies/],
    ['10.0.0.256', /"10.0.0.256" is not an IP address or CIDR/],
    ['10.0.0.0/33', /"10.0.0.0\/33" has no prefix length 0-32/],
    ['fd00::/129', /"fd00::\/129" has no prefix length 0-128/],
    ['10.0.0.0/abc', /"10.0.0.0\/abc" has no prefix length 0-32/],
    ['10.0.0.0/255.0.0.0', /has no prefix length 0-32/],
    ['0.0.0.0/0', /"0.0.0.0\/0" trusts every address/],
    ['::/0', /"::\/0" trusts every address/],
    ['10.0.0.1,', /an empty entry/],
    ['10.0.0.1,,10.0.0.2', /an empty entry/],
    ['proxy.internal', /"proxy.internal" is not an IP address or CIDR/],
    ['127.0.0.1 10.0.0.1', /"127.0.0.1 10.0.0.1" is not an IP address or CIDR/],
  ])('refuses %j with what it accepts', (raw, reason) => {
    const attempt = () => read(raw);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/^TRUST_PROXY: /);
    expect(attempt).toThrow(reason);
    expect(attempt).toThrow(/number of reverse proxies in front \(0-10\) or a comma list of their addresses\/CIDRs/);
  });
});
