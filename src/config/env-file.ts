import { config } from 'dotenv';
import { existsSync } from 'node:fs';

/** Reads `.env` when present; variables already in the environment win. */
export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) config({ path, quiet: true, override: false });
}
