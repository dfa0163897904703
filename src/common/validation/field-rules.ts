import { registerDecorator, type ValidationArguments, isEmail } from 'class-validator';
import { FIELD_MESSAGES } from '../errors/error-catalogue.js';
import { charLength } from './code-points.js';
import { EMAIL_MAX_LENGTH } from './limits.js';

/**
 * A field's checks in the SPEC's order (required → type/format → length); the
 * first that fails gives the field's one message. A value of the wrong JSON
 * type fails the field's format check, or where it has none, its next check.
 */
export type Check = (value: unknown, dto?: object) => boolean;
export interface Rule {
  check: Check;
  message: string;
}

export { charLength };

export const isBlank = (value: unknown): boolean =>
  value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export const required = (message: string): Rule => ({ check: (v) => !isBlank(v), message });
export const isString = (message: string): Rule => ({ check: (v) => typeof v === 'string', message });
export const maxChars = (max: number, message: string): Rule => ({
  check: (v) => typeof v === 'string' && charLength(v) <= max,
  message,
});
/** Single-line text: no control characters. Other types pass here and fail the field's next check. */
export const noControlChars = (message: string): Rule => ({
  check: (v) => typeof v !== 'string' || !/\p{Cc}/u.test(v),
  message,
});
export const charRange = (min: number, max: number, message: string): Rule => ({
  check: (v) => typeof v === 'string' && charLength(v) >= min && charLength(v) <= max,
  message,
});
export const matches = (pattern: RegExp, message: string): Rule => ({
  check: (v) => typeof v === 'string' && pattern.test(v),
  message,
});

/** `dto`: the object holding the value, for a rule that reads its app's settings (validationSettings). */
export function firstFailure(rules: Rule[], value: unknown, dto?: object): string | null {
  for (const rule of rules) {
    if (!rule.check(value, dto)) return rule.message;
  }
  return null;
}

/**
 * Declares a field's rules. `optional`: an absent or blank value passes (and
 * is turned into null by the DTO's transform).
 */
export function Field(rules: Rule[], options: { optional?: boolean } = {}): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'field',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown, args?: ValidationArguments) =>
          (options.optional && isBlank(value)) || firstFailure(rules, value, args?.object) === null,
        defaultMessage: (args?: ValidationArguments) => firstFailure(rules, args?.value, args?.object) ?? '',
      },
    });
  };
}

/** False for a string holding a lone UTF-16 surrogate: not text, and validator's isEmail throws on it (URIError). */
export const isWellFormed = (value: string): boolean => !/\p{Cs}/u.test(value);

/** A control character (U+0000–U+001F, U+007F and the C1 range), which no email may hold, quoted or not (SPEC §1). */
export const hasControlChar = (value: string): boolean => /\p{Cc}/u.test(value);

export const emailRules: Rule[] = [
  required(FIELD_MESSAGES.emailRequired),
  {
    check: (v) =>
      typeof v === 'string' &&
      !hasControlChar(v) &&
      isWellFormed(v) &&
      isEmail(v, { allow_utf8_local_part: false, require_tld: true }),
    message: FIELD_MESSAGES.emailFormat,
  },
  maxChars(EMAIL_MAX_LENGTH, FIELD_MESSAGES.emailLength),
];
