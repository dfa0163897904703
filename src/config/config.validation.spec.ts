import { validateConfig } from './config.validation.js';
import {
  boolVar,
  collectProblems,
  ConfigError,
  durationVar,
  intVar,
  oneOfVar,
  reportProblem,
  timezoneVar,
  urlVar,
} from './env.parsers.js';

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

describe('collectProblems', () => {
  it('records every parser problem, and each parser returns its default so reading goes on', () => {
    const env = {
      PORT: 'abc',
      JWT_ACCESS_TTL: 'soon',
      TRUST_PROXY: 'maybe',
      REDIS_URL: 'http://127.0.0.1',
      APP_TIMEZONE: 'Mars/Olympus',
      LOG_LEVEL: 'banana',
    };
    const read: Record<string, unknown> = {};
    const problems = collectProblems(() => {
      read.port = intVar(env, 'PORT', 8080, 0, 65535);
      read.ttl = durationVar(env, 'JWT_ACCESS_TTL', '1h', 1000);
      read.trustProxy = boolVar(env, 'TRUST_PROXY', false);
      read.redis = urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']);
      read.zone = timezoneVar(env, 'APP_TIMEZONE', 'Asia/Seoul');
      read.level = oneOfVar(env, 'LOG_LEVEL', LEVELS, 'info');
    });
    expect(problems).toEqual([
      'PORT: "abc" is not a whole number (use one from 0 to 65535)',
      'JWT_ACCESS_TTL: "soon" is not a duration (use e.g. 30s, 5m, 1h, 7d)',
      'TRUST_PROXY: "maybe" is not a boolean (true/false)',
      'REDIS_URL: protocol must be one of redis:, rediss:',
      'APP_TIMEZONE: "Mars/Olympus" is not an IANA time zone (e.g. Asia/Seoul, UTC)',
      'LOG_LEVEL: "banana" is not one of fatal, error, warn, info, debug, trace, silent',
    ]);
    expect(read).toEqual({
      port: 8080,
      ttl: 3_600_000,
      trustProxy: false,
      redis: undefined,
      zone: 'Asia/Seoul',
      level: 'info',
    });
  });

  it('returns nothing for a valid environment, and the values read', () => {
    const env = { PORT: '3000', JWT_ACCESS_TTL: '15m', LOG_LEVEL: 'DEBUG' };
    let values: unknown[] = [];
    const problems = collectProblems(() => {
      values = [
        intVar(env, 'PORT', 8080, 0, 65535),
        durationVar(env, 'JWT_ACCESS_TTL', '1h', 1000),
        oneOfVar(env, 'LOG_LEVEL', LEVELS, 'info'),
      ];
    });
    expect(problems).toEqual([]);
    expect(values).toEqual([3000, 900_000, 'debug']);
  });

  it('records a check written as reportProblem, and a ConfigError thrown by the reader itself', () => {
    expect(
      collectProblems(() => {
        reportProblem('MAIL_FROM: "x" is not an address');
        reportProblem('MAIL_FROM: "x" is not an address');
        throw new ConfigError('BODY_LIMIT: "big" is not a size');
      }),
    ).toEqual(['MAIL_FROM: "x" is not an address', 'BODY_LIMIT: "big" is not a size']);
  });

  it('lets any other error through', () => {
    expect(() =>
      collectProblems(() => {
        throw new TypeError('a bug, not a configuration problem');
      }),
    ).toThrow(TypeError);
  });

  it('outside a collection the parsers and reportProblem throw at once, as a lone call expects', () => {
    expect(() => oneOfVar({ LOG_LEVEL: 'banana' }, 'LOG_LEVEL', LEVELS, 'info')).toThrow(/^LOG_LEVEL: "banana"/);
    expect(() => reportProblem('JWT_SECRET: required')).toThrow(ConfigError);
    // A finished collection leaves nothing behind.
    collectProblems(() => intVar({ PORT: 'x' }, 'PORT', 1, 0, 9));
    expect(() => intVar({ PORT: 'x' }, 'PORT', 1, 0, 9)).toThrow(ConfigError);
  });
});

describe('validateConfig', () => {
  it('throws one ConfigError listing the problems of every reader, in order', () => {
    const env = { PORT: '-1', SHUTDOWN_TIMEOUT: 'later', LOG_LEVEL: 'loud' };
    let error: unknown;
    try {
      validateConfig([
        () => intVar(env, 'PORT', 8080, 0, 65535),
        () => {
          throw new ConfigError('JWT_SECRET: required when NODE_ENV=production');
        },
        () => [durationVar(env, 'SHUTDOWN_TIMEOUT', '10s'), oneOfVar(env, 'LOG_LEVEL', LEVELS, 'info')],
      ]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = [
      'PORT: -1 is outside 0..65535',
      'JWT_SECRET: required when NODE_ENV=production',
      'SHUTDOWN_TIMEOUT: "later" is not a duration (use e.g. 30s, 5m, 1h, 7d)',
      'LOG_LEVEL: "loud" is not one of fatal, error, warn, info, debug, trace, silent',
    ];
    expect((error as ConfigError).problems).toEqual(problems);
    expect((error as ConfigError).message).toBe(`4 configuration problems: ${problems.join('; ')}`);
  });

  it('passes when every reader is satisfied', () => {
    expect(() => validateConfig([() => intVar({ PORT: '80' }, 'PORT', 8080, 0, 65535)])).not.toThrow();
  });
});
