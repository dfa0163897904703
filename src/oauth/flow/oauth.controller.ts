import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../common/decorators/public.decorator.js';
import { AppException } from '../../common/errors/app.exception.js';
import { ApiErrors, ApiRedirect } from '../../common/http/api-docs.decorators.js';
import { OAuthGuard, OAuthRoute } from './oauth.guard.js';
import { OAuthFailure } from './oauth-failure.js';
import { OAuthFailureFilter } from './oauth-failure.filter.js';
import { OAuthHandoffService, sendRedirect } from './oauth-handoff.service.js';
import { SOCIAL_PROVIDERS } from '../providers/index.js';
import { SocialAccountService } from '../../users/social-account.service.js';
import { SocialLogin } from './social-login.decorator.js';

const PROVIDER_PARAM = { name: 'provider', enum: SOCIAL_PROVIDERS, description: '소셜 로그인 제공자' };
/** The state cookie of a start (OAuthStateStore). */
const STATE_COOKIE = 'state를 이 브라우저에 묶는 HttpOnly 쿠키 (10분)';
/** A start URL carrying `code` or `error` (passport would take it for a callback). */
const START_WITH_CALLBACK_PARAMS = { code: 'VALIDATION_FAILED', summary: 'code 또는 error 파라미터' } as const;
const REDIRECT_QUERY = {
  name: 'redirect_uri',
  type: String,
  required: false,
  description: '로그인 후 돌아갈 프론트엔드 주소. OAUTH2_ALLOWED_REDIRECT_URIS 중 하나와 정확히 같아야 합니다.',
};

/**
 * The redirect flow of SPEC §3 (Spring Security's paths, plus seed 004's
 * Kakao aliases). The guard talks to the provider; the callback turns the
 * profile into an account and hands the login to the frontend.
 */
@ApiTags('social')
@Controller()
@UseFilters(OAuthFailureFilter)
export class OAuthController {
  constructor(
    private readonly accounts: SocialAccountService,
    private readonly handoff: OAuthHandoffService,
  ) {}

  @Public()
  @Get('oauth2/authorization/:provider')
  @OAuthRoute('start')
  @UseGuards(OAuthGuard)
  @ApiOperation({
    summary: '소셜 로그인 시작',
    description: '제공자의 로그인 페이지로 302 리다이렉트합니다 (state 10분 1회용, 쿠키로 브라우저에 묶임, PKCE S256).',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiQuery(REDIRECT_QUERY)
  @ApiRedirect({ description: '제공자의 로그인 페이지로 이동', setCookie: STATE_COOKIE })
  @ApiErrors(START_WITH_CALLBACK_PARAMS, 'REDIRECT_URI_NOT_ALLOWED', 'UNSUPPORTED_PROVIDER', 'PROVIDER_NOT_CONFIGURED')
  start(): void {
    // The guard has answered with the redirect to the provider.
  }

  @Public()
  @Get('api/auth/kakao')
  @OAuthRoute('start', 'kakao')
  @UseGuards(OAuthGuard)
  @ApiOperation({ summary: '카카오 로그인 시작 (= /oauth2/authorization/kakao)' })
  @ApiQuery(REDIRECT_QUERY)
  @ApiRedirect({ description: '카카오 로그인 페이지로 이동', setCookie: STATE_COOKIE })
  @ApiErrors(START_WITH_CALLBACK_PARAMS, 'REDIRECT_URI_NOT_ALLOWED', 'PROVIDER_NOT_CONFIGURED')
  kakaoStart(): void {
    // The guard has answered with the redirect to Kakao.
  }

  @Public()
  @Get('login/oauth2/code/:provider')
  @OAuthRoute('callback')
  @UseGuards(OAuthGuard)
  @ApiOperation({
    summary: '소셜 로그인 콜백',
    description:
      '제공자가 돌려보낸 인가 코드를 서버에서 교환하고, 프론트엔드(OAUTH2_REDIRECT_URI)로 302 리다이렉트합니다: ' +
      '성공 시 ?accessToken=…&refreshToken=… (또는 #…, ?code=…), 실패 시 ' +
      '?error=<errorCode>&message=<메시지>&traceId=…[&providerError=KOE…].',
  })
  @ApiParam(PROVIDER_PARAM)
  @ApiRedirect({ description: '프론트엔드로 이동 (성공 또는 실패)' })
  @ApiErrors('UNSUPPORTED_PROVIDER', 'PROVIDER_NOT_CONFIGURED')
  async callback(@SocialLogin() login: SocialLogin, @Res() res: Response): Promise<void> {
    await this.finish(login, res);
  }

  @Public()
  @Get('api/auth/kakao/callback')
  @OAuthRoute('callback', 'kakao')
  @UseGuards(OAuthGuard)
  @ApiOperation({ summary: '카카오 로그인 콜백 (= /login/oauth2/code/kakao)' })
  @ApiRedirect({ description: '프론트엔드로 이동 (성공 또는 실패)' })
  @ApiErrors('PROVIDER_NOT_CONFIGURED')
  async kakaoCallback(@SocialLogin() login: SocialLogin, @Res() res: Response): Promise<void> {
    await this.finish(login, res);
  }

  private async finish({ profile, redirectUri: target }: SocialLogin, res: Response): Promise<void> {
    let userId: number;
    try {
      userId = Number((await this.accounts.signIn(profile)).id);
    } catch (error) {
      if (
        error instanceof AppException &&
        (error.errorCode === 'EMAIL_REQUIRED' || error.errorCode === 'EMAIL_REGISTERED_WITH_LOCAL')
      ) {
        throw new OAuthFailure(error.errorCode, undefined, target);
      }
      throw error;
    }
    sendRedirect(res, await this.handoff.successLocation(userId, target));
  }
}
