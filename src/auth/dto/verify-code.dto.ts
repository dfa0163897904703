import { ApiProperty } from '@nestjs/swagger';
import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { Field, emailRules, matches, required } from '../../common/validation/field-rules.js';
import { NormalizeEmail } from '../../common/validation/transforms.js';
import { EMAIL_MAX_LENGTH } from '../../common/validation/limits.js';

export class VerifyCodeDto {
  @ApiProperty({ example: 'user@example.com', maxLength: EMAIL_MAX_LENGTH })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;

  @ApiProperty({ example: '123456', pattern: '^[0-9]{6}$', description: '6자리 숫자 (문자열)' })
  @Field([required(FIELD_MESSAGES.codeRequired), matches(/^[0-9]{6}$/, FIELD_MESSAGES.codeFormat)])
  verificationCode: string;
}
