import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import { authConfig } from '../../config/auth.config.js';

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** How long the unlink call may take before it counts as failed. */
const KAKAO_TIMEOUT_MS = 5_000;

/** Kakao's answer was not `200 {"id": …}`. */
export class KakaoUnlinkError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly kakaoCode?: unknown,
  ) {
    super(message);
    this.name = 'KakaoUnlinkError';
  }
}

/**
 * Kakao's admin-key API (SPEC §5): unlinking a user from the app at
 * withdrawal, `POST {KAKAO_UNLINK_URI}` with `Authorization: KakaoAK <admin
 * key>` and the form `target_id_type=user_id&target_id=<id>`.
 */
@Injectable()
export class KakaoAdminClient {
  constructor(@Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>) {}

  /** False when no KAKAO_ADMIN_KEY is set (nothing to call). */
  get configured(): boolean {
    return this.auth.kakaoAdminKey !== undefined;
  }

  /** True when the admin key of the request equals KAKAO_ADMIN_KEY (constant time). */
  matchesAdminKey(given: string): boolean {
    const expected = this.auth.kakaoAdminKey;
    if (expected === undefined) return false;
    return timingSafeEqual(sha256(given), sha256(expected));
  }

  /** Throws KakaoUnlinkError when Kakao refuses or cannot be reached. */
  async unlink(kakaoUserId: string): Promise<void> {
    const key = this.auth.kakaoAdminKey;
    if (key === undefined) throw new KakaoUnlinkError('KAKAO_ADMIN_KEY is not set');
    let response: Response;
    try {
      response = await fetch(this.auth.kakaoUnlinkUri, {
        method: 'POST',
        headers: {
          Authorization: `KakaoAK ${key}`,
          'Content-Type': 'application/x-www-form-urlencoded;charset=utf-8',
        },
        body: new URLSearchParams({ target_id_type: 'user_id', target_id: kakaoUserId }).toString(),
        signal: AbortSignal.timeout(KAKAO_TIMEOUT_MS),
      });
    } catch (error) {
      throw new KakaoUnlinkError(`kakao unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    if (response.status !== 200 || String(record.id) !== kakaoUserId) {
      throw new KakaoUnlinkError('kakao refused the unlink', response.status, record.code);
    }
  }
}
