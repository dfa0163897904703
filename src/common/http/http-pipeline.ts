import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { appConfig } from '../../config/app.config.js';
import { accessLogMiddleware } from './access-log.middleware.js';
import { jsonBodyParsing } from './body-parsing.js';
import type { GracefulShutdown } from './graceful-shutdown.js';
import { RATE_LIMITED_PATHS, RateLimitMiddleware } from './rate-limit.middleware.js';
import { securityHeaders } from './security-headers.js';
import { traceMiddleware } from './trace.middleware.js';

/**
 * Starts the revocation lookup of a request's access token on arrival. The
 * feature that owns sessions provides it under this token, so the pipeline
 * names its place without importing the feature.
 */
export interface RequestPrefetch {
  use(req: Request, res: Response, next: NextFunction): void;
}
export const REVOCATION_PREFETCH = Symbol('REVOCATION_PREFETCH');

export interface HttpPipelineContext {
  app: NestExpressApplication;
  config: ConfigType<typeof appConfig>;
  shutdown: GracefulShutdown;
  accessLogger: Logger;
}

/** One stage of the pipeline: what it is for, and how it mounts itself on the app. */
export interface HttpStage {
  name: string;
  mount(context: HttpPipelineContext): void;
}

/** Methods Nest's `forRoutes({ method: GET })` matched on the Spring-style paths: express answers HEAD with GET routes. */
const READS = new Set(['GET', 'HEAD']);

/**
 * Every request passes these stages in this order, before any route. The
 * order is the contract: each comment says why a stage stands where it does.
 */
export const HTTP_PIPELINE: readonly HttpStage[] = [
  { name: 'trace', mount: ({ app }) => app.use(traceMiddleware) },
  {
    // Before anything that can refuse a request, so errors, 429s and redirects carry them too.
    name: 'security headers',
    mount: ({ app }) => app.use(securityHeaders('/api/docs')),
  },
  {
    // Before anything that can refuse a request, so browsers can read every error.
    name: 'CORS',
    mount: ({ app, config }) =>
      app.enableCors({
        origin: config.corsOrigins,
        credentials: true,
        exposedHeaders: ['Authorization', 'Refresh-Token', 'X-Trace-Id', 'Retry-After'],
      }),
  },
  { name: 'shutdown', mount: ({ app, shutdown }) => app.use(shutdown.middleware) },
  { name: 'access log', mount: ({ app, accessLogger }) => app.use(accessLogMiddleware(accessLogger)) },
  {
    // Before the limiter, so its revocation lookup and the limiter's counter leave in one Redis write.
    name: 'revocation prefetch',
    mount: ({ app }) => {
      const prefetch = app.get<RequestPrefetch>(REVOCATION_PREFETCH);
      app.use((req: Request, res: Response, next: NextFunction) => prefetch.use(req, res, next));
    },
  },
  {
    // Per-IP limit of /api/auth/*, and with the same counter of the Spring-style social login start and
    // callback paths (every start writes a state to the store). Refused logins on the browser-facing
    // routes answer with their failure redirect (RATE_LIMIT_REFUSAL_RESPONDER).
    name: 'rate limit',
    mount: ({ app }) => {
      const limiter = app.get(RateLimitMiddleware);
      const [api, ...browserPaths] = RATE_LIMITED_PATHS;
      app.use(api, (req: Request, res: Response, next: NextFunction) => limiter.use(req, res, next));
      for (const path of browserPaths) {
        // `<path>/<provider>`, reads only.
        app.use(path, (req: Request, res: Response, next: NextFunction) => {
          if (READS.has(req.method) && req.path.length > 1) limiter.use(req, res, next);
          else next();
        });
      }
    },
  },
  { name: 'body parsing', mount: ({ app, config }) => app.use(...jsonBodyParsing(config.bodyLimit)) },
];

/** Applies the app-wide HTTP settings and every stage of HTTP_PIPELINE, in order. */
export function applyHttpPipeline(context: HttpPipelineContext): void {
  const { app, config } = context;
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Every answer is per caller and not cacheable: hashing each body for an ETag buys nothing.
  app.set('etag', false);
  for (const stage of HTTP_PIPELINE) stage.mount(context);
}
