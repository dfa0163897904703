// The service's own modules on Nest's Fastify adapter, for the benchmark's platform trial (the performance
// issue's question: how fast would `/me` be on Fastify?). Built from the compiled service (dist/), with
// the same environment and Node flags as `start:prod`, the same request pipeline (HTTP_PIPELINE's
// stages, run by @fastify/middie on the raw request and response) and the same global guard, pipe,
// filter and controllers. What Express gave those stages and Fastify does not is given by hand here:
// `req.path`, the guard's view of what the pipeline put on the raw request, and the two response methods
// the exception filter calls.
//
// A trial, not a port: JSON bodies are parsed by Fastify (the body-parsing stage is Express's), the
// OpenAPI page is not mounted, and /health (which answers through Express's `res.json`) is replaced by
// /bench/ready. None of these is on `/me`'s path. The parts that are (the pipeline, the guard and its
// Redis round trip, the controller, the envelope) run the service's code unchanged.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppModule } from '../../dist/src/app.module.js';
import { GracefulShutdown } from '../../dist/src/common/http/graceful-shutdown.js';
import { HTTP_PIPELINE, inOrder } from '../../dist/src/common/http/http-pipeline.js';
import {
  chooseLogFormat,
  createAccessLogger,
  createRootLogger,
  PinoNestLogger,
} from '../../dist/src/common/logging/logger.js';
import { createValidationPipe } from '../../dist/src/common/validation/validation.pipe.js';
import { appConfig } from '../../dist/src/config/app.config.js';
import { authConfig } from '../../dist/src/config/auth.config.js';
import { configNamespacesFor, validateConfig } from '../../dist/src/config/config.validation.js';

/** The stages Fastify does itself: it parses JSON bodies before the route, after the onRequest hooks. */
const FASTIFY_OWN_STAGES = new Set(['body parsing']);
/** What the pipeline's stages leave on the raw request for the guard and the exception filter. */
const RAW_REQUEST_FIELDS = ['traceId', 'revocationLookup', 'resolvedClientAddress'];

const env = process.env;
validateConfig(configNamespacesFor(env));
const settings = appConfig.read(env);
const rootLogger = createRootLogger(settings.logLevel, chooseLogFormat(settings.logFormat, false, settings.production));
const adapter = new FastifyAdapter({ trustProxy: settings.trustProxy });
const fastify = adapter.getInstance();
for (const field of RAW_REQUEST_FIELDS) {
  fastify.decorateRequest(field, {
    getter() {
      return this.raw[field];
    },
  });
}
// The exception filter answers through Express's response methods.
fastify.decorateReply('json', function json(body) {
  return this.send(body);
});
fastify.decorateReply('setHeader', function setHeader(name, value) {
  return this.header(name, value);
});
fastify.get('/bench/ready', (_request, reply) => reply.send({ ready: true }));

const app = await NestFactory.create(AppModule.configuredBy(env), adapter, {
  logger: new PinoNestLogger(rootLogger),
  abortOnError: false,
});
const config = app.get(appConfig.KEY);
const shutdown = new GracefulShutdown();
const context = { app, config, shutdown, accessLogger: createAccessLogger(rootLogger) };
const handlers = HTTP_PIPELINE.filter((stage) => !FASTIFY_OWN_STAGES.has(stage.name)).flatMap((stage) =>
  stage.handlers(context),
);
app.use(
  inOrder([
    // Express's `req.path`: the URL without its query.
    (req, _res, next) => {
      const query = req.url.indexOf('?');
      req.path = query === -1 ? req.url : req.url.slice(0, query);
      next();
    },
    ...handlers,
  ]),
);
app.useGlobalPipes(createValidationPipe({ passwordMinLength: app.get(authConfig.KEY).passwordMinLength }));
await app.init();
shutdown.listen(app, config.shutdownTimeoutMs);
await app.listen(config.port, config.host);
