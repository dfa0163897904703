import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type LoginResult, AuthService } from '../../auth/auth.service.js';
import { AppException } from '../../common/errors/app.exception.js';
import { oauthConfig } from '../../config/oauth.config.js';
import { kakaoProfile } from '../providers/kakao.provider.js';
import { asRecord, ProfileShapeError, type SocialProfile } from '../providers/social-profile.js';
import { SocialAccountService } from '../../users/social-account.service.js';

/** How long one call to Kakao may take before the client gets 502 KAKAO_UNAVAILABLE. */
const KAKAO_TIMEOUT_MS = 5_000;
const TOKEN_FORMAT = /^[\x21-\x7e]{1,2048}$/;

type KakaoAnswer = { ok: true; json: Record<string, unknown> } | { ok: false; status: number; kakaoCode?: unknown };

/**
 * Seed 001: the frontend already holds a Kakao access token. It is checked
 * at `access_token_info` (and refused when issued to another app, which seed
 * 001 let in), the profile read at `/v2/user/me`, then the same account rules
 * as the redirect flow.
 */
@Injectable()
export class KakaoTokenService {
  private readonly logger = new Logger('OAuth');

  constructor(
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly accounts: SocialAccountService,
    private readonly auth: AuthService,
  ) {}

  async signIn(accessToken: string): Promise<LoginResult> {
    const appId = this.oauth.kakaoAppId;
    if (appId === undefined) throw new AppException('PROVIDER_NOT_CONFIGURED');
    // A header value Kakao could never have issued; refused before it reaches fetch.
    if (!TOKEN_FORMAT.test(accessToken)) throw new AppException('KAKAO_TOKEN_INVALID');
    const info = await this.call(this.oauth.kakaoTokenInfoUri, accessToken);
    if (String(info.app_id) !== appId) {
      this.logger.warn({ msg: 'kakao token of another app refused', app_id: info.app_id, expected_app_id: appId });
      throw new AppException('KAKAO_APP_MISMATCH');
    }
    const profile = this.profileOf(await this.call(this.oauth.providers.kakao.userInfoUri, accessToken));
    if (String(info.id) !== profile.providerUserId) throw new AppException('KAKAO_TOKEN_INVALID');
    const user = await this.accounts.signIn(profile);
    return this.auth.issueLogin(Number(user.id));
  }

  private profileOf(me: Record<string, unknown>): SocialProfile {
    try {
      return kakaoProfile(me);
    } catch (error) {
      if (error instanceof ProfileShapeError) throw new AppException('KAKAO_UNAVAILABLE', { cause: error });
      throw error;
    }
  }

  /** 400/401 from Kakao: the token is bad. Anything else that is not 200 JSON: Kakao is unavailable. */
  private async call(url: string, accessToken: string): Promise<Record<string, unknown>> {
    const answer = await this.fetchJson(url, accessToken);
    if (answer.ok) return answer.json;
    if (answer.status === 400 || answer.status === 401) throw new AppException('KAKAO_TOKEN_INVALID');
    this.logger.warn({ msg: 'kakao api call failed', url, status: answer.status, kakao_code: answer.kakaoCode });
    throw new AppException('KAKAO_UNAVAILABLE');
  }

  private async fetchJson(url: string, accessToken: string): Promise<KakaoAnswer> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${accessToken}` },
        signal: AbortSignal.timeout(KAKAO_TIMEOUT_MS),
      });
    } catch (error) {
      this.logger.warn({
        msg: 'kakao api unreachable',
        url,
        cause: error instanceof Error ? error.message : String(error),
      });
      return { ok: false, status: 0 };
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const json = asRecord(body);
    if (response.status === 200 && json) return { ok: true, json };
    return { ok: false, status: response.status === 200 ? 502 : response.status, kakaoCode: json?.code };
  }
}
