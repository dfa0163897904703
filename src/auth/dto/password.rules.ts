import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { charLength, required, type Rule } from '../../common/validation/field-rules.js';
import { PASSWORD_MAX_LENGTH } from '../../common/validation/limits.js';
import { validationSettings } from '../../common/validation/validation.pipe.js';

const lengthInRange: Rule = {
  // The minimum is PASSWORD_MIN_LENGTH of the app validating the body.
  check: (v, dto) => {
    if (typeof v !== 'string') return false;
    const length = charLength(v.normalize('NFC'));
    return length >= validationSettings(dto).passwordMinLength && length <= PASSWORD_MAX_LENGTH;
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
