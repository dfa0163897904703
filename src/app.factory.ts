import type { INestApplication } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { GracefulShutdown } from './common/http/graceful-shutdown.js';
import { applyHttpPipeline } from './common/http/http-pipeline.js';
import { setupOpenApi } from './common/http/openapi.js';
import { chooseLogFormat, createAccessLogger, createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { appConfig } from './config/app.config.js';
import { validateConfig } from './config/config.validation.js';

export interface CreatedApp {
  app: INestApplication;
  shutdown: GracefulShutdown;
}

/**
 * Builds the application exactly as it serves: used by main.ts, by the e2e
 * tests and by the benchmark, so all three exercise the same stack.
 */
export async function createApp(): Promise<CreatedApp> {
  // Every wrong or missing variable at once, before any module starts (throws a ConfigError listing them).
  validateConfig();
  const settings = appConfig();
  const rootLogger = createRootLogger(
    settings.logLevel,
    chooseLogFormat(settings.logFormat, process.stdout.isTTY === true, settings.production),
  );
  const logger = new PinoNestLogger(rootLogger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const shutdown = new GracefulShutdown();

  applyHttpPipeline({ app, config, shutdown, accessLogger: createAccessLogger(rootLogger) });
  app.useGlobalPipes(createValidationPipe());

  setupOpenApi(app, config.port);

  await app.init();
  return { app, shutdown };
}
