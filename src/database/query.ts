import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs raw SQL and returns its rows, whatever the statement (TypeORM's plain
 * `query` returns `[rows, count]` for UPDATE/DELETE and rows otherwise).
 */
export async function queryRows<T>(
  source: DataSource | EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const manager = 'manager' in source ? source.manager : source;
  if (manager.queryRunner) {
    const result = await manager.queryRunner.query(sql, params, true);
    return result.records as T[];
  }
  const runner = manager.dataSource.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.records as T[];
  } finally {
    await runner.release();
  }
}
