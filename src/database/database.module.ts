import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { databaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

/** TypeORM on PostgreSQL; pending migrations are applied at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [databaseConfig.KEY],
      useFactory: async (database: ConfigType<typeof databaseConfig>) => ({
        ...(await buildDataSourceOptions(database)),
        // Each feature module registers its own entities with TypeOrmModule.forFeature.
        autoLoadEntities: true,
        migrationsRun: true,
        migrationsTransactionMode: 'each' as const,
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
