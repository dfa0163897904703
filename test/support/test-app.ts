import type { INestApplication, Type } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { RedisClientType, RedisClusterType } from '@redis/client';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import { KeyValueStore } from '../../src/common/store/key-value.store.js';
import { MemoryStore } from '../../src/cache/memory.store.js';
import { REDIS_CLIENT, type RedisConnection } from '../../src/cache/redis-client.module.js';
import { Clock } from '../../src/common/time/clock.js';
import { TestClock } from './test-clock.js';
import { type OpenApiDocument, type OpenApiResponseValidator, validatorFor } from './openapi-validator.js';
import { dropRedisPrefix } from './redis-prefix.js';
import { SmtpSink } from './smtp-sink.js';

/**
 * Real services for `npm run test:e2e` (E2E_USE_REAL_SERVICES=1 with
 * DATABASE_URL / REDIS_URL); embedded ones for `npm test`.
 */
export const useRealServices = process.env.E2E_USE_REAL_SERVICES === '1';
const realDatabaseUrl = useRealServices ? process.env.DATABASE_URL : undefined;
const realRedisUrl = useRealServices ? process.env.REDIS_URL : undefined;

export interface TestApp {
  app: INestApplication;
  /** supertest on the app; every response is checked against the app's OpenAPI document (see `validateResponses`). */
  http: ReturnType<typeof request>;
  /** The app's clock: `t.clock.advance(ms)` lets time pass for everything that expires. */
  clock: TestClock;
  store: KeyValueStore;
  db: DataSource;
  mail: SmtpSink;
  env: Record<string, string>;
  /** The app's own Redis connection (one endpoint, cluster or sentinel), or null on the in-process store. */
  redis: RedisConnection | null;
  /** Empties the store, as a Redis restart without persistence would. */
  flushStore(): Promise<void>;
  /**
   * Every live key of this app in the store, without REDIS_PREFIX (SCAN in Redis; the in-process map
   * otherwise), sorted: SCAN's order changes whenever Redis rehashes its table, e.g. after another suite's
   * keys were removed.
   */
  storeKeys(): Promise<string[]>;
  close(): Promise<void>;
}

const suffix = () => randomBytes(6).toString('hex');

