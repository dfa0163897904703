import { join } from 'node:path';
import { dataDir } from './data-dir.js';
import { durationVar, intVar, present, urlVar } from './env.parsers.js';
import { configNamespace, type Env } from './namespace.js';
import { requiredInProduction } from './production-parts.js';

/** PostgreSQL at DATABASE_URL; unset means the embedded one (PGlite), which production refuses. */
export const databaseConfig = configNamespace('database', (env: Env) => {
  const url = urlVar(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  requiredInProduction(env, 'DATABASE_URL', 'a postgres:// URL; the embedded PostgreSQL is for development');
  return {
    url,
    poolSize: intVar(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    connectTimeoutMs: durationVar(env, 'DATABASE_CONNECT_TIMEOUT', '3s'),
    /** Where the embedded database lives: PGLITE_DATA_DIR (`memory://` for a throwaway one), else under DATA_DIR. */
    embeddedDir: present(env, 'PGLITE_DATA_DIR') ?? join(dataDir(env), 'pglite'),
  };
});

export type DatabaseConfig = ReturnType<typeof databaseConfig>;
