import { resolve } from 'node:path';
import {
  durationVar,
  intVar,
  isProduction,
  present,
  reportProblem,
  type RedisNodeAddress,
  redisNodesVar,
  urlVar,
} from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';

/** How the service reaches Redis: one endpoint, a Redis Cluster, or a master found through Sentinel. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | { mode: 'cluster'; nodes: RedisNodeAddress[] }
  | { mode: 'sentinel'; name: string; sentinels: RedisNodeAddress[] };

export function redisTarget(env: Env): RedisTarget | null {
  const url = urlVar(env, 'REDIS_URL', ['redis:', 'rediss:']);
  const clusterNodes = redisNodesVar(env, 'REDIS_CLUSTER_NODES', 6379);
  const sentinels = redisNodesVar(env, 'REDIS_SENTINELS', 26379);
  const sentinelName = present(env, 'REDIS_SENTINEL_NAME');
  const given = [url && 'REDIS_URL', clusterNodes && 'REDIS_CLUSTER_NODES', sentinels && 'REDIS_SENTINELS'].filter(
    (name): name is string => Boolean(name),
  );
  if (given.length > 1) reportProblem(`${given.join(', ')}: set only one way to reach Redis`);
  if (sentinels && !sentinelName) reportProblem('REDIS_SENTINEL_NAME: required with REDIS_SENTINELS');
  if (sentinelName && !sentinels) reportProblem('REDIS_SENTINELS: required with REDIS_SENTINEL_NAME');
  if (url) return { mode: 'single', url };
  if (clusterNodes) return { mode: 'cluster', nodes: clusterNodes };
  if (sentinels && sentinelName) return { mode: 'sentinel', name: sentinelName, sentinels };
  return null;
}

/** The three external parts. Unset means embedded, which production refuses. */
export const infraConfig = configNamespace('infra', (env: Env) => {
  const databaseUrl = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  const redis = redisTarget(env);
  const redisUrl = redis?.mode === 'single' ? redis.url : undefined;
  const smtpUrl = urlVar(env, 'SMTP_URL', ['smtp:', 'smtps:']);
  if (isProduction(env)) {
    // Unset only: a value that is set but wrong has its own problem above.
    const embedded: Array<[string, string]> = [
      ['DATABASE_URL', 'a postgres:// URL; the embedded PostgreSQL is for development'],
      [
        'REDIS_URL',
        'a redis:// or rediss:// URL, or REDIS_CLUSTER_NODES, or REDIS_SENTINELS; the in-process store is for development',
      ],
      ['SMTP_URL', 'an smtp:// or smtps:// URL; the console mail transport is for development'],
    ];
    for (const [name, accepts] of embedded) {
      if (present(env, name) === undefined && !(name === 'REDIS_URL' && redis)) {
        reportProblem(`${name}: required when NODE_ENV=production (${accepts})`);
      }
    }
  }
  let mailFrom = present(env, 'MAIL_FROM') ?? 'no-reply@localhost';
  if (!/^[^\s@]+@[^\s@]+$/.test(mailFrom.replace(/^.*<(.+)>\s*$/, '$1'))) {
    reportProblem(
      `MAIL_FROM: "${mailFrom}" is not an address (e.g. no-reply@example.com or "Name <no-reply@example.com>")`,
    );
    mailFrom = 'no-reply@localhost';
  }
  return {
    databaseUrl,
    databasePoolSize: intVar(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databaseConnectTimeoutMs: durationVar(env, 'DATABASE_CONNECT_TIMEOUT', '3s'),
    dataDir: resolve(present(env, 'DATA_DIR') ?? '.data'),
    redisUrl,
    redis,
    redisPrefix: present(env, 'REDIS_PREFIX') ?? 'auth:',
    smtpUrl,
    mailFrom,
  };
});

export type InfraConfig = ReturnType<typeof infraConfig>;