async function createDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `auth_test_${suffix()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const target = new URL(url);
  target.pathname = `/${name}`;
  return {
    url: target.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export interface StartTestAppOptions {
  /**
   * Another instance of the service on the same data: this app uses `join`'s
   * DATABASE_URL, REDIS_URL, REDIS_PREFIX and JWT_SECRET (real parts only; the
   * embedded database belongs to one process). Its close() leaves the database
   * to `join`'s.
   */
  join?: TestApp;
  /**
   * Rewrites the URLs the app connects to, after the test database exists
   * (e.g. through a TcpProxy). `t.env` holds the rewritten ones.
   */
  via?: { database?: (url: string) => string; redis?: (url: string) => string };
  /**
   * Check every response of `t.http` against the app's OpenAPI document
   * (default). Only a test that deliberately sends raw garbage turns it off.
   */
  validateResponses?: boolean;
  /** Feature modules mounted after the service's own (createApp's `modules`), e.g. test/example's. */
  modules?: readonly Type[];
}

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);

/** `agent` whose every request checks its response against the document: an undocumented status or shape fails the test. */
function validating(
  agent: ReturnType<typeof request>,
  validator: OpenApiResponseValidator,
): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !VERBS.has(property) || typeof value !== 'function') return value;
      return (url: string, ...rest: unknown[]) => {
        const test = (value as (url: string, ...rest: unknown[]) => request.Test).call(target, url, ...rest);
        return test.expect((res: request.Response) => validator.check(property, url, res));
      };
    },
  });
}

const JOINED_ENV = [
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_PREFIX',
  'JWT_SECRET',
];
/** Ways to reach Redis: an app given one in `overrides` does not also get the suite's REDIS_URL. */
const REDIS_TARGET_ENV = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME'];

/**
 * Boots the real application (the same factory main.ts uses) on a fresh
 * database, with a loopback SMTP server receiving its mail.
 */
export async function startTestApp(
  overrides: Record<string, string> = {},
  options: StartTestAppOptions = {},
): Promise<TestApp> {
  if (options.join && !options.join.env.DATABASE_URL) {
    throw new Error('startTestApp({ join }) needs real PostgreSQL and Redis (E2E_USE_REAL_SERVICES=1)');
  }
  const mail = await new SmtpSink().start();
  const database = realDatabaseUrl && !options.join ? await createDatabase(realDatabaseUrl) : undefined;
  const joined = options.join
    ? Object.fromEntries(JOINED_ENV.filter((key) => options.join!.env[key]).map((key) => [key, options.join!.env[key]]))
    : {};
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: randomBytes(32).toString('base64url'),
    SMTP_URL: mail.url,
    RATE_LIMIT_MAX: '1000000',
    BCRYPT_COST: '4',
    ...(database ? { DATABASE_URL: database.url } : { PGLITE_DATA_DIR: 'memory://' }),
    ...(realRedisUrl ? { REDIS_URL: realRedisUrl, REDIS_PREFIX: `test:${suffix()}:` } : {}),
    ...joined,
    ...overrides,
  };
  const chosen: Record<string, string | undefined> = { ...joined, ...overrides };
  if (chosen.REDIS_CLUSTER_NODES || chosen.REDIS_SENTINELS) {
    env.REDIS_PREFIX ??= `test:${suffix()}:`;
    for (const key of REDIS_TARGET_ENV) if (!chosen[key]) delete env[key];
  }
  // The machine's Redis under a prefix made here: its keys go when the app closes, as its database does.
  const ownRedisPrefix =
    realRedisUrl && !options.join && !REDIS_TARGET_ENV.some((key) => chosen[key]) && !chosen.REDIS_PREFIX
      ? { url: realRedisUrl, prefix: env.REDIS_PREFIX }
      : undefined;
  if (options.via?.database && env.DATABASE_URL) env.DATABASE_URL = options.via.database(env.DATABASE_URL);
  if (options.via?.redis && env.REDIS_URL) env.REDIS_URL = options.via.redis(env.REDIS_URL);
  const clock = new TestClock();
  let app: INestApplication;
  try {
    // `env` is all the app reads: nothing of this process's environment leaks into it.
    ({ app } = await createApp({ env, overrides: [{ provide: Clock, useValue: clock }], modules: options.modules }));
  } catch (error) {
    // A start refused (e.g. by its configuration) leaves no SMTP server or database behind.
    await mail.stop();
    await database?.drop();
    if (ownRedisPrefix) await dropRedisPrefix(ownRedisPrefix.url, ownRedisPrefix.prefix);
    throw error;
  }
  await app.listen(0, '127.0.0.1');
  const store = app.get(KeyValueStore);
  const redis = app.get<RedisConnection | null>(REDIS_CLIENT);
  let http = request(app.getHttpServer());
  if (options.validateResponses !== false) {
    const docs = await http.get('/api/docs-json');
    if (docs.status !== 200) throw new Error(`/api/docs-json answered ${docs.status}`);
    http = validating(http, validatorFor(docs.body as OpenApiDocument));
  }
  return {
    app,
    http,
    clock,
    store,
    db: app.get<DataSource>(getDataSourceToken()),
    mail,
    env,
    redis,
    flushStore: async () => {
      if (store instanceof MemoryStore) {
        store.clear();
        return;
      }
      if (!redis) return;
      const cluster = Boolean(env.REDIS_CLUSTER_NODES);
      for await (const { node, keys } of prefixedKeys(redis, cluster, env.REDIS_PREFIX)) {
        // On a cluster a multi-key DEL would span slots: one key at a time.
        if (cluster) for (const key of keys) await node.del(key);
        else await node.del(keys);
      }
    },
    storeKeys: async () => {
      if (store instanceof MemoryStore) return store.keys().sort();
      const found: string[] = [];
      if (!redis) return found;
      for await (const { keys } of prefixedKeys(redis, Boolean(env.REDIS_CLUSTER_NODES), env.REDIS_PREFIX)) {
        found.push(...keys.map((key) => key.slice(env.REDIS_PREFIX.length)));
      }
      return found.sort();
    },
    close: async () => {
      await app.close();
      await mail.stop();
      await database?.drop();
      if (ownRedisPrefix) await dropRedisPrefix(ownRedisPrefix.url, ownRedisPrefix.prefix);
    },
  };
}

/**
 * The keys under `prefix`, batch by batch, with the connection holding them: the one
 * endpoint (or the master behind Sentinel), or each master of a cluster in turn.
 */
async function* prefixedKeys(
  redis: RedisConnection,
  cluster: boolean,
  prefix: string,
): AsyncGenerator<{ node: RedisClientType; keys: string[] }> {
  const nodes = cluster
    ? await Promise.all(
        (redis as RedisClusterType).masters.map((master) => (redis as RedisClusterType).nodeClient(master)),
      )
    : [redis as RedisClientType];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const reply = await node.scan(cursor, { MATCH: `${prefix}*`, COUNT: 500 });
      cursor = reply.cursor;
      if (reply.keys.length > 0) yield { node, keys: reply.keys };
    } while (cursor !== '0');
  }
}
