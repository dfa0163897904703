import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { AppException } from '../common/errors/app.exception.js';
import { FIELD_MESSAGES } from '../common/errors/error-catalogue.js';
import { bearerToken } from '../common/http/bearer.js';
import { currentClient } from '../common/logging/request-context.js';
import { SecurityEvents } from '../common/security/security-events.js';
import { Clock } from '../common/time/clock.js';
import { fullYears, localDate } from '../common/time/zoned-time.js';
import { appConfig } from '../config/app.config.js';
import { authConfig } from '../config/auth.config.js';
import { EmailCodeService } from '../token/email-code.service.js';
import { JwtTokenService } from '../token/jwt-token.service.js';
import { CLIENT_IP_MAX, USER_AGENT_MAX } from '../token/session.entity.js';
import { SessionService, type TokenPair } from '../token/session.service.js';
import { mapUser, type UserResponse } from '../users/user.mapper.js';
import { DuplicateUserError } from '../users/users.errors.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import type { LoginDto } from './dto/login.dto.js';
import type { SignupDto } from './dto/signup.dto.js';
import { LoginThrottleService } from './login-throttle.service.js';
import { PasswordService } from './password.service.js';

/** The first `max` characters (code points, as PostgreSQL's varchar counts). */
const cut = (value: string, max: number): string => [...value].slice(0, max).join('');

export interface LoginResult extends TokenPair {
  user: UserResponse;
}

/** Signup, login, logout, refresh and reissue (SPEC §2, endpoints 3–8). */
@Injectable()
export class AuthService {
  constructor(
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
    private readonly users: UsersRepository,
    private readonly profiles: UsersService,
    private readonly passwords: PasswordService,
    private readonly codes: EmailCodeService,
    private readonly sessions: SessionService,
    private readonly jwt: JwtTokenService,
    private readonly throttle: LoginThrottleService,
    private readonly clock: Clock,
    private readonly events: SecurityEvents,
  ) {}

  /**
   * Needs a verified email. The ticket is spent only once the account exists,
   * so a signup refused for any reason leaves it usable. Duplicates are
   * decided by the unique indexes, not by a check that could race.
   */
  async signup(dto: SignupDto): Promise<UserResponse> {
    const today = localDate(this.clock.now(), this.app.timezone);
    if (fullYears(dto.birthDate, today) < this.auth.minimumAge) throw new AppException('UNDER_AGE');
    if (!(await this.codes.isVerified(dto.email))) throw new AppException('EMAIL_NOT_VERIFIED');
    const passwordHash = await this.passwords.hash(dto.password);
    try {
      const user = await this.users.create({
        email: dto.email,
        passwordHash,
        name: dto.name,
        nickname: dto.nickname,
        birthDate: dto.birthDate,
        addressSido: dto.addressSido ?? null,
        addressGugun: dto.addressGugun ?? null,
        provider: 'local',
        providerUserId: null,
      });
      await this.codes.consumeVerification(dto.email);
      return mapUser(user);
    } catch (error) {
      if (error instanceof DuplicateUserError) {
        throw new AppException(error.field === 'nickname' ? 'NICKNAME_ALREADY_EXISTS' : 'EMAIL_ALREADY_EXISTS');
      }
      throw error;
    }
  }

  /**
   * Same answer and the same bcrypt work for an unknown email, a wrong
   * password, or a social-only account. The comparison runs only inside a
   * login-throttle slot; the account is looked up first, so a database
   * outage answers 503 without using one.
   */
  async login(dto: LoginDto): Promise<LoginResult> {
    const user = await this.users.findLocalCredentials(dto.email);
    const valid = await this.throttle.attempt(dto.email, () => this.passwords.verify(dto.password, user?.passwordHash));
    if (!user || !valid) {
      this.events.emit('login.failed', { email: dto.email, ...(user && { userId: user.id }) });
      throw new AppException('INVALID_CREDENTIALS');
    }
    const result = await this.issueLogin(Number(user.id), user.passwordHash);
    this.events.emit('login.succeeded', { email: dto.email, userId: user.id });
    return result;
  }

