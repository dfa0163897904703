import type { INestApplication, Type } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import {
  DocumentBuilder,
  type HeaderObject,
  type OpenAPIObject,
  type ReferenceObject,
  type ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { IS_PUBLIC } from '../decorators/public.decorator.js';
import { type ErrorCode, STATUS_MESSAGES } from '../errors/error-catalogue.js';
import {
  declaredErrors,
  errorExample,
  type ResolvedError,
  resolveError,
  statusObjectSchema,
} from './api-docs.decorators.js';
import { ErrorResponseDoc } from './api-response.js';
import { RATE_LIMITED_PATHS } from './rate-limit.middleware.js';

/** Name of the bearer scheme (DocumentBuilder.addBearerAuth's default, which @ApiBearerAuth() refers to). */
const BEARER = 'bearer';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Methods whose requests carry a body: jsonBodyParsing reads it, whatever the route. */
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
/** 503s that are not a passing outage (a missing setting), so they send no Retry-After. */
const WITHOUT_RETRY_AFTER = new Set<ErrorCode>(['PROVIDER_NOT_CONFIGURED']);
const TRACE_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}$';

/** What the document needs to know about a route beyond its Swagger decorators. */
export interface RouteFacts {
  /** @Public(): the global JwtAuthGuard lets it through without a token. */
  isPublic: boolean;
  /** Its own errors, from @ApiErrors on the handler and the controller. */
  errors: ResolvedError[];
}

/** What decides which shared errors (SPEC §1) an operation can answer. */
interface OperationFacts {
  path: string;
  method: string;
  guarded: boolean;
  /** Declares a JSON request body. */
  jsonBody: boolean;
  /** Can be sent a body at all (jsonBodyParsing runs on every request). */
  body: boolean;
  rateLimited: boolean;
}

/**
 * The errors of SPEC §1 an operation answers because of what it is, not what
 * it does: each rule names the part of the stack that answers them. A rule's
 * error is skipped where the route declares the same errorCode itself.
 */
const SHARED_ERRORS: { when: (op: OperationFacts) => boolean; errors: ErrorCode[] }[] = [
  // JwtAuthGuard (global) on every route without @Public().
  { when: (op) => op.guarded, errors: ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED'] },
  // The global ValidationPipe on a DTO body.
  { when: (op) => op.jsonBody, errors: ['VALIDATION_FAILED'] },
  // jsonBodyParsing.
  { when: (op) => op.body, errors: ['INVALID_JSON', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'] },
  // RateLimitMiddleware.
  { when: (op) => op.rateLimited, errors: ['TOO_MANY_REQUESTS'] },
  // Every route reaches PostgreSQL or the store (the limiter's counter, the revocation
  // check, OAuth state, /health's pings), and any route can fail unexpectedly.
  { when: () => true, errors: ['SERVICE_UNAVAILABLE', 'INTERNAL_ERROR'] },
];

const HEADERS: Record<string, HeaderObject> = {
  'X-Trace-Id': {
    description: '요청의 traceId. 요청에 형식에 맞는 X-Trace-Id가 있으면 그 값, 없으면 새 32자리 16진수.',
    required: true,
    schema: { type: 'string', pattern: TRACE_ID_PATTERN },
  },
  'Retry-After': {
    description: '다시 시도하기까지 기다릴 초',
    required: true,
    schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
  },
  Location: {
    description: '이동할 주소',
    required: true,
    schema: { type: 'string' },
  },
};

const headerRef = (name: keyof typeof HEADERS): ReferenceObject => ({ $ref: `#/components/headers/${name}` });

/** Reads @Public() and @ApiErrors of every controller method, keyed by the operationId Swagger gives it. */
export function collectRouteFacts(app: INestApplication): Map<string, RouteFacts> {
  const reflector = app.get(Reflector);
  const scanner = new MetadataScanner();
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type | null;
      if (typeof controller !== 'function') continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        facts.set(`${controller.name}_${name}`, {
          isPublic: reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [handler, controller]) === true,
          errors: [...declaredErrors(controller), ...declaredErrors(handler)],
        });
      }
    }
  }
  return facts;
}

/** The route of an operation: Swagger's id is `Controller_method`, with `[n]` for aliases or `_<version>`. */
function routeOf(operationId: string, routes: Map<string, RouteFacts>): RouteFacts {
  let best: string | undefined;
  for (const key of routes.keys()) {
    const matches = operationId === key || operationId.startsWith(`${key}[`) || operationId.startsWith(`${key}_`);
    if (matches && (best === undefined || key.length > best.length)) best = key;
  }
  if (best === undefined) throw new Error(`OpenAPI: no route found for operation ${operationId}`);
  return routes.get(best)!;
}

