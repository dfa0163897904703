import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type Principal } from '../common/decorators/current-user.decorator.js';
import { Public } from '../common/decorators/public.decorator.js';
import { AppException } from '../common/errors/app.exception.js';
import { FIELD_MESSAGES as M, SUCCESS_MESSAGES as S } from '../common/errors/error-catalogue.js';
import { ApiEnvelope, ApiErrors } from '../common/http/api-docs.decorators.js';
import { type ApiResponse, created, success } from '../common/http/api-response.js';
import { UserResponse } from '../users/user.mapper.js';
import { UsersService } from '../users/users.service.js';
import { AuthService } from './auth.service.js';
import { LoginDto } from './dto/login.dto.js';
import { RefreshDto } from '../token/dto/refresh.dto.js';
import { LoginResponse, TokenPairResponse } from './dto/responses.dto.js';
import { SendCodeDto } from './dto/send-code.dto.js';
import { SignupDto } from './dto/signup.dto.js';
import { VerifyCodeDto } from './dto/verify-code.dto.js';
import { EmailVerificationService } from './email-verification.service.js';

const EMAIL_ERRORS = [
  { code: 'VALIDATION_FAILED', message: M.emailRequired, summary: 'email 없음' },
  { code: 'VALIDATION_FAILED', message: M.emailFormat, summary: 'email 형식' },
  { code: 'VALIDATION_FAILED', message: M.emailLength, summary: 'email 길이' },
] as const;

