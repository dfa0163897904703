import { mkdirSync } from 'node:fs';
import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import type { DatabaseConfig } from '../config/database.config.js';
import { pgliteOptions } from './pglite.options.js';
import { pgliteDriver } from './pglite.pool.js';
import { TypeOrmLogger } from './typeorm.logger.js';

/** Statements that wait longer than this on a lock or a busy server fail instead of piling up. */
const STATEMENT_TIMEOUT_MS = 5_000;

/**
 * PostgreSQL at DATABASE_URL, or embedded PostgreSQL (PGlite) when unset.
 * Schema changes come only from migrations; `synchronize` stays off.
 * `entities`: none for the app, whose feature modules register theirs
 * (`TypeOrmModule.forFeature`, loaded by `autoLoadEntities`); the TypeORM CLI
 * passes the built entity files.
 */
export async function buildDataSourceOptions(
  database: DatabaseConfig,
  entities: NonNullable<DataSourceOptions['entities']> = [],
): Promise<DataSourceOptions> {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logger: new TypeOrmLogger(),
    maxQueryExecutionTime: 1_000,
  };
  if (database.url) {
    return {
      ...common,
      url: database.url,
      poolSize: database.poolSize,
      connectTimeoutMS: database.connectTimeoutMs,
      extra: {
        statement_timeout: STATEMENT_TIMEOUT_MS,
        idleTimeoutMillis: 30_000,
      },
    };
  }
  const dataDir = database.embeddedDir;
  // Owner only (0700), like the directory of the development JWT secret.
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Loaded only here: a service on real PostgreSQL never pays for it (~8 MB of resident memory).
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = await PGlite.create(dataDir, pgliteOptions(dataDir, PGlite.defaultStartParams));
  return {
    ...common,
    driver: pgliteDriver,
    extra: { pglite },
  };
}
