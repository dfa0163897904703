import { ApiProperty } from '@nestjs/swagger';
import { Field, emailRules } from '../../common/validation/field-rules.js';
import { NormalizeEmail } from '../../common/validation/transforms.js';
import { passwordRequiredRules } from './password.rules.js';

export class LoginDto {
  @ApiProperty({ example: 'user@example.com', maxLength: 100 })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;

  @ApiProperty({ example: 'MyPassword123!' })
  @Field(passwordRequiredRules)
  password: string;
}
