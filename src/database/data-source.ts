import 'reflect-metadata';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { loadEnvFile } from '../config/env-file.js';
import { databaseConfig } from '../config/database.config.js';
import { buildDataSourceOptions } from './database.options.js';

/**
 * For the TypeORM CLI (`npm run migration:run` / `migration:generate`), from the built code. The entities are
 * every `*.entity.js` the build holds, so the CLI sees what the feature modules register without this folder
 * importing them.
 */
const builtEntities = fileURLToPath(new URL('../**/*.entity.js', import.meta.url));
export default new DataSource(await buildDataSourceOptions(databaseConfig.read(loadEnvFile()), [builtEntities]));
