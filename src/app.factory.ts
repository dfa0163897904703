import type { INestApplication, Type } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { GracefulShutdown } from './common/http/graceful-shutdown.js';
import { applyHttpPipeline } from './common/http/http-pipeline.js';
import { JsonReplyExpressAdapter } from './common/http/json-reply.adapter.js';
import { setupOpenApi } from './common/http/openapi.js';
import { chooseLogFormat, createAccessLogger, createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { appConfig } from './config/app.config.js';
import { authConfig } from './config/auth.config.js';
import { configNamespacesFor, validateConfig } from './config/config.validation.js';
import { processEnv } from './config/env-file.js';
import type { Env } from './config/env.parsers.js';

/** A class provider replaced by another instance (e.g. a test's clock); the class itself is the token. */
export type ProviderOverride<T extends object = object> =
  | { provide: abstract new (...args: never[]) => T; useValue: T }
  | { provide: abstract new (...args: never[]) => T; useClass: new () => T };

export interface CreateAppOptions {
  /** The variables the application reads. Default: the process environment. */
  env?: Env;
  /** Providers replaced wherever they are injected. */
  overrides?: readonly ProviderOverride[];
  /** Feature modules mounted after the service's own (e.g. the example of docs/EXTENDING.md). Default: none. */
  modules?: readonly Type[];
}

export interface CreatedApp {
  app: INestApplication;
  shutdown: GracefulShutdown;
}

/**
 * Builds the application exactly as it serves: used by main.ts, by the e2e
 * tests and by the benchmark, so all three exercise the same stack.
 */
export async function createApp(options: CreateAppOptions = {}): Promise<CreatedApp> {
  const env = options.env ?? processEnv();
  // Every wrong or missing variable at once, before any module starts (throws a ConfigError listing them).
  validateConfig(configNamespacesFor(env));
  const settings = appConfig.read(env);
  const rootLogger = createRootLogger(
    settings.logLevel,
    chooseLogFormat(settings.logFormat, process.stdout.isTTY === true, settings.production),
  );
  const logger = new PinoNestLogger(rootLogger);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.configuredBy(env, options.modules),
    new JsonReplyExpressAdapter(),
    {
      bodyParser: false,
      logger,
      abortOnError: false,
      ...(options.overrides?.length ? { instrument: { instanceDecorator: replacing(options.overrides) } } : {}),
    },
  );
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const shutdown = new GracefulShutdown();

  applyHttpPipeline({ app, config, shutdown, accessLogger: createAccessLogger(rootLogger) });
  app.useGlobalPipes(
    createValidationPipe({
      passwordMinLength: app.get<ConfigType<typeof authConfig>>(authConfig.KEY).passwordMinLength,
    }),
  );

  setupOpenApi(app, config.port);

  await app.init();
  return { app, shutdown };
}

/**
 * Swaps each instance Nest builds of an overridden class for its override:
 * every module that injects the class gets the one replacement.
 */
function replacing(overrides: readonly ProviderOverride[]): (instance: unknown) => unknown {
  const replacements = new Map<unknown, () => object>(
    overrides.map((override) => [
      override.provide,
      'useValue' in override ? () => override.useValue : () => new override.useClass(),
    ]),
  );
  return (instance) => {
    const replace =
      typeof instance === 'object' && instance !== null ? replacements.get(instance.constructor) : undefined;
    return replace ? replace() : instance;
  };
}
