import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginResponse } from '../../auth/dto/responses.dto.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../../common/http/api-response.js';
import { OAuthTokenDto } from './dto/oauth-token.dto.js';
import { OAuthHandoffService } from './oauth-handoff.service.js';

/** The JSON side of the redirect flow: the `code` hand-off. */
@ApiTags('social')
@Controller('api/auth')
export class SocialAuthController {
  constructor(private readonly handoff: OAuthHandoffService) {}

  @Public()
  @Post('oauth2/token')
  @HttpCode(200)
  @ApiOperation({
    summary: '소셜 로그인 코드 교환',
    description:
      'OAUTH2_TOKEN_DELIVERY=code일 때 리다이렉트의 ?code=… 를 로그인 정보로 바꿉니다. 코드는 한 번만, 60초 안에 쓸 수 있습니다.',
  })
  @ApiEnvelope({ message: '성공', data: LoginResponse })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: FIELD_MESSAGES.oauthCodeRequired, summary: 'code 없음' },
    { code: 'INVALID_STATE', summary: '없거나 이미 쓴 코드, 또는 60초가 지난 코드' },
  )
  async exchange(@Body() dto: OAuthTokenDto): Promise<ApiResponse<LoginResponse>> {
    return success(await this.handoff.exchange(dto.code));
  }
}
