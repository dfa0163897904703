import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppException, type FieldError } from '../errors/app.exception.js';

function flatten(errors: ValidationError[]): FieldError[] {
  return errors.flatMap((error) => {
    const messages = Object.values(error.constraints ?? {});
    return messages.length > 0 ? [{ field: error.property, message: messages[0] }] : [];
  });
}

/**
 * Global validation: unknown fields are dropped, values transformed, and every
 * failing field reported in declaration order; `message` is the first one.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new AppException('VALIDATION_FAILED', {
        message: fieldErrors[0]?.message,
        errors: fieldErrors,
      });
    },
  });
}
