import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FIELD_MESSAGES as M } from '../../common/errors/error-catalogue.js';
import {
  Field,
  emailRules,
  maxChars,
  noControlChars,
  required,
  type Rule,
} from '../../common/validation/field-rules.js';
import { NormalizeEmail, OptionalText, TrimNfc } from '../../common/validation/transforms.js';
import { newPasswordRules } from './password.rules.js';
import {
  ADDRESS_MAX_LENGTH,
  EMAIL_MAX_LENGTH,
  NAME_MAX_LENGTH,
  NICKNAME_MAX_LENGTH,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
} from '../../common/validation/limits.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** UTC+14 is the earliest "today" on Earth: a later date is surely in the future everywhere. */
const LATEST_OFFSET_MS = 14 * 3_600_000;

/** A real calendar date `YYYY-MM-DD`, not before 1900 and not in the future. */
export function isBirthDate(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  const latestToday = new Date(Date.now() + LATEST_OFFSET_MS).toISOString().slice(0, 10);
  return real && year >= 1900 && value <= latestToday;
}

const birthDateRules: Rule[] = [required(M.birthDateRequired), { check: isBirthDate, message: M.birthDateFormat }];

export class SignupDto {
  @ApiProperty({ example: 'user@example.com', maxLength: EMAIL_MAX_LENGTH })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;

  @ApiProperty({ example: 'MyPassword123!', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @Field(newPasswordRules)
  password: string;

  @ApiProperty({ example: '홍길동', maxLength: NAME_MAX_LENGTH })
  @TrimNfc()
  @Field([required(M.nameRequired), noControlChars(M.textCharacters), maxChars(NAME_MAX_LENGTH, M.nameLength)])
  name: string;

  @ApiProperty({ example: '길동이', maxLength: NICKNAME_MAX_LENGTH })
  @TrimNfc()
  @Field([
    required(M.nicknameRequired),
    noControlChars(M.textCharacters),
    maxChars(NICKNAME_MAX_LENGTH, M.nicknameLength),
  ])
  nickname: string;

  @ApiProperty({ example: '2000-01-01', format: 'date' })
  @Field(birthDateRules)
  birthDate: string;

  @ApiPropertyOptional({ example: '서울특별시', maxLength: ADDRESS_MAX_LENGTH, nullable: true, type: String })
  @OptionalText()
  @Field([noControlChars(M.textCharacters), maxChars(ADDRESS_MAX_LENGTH, M.sidoLength)], { optional: true })
  addressSido: string | null;

  @ApiPropertyOptional({ example: '강남구', maxLength: ADDRESS_MAX_LENGTH, nullable: true, type: String })
  @OptionalText()
  @Field([noControlChars(M.textCharacters), maxChars(ADDRESS_MAX_LENGTH, M.gugunLength)], { optional: true })
  addressGugun: string | null;
}
