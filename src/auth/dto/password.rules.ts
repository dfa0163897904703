import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { charLength, required, type Rule } from '../../common/validation/field-rules.js';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../common/validation/limits.js';

/**
 * The password length policy the DTO rules read. Decorators are evaluated
 * before configuration exists, so AuthModule sets the minimum from
 * PASSWORD_MIN_LENGTH at start.
 */
export const passwordPolicy = { minLength: PASSWORD_MIN_LENGTH };

const lengthInRange: Rule = {
  check: (v) => {
    if (typeof v !== 'string') return false;
    const length = charLength(v.normalize('NFC'));
    return length >= passwordPolicy.minLength && length <= PASSWORD_MAX_LENGTH;
  },
  message: FIELD_MESSAGES.passwordLength,
};

/** Signup: required, then 8–128 characters, every one counting (on the NFC form that is hashed). */
export const newPasswordRules: Rule[] = [required(FIELD_MESSAGES.passwordRequired), lengthInRange];

/** Login: only required; a wrong length is simply a wrong password. */
export const passwordRequiredRules: Rule[] = [
  required(FIELD_MESSAGES.passwordRequired),
  { check: (v) => typeof v === 'string', message: FIELD_MESSAGES.passwordRequired },
];