const SIGNUP_FIELD_ERRORS = (
  [
    ['password', '없음', M.passwordRequired],
    ['password', '길이', M.passwordLength],
    ['name', '없음', M.nameRequired],
    ['name', '길이', M.nameLength],
    ['nickname', '없음', M.nicknameRequired],
    ['nickname', '길이', M.nicknameLength],
    ['birthDate', '없음', M.birthDateRequired],
    ['birthDate', '형식', M.birthDateFormat],
    ['addressSido', '길이', M.sidoLength],
    ['addressGugun', '길이', M.gugunLength],
  ] as const
).map(([field, what, message]) => ({
  code: 'VALIDATION_FAILED' as const,
  message,
  field,
  summary: `${field} ${what}`,
}));

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly verification: EmailVerificationService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('email/verification/send')
  @HttpCode(200)
  @ApiOperation({
    summary: '이메일 인증코드 발송',
    description: '6자리 코드, 5분 유효, 같은 이메일 재요청 시 기존 코드 대체, 60초 재발송 제한.',
  })
  @ApiEnvelope({ message: S.verificationCodeSent })
  @ApiErrors(...EMAIL_ERRORS, 'EMAIL_SEND_COOLDOWN', 'MAIL_SEND_FAILED', 'TOO_MANY_REQUESTS')
  async sendCode(@Body() dto: SendCodeDto): Promise<ApiResponse<null>> {
    await this.verification.send(dto.email);
    return success(null, S.verificationCodeSent);
  }

  @Public()
  @Post('email/verification/verify')
  @HttpCode(200)
  @ApiOperation({ summary: '이메일 인증코드 검증', description: '성공하면 30분 안에 한 번 회원가입할 수 있습니다.' })
  @ApiEnvelope({ message: S.emailVerified })
  @ApiErrors(
    ...EMAIL_ERRORS,
    { code: 'VALIDATION_FAILED', message: M.codeRequired, summary: 'verificationCode 없음', field: 'verificationCode' },
    { code: 'VALIDATION_FAILED', message: M.codeFormat, summary: 'verificationCode 형식', field: 'verificationCode' },
    'VERIFICATION_CODE_EXPIRED',
    'VERIFICATION_CODE_MISMATCH',
    'VERIFICATION_ATTEMPTS_EXCEEDED',
  )
  async verifyCode(@Body() dto: VerifyCodeDto): Promise<ApiResponse<null>> {
    await this.verification.verify(dto.email, dto.verificationCode);
    return success(null, S.emailVerified);
  }

  @Public()
  @Post('signup')
  @HttpCode(201)
  @ApiOperation({ summary: '회원가입', description: '이메일 인증 완료 후 30분 이내, 만 14세 이상.' })
  @ApiEnvelope({ status: 201, message: '생성됨', data: UserResponse })
  @ApiErrors(
    ...EMAIL_ERRORS,
    ...SIGNUP_FIELD_ERRORS,
    'UNDER_AGE',
    'EMAIL_NOT_VERIFIED',
    'EMAIL_ALREADY_EXISTS',
    'NICKNAME_ALREADY_EXISTS',
  )
  async signup(@Body() dto: SignupDto): Promise<ApiResponse<UserResponse>> {
    return created(await this.auth.signup(dto));
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: '로그인' })
  @ApiEnvelope({ message: '성공', data: LoginResponse })
  @ApiErrors(
    ...EMAIL_ERRORS,
    { code: 'VALIDATION_FAILED', message: M.passwordRequired, summary: 'password 없음', field: 'password' },
    'INVALID_CREDENTIALS',
    'LOGIN_THROTTLED',
  )
  async login(@Body() dto: LoginDto): Promise<ApiResponse<LoginResponse>> {
    return success(await this.auth.login(dto));
  }

  @Public()
  @Post('logout')
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOperation({ summary: '로그아웃', description: 'Access Token과 같은 세션의 Refresh Token을 함께 무효화합니다.' })
  @ApiEnvelope({ message: '성공', data: 'string', dataExample: S.loggedOut })
  @ApiErrors({ code: 'TOKEN_MISSING', status: 400 }, { code: 'TOKEN_INVALID', status: 400 }, 'TOKEN_REVOKED')
  async logout(@Headers('authorization') authorization: string | undefined): Promise<ApiResponse<string>> {
    await this.auth.logout(authorization);
    return success(S.loggedOut);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Access Token 갱신',
    description: 'Refresh Token은 한 번만 쓸 수 있으며, 새 토큰 쌍이 발급됩니다.',
  })
  @ApiEnvelope({ message: '성공', data: TokenPairResponse })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.refreshTokenRequired, field: 'refreshToken' },
    'REFRESH_TOKEN_INVALID',
    'REFRESH_TOKEN_REVOKED',
  )
  async refresh(@Body() dto: RefreshDto): Promise<ApiResponse<TokenPairResponse>> {
    return success(await this.auth.refresh(dto.refreshToken));
  }

  @Public()
  @Post('reissue')
  @HttpCode(200)
  @ApiOperation({
    summary: '토큰 재발급 (헤더 방식)',
    description: '응답 헤더 Authorization, Refresh-Token에도 새 토큰을 담습니다.',
  })
  // Authorization as a security requirement (a header parameter of that name is ignored by OpenAPI tools),
  // optional (`{}`): Swagger UI's Authorize sends it, and the access token may be absent or expired.
  @ApiSecurity({})
  @ApiBearerAuth()
  @ApiHeader({ name: 'Refresh-Token', required: true, description: 'Refresh Token (`Bearer ` 프리픽스 선택)' })
  @ApiEnvelope({
    message: '성공',
    data: TokenPairResponse,
    headers: {
      Authorization: {
        description: 'Bearer <새 Access Token>',
        required: true,
        schema: { type: 'string', pattern: '^Bearer .+$' },
      },
      'Refresh-Token': { description: '새 Refresh Token', required: true, schema: { type: 'string' } },
    },
  })
  @ApiErrors(
    { code: 'VALIDATION_FAILED', message: M.refreshTokenRequired, field: 'Refresh-Token' },
    'EXPIRED_REFRESH_TOKEN',
    { code: 'REFRESH_TOKEN_INVALID', status: 401 },
    { code: 'REFRESH_TOKEN_REVOKED', status: 401 },
  )
  async reissue(
    @Headers('authorization') authorization: string | undefined,
    @Headers('refresh-token') refreshToken: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ApiResponse<TokenPairResponse>> {
    const tokens = await this.auth.reissue(authorization, refreshToken);
    res.setHeader('Authorization', `Bearer ${tokens.accessToken}`);
    res.setHeader('Refresh-Token', tokens.refreshToken);
    return success(tokens);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: '내 정보' })
  @ApiEnvelope({ message: '성공', data: UserResponse })
  @ApiErrors('TOKEN_MISSING', 'TOKEN_INVALID', 'TOKEN_EXPIRED', 'TOKEN_REVOKED')
  async me(@CurrentUser() principal: Principal): Promise<ApiResponse<UserResponse>> {
    const user = await this.users.getProfile(principal.userId);
    if (!user) throw new AppException('TOKEN_INVALID');
    return success(user);
  }
}
