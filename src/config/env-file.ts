import { config } from 'dotenv';
import { existsSync } from 'node:fs';
import type { Env } from './env.parsers.js';

/** The process environment: what the service reads when nothing else is given (createApp, the CLIs). */
export function processEnv(): Env {
  return process.env;
}

/** Reads `.env` when present into the process environment (variables already set win), and returns it. */
export function loadEnvFile(path = '.env'): Env {
  if (existsSync(path)) config({ path, quiet: true, override: false });
  return processEnv();
}
