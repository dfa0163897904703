import { ValidationPipe, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';
import { AppException, type FieldError } from '../errors/app.exception.js';
import { PASSWORD_MIN_LENGTH } from './limits.js';

/**
 * What a DTO rule reads of the running app's configuration. Decorators are
 * evaluated before any configuration exists, so the app's pipe hands these to
 * the rules with each object it validates.
 */
export interface ValidationSettings {
  passwordMinLength: number;
}

const DEFAULT_SETTINGS: ValidationSettings = { passwordMinLength: PASSWORD_MIN_LENGTH };
const settingsOf = new WeakMap<object, ValidationSettings>();

/** The settings of the app validating `dto` (the defaults for an object no app's pipe validates). */
export function validationSettings(dto: object | undefined): ValidationSettings {
  return (dto && settingsOf.get(dto)) ?? DEFAULT_SETTINGS;
}

/** ValidationPipe that ties each object it validates to its app's settings. */
class ConfiguredValidationPipe extends ValidationPipe {
  constructor(
    private readonly settings: ValidationSettings,
    options: ValidationPipeOptions,
  ) {
    super(options);
  }

  protected override validate(
    object: object,
    validatorOptions?: ValidatorOptions,
  ): Promise<ValidationError[]> | ValidationError[] {
    settingsOf.set(object, this.settings);
    return super.validate(object, validatorOptions);
  }
}

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
export function createValidationPipe(settings: ValidationSettings = DEFAULT_SETTINGS): ValidationPipe {
  return new ConfiguredValidationPipe(settings, {
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
