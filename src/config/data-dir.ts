import { resolve } from 'node:path';
import { type Env, present } from './env.parsers.js';

/** DATA_DIR (default `.data`): where development keeps its JWT secret and embedded database. Read only here. */
export function dataDir(env: Env): string {
  return resolve(present(env, 'DATA_DIR') ?? '.data');
}