  /**
   * Opens a session for a user who has proven who they are (password or a
   * social provider), recording how (the account's provider) and the
   * caller's User-Agent and address. With `passwordHash` (a password login),
   * no session opens once that password has been replaced meanwhile.
   */
  async issueLogin(userId: number, passwordHash: string | null = null): Promise<LoginResult> {
    const user = await this.profiles.getProfile(userId);
    if (!user) throw new AppException('INVALID_CREDENTIALS');
    const client = currentClient();
    const session = await this.sessions.createSession(
      userId,
      {
        method: user.provider,
        userAgent: client.userAgent === null ? null : cut(client.userAgent, USER_AGENT_MAX),
        ip: client.ip === null ? null : cut(client.ip, CLIENT_IP_MAX),
      },
      passwordHash,
    );
    // The account was withdrawn, or its password replaced, while this login was checked.
    if (!session) throw new AppException('INVALID_CREDENTIALS');
    return { accessToken: session.accessToken, refreshToken: session.refreshToken, user };
  }

  /**
   * Reads the raw Authorization header itself (not behind the 401 guard):
   * missing → 400 TOKEN_MISSING, bad or expired → 400 TOKEN_INVALID,
   * already logged out → 401 TOKEN_REVOKED. Revokes the whole session.
   */
  async logout(authorization: string | undefined): Promise<void> {
    const token = bearerToken(authorization);
    if (!token) throw new AppException('TOKEN_MISSING', { status: 400 });
    const verified = this.jwt.verify(token, 'access');
    if (verified.status !== 'valid') throw new AppException('TOKEN_INVALID', { status: 400 });
    if (!(await this.sessions.revoke(verified.claims.sid, 'logout'))) throw new AppException('TOKEN_REVOKED');
    this.events.emit('session.revoked', {
      userId: verified.claims.sub,
      sessionId: verified.claims.sid,
      reason: 'logout',
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const outcome = await this.sessions.rotate(refreshToken);
    switch (outcome.status) {
      case 'rotated':
        return outcome.tokens;
      case 'revoked':
        throw new AppException('REFRESH_TOKEN_REVOKED');
      default:
        throw new AppException('REFRESH_TOKEN_INVALID');
    }
  }

  /**
   * Seed 004's reissue: the same rotation, answered with 401s. The access
   * token may be expired but, when sent, must be ours and of the same session.
   */
  async reissue(authorization: string | undefined, refreshToken: string | undefined): Promise<TokenPair> {
    if (!refreshToken || refreshToken.trim() === '') {
      throw new AppException('VALIDATION_FAILED', {
        message: FIELD_MESSAGES.refreshTokenRequired,
        errors: [{ field: 'Refresh-Token', message: FIELD_MESSAGES.refreshTokenRequired }],
      });
    }
    const refresh = bearerToken(refreshToken) ?? refreshToken.trim();
    const accessToken = bearerToken(authorization);
    if (accessToken) {
      const access = this.jwt.verify(accessToken, 'access');
      const claimed = this.jwt.verify(refresh, 'refresh');
      if (access.status === 'invalid' || (claimed.status !== 'invalid' && access.claims.sid !== claimed.claims.sid)) {
        throw new AppException('REFRESH_TOKEN_INVALID', { status: 401 });
      }
    }
    const outcome = await this.sessions.rotate(refresh);
    switch (outcome.status) {
      case 'rotated':
        return outcome.tokens;
      case 'expired':
        throw new AppException('EXPIRED_REFRESH_TOKEN');
      case 'revoked':
        throw new AppException('REFRESH_TOKEN_REVOKED', { status: 401 });
      default:
        throw new AppException('REFRESH_TOKEN_INVALID', { status: 401 });
    }
  }
}
