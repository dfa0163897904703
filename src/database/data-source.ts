import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/env-file.js';
import { databaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

/** For the TypeORM CLI (`npm run migration:run` / `migration:generate`), from the built code. */
export default new DataSource(await buildDataSourceOptions(databaseConfig.read(loadEnvFile())));
