import { present, reportProblem, type RedisNodeAddress, redisNodesVar, urlVar } from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';
import { requiredInProduction } from './production-parts.js';

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

/** Redis (one of three ways to reach it); unset means the in-process store, which production refuses. */
export const redisConfig = configNamespace('redis', (env: Env) => {
  const target = redisTarget(env);
  requiredInProduction(
    env,
    'REDIS_URL',
    'a redis:// or rediss:// URL, or REDIS_CLUSTER_NODES, or REDIS_SENTINELS; the in-process store is for development',
    target !== null,
  );
  return {
    target,
    prefix: present(env, 'REDIS_PREFIX') ?? 'auth:',
  };
});

export type RedisConfig = ReturnType<typeof redisConfig>;
