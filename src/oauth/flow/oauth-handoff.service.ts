import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type { Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { type LoginResult, AuthService } from '../../auth/auth.service.js';
import { KeyValueStore } from '../../common/store/key-value.store.js';
import { AppException } from '../../common/errors/app.exception.js';
import { ERRORS } from '../../common/errors/error-catalogue.js';
import { Clock } from '../../common/time/clock.js';
import { oauthConfig } from '../../config/oauth.config.js';
import type { OAuthFailure } from './oauth-failure.js';

/** Lifetime of a `code` hand-off (SPEC §3). */
export const HANDOFF_CODE_TTL_MS = 60_000;

/** Store key of a hand-off code: only its hash, so the store never holds a usable code. */
export const handoffKey = (code: string) => `oauth-handoff:${createHash('sha256').update(code).digest('base64url')}`;

interface HandoffRecord {
  userId: number;
  expiresAt: number;
}

/** `uri` plus encoded parameters after `?` (or `&` when it has a query already) or after `#`. */
export function withParams(uri: string, params: Record<string, string | undefined>, separator: '?' | '#'): string {
  const encoded = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&');
  const joiner = separator === '#' ? '#' : uri.includes('?') ? '&' : '?';
  return `${uri}${joiner}${encoded}`;
}

/** A redirect the browser follows without telling the target where it came from, and never caches. */
export function sendRedirect(res: Response, location: string): void {
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.redirect(302, location);
}

/**
 * How a finished social login reaches the SPA [OAUTH2_TOKEN_DELIVERY]:
 * tokens in the query (the seed's contract) or fragment, or a one-time
 * code (60 s) the SPA trades at `POST /api/auth/oauth2/token`. In `code`
 * mode no session exists until the code is traded.
 */
@Injectable()
export class OAuthHandoffService {
  constructor(
    @Inject(oauthConfig.KEY) private readonly oauth: ConfigType<typeof oauthConfig>,
    private readonly auth: AuthService,
    private readonly store: KeyValueStore,
    private readonly clock: Clock,
  ) {}

  async successLocation(userId: number, redirectUri: string | undefined): Promise<string> {
    const target = redirectUri ?? this.oauth.redirectUri;
    if (this.oauth.tokenDelivery === 'code') {
      const code = randomBytes(32).toString('base64url');
      const record: HandoffRecord = { userId, expiresAt: this.clock.now() + HANDOFF_CODE_TTL_MS };
      await this.store.set(handoffKey(code), JSON.stringify(record), HANDOFF_CODE_TTL_MS);
      return withParams(target, { code }, '?');
    }
    const { accessToken, refreshToken } = await this.auth.issueLogin(userId);
    return withParams(target, { accessToken, refreshToken }, this.oauth.tokenDelivery === 'fragment' ? '#' : '?');
  }

  failureLocation(failure: OAuthFailure, traceId: string): string {
    return withParams(
      failure.redirectUri ?? this.oauth.failureRedirectUri,
      {
        error: failure.errorCode,
        message: ERRORS[failure.errorCode].message,
        traceId,
        providerError: failure.providerError,
      },
      '?',
    );
  }

  /** Trades a hand-off code for the login data, once and within 60 s (taken from the store atomically). */
  async exchange(code: string): Promise<LoginResult> {
    const raw = code.length <= 256 ? await this.store.take(handoffKey(code)) : null;
    const record = raw === null ? null : (JSON.parse(raw) as HandoffRecord);
    if (!record || record.expiresAt <= this.clock.now()) throw new AppException('INVALID_STATE');
    return this.auth.issueLogin(record.userId);
  }

  /** The `redirect_uri` of a start URL: absent, or exactly one of OAUTH2_ALLOWED_REDIRECT_URIS. */
  allowedRedirect(given: unknown): string | undefined {
    if (given === undefined || (typeof given === 'string' && given.trim() === '')) return undefined;
    if (
      typeof given === 'string' &&
      (given === this.oauth.redirectUri || this.oauth.allowedRedirectUris.includes(given))
    ) {
      return given;
    }
    throw new AppException('REDIRECT_URI_NOT_ALLOWED');
  }
}
