import type { RedisClusterType } from '@redis/client';
import calculateSlot from 'cluster-key-slot';
import { DependencyUnavailableError } from '../common/errors/app.exception.js';
import type { RedisConnection } from './redis-client.module.js';
import { RedisStore } from './redis.store.js';

/** A Redis client that answers from a map and records the commands it was sent. */
function fakeClient(options: { failSlot?: number } = {}) {
  const data = new Map<string, number | string>();
  const sent: { command: string; keys: string[]; args?: string[] }[] = [];
  const client = {
    mGet: (keys: string[]) => {
      sent.push({ command: 'MGET', keys });
      if (options.failSlot !== undefined && keys.some((key) => calculateSlot(key) === options.failSlot)) {
        return Promise.reject(new Error('connection lost'));
      }
      return Promise.resolve(keys.map((key) => (data.has(key) ? String(data.get(key)) : null)));
    },
    evalSha: (_sha: string, { keys, arguments: args }: { keys: string[]; arguments: string[] }) => {
      sent.push({ command: 'EVALSHA', keys, args });
      const count = Number(data.get(keys[0]) ?? 0) + Number(args[1]);
      data.set(keys[0], count);
      return Promise.resolve([count, Number(args[0])]);
    },
  };
  return { data, sent, connection: client as unknown as RedisConnection };
}

describe('RedisStore', () => {
  it('counts the increments of one turn with one INCRBY, each caller getting its own consecutive count', async () => {
    const { sent, connection } = fakeClient();
    const store = new RedisStore(connection, 'p:');
    const counters = await Promise.all([
      store.increment('rate:1', 60_000),
      store.increment('rate:1', 60_000),
      store.increment('rate:2', 60_000),
      store.increment('rate:1', 60_000),
    ]);
    expect(counters.map((counter) => counter.count)).toEqual([1, 2, 1, 3]);
    expect(sent).toEqual([
      { command: 'EVALSHA', keys: ['p:rate:1'], args: ['60000', '3'] },
      { command: 'EVALSHA', keys: ['p:rate:2'], args: ['60000', '1'] },
    ]);
    // The next turn goes on from there.
    expect((await store.increment('rate:1', 60_000)).count).toBe(4);
  });

  it('adds what each caller of a turn asked for in one INCRBY, each answered the count after its own units', async () => {
    const { data, sent, connection } = fakeClient();
    const store = new RedisStore(connection, 'p:');
    const counters = await Promise.all([
      store.increment('rate:1', 60_000, 10),
      store.increment('rate:1', 60_000),
      store.increment('rate:1', 60_000, 4),
    ]);
    expect(counters.map((counter) => counter.count)).toEqual([10, 11, 15]);
    expect(sent).toEqual([{ command: 'EVALSHA', keys: ['p:rate:1'], args: ['60000', '15'] }]);
    expect(data.get('p:rate:1')).toBe(15);
  });

  it('reads the keys of one turn with one MGET, each caller getting its own keys in its order', async () => {
    const { data, sent, connection } = fakeClient();
    data.set('p:a', 'A');
    data.set('p:c', 'C');
    const store = new RedisStore(connection, 'p:');
    const [first, second] = await Promise.all([store.getMany(['a', 'b']), store.getMany(['c', 'a'])]);
    expect(first).toEqual(['A', null]);
    expect(second).toEqual(['C', 'A']);
    expect(sent).toEqual([{ command: 'MGET', keys: ['p:a', 'p:b', 'p:c'] }]);
  });

  it('on a cluster, fails only the callers with a key on a failing slot', async () => {
    const failing = 'revoked:{rv1}:x';
    const { data, connection } = fakeClient({ failSlot: calculateSlot(`p:${failing}`) });
    data.set('p:revoked:{rv2}:y', 'logout');
    const store = new RedisStore(connection, 'p:', { cluster: {} as RedisClusterType });
    const [failed, answered] = await Promise.allSettled([
      store.getMany([failing]),
      store.getMany(['revoked:{rv2}:y', 'revoked:{rv2}:z']),
    ]);
    expect(failed.status === 'rejected' && failed.reason instanceof DependencyUnavailableError).toBe(true);
    expect(answered).toEqual({ status: 'fulfilled', value: ['logout', null] });
  });
});
