import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Query } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { ApiConsumes, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { AppException } from '../../common/errors/app.exception.js';
import { ERRORS } from '../../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../../common/http/api-response.js';
import { oauthConfig } from '../../config/oauth.config.js';
import { SessionService } from '../../token/session.service.js';
import { UsersService } from '../../users/users.service.js';
import { KakaoAdminClient } from './kakao-admin.client.js';
import { SecurityEvents } from '../../common/security/security-events.js';

const KAKAO_AK = /^KakaoAK\s+(\S+)\s*$/i;
const KAKAO_USER_ID = /^\d{1,20}$/;

type Params = Record<string, unknown>;

/** A parameter from the form body, else the query string; repeated ones count once (the first). */
function param(body: Params, query: Params, name: string): string | undefined {
  const value = body[name] ?? query[name];
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' && first.trim() !== '' ? first.trim() : undefined;
}

/**
 * Kakao's unlink callback (SPEC §5, endpoint 17, 연결 끊기 알림): Kakao calls
 * it, with its admin key, when a user disconnects the app on Kakao's side.
 * Every session of that Kakao account is revoked; the account stays.
 */
@ApiTags('social')
@Controller('api/auth/kakao/unlink')
export class KakaoUnlinkController {
  constructor(
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly kakao: KakaoAdminClient,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    private readonly events: SecurityEvents,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: '카카오 연결 끊기 알림 (POST)',
    description:
      '카카오가 사용자의 연결 끊기를 알립니다. app_id, user_id, referrer_type을 쿼리 또는 ' +
      'application/x-www-form-urlencoded 본문으로 받습니다. 해당 카카오 계정의 모든 세션을 로그아웃합니다(계정은 유지).',
  })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiHeader({ name: 'Authorization', required: true, description: 'KakaoAK <KAKAO_ADMIN_KEY>' })
  @ApiEnvelope({ message: '성공' })
  @ApiErrors('UNLINK_UNAUTHORIZED', {
    code: 'UNLINK_UNAUTHORIZED',
    status: 400,
    summary: 'app_id가 KAKAO_APP_ID와 다름',
  })
  async notifyByPost(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Params,
    @Body() body: Params,
  ): Promise<ApiResponse<null>> {
    return this.unlinked(authorization, body, query);
  }

  @Public()
  @Get()
  @ApiOperation({ summary: '카카오 연결 끊기 알림 (GET)', description: 'POST와 같고, 매개변수는 쿼리로 받습니다.' })
  @ApiHeader({ name: 'Authorization', required: true, description: 'KakaoAK <KAKAO_ADMIN_KEY>' })
  @ApiQuery({ name: 'app_id', example: '424242' })
  @ApiQuery({ name: 'user_id', example: '3141592653' })
  @ApiQuery({ name: 'referrer_type', example: 'UNLINK_FROM_APPS', required: false })
  @ApiEnvelope({ message: '성공' })
  @ApiErrors('UNLINK_UNAUTHORIZED', {
    code: 'UNLINK_UNAUTHORIZED',
    status: 400,
    summary: 'app_id가 KAKAO_APP_ID와 다름',
  })
  async notifyByGet(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Params,
  ): Promise<ApiResponse<null>> {
    return this.unlinked(authorization, {}, query);
  }

  private async unlinked(authorization: string | undefined, body: Params, query: Params): Promise<ApiResponse<null>> {
    const key = KAKAO_AK.exec(authorization ?? '')?.[1];
    if (key === undefined || !this.kakao.matchesAdminKey(key)) throw new AppException('UNLINK_UNAUTHORIZED');
    const appId = param(body, query, 'app_id');
    if (appId === undefined || appId !== this.oauth.kakaoAppId) {
      throw new AppException('UNLINK_UNAUTHORIZED', { status: 400 });
    }
    const userId = param(body, query, 'user_id');
    if (userId === undefined || !KAKAO_USER_ID.test(userId)) {
      const message = ERRORS.VALIDATION_FAILED.message;
      throw new AppException('VALIDATION_FAILED', { errors: [{ field: 'user_id', message }] });
    }
    const user = await this.users.findByProviderIdentity('kakao', userId);
    if (user) {
      await this.sessions.revokeAllOfUser(Number(user.id), 'kakao_unlinked');
      this.events.emit('kakao.unlinked', { userId: user.id, reason: 'kakao_unlinked' });
    }
    return success(null);
  }
}
