import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../../common/decorators/current-user.decorator.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { FIELD_MESSAGES as M, SUCCESS_MESSAGES as S } from '../../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../../common/http/api-response.js';
import { AccountService } from './account.service.js';
import { PasswordChangeDto, PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/password-reset.dto.js';
import { PasswordResetService } from './password-reset.service.js';

const NEW_PASSWORD_ERRORS = [
  { code: 'VALIDATION_FAILED', message: M.passwordRequired, field: 'newPassword', summary: 'newPassword 없음' },
  { code: 'VALIDATION_FAILED', message: M.passwordLength, field: 'newPassword', summary: 'newPassword 길이' },
] as const;

/** Password reset by mail and password change (SPEC §5, endpoints 9–11). */
@ApiTags('password')
@Controller('api/auth/password')
export class PasswordController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly account: AccountService,
  ) {}

  @Public()
  @Post('reset/request')
  @HttpCode(200)
  @ApiOperation({
    summary: '비밀번호 재설정 메일 요청',
    description:
      '가입 여부와 상관없이 같은 응답입니다. 일반(비밀번호) 계정이면 응답 후 재설정 링크를 메일로 보냅니다. ' +
      '링크는 30분 동안 한 번만 쓸 수 있고, 새 요청은 이전 링크를 무효화합니다. 이메일당 시간당 5회.',
  })
  @ApiEnvelope({ message: S.passwordResetRequested })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.emailRequired, summary: 'email 없음' },
    { code: 'VALIDATION_FAILED', message: M.emailFormat, summary: 'email 형식' },
    { code: 'VALIDATION_FAILED', message: M.emailLength, summary: 'email 길이' },
    'PASSWORD_RESET_LIMITED',
  )
  async requestReset(@Body() dto: PasswordResetRequestDto): Promise<ApiResponse<null>> {
    await this.reset.request(dto.email);
    return success(null, S.passwordResetRequested);
  }

  @Public()
  @Post('reset/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: '비밀번호 재설정',
    description: '메일 링크의 token으로 새 비밀번호를 설정합니다. 성공하면 모든 기기에서 로그아웃됩니다.',
  })
  @ApiEnvelope({ message: S.passwordChanged })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.resetTokenRequired, field: 'token', summary: 'token 없음' },
    ...NEW_PASSWORD_ERRORS,
    { code: 'RESET_TOKEN_INVALID', summary: '없거나 만료, 교체, 이미 사용된 링크' },
  )
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<ApiResponse<null>> {
    await this.reset.confirm(dto.token, dto.newPassword);
    return success(null, S.passwordChanged);
  }

  @Post('change')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: '비밀번호 변경',
    description:
      '현재 비밀번호 확인은 로그인 실패 횟수에 포함됩니다. 성공하면 이 세션을 제외한 모든 세션이 로그아웃됩니다.',
  })
  @ApiEnvelope({ message: S.passwordChanged })
  @ApiErrors(
    {
      code: 'VALIDATION_FAILED',
      message: M.currentPasswordRequired,
      field: 'currentPassword',
      summary: 'currentPassword 없음',
    },
    ...NEW_PASSWORD_ERRORS,
    'CURRENT_PASSWORD_MISMATCH',
    'PASSWORD_NOT_SET',
    'PASSWORD_UNCHANGED',
    'LOGIN_THROTTLED',
    'TOKEN_MISSING',
    'TOKEN_INVALID',
    'TOKEN_EXPIRED',
    'TOKEN_REVOKED',
  )
  async change(@CurrentUser() principal: Principal, @Body() dto: PasswordChangeDto): Promise<ApiResponse<null>> {
    await this.account.changePassword(principal, dto.currentPassword, dto.newPassword);
    return success(null, S.passwordChanged);
  }
}
