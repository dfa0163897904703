import { ERRORS, type ErrorCode } from './error-catalogue.js';

export interface FieldError {
  field: string;
  message: string;
}

export interface AppExceptionOptions {
  /** Overrides the catalogue status where an endpoint answers the same code differently (SPEC §2). */
  status?: number;
  /** Overrides the catalogue message; only with a message that is itself in the catalogue. */
  message?: string;
  errors?: FieldError[];
  /** Seconds, sent as `Retry-After`. */
  retryAfter?: number;
  cause?: unknown;
}

/** A domain error: services throw it, the global filter turns it into the envelope. */
export class AppException extends Error {
  readonly status: number;
  readonly errors?: FieldError[];
  readonly retryAfter?: number;

  constructor(
    readonly errorCode: ErrorCode,
    options: AppExceptionOptions = {},
  ) {
    super(options.message ?? ERRORS[errorCode].message, { cause: options.cause });
    this.name = 'AppException';
    this.status = options.status ?? ERRORS[errorCode].status;
    this.errors = options.errors;
    this.retryAfter = options.retryAfter;
  }
}

/** Retry-After in whole seconds, never 0. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * PostgreSQL or Redis could not be reached. Mapped to 503 SERVICE_UNAVAILABLE
 * with Retry-After; the cause is logged, never shown.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: 'database' | 'redis' | 'mail',
    cause?: unknown,
  ) {
    super(`${dependency} unavailable`, { cause });
    this.name = 'DependencyUnavailableError';
  }
}
