import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { AppException } from '../common/errors/app.exception.js';
import { FIELD_MESSAGES as M, SUCCESS_MESSAGES as S } from '../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorators.js';
import { type ApiResponse, success } from '../common/http/api-response.js';
import { SessionService } from './session.service.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { mapSession, SessionResponse } from './dto/session.response.js';
import { UUID } from './session.repository.js';
import { SecurityEvents } from '../common/security/security-events.js';

const GUARD_ERRORS = ['TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED'] as const;

/** The caller's sessions (SPEC §5, endpoints 12–15): list, end one, end all, end by refresh token. */
@ApiTags('sessions')
@Controller('api/auth')
export class SessionsController {
  constructor(
    private readonly sessions: SessionService,
    private readonly events: SecurityEvents,
  ) {}

  @Get('sessions')
  @Header('Cache-Control', 'no-store')
  @ApiBearerAuth()
  @ApiOperation({
    summary: '내 세션 목록',
    description:
      '로그아웃되지 않았고 끝나지 않은 세션을 최근에 열린 순서로 돌려줍니다. current는 이 요청의 세션입니다.',
  })
  @ApiEnvelope({ message: '성공', data: [SessionResponse] })
  @ApiErrors(...GUARD_ERRORS)
  async list(@CurrentUser() principal: Principal): Promise<ApiResponse<SessionResponse[]>> {
    const sessions = await this.sessions.listActive(principal.userId);
    return success(sessions.map((session) => mapSession(session, principal.sessionId)));
  }

  @Delete('sessions/:sessionId')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({
    summary: '세션 하나 로그아웃',
    description: '내 세션 하나의 모든 토큰을 무효화합니다. 현재 세션이면 로그아웃과 같습니다.',
  })
  @ApiParam({ name: 'sessionId', format: 'uuid', description: '세션 목록의 id' })
  @ApiEnvelope({ message: '성공', data: 'string', dataExample: S.loggedOut })
  @ApiErrors(...GUARD_ERRORS, {
    code: 'SESSION_NOT_FOUND',
    summary: 'UUID가 아님, 없음, 다른 사용자의 세션, 이미 로그아웃',
  })
  async revokeOne(
    @CurrentUser() principal: Principal,
    @Param('sessionId') sessionId: string,
  ): Promise<ApiResponse<string>> {
    if (!UUID.test(sessionId) || !(await this.sessions.revokeOwn(principal.userId, sessionId.toLowerCase()))) {
      throw new AppException('SESSION_NOT_FOUND');
    }
    this.events.emit('session.revoked', {
      userId: principal.userId,
      sessionId: sessionId.toLowerCase(),
      reason: 'revoked',
    });
    return success(S.loggedOut);
  }

  @Post('logout/all')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: '모든 기기에서 로그아웃', description: '현재 세션을 포함한 내 모든 세션을 무효화합니다.' })
  @ApiEnvelope({ message: '성공', data: 'string', dataExample: S.loggedOutEverywhere })
  @ApiErrors(...GUARD_ERRORS)
  async logoutAll(@CurrentUser() principal: Principal): Promise<ApiResponse<string>> {
    await this.sessions.revokeAllOfUser(principal.userId, 'logout_all');
    this.events.emit('session.revoked', { userId: principal.userId, reason: 'logout_all' });
    return success(S.loggedOutEverywhere);
  }

  @Public()
  @Post('token/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Refresh Token으로 로그아웃',
    description:
      'Access Token 없이 Refresh Token의 세션을 끝냅니다(Access Token이 만료된 SPA의 로그아웃). ' +
      '우리가 서명한 Refresh Token이면 유효·만료·사용됨·이미 로그아웃 모두 200입니다.',
  })
  @ApiEnvelope({ message: '성공', data: 'string', dataExample: S.loggedOut })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.refreshTokenRequired, field: 'refreshToken' },
    { code: 'REFRESH_TOKEN_INVALID', summary: '위조, 형식 오류, 또는 Access Token' },
  )
  async revokeToken(@Body() dto: RefreshDto): Promise<ApiResponse<string>> {
    const ended = await this.sessions.revokeByRefreshToken(dto.refreshToken);
    if (!ended) throw new AppException('REFRESH_TOKEN_INVALID');
    this.events.emit('session.revoked', { ...ended, reason: 'token_revoked' });
    return success(S.loggedOut);
  }
}
