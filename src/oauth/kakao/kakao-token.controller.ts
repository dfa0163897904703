import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { LoginResponse } from '../../auth/dto/responses.dto.js';
import { Public } from '../../common/decorators/public.decorator.js';
import { FIELD_MESSAGES } from '../../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../../common/http/api-response.js';
import { KakaoTokenDto } from './dto/kakao-token.dto.js';
import { KakaoTokenService } from './kakao-token.service.js';

/** Seed 001's Kakao token sign-in: the frontend already holds a Kakao access token. */
@ApiTags('social')
@Controller('api/auth')
export class KakaoTokenController {
  constructor(private readonly kakao: KakaoTokenService) {}

  @Public()
  @Post('social/kakao')
  @HttpCode(200)
  @ApiOperation({
    summary: '카카오 액세스 토큰으로 로그인',
    description:
      '프론트엔드가 받은 카카오 액세스 토큰을 카카오에서 확인(access_token_info, 이 서비스의 앱 ID인지)하고 ' +
      '/v2/user/me로 사용자를 찾거나 가입시킨 뒤 로그인 정보를 돌려줍니다.',
  })
  @ApiEnvelope({ message: '성공', data: LoginResponse })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: FIELD_MESSAGES.kakaoAccessTokenRequired, summary: 'accessToken 없음' },
    'EMAIL_REQUIRED',
    'KAKAO_TOKEN_INVALID',
    'KAKAO_APP_MISMATCH',
    'EMAIL_REGISTERED_WITH_LOCAL',
    'KAKAO_UNAVAILABLE',
    'PROVIDER_NOT_CONFIGURED',
  )
  async kakaoToken(@Body() dto: KakaoTokenDto): Promise<ApiResponse<LoginResponse>> {
    return success(await this.kakao.signIn(dto.accessToken));
  }
}
