import type { ConfigType } from '@nestjs/config';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cors from 'cors';
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

/** A middleware as Express calls it. */
export type Handler = (req: Request, res: Response, next: NextFunction) => void;

/** One stage of the pipeline: what it is for, and the handlers it runs (made once, when the app starts). */
export interface HttpStage {
  name: string;
  handlers(context: HttpPipelineContext): Handler[];
}

/** Methods Nest's `forRoutes({ method: GET })` matched on the Spring-style paths: express answers HEAD with GET routes. */
const READS = new Set(['GET', 'HEAD']);

/**
 * Whether `path` is `prefix` or below it, as Express's `app.use(prefix, …)` matches (not case-sensitive,
 * like the routes behind it, so `/API/Auth/login` is limited like `/api/auth/login`).
 */
export function isUnder(path: string, prefix: string): boolean {
  const lower = path.toLowerCase();
  return lower === prefix || (lower.startsWith(prefix) && lower[prefix.length] === '/');
}

/**
 * Every request passes these stages in this order, before any route. The
 * order is the contract: each comment says why a stage stands where it does.
 */
export const HTTP_PIPELINE: readonly HttpStage[] = [
  { name: 'trace', handlers: () => [traceMiddleware] },
  {
    // Before anything that can refuse a request, so errors, 429s and redirects carry them too.
    name: 'security headers',
    handlers: () => [securityHeaders('/api/docs')],
  },
  {
    // Before anything that can refuse a request, so browsers can read every error.
    name: 'CORS',
    handlers: ({ config }) => [
      cors({
        origin: config.corsOrigins,
        credentials: true,
        exposedHeaders: ['Authorization', 'Refresh-Token', 'X-Trace-Id', 'Retry-After'],
      }),
    ],
  },
  { name: 'shutdown', handlers: ({ shutdown }) => [shutdown.middleware] },
  { name: 'access log', handlers: ({ accessLogger }) => [accessLogMiddleware(accessLogger)] },
  {
    // Before the limiter, so its revocation lookup and the limiter's counter leave in one Redis write.
    name: 'revocation prefetch',
    handlers: ({ app }) => {
      const prefetch = app.get<RequestPrefetch>(REVOCATION_PREFETCH);
      return [(req, res, next) => prefetch.use(req, res, next)];
    },
  },
  {
    // Per-IP limit of /api/auth/*, and with the same counter of the Spring-style social login start and
    // callback paths (every start writes a state to the store). Refused logins on the browser-facing
    // routes answer with their failure redirect (RATE_LIMIT_REFUSAL_RESPONDER).
    name: 'rate limit',
    handlers: ({ app }) => {
      const limiter = app.get(RateLimitMiddleware);
      const [api, ...browserPaths] = RATE_LIMITED_PATHS;
      // `<path>/<provider>`, reads only.
      const isBrowserStart = (req: Request) =>
        READS.has(req.method) &&
        browserPaths.some((path) => isUnder(req.path, path) && req.path.length > path.length + 1);
      return [
        (req, res, next) => (isUnder(req.path, api) || isBrowserStart(req) ? limiter.use(req, res, next) : next()),
      ];
    },
  },
  { name: 'body parsing', handlers: ({ config }) => jsonBodyParsing(config.bodyLimit) },
];

/**
 * Runs handlers one after another as a single Express middleware: an error passed to `next` (or thrown)
 * leaves the chain for Express's error handling, as it would between separate `app.use` layers. One layer
 * instead of one per stage: Express's router matches, wraps and dispatches each layer on every request.
 */
export function inOrder(handlers: readonly Handler[]): Handler {
  return (req, res, done) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) return done(error);
      const handler = handlers[index++];
      if (handler === undefined) return done();
      try {
        handler(req, res, next);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

/** Applies the app-wide HTTP settings and every stage of HTTP_PIPELINE, in order. */
export function applyHttpPipeline(context: HttpPipelineContext): void {
  const { app, config } = context;
  app.set('trust proxy', config.trustProxy);
  app.disable('x-powered-by');
  // Every answer is per caller and not cacheable: hashing each body for an ETag buys nothing.
  app.set('etag', false);
  app.use(inOrder(HTTP_PIPELINE.flatMap((stage) => stage.handlers(context))));
}
