import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath, type HeaderObject, type SchemaObject } from '@nestjs/swagger';
import { ERRORS, type ErrorCode, STATUS_MESSAGES } from '../errors/error-catalogue.js';

const EXAMPLE_TRACE_ID = 'e1e4456f40d648c7a24fc7d5cd85e4af';
const EXAMPLE_TIMESTAMP = '2025-11-14T15:45:00';

/** Metadata key of the catalogue errors a route declares; src/common/http/openapi.ts turns them into responses. */
export const API_ERRORS = 'apiDocs:errors';

/**
 * An error of the catalogue, optionally with another status or message (e.g.
 * logout's 400s); `field` names the failing field of a VALIDATION_FAILED example.
 */
export type DocumentedError =
  ErrorCode | { code: ErrorCode; status?: number; message?: string; summary?: string; field?: string };

/** A documented error with its status and message resolved from the catalogue. */
export interface ResolvedError {
  code: ErrorCode;
  status: number;
  message: string;
  summary?: string;
  field?: string;
}

export function resolveError(error: DocumentedError): ResolvedError {
  const spec = typeof error === 'string' ? { code: error } : error;
  return {
    ...spec,
    status: spec.status ?? ERRORS[spec.code].status,
    message: spec.message ?? ERRORS[spec.code].message,
  };
}

/** The error envelope of one documented error, as the examples show it. */
export function errorExample(error: ResolvedError): { summary: string; value: unknown } {
  return {
    summary: error.summary ?? error.code,
    value: {
      code: { code: error.status, message: STATUS_MESSAGES[error.status] },
      message: error.message,
      traceId: EXAMPLE_TRACE_ID,
      timestamp: EXAMPLE_TIMESTAMP,
      errorCode: error.code,
      ...(error.code === 'VALIDATION_FAILED'
        ? { errors: [{ field: error.field ?? 'email', message: error.message }] }
        : {}),
    },
  };
}

/** The errors declared on a handler (or controller) with @ApiErrors. */
export function declaredErrors(target: object): ResolvedError[] {
  return (Reflect.getMetadata(API_ERRORS, target) as ResolvedError[] | undefined) ?? [];
}

/**
 * Declares the catalogue errors an endpoint answers itself. The OpenAPI
 * document gets one response per status with Korean examples from the
 * catalogue, together with the shared errors every route of its kind answers
 * (src/common/http/openapi.ts). Repeatable; on a controller it applies to all
 * its routes.
 */
export function ApiErrors(...errors: DocumentedError[]): MethodDecorator & ClassDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = (descriptor?.value as object | undefined) ?? target;
    Reflect.defineMetadata(API_ERRORS, [...declaredErrors(holder), ...errors.map(resolveError)], holder);
  };
}

/** Status object of an envelope with exactly this status and its `code.message`. */
export function statusObjectSchema(status: number): SchemaObject {
  return {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'integer', enum: [status], example: status },
      message: { type: 'string', enum: [STATUS_MESSAGES[status]], example: STATUS_MESSAGES[status] },
    },
  };
}

/** Documents the success envelope around `data` of the given model, a list of it (`[Model]`), null or a string. */
export function ApiEnvelope(options: {
  status?: number;
  message: string;
  data?: Type<unknown> | [Type<unknown>] | 'null' | 'string';
  dataExample?: unknown;
  /** Response headers besides X-Trace-Id (which every response gets). */
  headers?: Record<string, HeaderObject>;
}) {
  const status = options.status ?? 200;
  const dataSchema: SchemaObject | { $ref: string } =
    options.data === undefined || options.data === 'null'
      ? { type: 'object', nullable: true, enum: [null], example: null }
      : options.data === 'string'
        ? { type: 'string', example: options.dataExample }
        : Array.isArray(options.data)
          ? { type: 'array', items: { $ref: getSchemaPath(options.data[0]) } }
          : { $ref: getSchemaPath(options.data) };
  const decorators = [
    ApiResponse({
      status,
      description: STATUS_MESSAGES[status],
      headers: options.headers,
      schema: {
        type: 'object',
        required: ['code', 'message', 'data'],
        properties: {
          code: statusObjectSchema(status),
          message: { type: 'string', example: options.message },
          data: dataSchema,
        },
      },
    }),
  ];
  const model = Array.isArray(options.data) ? options.data[0] : options.data;
  if (typeof model === 'function') decorators.unshift(ApiExtraModels(model));
  return applyDecorators(...decorators);
}

/**
 * Documents a 302 answer: its `Location` (added to every 3xx by the document
 * builder) and, where the route sets one, its cookie (not on every 302: a
 * failure redirect, e.g. a rate-limit refusal, sets none).
 */
export function ApiRedirect(options: { description: string; setCookie?: string }) {
  return ApiResponse({
    status: 302,
    description: options.description,
    headers: options.setCookie
      ? { 'Set-Cookie': { description: options.setCookie, required: false, schema: { type: 'string' } } }
      : undefined,
  });
}
