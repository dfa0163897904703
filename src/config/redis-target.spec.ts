import { ConfigError, redisNodesVar } from './env.parsers.js';
import { redisTarget } from './redis.config.js';

describe('redisNodesVar (REDIS_CLUSTER_NODES, REDIS_SENTINELS)', () => {
  it('reads a trimmed comma list of host:port, IPv6 in brackets, a missing port as the default', () => {
    expect(
      redisNodesVar({ REDIS_CLUSTER_NODES: ' 10.0.0.1:7000 , [::1]:7001,redis-a ,' }, 'REDIS_CLUSTER_NODES', 6379),
    ).toEqual([
      { host: '10.0.0.1', port: 7000, tls: false },
      { host: '::1', port: 7001, tls: false },
      { host: 'redis-a', port: 6379, tls: false },
    ]);
    expect(redisNodesVar({}, 'REDIS_SENTINELS', 26379)).toBeUndefined();
  });

  it('reads credentials and TLS from the URL form', () => {
    expect(redisNodesVar({ REDIS_SENTINELS: 'rediss://app:p%40ss@s1:26380' }, 'REDIS_SENTINELS', 26379)).toEqual([
      { host: 's1', port: 26380, username: 'app', password: 'p@ss', tls: true },
    ]);
  });

  it.each(['http://h:1', 'redis://h:1/2', 'h:notaport', ' , ', 'redis://:pw@:1'])(
    'refuses %j with a message naming the variable and never the password',
    (raw) => {
      expect(() => redisNodesVar({ REDIS_CLUSTER_NODES: raw }, 'REDIS_CLUSTER_NODES', 6379)).toThrow(ConfigError);
      expect(() => redisNodesVar({ REDIS_CLUSTER_NODES: raw }, 'REDIS_CLUSTER_NODES', 6379)).toThrow(
        /^REDIS_CLUSTER_NODES: /,
      );
      try {
        redisNodesVar({ REDIS_CLUSTER_NODES: raw }, 'REDIS_CLUSTER_NODES', 6379);
      } catch (error) {
        expect((error as Error).message).not.toContain('pw@');
      }
    },
  );
});

describe('redisTarget', () => {
  it('is null without Redis (the in-process store)', () => {
    expect(redisTarget({})).toBeNull();
  });

  it('picks one endpoint, a cluster or a sentinel set by the variable given', () => {
    expect(redisTarget({ REDIS_URL: 'redis://r:6379' })).toEqual({ mode: 'single', url: 'redis://r:6379' });
    expect(redisTarget({ REDIS_CLUSTER_NODES: 'a:7000,b:7001' })).toEqual({
      mode: 'cluster',
      nodes: [
        { host: 'a', port: 7000, tls: false },
        { host: 'b', port: 7001, tls: false },
      ],
    });
    expect(redisTarget({ REDIS_SENTINELS: 's1,s2:26380', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual({
      mode: 'sentinel',
      name: 'mymaster',
      sentinels: [
        { host: 's1', port: 26379, tls: false },
        { host: 's2', port: 26380, tls: false },
      ],
    });
  });

  it('refuses two ways at once, and a sentinel list without its master name (or the reverse)', () => {
    expect(() => redisTarget({ REDIS_URL: 'redis://r', REDIS_CLUSTER_NODES: 'a:7000' })).toThrow(
      'REDIS_URL, REDIS_CLUSTER_NODES: set only one way to reach Redis',
    );
    expect(() => redisTarget({ REDIS_SENTINELS: 's1' })).toThrow('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS');
    expect(() => redisTarget({ REDIS_SENTINEL_NAME: 'mymaster' })).toThrow(
      'REDIS_SENTINELS: required with REDIS_SENTINEL_NAME',
    );
  });
});
