import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import { infraConfig } from '../config/infra.config.js';
import { buildDataSourceOptions } from './database.options.js';

/** TypeORM on PostgreSQL; pending migrations are applied at start. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [infraConfig.KEY],
      useFactory: async (infra: ConfigType<typeof infraConfig>) => ({
        ...(await buildDataSourceOptions(infra)),
        migrationsRun: true,
        migrationsTransactionMode: 'each' as const,
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
  ],
})
export class DatabaseModule {}
