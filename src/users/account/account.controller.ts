import { Body, Controller, Delete, HttpCode } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../../common/decorators/current-user.decorator.js';
import { FIELD_MESSAGES as M, SUCCESS_MESSAGES as S } from '../../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../../common/http/api-response.js';
import { AccountService } from './account.service.js';
import { WithdrawDto } from './dto/password-reset.dto.js';

/** 회원 탈퇴 (SPEC §5, endpoint 16). */
@ApiTags('account')
@Controller('api/auth')
export class AccountController {
  constructor(private readonly account: AccountService) {}

  @Delete('me')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: '회원 탈퇴',
    description:
      '일반 계정은 비밀번호로 다시 확인합니다(로그인 실패 횟수에 포함). 소셜 계정은 본문 없이, 10분 안에 로그인한 ' +
      '세션이어야 합니다. 모든 세션이 로그아웃되고 개인정보가 삭제되며, 이메일과 닉네임은 바로 다시 쓸 수 있습니다. ' +
      '카카오 계정은 카카오 연결 끊기도 요청합니다.',
  })
  @ApiBody({ type: WithdrawDto, required: false })
  @ApiEnvelope({ message: S.accountDeleted })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.passwordRequired, field: 'password', summary: 'password 없음 (일반 계정)' },
    'CURRENT_PASSWORD_MISMATCH',
    'REAUTH_REQUIRED',
    'LOGIN_THROTTLED',
    'TOKEN_MISSING',
    'TOKEN_INVALID',
    'TOKEN_EXPIRED',
    'TOKEN_REVOKED',
  )
  async withdraw(@CurrentUser() principal: Principal, @Body() dto: WithdrawDto): Promise<ApiResponse<null>> {
    await this.account.withdraw(principal, dto.password);
    return success(null, S.accountDeleted);
  }
}
