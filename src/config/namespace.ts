import { type ConfigFactoryKeyHost, type ConfigObject, registerAs } from '@nestjs/config';
import type { Env } from './env.parsers.js';

export type { Env };

/** A `registerAs` factory (ConfigModule loads it, `ConfigType<typeof x>` types it) that reads a given Env. */
export type ConfigNamespace<T extends ConfigObject> = (() => T) &
  ConfigFactoryKeyHost<T> & {
    /** Parses `env`: the one place each variable of this namespace is read. */
    read(env: Env): T;
    /** The same namespace (same KEY, so the same injection token), reading `env`. */
    of(env: Env): (() => T) & ConfigFactoryKeyHost<T>;
  };

/**
 * One namespace of configuration. Called bare it reads the process
 * environment (the TypeORM CLI, the cluster primary); the application loads
 * `of(env)` with the environment createApp was given.
 */
export function configNamespace<T extends ConfigObject>(key: string, read: (env: Env) => T): ConfigNamespace<T> {
  return Object.assign(
    registerAs(key, () => read(process.env)),
    { read, of: (env: Env) => registerAs(key, () => read(env)) },
  );
}
