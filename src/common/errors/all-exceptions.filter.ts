import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Request, Response } from 'express';
import { appConfig } from '../../config/app.config.js';
import type { ErrorResponse } from '../http/api-response.js';
import { maskEmails } from '../security/email-keys.js';
import { Clock } from '../time/clock.js';
import { localTimestamp } from '../time/zoned-time.js';
import { AppException, DependencyUnavailableError } from './app.exception.js';
import { isDatabaseUnavailable } from './dependency-errors.js';
import { ERRORS, type ErrorCode, STATUS_MESSAGES } from './error-catalogue.js';

const RETRY_AFTER_UNAVAILABLE_S = 5;

/** body-parser's error types → our codes. */
const BODY_ERRORS: Record<string, ErrorCode> = {
  'entity.parse.failed': 'INVALID_JSON',
  'entity.too.large': 'PAYLOAD_TOO_LARGE',
  'charset.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'encoding.unsupported': 'UNSUPPORTED_MEDIA_TYPE',
  'request.size.invalid': 'INVALID_JSON',
  'request.aborted': 'INVALID_JSON',
  'stream.encoding.set': 'INTERNAL_ERROR',
};

/** Nest's own HTTP exceptions (unknown route, etc.) → our codes, by status. */
const STATUS_ERRORS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  503: 'SERVICE_UNAVAILABLE',
};

interface Resolved {
  status: number;
  errorCode: ErrorCode;
  message: string;
  errors?: { field: string; message: string }[];
  retryAfter?: number;
}

/**
 * The one place an error becomes a response: the SPEC §1 envelope with
 * traceId and timestamp. A 500 logs its cause with the traceId and shows none of it.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  constructor(
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly clock: Clock,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const resolved = this.resolve(exception, req);
    if (res.headersSent) {
      res.end();
      return;
    }
    const body: ErrorResponse = {
      code: { code: resolved.status, message: STATUS_MESSAGES[resolved.status] ?? STATUS_MESSAGES[500] },
      message: resolved.message,
      traceId: req.traceId ?? '',
      timestamp: localTimestamp(this.clock.now(), this.app.timezone),
      errorCode: resolved.errorCode,
    };
    if (resolved.errors) body.errors = resolved.errors;
    if (resolved.retryAfter !== undefined) res.setHeader('Retry-After', String(resolved.retryAfter));
    res.status(resolved.status).json(body);
  }

  private resolve(exception: unknown, req: Request): Resolved {
    if (exception instanceof AppException) {
      return {
        status: exception.status,
        errorCode: exception.errorCode,
        message: exception.message,
        errors: exception.errors,
        retryAfter: exception.retryAfter,
      };
    }
    if (exception instanceof DependencyUnavailableError || isDatabaseUnavailable(exception)) {
      const dependency = exception instanceof DependencyUnavailableError ? exception.dependency : 'database';
      this.logger.warn({ msg: `${dependency} unavailable`, route: routeOf(req), cause: describe(exception) });
      return this.fromCatalogue('SERVICE_UNAVAILABLE', RETRY_AFTER_UNAVAILABLE_S);
    }
    const bodyErrorType = bodyParserErrorType(exception);
    if (bodyErrorType && BODY_ERRORS[bodyErrorType]) {
      return this.fromCatalogue(BODY_ERRORS[bodyErrorType]);
    }
    if (exception instanceof HttpException && STATUS_ERRORS[exception.getStatus()]) {
      return this.fromCatalogue(STATUS_ERRORS[exception.getStatus()]);
    }
    this.logger.error({ msg: 'unhandled error', route: routeOf(req), cause: describe(exception) });
    return this.fromCatalogue('INTERNAL_ERROR');
  }

  private fromCatalogue(errorCode: ErrorCode, retryAfter?: number): Resolved {
    const entry = ERRORS[errorCode];
    return { status: entry.status, errorCode, message: entry.message, retryAfter };
  }
}

/** body-parser's `type`, on the error or (as Nest's Express adapter wraps it) on its cause. */
function bodyParserErrorType(exception: unknown): string | undefined {
  for (
    let current: unknown = exception, depth = 0;
    depth < 3 && typeof current === 'object' && current !== null;
    depth++
  ) {
    const type = (current as { type?: unknown }).type;
    if (typeof type === 'string') return type;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function routeOf(req: Request): string {
  return `${req.method} ${req.path}`;
}

function describe(exception: unknown): { name?: string; message?: string; code?: unknown; stack?: string } {
  if (exception instanceof Error) {
    const cause = exception.cause instanceof Error ? ` (cause: ${exception.cause.message})` : '';
    return {
      name: exception.name,
      message: maskEmails(exception.message + cause),
      code: (exception as { code?: unknown }).code,
      stack: exception.stack,
    };
  }
  return { message: String(exception) };
}
