import { ApiProperty } from '@nestjs/swagger';
import { Field, emailRules } from '../../common/validation/field-rules.js';
import { NormalizeEmail } from '../../common/validation/transforms.js';

export class SendCodeDto {
  @ApiProperty({ example: 'user@example.com', maxLength: 100 })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;
}