function errorsOf(op: OperationFacts, route: RouteFacts): Map<number, ResolvedError[]> {
  const own = new Set(route.errors.map((error) => error.code));
  const shared = SHARED_ERRORS.filter((rule) => rule.when(op))
    .flatMap((rule) => rule.errors)
    .filter((code) => !own.has(code))
    .map((code) => resolveError(code));
  const byStatus = new Map<number, ResolvedError[]>();
  for (const error of [...route.errors, ...shared])
    byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}

function errorResponse(status: number, errors: ResolvedError[]): ResponseObject {
  const codes = [...new Set(errors.map((error) => error.code))];
  const examples: Record<string, { summary: string; value: unknown }> = {};
  for (const error of errors)
    examples[error.summary ? `${error.code}: ${error.summary}` : error.code] = errorExample(error);
  const retryAfter = status === 429 || (status === 503 && !codes.some((code) => WITHOUT_RETRY_AFTER.has(code)));
  return {
    description: STATUS_MESSAGES[status] ?? String(status),
    headers: {
      ...(status === 429 || status === 503
        ? {
            'Retry-After': retryAfter
              ? headerRef('Retry-After')
              : {
                  ...HEADERS['Retry-After'],
                  required: false,
                  description: '일시적인 장애일 때만: 다시 시도하기까지 기다릴 초',
                },
          }
        : {}),
    },
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: '#/components/schemas/ErrorResponse' },
            {
              type: 'object',
              required: ['code', 'errorCode'],
              properties: { code: statusObjectSchema(status), errorCode: { type: 'string', enum: codes } },
            },
          ],
        },
        examples,
      },
    },
  };
}

/**
 * Completes what the decorators give: every operation gets the shared errors
 * of SPEC §1 that apply to it (by rule, from the route's metadata), its own
 * @ApiErrors as responses with Korean examples from the catalogue, the
 * response headers of SPEC §1, and its security (`[]` for @Public() routes
 * that read no token, bearer for guarded ones).
 */
export function completeDocument(
  document: OpenAPIObject,
  routes: Map<string, RouteFacts>,
  servers: OpenAPIObject['servers'],
): OpenAPIObject {
  document.servers = servers;
  document.components = { ...document.components, headers: { ...document.components?.headers, ...HEADERS } };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const route = routeOf(operation.operationId ?? '', routes);
      const requestBody = operation.requestBody as { content?: Record<string, unknown> } | undefined;
      const jsonBody = requestBody?.content?.['application/json'] !== undefined;
      const facts: OperationFacts = {
        path,
        method,
        guarded: !route.isPublic,
        jsonBody,
        body: jsonBody || BODY_METHODS.has(method),
        // A browser-facing route (one that answers with a redirect) is refused by the limiter with its
        // failure redirect, `error=TOO_MANY_REQUESTS` (SPEC §3), not with a JSON 429.
        rateLimited:
          operation.responses['302'] === undefined &&
          RATE_LIMITED_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)),
      };
      for (const [status, errors] of errorsOf(facts, route)) {
        // A response the route declared in its own shape (e.g. /health's 503) stays as it is.
        operation.responses[String(status)] ??= errorResponse(status, errors);
      }
      for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
        response.headers = {
          'X-Trace-Id': headerRef('X-Trace-Id'),
          ...(status.startsWith('3') ? { Location: headerRef('Location') } : {}),
          ...response.headers,
        };
      }
      operation.security ??= route.isPublic ? [] : [{ [BEARER]: [] }];
    }
  }
  return document;
}

/**
 * Builds the OpenAPI document from the controllers and serves it: Swagger UI
 * at /api/docs, the JSON at /api/docs-json (SPEC §4).
 */
export function setupOpenApi(app: INestApplication, port: number): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Auth API')
      .setDescription('반려동물 용품 중고거래 서비스 - 인증(Auth) API. 모든 응답은 공통 응답 형식을 따릅니다.')
      .setVersion('1.0')
      .addBearerAuth()
      .build(),
    { extraModels: [ErrorResponseDoc] },
  );
  completeDocument(document, collectRouteFacts(app), [
    { url: '/', description: '이 문서를 제공하는 서버' },
    { url: `http://localhost:${port}`, description: '개발 서버 (npm start)' },
  ]);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return document;
}
