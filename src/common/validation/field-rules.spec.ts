import { FIELD_MESSAGES } from '../errors/error-catalogue.js';
import {
  charLength,
  charRange,
  emailRules,
  firstFailure,
  isBlank,
  isString,
  matches,
  maxChars,
  required,
} from './field-rules.js';

describe('charLength', () => {
  it('counts Unicode code points, as PostgreSQL varchar(n) does', () => {
    expect(charLength('')).toBe(0);
    expect(charLength('abc')).toBe(3);
    expect(charLength('홍길동')).toBe(3);
    expect(charLength('🐶🐱')).toBe(2);
    expect('🐶🐱'.length).toBe(4);
    expect(charLength('가'.normalize('NFD'))).toBe(2);
  });
});

describe('isBlank and required', () => {
  it.each([undefined, null, '', ' ', '\t\n'])('treats %j as missing', (value) => {
    expect(isBlank(value)).toBe(true);
    expect(required('필수').check(value)).toBe(false);
  });

  it.each(['a', ' a ', 0, false, [], {}])('treats %j as present', (value) => {
    expect(isBlank(value)).toBe(false);
    expect(required('필수').check(value)).toBe(true);
  });
});

describe('isString, maxChars, charRange and matches', () => {
  it('refuse values of another type', () => {
    for (const value of [12345678, true, null, ['a'], { a: 1 }]) {
      expect(isString('m').check(value)).toBe(false);
      expect(maxChars(10, 'm').check(value)).toBe(false);
      expect(charRange(1, 10, 'm').check(value)).toBe(false);
      expect(matches(/.*/, 'm').check(value)).toBe(false);
    }
  });

  it('count characters at the limits', () => {
    expect(maxChars(10, 'm').check('가'.repeat(10))).toBe(true);
    expect(maxChars(10, 'm').check('가'.repeat(11))).toBe(false);
    expect(maxChars(2, 'm').check('🐶🐱')).toBe(true);
    expect(charRange(8, 128, 'm').check('a'.repeat(7))).toBe(false);
    expect(charRange(8, 128, 'm').check('a'.repeat(8))).toBe(true);
    expect(charRange(8, 128, 'm').check('a'.repeat(128))).toBe(true);
    expect(charRange(8, 128, 'm').check('a'.repeat(129))).toBe(false);
  });

  it('matches a pattern', () => {
    const sixDigits = matches(/^\d{6}$/, FIELD_MESSAGES.codeFormat);
    expect(sixDigits.check('012345')).toBe(true);
    expect(sixDigits.check('12345')).toBe(false);
    expect(sixDigits.check('12345a')).toBe(false);
  });
});

describe('firstFailure', () => {
  const rules = [required('first'), isString('second'), maxChars(3, 'third')];

  it('gives the message of the first failing rule, in order', () => {
    expect(firstFailure(rules, undefined)).toBe('first');
    expect(firstFailure(rules, 1234)).toBe('second');
    expect(firstFailure(rules, 'abcd')).toBe('third');
  });

  it('gives null when every rule passes', () => {
    expect(firstFailure(rules, 'abc')).toBeNull();
  });
});

describe('emailRules', () => {
  it('checks required, then format, then length (SPEC §1 order)', () => {
    expect(firstFailure(emailRules, '')).toBe(FIELD_MESSAGES.emailRequired);
    expect(firstFailure(emailRules, '   ')).toBe(FIELD_MESSAGES.emailRequired);
    expect(firstFailure(emailRules, 'not-an-email')).toBe(FIELD_MESSAGES.emailFormat);
    expect(firstFailure(emailRules, 42)).toBe(FIELD_MESSAGES.emailFormat);
    // Too long and malformed: the format message comes first.
    expect(firstFailure(emailRules, `${'a'.repeat(120)}`)).toBe(FIELD_MESSAGES.emailFormat);
    const long = `${'a'.repeat(40)}@${'b'.repeat(40)}.${'c'.repeat(20)}.com`;
    expect(charLength(long)).toBeGreaterThan(100);
    expect(firstFailure(emailRules, long)).toBe(FIELD_MESSAGES.emailLength);
  });

  it('accepts a 100-character address and refuses one without a top-level domain', () => {
    const exactly100 = `${'a'.repeat(50)}@${'b'.repeat(45)}.com`;
    expect(charLength(exactly100)).toBe(100);
    expect(firstFailure(emailRules, exactly100)).toBeNull();
    expect(firstFailure(emailRules, 'user@localhost')).toBe(FIELD_MESSAGES.emailFormat);
  });

  it('refuses a non-ASCII local part', () => {
    expect(firstFailure(emailRules, '홍길동@example.com')).toBe(FIELD_MESSAGES.emailFormat);
  });

  it('refuses a control character anywhere, quoted local parts included (SPEC §1)', () => {
    expect(firstFailure(emailRules, '"ab"@example.com')).toBeNull();
    for (const email of [
      '"a\r\nb"@example.com',
      '"a\u0000b"@example.com',
      '"a\u007fb"@example.com',
      '"a\tb"@example.com',
      'a\u001fb@example.com',
      'user@exam\nple.com',
      'user@example.com\r\n',
    ]) {
      expect(firstFailure(emailRules, email)).toBe(FIELD_MESSAGES.emailFormat);
    }
  });
});
