import { ApiProperty } from '@nestjs/swagger';
import { Field, emailRules } from '../../common/validation/field-rules.js';
import { NormalizeEmail } from '../../common/validation/transforms.js';
import { EMAIL_MAX_LENGTH } from '../../common/validation/limits.js';

export class SendCodeDto {
  @ApiProperty({ example: 'user@example.com', maxLength: EMAIL_MAX_LENGTH })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;
}
