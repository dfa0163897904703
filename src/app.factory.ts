import type { INestApplication } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module.js';
import { RevocationPrefetchMiddleware } from './auth/guards/revocation-prefetch.middleware.js';
import { accessLogMiddleware } from './common/http/access-log.middleware.js';
import { jsonBodyParsing } from './common/http/body-parsing.js';
import { GracefulShutdown } from './common/http/graceful-shutdown.js';
import { setupOpenApi } from './common/http/openapi.js';
import { RateLimitMiddleware } from './common/http/rate-limit.middleware.js';
import { securityHeaders } from './common/http/security-headers.js';
import { traceMiddleware } from './common/http/trace.middleware.js';
import { createAccessLogger, createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { createValidationPipe } from './common/validation/validation.pipe.js';
import { appConfig } from './config/app.config.js';
import { SessionService } from './token/session.service.js';

export interface CreatedApp {
  app: INestApplication;
  shutdown: GracefulShutdown;
}

/**
 * Builds the application exactly as it serves: used by main.ts, by the e2e
 * tests and by the benchmark, so all three exercise the same stack.
 */
export async function createApp(): Promise<CreatedApp> {
  const rootLogger = createRootLogger(process.env.LOG_LEVEL ?? 'info');
  const logger = new PinoNestLogger(rootLogger);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bodyParser: false,
    logger,
    abortOnError: false,
  });
  const config = app.get<ConfigType<typeof appConfig>>(appConfig.KEY);
  const shutdown = new GracefulShutdown();

  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Every answer is per caller and not cacheable: hashing each body for an ETag buys nothing.
  app.set('etag', false);
  app.use(traceMiddleware);
  // Before anything that can refuse a request, so errors, 429s and redirects carry them too.
  app.use(securityHeaders('/api/docs'));
  // Before anything that can refuse a request, so browsers can read every error.
  app.enableCors({
    origin: config.corsOrigins,
    credentials: true,
    exposedHeaders: ['Authorization', 'Refresh-Token', 'X-Trace-Id', 'Retry-After'],
  });
  app.use(shutdown.middleware);
  app.use(accessLogMiddleware(createAccessLogger(rootLogger)));
  // Before the limiter, so its revocation lookup and the limiter's counter leave in one Redis write.
  const prefetch = app.get(RevocationPrefetchMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => prefetch.use(req, res, next));
  const limiter = app.get(RateLimitMiddleware);
  app.use(
    '/api/auth',
    (
      req: Parameters<RateLimitMiddleware['use']>[0],
      res: Parameters<RateLimitMiddleware['use']>[1],
      next: Parameters<RateLimitMiddleware['use']>[2],
    ) => limiter.use(req, res, next),
  );
  app.use(...jsonBodyParsing(config.bodyLimit));
  app.useGlobalPipes(createValidationPipe());

  setupOpenApi(app, config.port);

  await app.init();
  try {
    await app.get(SessionService).ensureWarm();
  } catch (error) {
    // The store or database is down: the first guarded request will reload instead.
    new Logger('Bootstrap').warn({ msg: 'revocations not reloaded at start', cause: String(error) });
  }
  return { app, shutdown };
}
