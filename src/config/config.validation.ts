import type { ConfigObject } from '@nestjs/config';
import { appConfig } from './app.config.js';
import { authConfig } from './auth.config.js';
import { ConfigError, collectProblems, type Env } from './env.parsers.js';
import { databaseConfig } from './database.config.js';
import { mailConfig } from './mail.config.js';
import { oauthConfig } from './oauth.config.js';
import { redisConfig } from './redis.config.js';

/** Every namespace the service loads, each reading the process environment when called bare. */
export const configNamespaces = [appConfig, authConfig, databaseConfig, redisConfig, mailConfig, oauthConfig];

/** The namespaces reading `env`: what AppModule's ConfigModule loads, and what createApp validates. */
export function configNamespacesFor(env: Env): Array<() => ConfigObject> {
  return configNamespaces.map((namespace) => namespace.of(env));
}

/**
 * The one validation step at boot: reads every namespace (and any extra
 * reader) with the parsers recording instead of throwing, and throws one
 * ConfigError listing every problem. Runs before the logger and the modules
 * exist, so a refused start says why before anything else.
 */
export function validateConfig(readers: ReadonlyArray<() => unknown> = configNamespaces): void {
  const problems: string[] = [];
  for (const read of readers) {
    for (const problem of collectProblems(read)) if (!problems.includes(problem)) problems.push(problem);
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 configuration problem' : `${problems.length} configuration problems`;
    throw new ConfigError(`${count}: ${problems.join('; ')}`, problems);
  }
}
