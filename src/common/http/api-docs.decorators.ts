import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ERRORS, type ErrorCode, STATUS_MESSAGES } from '../errors/error-catalogue.js';

const EXAMPLE_TRACE_ID = 'e1e4456f40d648c7a24fc7d5cd85e4af';
const EXAMPLE_TIMESTAMP = '2025-11-14T15:45:00';

/**
 * An error of the catalogue, optionally with another status or message (e.g.
 * logout's 400s); `field` names the failing field of a VALIDATION_FAILED example.
 */
export type DocumentedError =
  ErrorCode | { code: ErrorCode; status?: number; message?: string; summary?: string; field?: string };

/**
 * Documents an endpoint's error responses with Korean examples built from
 * the catalogue, grouped by status.
 */
export function ApiErrors(...errors: DocumentedError[]) {
  const byStatus = new Map<number, Record<string, { summary: string; value: unknown }>>();
  for (const error of errors) {
    const spec = typeof error === 'string' ? { code: error } : error;
    const status = spec.status ?? ERRORS[spec.code].status;
    const message = spec.message ?? ERRORS[spec.code].message;
    const examples = byStatus.get(status) ?? {};
    const name = spec.summary ? `${spec.code}: ${spec.summary}` : spec.code;
    examples[name] = {
      summary: spec.summary ?? spec.code,
      value: {
        code: { code: status, message: STATUS_MESSAGES[status] },
        message,
        traceId: EXAMPLE_TRACE_ID,
        timestamp: EXAMPLE_TIMESTAMP,
        errorCode: spec.code,
        ...(spec.code === 'VALIDATION_FAILED' ? { errors: [{ field: spec.field ?? 'email', message }] } : {}),
      },
    };
    byStatus.set(status, examples);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, examples]) =>
      ApiResponse({
        status,
        description: STATUS_MESSAGES[status],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponseDoc' }, examples } },
      }),
    ),
  );
}

/** Documents the success envelope around `data` of the given model (or null/a string). */
export function ApiEnvelope(options: {
  status?: number;
  message: string;
  data?: Type<unknown> | 'null' | 'string';
  dataExample?: unknown;
}) {
  const status = options.status ?? 200;
  const dataSchema =
    options.data === undefined || options.data === 'null'
      ? { type: 'object', nullable: true, example: null }
      : options.data === 'string'
        ? { type: 'string', example: options.dataExample }
        : { $ref: getSchemaPath(options.data) };
  const decorators = [
    ApiResponse({
      status,
      description: STATUS_MESSAGES[status],
      schema: {
        type: 'object',
        properties: {
          code: {
            type: 'object',
            properties: {
              code: { type: 'integer', example: status },
              message: { type: 'string', example: STATUS_MESSAGES[status] },
            },
          },
          message: { type: 'string', example: options.message },
          data: dataSchema,
        },
      },
    }),
  ];
  if (typeof options.data === 'function') decorators.unshift(ApiExtraModels(options.data));
  return applyDecorators(...decorators);
}
