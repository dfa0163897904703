import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/env-file.js';
import { infraConfig } from '../config/infra.config.js';
import { buildDataSourceOptions } from './database.options.js';

/** For the TypeORM CLI (`npm run migration:run` / `migration:generate`), from the built code. */
loadEnvFile();
export default new DataSource(await buildDataSourceOptions(infraConfig()));
