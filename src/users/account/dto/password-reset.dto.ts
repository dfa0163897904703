import { ApiProperty } from '@nestjs/swagger';
import { FIELD_MESSAGES as M } from '../../../common/errors/error-catalogue.js';
import { Field, emailRules, isString, required } from '../../../common/validation/field-rules.js';
import { NormalizeEmail } from '../../../common/validation/transforms.js';
import { Allow } from 'class-validator';
import { newPasswordRules } from '../../../auth/dto/password.rules.js';
import { EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../common/validation/limits.js';

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'user@example.com', maxLength: EMAIL_MAX_LENGTH })
  @NormalizeEmail()
  @Field(emailRules)
  email: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ example: 'q3Xr8v0bM1kY9wZ2tL5nA7cE4hJ6pS8uD0fG2iK4mO6', description: '재설정 메일 링크의 token' })
  @Field([required(M.resetTokenRequired), isString(M.resetTokenRequired)])
  token: string;

  @ApiProperty({ example: 'NewPassword123!', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @Field(newPasswordRules)
  newPassword: string;
}

export class PasswordChangeDto {
  @ApiProperty({ example: 'MyPassword123!' })
  @Field([required(M.currentPasswordRequired), isString(M.currentPasswordRequired)])
  currentPassword: string;

  @ApiProperty({ example: 'NewPassword123!', minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH })
  @Field(newPasswordRules)
  newPassword: string;
}

/** Withdrawal: `password` is required of local accounts only, so the service checks it (SPEC §5). */
export class WithdrawDto {
  @ApiProperty({ example: 'MyPassword123!', required: false, type: String, description: '일반(비밀번호) 계정만 필수' })
  @Allow()
  password?: unknown;
}
