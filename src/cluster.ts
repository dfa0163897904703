import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadEnvFile } from './config/env-file.js';
import { configNamespacesFor, validateConfig } from './config/config.validation.js';
import { durationVar, intVar, present, reportProblem } from './config/env.parsers.js';
import { createRootLogger } from './common/logging/logger.js';
import { reportStartFailure } from './common/logging/start-failure.js';

/** A worker that stays up this long has "started well": its restart backoff is reset. */
const STABLE_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

interface ClusterSettings {
  workers: number;
  shutdownTimeoutMs: number;
}

/**
 * Workers share PostgreSQL and Redis; the embedded parts live inside one
 * process, so several workers on them would each see different data.
 */
function settings(env: NodeJS.ProcessEnv): ClusterSettings {
  // Redis may also be a Redis Cluster or reached through Sentinel.
  const redisSet = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'].some((name) => present(env, name));
  for (const name of ['DATABASE_URL', 'REDIS_URL']) {
    if (present(env, name) === undefined && !(name === 'REDIS_URL' && redisSet)) {
      reportProblem(
        `${name}: required by start:cluster (workers cannot share the embedded database or the in-process store)`,
      );
    }
  }
  return {
    workers: intVar(env, 'CLUSTER_WORKERS', availableParallelism(), 1, 256),
    shutdownTimeoutMs: durationVar(env, 'SHUTDOWN_TIMEOUT', '10s'),
  };
}

/**
 * `npm run start:cluster`: one worker per core (CLUSTER_WORKERS), each the
 * service exactly as main.js runs it, sharing the port through Node's cluster
 * module. The first worker starts alone (it applies pending migrations), then
 * the rest. A worker that dies is replaced, with a backoff while it keeps
 * dying. SIGTERM/SIGINT are passed to every worker, which drains its requests;
 * the primary exits 0 once all have exited 0.
 */
function runPrimary(): void {
  const env = loadEnvFile();
  let config: ClusterSettings = { workers: 1, shutdownTimeoutMs: 10_000 };
  try {
    // The workers' own variables too: one list of every problem here, not one failing worker after another.
    validateConfig([...configNamespacesFor(env), () => (config = settings(env))]);
  } catch (error) {
    reportStartFailure(error, env, 'Cluster');
    process.exit(1);
  }
  const logger = createRootLogger(present(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info').child({
    context: 'Cluster',
  });
  cluster.setupPrimary({ exec: join(dirname(fileURLToPath(import.meta.url)), 'main.js') });

  let stopping = false;
  /** Set when a worker exits non-zero while stopping, or the first worker cannot start. */
  let failed = false;
  let backoffMs = 1_000;
  const startedAt = new Map<number, number>();

  const fork = (): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork();
      startedAt.set(worker.id, Date.now());
      const onExit = (code: number | null) => reject(new Error(`worker exited with code ${code} before listening`));
      worker.once('exit', onExit);
      worker.once('listening', () => {
        worker.off('exit', onExit);
        logger.info({ msg: 'worker listening', worker: worker.id, pid: worker.process.pid });
        resolve(worker);
      });
    });

  cluster.on('exit', (worker, code, signal) => {
    const upMs = Date.now() - (startedAt.get(worker.id) ?? Date.now());
    startedAt.delete(worker.id);
    if (stopping) {
      // A worker still starting has no handler yet and ends by our SIGTERM itself: nothing was in flight.
      if (code !== 0 && signal !== 'SIGTERM') failed = true;
      logger.info({ msg: 'worker stopped', worker: worker.id, exitCode: code, signal });
      if (Object.keys(cluster.workers ?? {}).length === 0) {
        logger.info({ msg: 'all workers stopped' });
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (upMs > STABLE_AFTER_MS) backoffMs = 1_000;
    logger.error({
      msg: 'worker died; replacing it',
      worker: worker.id,
      exitCode: code,
      signal,
      upMs,
      inMs: backoffMs,
    });
    setTimeout(() => {
      if (!stopping)
        fork().catch((error: unknown) => logger.error({ msg: 'replacement failed', cause: String(error) }));
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    logger.info({ msg: 'stopping workers', signal, workers: workers.length });
    if (workers.length === 0) process.exit(failed ? 1 : 0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    // The workers time themselves out after SHUTDOWN_TIMEOUT; this is the backstop.
    setTimeout(() => {
      logger.error({ msg: 'workers did not stop in time; killing them' });
      for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownTimeoutMs + 5_000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  logger.info({ msg: 'starting workers', workers: config.workers });
  fork()
    .then(() => {
      // A later worker that fails to start is replaced like one that died.
      for (let i = 1; i < config.workers; i++) {
        fork().catch((error: unknown) => logger.error({ msg: 'worker failed to start', cause: String(error) }));
      }
    })
    .catch((error: unknown) => {
      // The first worker failing to start (bad configuration, database down) is fatal: the rest would too.
      logger.fatal({ msg: 'the first worker could not start; stopping', cause: String(error) });
      failed = true;
      stop('SIGTERM');
    });
}

if (cluster.isPrimary) runPrimary();
